/** POST/GET /v1/scheme-comparisons and the SchemeComparisonRun job over in-memory stores, on ingested dev cases. */
import { admin, analyst, call, devLines, ensureReference, hosp1, ingestThrough, lakeBucket, storedJson } from './harness.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupCase, type GroupingInput } from '../../../models/grouping/drg/grouper.ts';
import { createSchemeComparisonHandler } from '../../../lambdas/http/scheme-comparisons-create.ts';
import { getSchemeComparisonHandler } from '../../../lambdas/http/scheme-comparisons-get.ts';
import { schemeComparisonRunHandler } from '../../../lambdas/jobs/scheme-comparison.ts';
import * as k from '../../../lambdas/shared/keys.ts';
import { schemeById } from '../../../lambdas/shared/reference.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';

describe('scheme comparisons', () => {
  const ports = memoryPorts(testClock('2026-01-10T08:00:00Z'));
  const create = createSchemeComparisonHandler(ports);
  const get = getSchemeComparisonHandler(ports);
  const runJob = schemeComparisonRunHandler(ports);
  const lines: string[] = [];

  beforeAll(async () => {
    await ensureReference();
    for (const h of ['HOSP001', 'HOSP002', 'HOSP003']) {
      const some = await devLines(h, 30);
      const answer = await ingestThrough(ports, admin, some);
      expect(answer.status).toBe(200);
      // The records ingest refused are not stored, so not compared.
      const refused = new Set((answer.body.errors as { index: number }[]).map((e) => e.index));
      lines.push(...some.filter((_, i) => !refused.has(i)));
    }
  });

  it('POST queues a comparison; the job regroups the stored cases under both schemes; GET serves the transitions and figures', async () => {
    const created = await call(create, { caller: analyst, method: 'POST', body: { schemes: ['chs-drg-1.1', 'suzhou_2023'], from: '2025-01', to: '2025-12' } });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    expect(created.headers.location).toBe(`/v1/scheme-comparisons/${id}`);
    expect(created.body).toMatchObject({ status: 'queued', request: { schemes: ['chs-drg-1.1', 'suzhou_2023'], from: '2025-01', to: '2025-12', hospitalIds: null } });
    expect(await storedJson(ports.objects, lakeBucket, k.schemeComparisonRequestKey(id))).toEqual({ schemes: ['chs-drg-1.1', 'suzhou_2023'], from: '2025-01', to: '2025-12' });
    expect((await call(get, { caller: analyst, params: { id } })).body.status).toBe('queued');

    expect(await runJob({ key: k.schemeComparisonRequestKey(id) })).toEqual({ id, status: 'succeeded' });
    expect(await runJob({ id })).toEqual({ id, status: 'skipped' }); // a redelivered event

    const out = await call(get, { caller: admin, params: { id } });
    expect(out.status).toBe(200);
    const result = out.body.result;
    // The same cases grouped here, directly, under each held pack: the changes the job must find.
    const national = schemeById('chs-drg-1.1').pack;
    const suzhou = schemeById('suzhou_2023').pack;
    const records = lines.map((l) => JSON.parse(l) as GroupingInput & { totalCost?: number });
    const withCost = records.filter((r) => r.totalCost !== undefined);
    const changed = withCost.filter((r) => {
      const a = groupCase(national, r, { trace: false });
      const b = groupCase(suzhou, r, { trace: false });
      return a.status !== b.status || a.drg !== b.drg;
    }).length;
    expect(result.cases).toBe(withCost.length);
    expect(result.skipped.withoutCost).toBe(records.length - withCost.length);
    expect(result.changed.drg).toBe(changed);
    expect(changed).toBeGreaterThan(0);
    expect(out.body).toMatchObject({ status: 'succeeded', progress: { phase: 'done' }, summary: { cases: withCost.length, changedDrg: changed, from: '2025-01', to: '2025-12' } });
    expect(result.schemes.map((s: { id: string }) => s.id)).toEqual(['chs-drg-1.1', 'suzhou_2023']);
    expect(result.transitions.drg.reduce((s: number, t: { cases: number }) => s + t.cases, 0)).toBe(result.cases);
    expect(result.hospitals.map((h: { hospitalId: string }) => h.hospitalId)).toEqual(['HOSP001', 'HOSP002', 'HOSP003']);
    expect(result.schemes[0].cmi).toBeCloseTo(1, 12);
  });

  it('with a DRG policy, prices each scheme\'s cases by it: a budget policy pays the budget to the cent under each scheme, and each hospital\'s payment and change are in the result', async () => {
    const policy = { name: 'budget two million', method: 'drg', referenceYears: [2025], settlementYear: 2025, budget: 2_000_000 };
    const created = await call(create, { caller: analyst, method: 'POST', body: { schemes: ['chs-drg-1.1', 'suzhou_2023'], from: '2025-01', to: '2025-12', policy } });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    expect(await storedJson(ports.objects, lakeBucket, k.schemeComparisonRequestKey(id))).toEqual({ schemes: ['chs-drg-1.1', 'suzhou_2023'], from: '2025-01', to: '2025-12', policy });
    await runJob({ id });
    const done = (await call(get, { caller: analyst, params: { id } })).body;
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: undefined });
    const result = done.result;
    expect(result.policy).toMatchObject({ name: 'budget two million', version: '1', payment: [2_000_000, 2_000_000] });
    expect(result.schemes.map((s: { weightSource: string }) => s.weightSource)).toEqual(['policy', 'policy']);
    const hospitals = result.hospitals as { payment: [number, number]; paymentChange: number; paymentChangeShare: number }[];
    expect(hospitals.length).toBe(3);
    for (const i of [0, 1]) expect(Math.round(hospitals.reduce((sum, h) => sum + h.payment[i]! * 100, 0))).toBe(200_000_000);
    for (const h of hospitals) {
      expect(Math.round(h.paymentChange * 100)).toBe(Math.round((h.payment[1] - h.payment[0]) * 100));
      expect(h.paymentChangeShare).toBeCloseTo(h.paymentChange / h.payment[0], 4); // fractions leave the service rounded to 4 decimals
    }
    // Moving cases between groups moves money between hospitals: not every hospital is paid the same under both.
    expect(hospitals.some((h) => Math.abs(h.paymentChange) >= 0.01)).toBe(true);
  });

  it('refuses a DIP policy, an invalid DRG policy and a payment table the deployment does not hold (422 at the policy\'s own paths)', async () => {
    const body = (policy: Record<string, unknown>) => ({ schemes: ['chs-drg-1.1', 'suzhou_2023'], policy });
    const dip = await call(create, { caller: analyst, method: 'POST', body: body({ method: 'dip', referenceYears: [2025], settlementYear: 2025, pointValue: 10 }) });
    expect(dip.status).toBe(422);
    expect(dip.body.problems).toContainEqual(expect.objectContaining({ path: 'policy.method' }));
    const bad = await call(create, { caller: analyst, method: 'POST', body: body({ method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 9000, outliers: { low: 2 } }) });
    expect(bad.status).toBe(422);
    expect(bad.body.problems).toEqual([expect.objectContaining({ path: 'policy.outliers.low' })]);
    const table = await call(create, { caller: analyst, method: 'POST', body: body({ method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 9000, weightsTable: 'atlantis-2025' }) });
    expect(table.status).toBe(422);
    expect(table.body.problems[0]).toMatchObject({ path: 'policy.weightsTable' });
  });

  it('refuses hospital keys (403), a scheme the deployment does not hold (422 naming the held ones), one scheme (422); unknown ids are 404', async () => {
    expect((await call(create, { caller: hosp1, method: 'POST', body: { schemes: ['chs-drg-1.1', 'suzhou_2023'] } })).status).toBe(403);
    const unknown = await call(create, { caller: analyst, method: 'POST', body: { schemes: ['chs-drg-1.1', 'suzhou'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.problems[0]).toMatchObject({ path: 'schemes.1', message: expect.stringContaining('it holds chs-drg-1.1') });
    const one = await call(create, { caller: analyst, method: 'POST', body: { schemes: ['chs-drg-1.1'] } });
    expect(one.status).toBe(422);
    expect(one.body.problems[0].path).toBe('schemes');
    expect((await call(get, { caller: analyst, params: { id: 'aaaaaaaa-0000' } })).status).toBe(404);
    expect((await call(get, { caller: hosp1, params: { id: 'aaaaaaaa-0000' } })).status).toBe(403);
  });

  it('a period without stored cases fails with a sentence saying so', async () => {
    const created = await call(create, { caller: analyst, method: 'POST', body: { schemes: ['chs-drg-1.1', 'suzhou_2023'], from: '2019-01', to: '2019-02' } });
    const id = created.body.id as string;
    expect(await runJob({ id })).toEqual({ id, status: 'failed' });
    expect((await call(get, { caller: analyst, params: { id } })).body).toMatchObject({ status: 'failed', error: expect.stringContaining('holds no stored case') });
  });
});

describe('reading a scheme comparison status while it is rewritten', () => {
  it('tries a half-written status again instead of answering 500', async () => {
    const { readStatus } = await import('../../../lambdas/jobs/scheme-comparison.ts');
    const whole = JSON.stringify({ id: 'x', status: 'running' });
    let reads = 0;
    const objects = { get: async () => new TextEncoder().encode(++reads < 3 ? whole.slice(0, 9) : whole), put: async () => {}, list: async () => [] };
    expect(await readStatus(objects, 'x')).toEqual({ id: 'x', status: 'running' });
    expect(reads).toBe(3);
    reads = -100;
    await expect(readStatus(objects, 'x', 2)).rejects.toThrow(SyntaxError);
  });
});
