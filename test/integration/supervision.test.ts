/**
 * Supervision runs against real dynalite and s3rver: a small synthetic lake with injected abuse
 * patterns (`payreform synth --inject`) is ingested like any hospital data (pseudonymised, grouped,
 * written to the lake), then screened by a run started through the POST handler and by the
 * monthly schedule's function — the same functions the Lambda runs. Checks the ranking, the
 * injected split admissions found with their evidence, what a hospital key sees, and the schedule.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, referenceAvailable, referencePath } from '../../lib/reference.ts';
import { startStorage, type Storage } from './storage.ts';

let storage: Storage;
let m: {
  ingest: typeof import('../../lambdas/shared/ingest.ts');
  objects: typeof import('../../lambdas/shared/object-store.ts');
  deps: typeof import('../../lambdas/shared/deps.ts');
  job: typeof import('../../lambdas/jobs/supervision.ts');
  store: typeof import('../../lambdas/shared/supervision-store.ts');
  view: typeof import('../../lambdas/http/supervision-runs-get.ts');
  create: typeof import('../../lambdas/http/supervision-runs-create.ts');
};

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-supervision-'));
const labels = new Map<string, string[]>();
const discharge = new Map<string, string>();
const inPeriod = (listId: string): boolean => discharge.get(listId)! >= '2025-01-01' && discharge.get(listId)! <= '2025-06-30';

beforeAll(async () => {
  const synth = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'payreform.mjs'), 'synth', '--seed', '3', '--hospitals', '6', '--years', '2025', '--cases-per-year', '6000',
    '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', dir, '--threads', '1', '--inject', 'split-admission=0.02,upcoding=0.03,frequent-admission=0.01,high-cost=0.01'], { encoding: 'utf8' });
  expect(synth.status, synth.stderr).toBe(0);
  for (const l of readFileSync(path.join(dir, 'truth-2025.jsonl'), 'utf8').trim().split('\n')) {
    const t = JSON.parse(l) as { listId: string; patterns: string[] };
    if (t.patterns.length > 0) labels.set(t.listId, t.patterns);
  }
  storage = await startStorage();
  m = {
    ingest: await import('../../lambdas/shared/ingest.ts'),
    objects: await import('../../lambdas/shared/object-store.ts'),
    deps: await import('../../lambdas/shared/deps.ts'),
    job: await import('../../lambdas/jobs/supervision.ts'),
    store: await import('../../lambdas/shared/supervision-store.ts'),
    view: await import('../../lambdas/http/supervision-runs-get.ts'),
    create: await import('../../lambdas/http/supervision-runs-create.ts'),
  };
  // The first half of the year, ingested as an admin key in batches (pseudonymised, grouped, lake).
  const lines = readFileSync(path.join(dir, 'settlement-2025.jsonl'), 'utf8').trim().split('\n').filter((l) => {
    const r = JSON.parse(l) as { listId: string; dischargeDate: string };
    discharge.set(r.listId, r.dischargeDate);
    return r.dischargeDate <= '2025-06-30';
  });
  for (let i = 0; i < lines.length; i += 1000) {
    const r = await m.ingest.ingestBatch({ principal: { role: 'admin' }, body: lines.slice(i, i + 1000).join('\n'), contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: new Date('2025-07-02T10:00:00Z'), ...m.deps.awsDeps });
    for (const e of r.errors) if (e.listId) discharge.delete(e.listId); // rejected at ingest: not in the lake
  }
}, 300_000);
afterAll(async () => {
  await storage?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (body: unknown, role: 'analyst' | 'hospital' = 'analyst'): Promise<{ statusCode: number; body: Record<string, unknown> }> => {
  const event = {
    version: '2.0', routeKey: 'POST /v1/supervision-runs', rawPath: '/v1/supervision-runs', headers: { 'content-type': 'application/json' }, isBase64Encoded: false, body: JSON.stringify(body),
    requestContext: { requestId: 'r1', authorizer: { lambda: role === 'hospital' ? { role, hospitalId: 'HOSP001' } : { role } } },
  } as unknown as APIGatewayProxyEventV2;
  const out = (await m.create.handler(event, { awsRequestId: 'r1', functionName: 'test' } as Context)) as { statusCode: number; body: string };
  return { statusCode: out.statusCode, body: JSON.parse(out.body) as Record<string, unknown> };
};

type Answer = { result: { hospitals: { hospitalId: string; rank: number; risk: number; rules: Record<string, { contribution: number; caseFlags: number }> }[]; cases: number; hospitalsRanked: number; byRule: Record<string, { caseFlags: number }> }; flags?: { total: number; items: { rule: string; listId: string | null; hospitalId: string; evidence: Record<string, unknown> }[]; cursor?: string } };
const answer = async (principal: Parameters<typeof m.view.supervisionRunAnswer>[1], id: string, query: Partial<{ hospitalId: string; rule: 'split-admission' | 'frequent-admission'; limit: number; cursor: string }> = {}): Promise<Answer> => {
  const run = await m.store.getSupervisionRun(id);
  const out = await m.view.supervisionRunAnswer(m.deps.awsDeps, principal, run!, { limit: 50, ...query });
  return out.body as Answer;
};

describe.skipIf(!referenceAvailable())('supervision runs on dynalite + s3rver', () => {
  let id = '';

  it('refuses a rule set the schema does not know, with the field path', async () => {
    const bad = await call({ ruleSet: { rules: { 'split-admission': { windowDay: 10 } } } });
    expect(bad.statusCode).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('ruleSet.rules');
    expect((await call({ from: '2025-03' })).statusCode).toBe(422);
    expect((await call({}, 'hospital')).statusCode).toBe(403);
  });

  it('screens a requested period in one run: ranks every hospital and finds the injected split admissions', async () => {
    const created = await call({ from: '2025-01', to: '2025-06', ruleSet: { rules: { 'split-admission': { windowDays: 15 } } } });
    expect(created.statusCode).toBe(202);
    id = created.body.id as string;
    expect(created.body.status).toBe('queued');
    expect(await m.job.runRequestedSupervision(m.deps.awsDeps, id)).toBe('succeeded');
    expect(await m.job.runRequestedSupervision(m.deps.awsDeps, id)).toBe('skipped'); // a redelivered event
    const run = await m.store.getSupervisionRun(id);
    expect(run?.status).toBe('succeeded');
    expect(run?.progress).toMatchObject({ phase: 'done', partitionsTotal: 36, partitionsDone: 36 });
    expect(run?.summary?.cases).toBe([...discharge.keys()].filter(inPeriod).length);

    const all = await answer({ role: 'analyst' }, id);
    expect(all.result.hospitals.map((h) => h.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    const risks = all.result.hospitals.map((h) => h.risk);
    expect(risks).toEqual([...risks].sort((a, b) => b - a));
    for (const h of all.result.hospitals) expect(Object.keys(h.rules)).toContain('split-admission');

    // Recall of the injected split admissions discharged in the period, over every hospital's flags.
    const flagged = new Set<string>();
    for (const h of all.result.hospitals) {
      let cursor: string | undefined;
      do {
        const page = await answer({ role: 'analyst' }, id, { hospitalId: h.hospitalId, rule: 'split-admission', limit: 200, ...(cursor ? { cursor } : {}) });
        for (const f of page.flags!.items) {
          expect(f.hospitalId).toBe(h.hospitalId);
          expect(String(f.evidence.reason)).toMatch(/readmitted/);
          flagged.add(f.listId!);
        }
        cursor = page.flags!.cursor;
      } while (cursor);
    }
    const injected = [...labels].filter(([listId, p]) => p.includes('split-admission') && discharge.has(listId) && inPeriod(listId)).map(([listId]) => listId);
    expect(injected.length).toBeGreaterThan(10);
    const found = injected.filter((l) => flagged.has(l)).length;
    expect(found / injected.length).toBeGreaterThan(0.8);
    // Evidence carries the pseudonym, never the patientId the hospital sent.
    const some = await answer({ role: 'admin' }, id, { hospitalId: 'HOSP001', rule: 'frequent-admission' });
    expect(JSON.stringify(some.flags)).not.toMatch(/PT\d{10,}/);
  });

  it('shows a hospital key only its own hospital', async () => {
    const own = await answer({ role: 'hospital', hospitalId: 'HOSP002' }, id);
    expect(own.result.hospitals.map((h) => h.hospitalId)).toEqual(['HOSP002']);
    expect(own.result.hospitalsRanked).toBe(6);
    expect(own.flags!.items.every((f) => f.hospitalId === 'HOSP002')).toBe(true);
    expect(JSON.stringify(own)).not.toMatch(/HOSP00[13456]/);
    await expect(answer({ role: 'hospital', hospitalId: 'HOSP002' }, id, { hospitalId: 'HOSP003' })).rejects.toMatchObject({ code: 'forbidden' });
    // A run an analyst asked for some hospitals: a hospital learns only whether it was one of them.
    const queued = { ...(await m.store.getSupervisionRun(id))!, status: 'queued' as const, request: { from: '2025-01', to: '2025-06', hospitalIds: ['HOSP001', 'HOSP002'], ruleSet: { name: 'x', version: '1' } } };
    const seen = await m.view.supervisionRunAnswer(m.deps.awsDeps, { role: 'hospital', hospitalId: 'HOSP002' }, queued, { limit: 50 });
    expect((seen.body as { request: { hospitalIds: string[] } }).request.hospitalIds).toEqual(['HOSP002']);
    expect(JSON.stringify(seen.body)).not.toContain('HOSP001');
  });

  it('runs monthly for the previous month, once, and becomes the latest', async () => {
    const first = await m.job.runMonthlySupervision(m.deps.awsDeps, new Date('2025-04-01T03:00:00Z'));
    expect(first).toEqual({ id: 'monthly-2025-03', status: 'succeeded' });
    expect(await m.job.runMonthlySupervision(m.deps.awsDeps, new Date('2025-04-01T03:00:05Z'))).toEqual({ id: 'monthly-2025-03', status: 'skipped' });
    const run = await m.store.getSupervisionRun('monthly-2025-03');
    expect(run?.trigger).toBe('schedule');
    expect(run?.summary).toMatchObject({ from: '2025-03', to: '2025-03' });
    expect(run?.summary?.cases).toBe([...discharge.values()].filter((d) => d.startsWith('2025-03')).length);
    expect(await m.store.latestSupervisionRunId()).toBe('monthly-2025-03');
  });
});
