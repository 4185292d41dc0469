/**
 * One truth for a simulation: the same DRG policy over the same cases gives the same result
 * document, to the cent, from `payreform simulate` (result.json, in process, one partition) and
 * from the service's job (the state machine's functions over the lake on dynalite + s3rver,
 * partitioned by month and hospital) — with a base rate and with a budget.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devCasesWithMadeUpDetails } from '../../infra/local/demo.ts';
import { projectRoot } from '../../lib/reference.ts';
import { useLocalService } from './storage.ts';
import { stringifyRounded } from '../../models/text/round.ts';

/** Real dynalite and s3rver for this file, and the service's modules once they run. */
const m = useLocalService();
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-parity-'));
const casesFile = path.join(dir, 'cases.jsonl');

beforeAll(async () => {
  const lines = devCasesWithMadeUpDetails().slice(0, 600);
  const r = await m.ingest.ingestBatch({ principal: { role: 'admin' }, body: lines.join('\n'), contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: new Date('2026-01-15T10:00:00Z'), ...m.deps.awsDeps });
  expect(r.accepted).toBeGreaterThan(500);
  // The CLI reads exactly the cases the service stored (ingest refuses a few the CLI would only warn about).
  const refused = new Set(r.errors.map((e) => e.index));
  writeFileSync(casesFile, lines.filter((_, i) => !refused.has(i)).join('\n') + '\n');
}, 120_000);

async function serviceResult(id: string, policy: object): Promise<unknown> {
  const now = new Date().toISOString();
  await m.repo.putJob({ id, status: 'queued', createdAt: now, updatedAt: now, request: {} });
  await m.objects.s3ObjectStore.put(process.env.LAKE_BUCKET!, m.keys.simulationRequestKey(id), JSON.stringify({ policy }));
  await m.sim.runSimulationInProcess(m.deps.awsDeps, id);
  const job = await m.repo.getJob(id);
  expect(job?.error).toBeUndefined();
  expect(job?.status).toBe('succeeded');
  return JSON.parse(Buffer.from((await m.objects.s3ObjectStore.get(process.env.LAKE_BUCKET!, job!.resultKey!))!).toString());
}

function cliResult(name: string, policy: object): unknown {
  const policyFile = path.join(dir, `${name}.json`);
  writeFileSync(policyFile, JSON.stringify(policy));
  const output = path.join(dir, name);
  const run = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'payreform.mjs'), 'simulate', '--cases', casesFile, '--policy', policyFile, '--output', output, '--threads', '1'], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(readFileSync(path.join(output, 'result.json'), 'utf8'));
}

describe('payreform simulate and POST /v1/simulations agree', () => {
  it.each([
    ['base-rate', { method: 'drg', name: 'parity base rate', referenceYears: [2025], settlementYear: 2025, baseRate: 9_876.54 }],
    ['budget', { method: 'drg', name: 'parity budget', referenceYears: [2025], settlementYear: 2025, budget: 12_345_678.91 }],
  ])('give the same result document (%s), to the cent', async (name, policy) => {
    const service = await serviceResult(`parity-${name}`, policy);
    const cli = cliResult(name, policy);
    // Both outputs round at their boundary the same way: the file as written, the stored document as GET /v1/simulations/{id} answers it.
    expect(cli).toEqual(JSON.parse(stringifyRounded(service)));
    const doc = service as { totals: { payment: number; cases: number }; hospitals: { paymentCents: number }[] };
    expect(doc.totals.cases).toBeGreaterThan(300);
    expect(doc.hospitals.length).toBe(5);
    // Hospitals' payments add up to the total, leftover cents included.
    expect(doc.hospitals.reduce((s, h) => s + h.paymentCents, 0)).toBe(Math.round(doc.totals.payment * 100));
    if ('budget' in policy) expect(Math.round(doc.totals.payment * 100)).toBe(Math.round(policy.budget * 100));
  }, 180_000);
});
