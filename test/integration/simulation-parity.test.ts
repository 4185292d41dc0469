/**
 * One truth for a simulation: the same policy over the same cases gives the same result
 * document, to the cent, from `payreform simulate` (result.json, in process, one partition) and
 * from the service's job (the state machine's functions over the lake on dynalite + s3rver,
 * partitioned by month and hospital) — DRG with a base rate and with a budget; DIP with one
 * pool and with employee and resident funds, per-packet coefficients and special review.
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
  // Hospital levels, insurance funds and ICU hours for DIP (DRG payments do not read them: every level coefficient is 1).
  const levels = [3, 3, 2, 2, 1];
  const lines = devCasesWithMadeUpDetails().slice(0, 600).map((line, i) => {
    const r = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify({ ...r, hospitalLevel: levels[i % 5], insuranceType: i % 3 === 0 ? 'resident' : 'employee', ...(i % 11 === 0 ? { icuHours: 20 + (i % 7) * 40 } : {}) });
  });
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
    const { scheme, ...service } = JSON.parse(stringifyRounded(await serviceResult(`parity-${name}`, policy))) as { scheme: { regrouped: boolean; stored: { id: string | null }[] } };
    const { scheme: _cliScheme, ...cli } = cliResult(name, policy) as { scheme?: unknown };
    // Both outputs round at their boundary the same way: the file as written, the stored document as GET /v1/simulations/{id} answers it.
    expect(cli).toEqual(service);
    // The service says which scheme grouped the cases: the stored groups, all by the national 1.1 text the CLI groups by.
    expect(scheme.regrouped).toBe(false);
    expect(scheme.stored.map((s) => s.id)).toEqual(['chs-drg-1.1']);
    const doc = service as { totals: { payment: number; cases: number }; hospitals: { paymentCents: number }[] };
    expect(doc.totals.cases).toBeGreaterThan(300);
    expect(doc.hospitals.length).toBe(5);
    // Hospitals' payments add up to the total, leftover cents included.
    expect(doc.hospitals.reduce((s, h) => s + h.paymentCents, 0)).toBe(Math.round(doc.totals.payment * 100));
    if ('budget' in policy) expect(Math.round(doc.totals.payment * 100)).toBe(Math.round(policy.budget * 100));
  }, 180_000);
});

describe('payreform simulate and POST /v1/simulations agree on DIP policies', () => {
  it.each([
    ['dip-budget', { method: 'dip', name: 'parity DIP', referenceYears: [2025], settlementYear: 2025, budget: 1_234_567.89, fundRatio: 0.8, yearStartTrim: [0.01, 0.99], surplusRetention: 0.6, overspendShare: 0.5 }],
    ['dip-funds', { method: 'dip', name: 'parity DIP funds', referenceYears: [2025], settlementYear: 2025, hospitalCoefficients: 'packet', specialReview: { threshold: 1.5, capPerMille: 5 }, funds: { employee: { budget: 1_500_000, fundRatio: 0.85 }, resident: { budget: 800_000.01, fundRatio: 0.6 } } }],
  ])('give the same result document (%s), to the cent', async (name, policy) => {
    // As in the DRG case: the file as written, the stored document as GET /v1/simulations/{id} answers it (both rounded at their boundary).
    const service = JSON.parse(stringifyRounded(await serviceResult(`parity-${name}`, policy))) as unknown;
    const cli = cliResult(name, policy);
    expect(cli).toEqual(service);
    const doc = service as { method: string; totals: { payment: number; cases: number; prepaid: number; yearEnd: number }; funds: { budget: number; cleared: number; yearStartPointValue: number; settlementPointValue: number }[]; hospitals: { cleared: number; hospitalId: string }[]; specialReview: { approved: number; cap: number } };
    expect(doc.method).toBe('dip');
    expect(doc.totals.cases).toBeGreaterThan(300);
    expect(new Set(doc.hospitals.map((h) => h.hospitalId)).size).toBe(5);
    // Each fund clears its budget to the cent; the hospitals' clearings add up to it; prepaid + year end = payment.
    for (const f of doc.funds) {
      expect(Math.round(f.cleared * 100)).toBe(Math.round(f.budget * 100));
      expect(f.yearStartPointValue).toBeGreaterThan(0);
      expect(f.settlementPointValue).toBeGreaterThan(0);
    }
    expect(Math.round(doc.hospitals.reduce((s, h) => s + h.cleared, 0) * 100)).toBe(Math.round(doc.totals.payment * 100));
    expect(Math.round((doc.totals.prepaid + doc.totals.yearEnd) * 100)).toBe(Math.round(doc.totals.payment * 100));
    expect(doc.specialReview.approved).toBeLessThanOrEqual(doc.specialReview.cap);
    if ('funds' in policy) expect(doc.funds.map((f) => (f as unknown as { fund: string }).fund)).toEqual(['employee', 'resident']);
  }, 180_000);

  it('refuses a DIP policy that names a catalogue file, with the field path', async () => {
    const { parseServicePolicy } = await import('../../models/payment/policy.ts');
    expect(() => parseServicePolicy({ method: 'dip', referenceYears: [2025], settlementYear: 2025, budget: 1, catalog: 'catalog.json' })).toThrow(/catalog names a file, and the service reads none/);
  });
});
