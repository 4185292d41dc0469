/** POST/GET /v1/supervision-runs, GET /v1/supervision-runs/latest and the SupervisionRun job over in-memory stores. */
import { admin, analyst, call, devLines, ensureReference, hosp1, hosp2, ingestThrough, lakeBucket, storedJson } from './harness.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSupervisionRunHandler } from '../../../lambdas/http/supervision-runs-create.ts';
import { getSupervisionRunHandler } from '../../../lambdas/http/supervision-runs-get.ts';
import { latestSupervisionRunHandler } from '../../../lambdas/http/supervision-runs-latest.ts';
import { supervisionRunHandler } from '../../../lambdas/jobs/supervision-run.ts';
import * as k from '../../../lambdas/shared/keys.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';

describe('supervision runs', () => {
  const ports = memoryPorts(testClock('2026-01-10T08:00:00Z'));
  const create = createSupervisionRunHandler(ports);
  const get = getSupervisionRunHandler(ports);
  const latest = latestSupervisionRunHandler(ports);
  const runJob = supervisionRunHandler(ports);

  beforeAll(async () => {
    await ensureReference();
    for (const h of ['HOSP001', 'HOSP002', 'HOSP003']) expect((await ingestThrough(ports, admin, await devLines(h, 30))).status).toBe(200);
  });

  describe('supervision runs', () => {
    it('404 from latest before any run has succeeded', async () => {
      expect((await call(latest, { caller: analyst })).status).toBe(404);
    });

    it('POST stores a queued run and its request; the job screens the period; GET serves ranking and counts; latest points at it', async () => {
      const created = await call(create, { caller: analyst, method: 'POST', body: { from: '2025-01', to: '2025-12' } });
      expect(created.status).toBe(202);
      const id = created.body.id as string;
      expect(created.headers.location).toBe(`/v1/supervision-runs/${id}`);
      expect(created.body).toMatchObject({ status: 'queued', trigger: 'api', request: { from: '2025-01', to: '2025-12', hospitalIds: null }, progress: { phase: 'queued' } });
      expect(await storedJson(ports.objects, lakeBucket, k.supervisionRequestKey(id))).toMatchObject({ from: '2025-01', to: '2025-12', ruleSet: expect.any(Object) });

      expect(await runJob({ key: k.supervisionRequestKey(id) })).toEqual({ id, status: 'succeeded' });
      expect(await runJob({ id })).toEqual({ id, status: 'skipped' }); // a redelivered event

      const out = await call(get, { caller: analyst, params: { id } });
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ id, status: 'succeeded', progress: { phase: 'done' }, summary: { hospitals: 3, from: '2025-01', to: '2025-12' } });
      expect(out.body.result.hospitals.map((h: { hospitalId: string }) => h.hospitalId).sort()).toEqual(['HOSP001', 'HOSP002', 'HOSP003']);
      expect(out.body.result.cases).toBe(out.body.summary.cases);
      expect(await call(latest, { caller: admin })).toMatchObject({ status: 200, body: { id } });
    });

    it('a hospital key sees its own entry, counts and flags only; naming another hospital is 403', async () => {
      const id = (await ports.supervisionRuns.latestId())!;
      const own = await call(get, { caller: hosp1, params: { id } });
      expect(own.status).toBe(200);
      expect(own.body.result.hospitals.map((h: { hospitalId: string }) => h.hospitalId)).toEqual(['HOSP001']);
      expect(own.body.result.hospitalsRanked).toBe(3);
      expect(own.body).not.toHaveProperty('summary');
      expect(own.body.flags).toMatchObject({ hospitalId: 'HOSP001' });
      for (const flag of own.body.flags.items as { hospitalId: string }[]) expect(flag.hospitalId).toBe('HOSP001');
      expect((await call(get, { caller: hosp1, params: { id }, query: { hospitalId: 'HOSP002' } })).status).toBe(403);
      expect((await call(latest, { caller: hosp2 })).body.result.hospitals.map((h: { hospitalId: string }) => h.hospitalId)).toEqual(['HOSP002']);
      const analystsPage = await call(get, { caller: analyst, params: { id }, query: { hospitalId: 'HOSP002', limit: '1' } });
      expect(analystsPage.body.flags.hospitalId).toBe('HOSP002');
      expect(analystsPage.body.flags.items.length).toBeLessThanOrEqual(1);
    });

    it('the monthly schedule screens the previous month once', async () => {
      expect(await runJob({ time: '2025-04-01T03:00:00Z' })).toEqual({ id: 'monthly-2025-03', status: 'succeeded' });
      expect(await runJob({ time: '2025-04-01T03:00:05Z' })).toEqual({ id: 'monthly-2025-03', status: 'skipped' });
      expect((await call(get, { caller: analyst, params: { id: 'monthly-2025-03' } })).body).toMatchObject({ trigger: 'schedule', request: { from: '2025-03', to: '2025-03' }, status: 'succeeded' });
    });

    it('refuses hospital keys (403), a wrong rule set (422 under ruleSet), half a period (422); unknown runs are 404', async () => {
      expect((await call(create, { caller: hosp1, method: 'POST', body: {} })).status).toBe(403);
      const rules = await call(create, { caller: analyst, method: 'POST', body: { ruleSet: { rules: { 'split-admission': { windowDays: -3 } } } } });
      expect(rules.status).toBe(422);
      expect(rules.body.problems[0].path).toMatch(/^ruleSet\./);
      const half = await call(create, { caller: analyst, method: 'POST', body: { from: '2025-01' } });
      expect(half.status).toBe(422);
      expect(half.body.problems[0].path).toBe('from');
      expect((await call(get, { caller: analyst, params: { id: 'aaaaaaaa-0000' } })).status).toBe(404);
      expect((await call(get, { caller: analyst, params: { id: 'NOT_AN_ID' } })).status).toBe(422);
    });
  });
});
