/**
 * POST/GET /v1/simulations and the simulation job — in-process (the local stack's runner) and as
 * the state machine's tasks (coordinator, partition map items, steps) — over in-memory stores.
 */
import { admin, analyst, call, devLines, ensureReference, hosp1, ingestThrough, lakeBucket, storedJson } from './harness.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSimulationHandler } from '../../../lambdas/http/simulations-create.ts';
import { getSimulationHandler } from '../../../lambdas/http/simulations-get.ts';
import { coordinatorHandler } from '../../../lambdas/jobs/simulation-coordinator.ts';
import { partitionHandler } from '../../../lambdas/jobs/simulation-partition.ts';
import { stepHandler } from '../../../lambdas/jobs/simulation-step.ts';
import { runSimulationInProcess, type Phase } from '../../../lambdas/jobs/simulation.ts';
import * as k from '../../../lambdas/shared/keys.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';

describe('simulations', () => {
  const ports = memoryPorts(testClock('2026-03-01T09:00:00Z'));
  const create = createSimulationHandler(ports);
  const get = getSimulationHandler(ports);
  const policy = { method: 'drg', referenceYears: [2025], settlementYear: 2025, budget: 2_000_000 };
  let cases = 0;

  beforeAll(async () => {
    await ensureReference();
    const lines = [...(await devLines('HOSP001', 40)), ...(await devLines('HOSP002', 40))];
    cases = (await ingestThrough(ports, admin, lines)).body.accepted as number;
  });

  async function start(body: object = { year: '2025', policy }): Promise<string> {
    const out = await call(create, { caller: analyst, method: 'POST', body });
    expect(out.status).toBe(202);
    return out.body.id as string;
  }

  describe('POST /v1/simulations', () => {
    it('stores a queued job and the request object that starts it; answers 202 with Location', async () => {
      const out = await call(create, { caller: admin, method: 'POST', body: { year: '2025', policy, hospitalIds: ['HOSP001'] } });
      expect(out.status).toBe(202);
      expect(out.headers.location).toBe(`/v1/simulations/${out.body.id}`);
      expect(out.body).toMatchObject({ status: 'queued', createdAt: '2026-03-01T09:00:00.000Z', progress: { partitionsDone: 0, partitionsTotal: null, casesRead: 0 } });
      expect(await ports.simulations.get(out.body.id)).toMatchObject({ id: out.body.id, status: 'queued' });
      expect(await storedJson(ports.objects, lakeBucket, k.simulationRequestKey(out.body.id))).toEqual({ policy, hospitalIds: ['HOSP001'] });
    });

    it('refuses hospital keys (403), a policy the payment model rejects (422 under policy.*) and a malformed year (422); year is optional (the policy\'s years choose the cases)', async () => {
      expect((await call(create, { caller: hosp1, method: 'POST', body: { year: '2025', policy } })).status).toBe(403);
      const bad = await call(create, { caller: analyst, method: 'POST', body: { year: '2025', policy: { ...policy, method: 'lottery' } } });
      expect(bad.status).toBe(422);
      expect(bad.body.problems.length).toBeGreaterThan(0);
      expect(bad.body.problems.every((p: { path: string }) => p.path.startsWith('policy'))).toBe(true);
      const badYear = await call(create, { caller: analyst, method: 'POST', body: { year: '25', policy } });
      expect(badYear.status).toBe(422);
      expect(badYear.body.problems[0].path).toBe('year');
      expect((await call(create, { caller: analyst, method: 'POST', body: { policy } })).status).toBe(202);
    });

    it('uses year, never ignores it: a policy without settlementYear takes it; another settlementYear is a 422 naming both', async () => {
      const { settlementYear: _s, ...withoutYear } = policy;
      const taken = await call(create, { caller: analyst, method: 'POST', body: { year: '2025', policy: withoutYear } });
      expect(taken.status).toBe(202);
      expect(await storedJson<{ policy: { settlementYear: number } }>(ports.objects, lakeBucket, k.simulationRequestKey(taken.body.id))).toMatchObject({ policy: { settlementYear: 2025 } });
      const clash = await call(create, { caller: analyst, method: 'POST', body: { year: '2024', policy } });
      expect(clash.status).toBe(422);
      expect(clash.body.problems).toEqual([{ code: 'inconsistent', path: 'year', message: expect.stringContaining('year 2024 is not the policy\'s settlementYear 2025') }]);
      expect((await call(create, { caller: analyst, method: 'POST', body: { policy: withoutYear } })).status).toBe(422);
    });
  });

  describe('a policy weighted by a city payment table (weightsTable)', () => {
    it('names a table the deployment holds; an unknown name is a 422 at policy.weightsTable listing the tables held', async () => {
      const out = await call(create, { caller: analyst, method: 'POST', body: { year: '2025', policy: { ...policy, weightsTable: 'atlantis-2025.csv' } } });
      expect(out.status).toBe(422);
      expect(out.body.problems).toHaveLength(1);
      expect(out.body.problems[0]).toMatchObject({ code: 'invalid-value', path: 'policy.weightsTable' });
      expect(out.body.problems[0].message).toMatch(/"atlantis-2025\.csv" is not a payment table this deployment holds; it holds .*linyi-2022\.csv.*suzhou-2023\.csv/);
      const path = await call(create, { caller: analyst, method: 'POST', body: { year: '2025', policy: { ...policy, weightsTable: '../payment-table.csv' } } });
      expect(path.status).toBe(422);
      const column = await call(create, { caller: analyst, method: 'POST', body: { year: '2025', policy: { ...policy, weightsTable: 'linyi-2022', weightsColumn: '权重' } } });
      expect(column.status).toBe(422);
      expect(column.body.problems[0]).toMatchObject({ path: 'policy.weightsColumn', message: expect.stringContaining('its columns are "DRG编码", "DRG名称", "RW"') });
    });

    it('pays by the table\'s RW: the result names the table and the groups it lacks, and pays the budget', async () => {
      const id = await start({ year: '2025', policy: { ...policy, weightsTable: 'linyi-2022' } });
      await runSimulationInProcess(ports, id);
      const out = await call(get, { caller: analyst, params: { id } });
      expect(out.body.error).toBeUndefined();
      expect(out.body.status).toBe('succeeded');
      const { weights, totals } = out.body.result;
      expect(weights.source).toEqual({ table: 'linyi-2022.csv', column: 'RW' });
      expect(weights.relativeWeights.BR21).toBeGreaterThan(0);
      expect(Object.keys(weights.relativeWeights).length).toBeGreaterThan(500);
      expect(Array.isArray(weights.unweighted)).toBe(true);
      expect(totals.payment).toBeCloseTo(2_000_000, 2);
    });
  });

  describe('the simulation job', () => {
    it('in process: runs to succeeded and GET /v1/simulations/{id} serves the result, paying the budget over every case', async () => {
      const id = await start();
      expect((await call(get, { caller: analyst, params: { id } })).body).toMatchObject({ status: 'queued' });
      await runSimulationInProcess(ports, id);
      const out = await call(get, { caller: analyst, params: { id } });
      expect(out.body.error).toBeUndefined();
      expect(out.body.status).toBe('succeeded');
      // Rounded at the output boundary: amounts to the cent, ratios to 4 decimals, weights and rates to 6, no float noise.
      expect(out.text).not.toMatch(/\d\.\d{7,}/);
      const fine = [...out.text.matchAll(/"(\w+)":-?\d+\.\d{5,6}[,}\]]/g)].map((m) => m[1]!);
      // … and only pricing figures (or a DRG's entry in relativeWeights) carry 5 or 6.
      expect(fine.filter((key) => !/(weight|rw|pointvalue|coefficient|points|yearstartderived|baserate)s?$/i.test(key) && !/^[A-Z]{2}[0-9A-Z]{1,4}$/.test(key))).toEqual([]);
      expect(out.body.progress.partitionsDone).toBe(out.body.progress.partitionsTotal);
      expect(out.body.progress.casesRead).toBe(cases);
      expect(out.body.result.totals.cases).toBe(cases);
      expect(out.body.result.totals.payment).toBeCloseTo(2_000_000, 2);
      expect(out.body.result.hospitals.map((h: { hospitalId: string }) => h.hospitalId).sort()).toEqual(['HOSP001', 'HOSP002']);
      expect(out.body.summary).toMatchObject({ cases, hospitals: 2 });
    });

    it('as the state machine\'s tasks gives the same result document; a redelivered partition counts once', async () => {
      const inProcess = await start();
      await runSimulationInProcess(ports, inProcess);
      const id = await start();
      const coordinated = await coordinatorHandler(ports)({ key: k.simulationRequestKey(id) });
      expect(coordinated).toMatchObject({ id, budget: true });
      const items = (await storedJson<{ id: string; partition: string }[]>(ports.objects, lakeBucket, coordinated.manifestKey))!;
      expect(items).toHaveLength(coordinated.partitions);
      const map = async (phase: Phase): Promise<void> => {
        for (const item of items) await partitionHandler(ports)({ ...item, phase });
      };
      await map('weights');
      await partitionHandler(ports)({ ...items[0]!, phase: 'weights' }); // Step Functions retried it
      expect((await ports.simulations.get(id))?.partitionsDone).toBe(items.length);
      expect(await stepHandler(ports)({ id, step: 'derive' })).toEqual({ id, budget: true });
      await map('rate');
      await stepHandler(ports)({ id, step: 'solve' });
      await map('price');
      await stepHandler(ports)({ id, step: 'finalize' });
      const viaSteps = await call(get, { caller: admin, params: { id } });
      const viaRunner = await call(get, { caller: admin, params: { id: inProcess } });
      expect(viaSteps.body.status).toBe('succeeded');
      expect(viaSteps.body.result).toEqual(viaRunner.body.result);
    });

    it('fails with a sentence: the state machine\'s fail step, or a lake without the policy\'s years', async () => {
      const id = await start();
      await stepHandler(ports)({ id, step: 'fail', error: { Cause: 'boom' } });
      expect((await call(get, { caller: analyst, params: { id } })).body).toMatchObject({ status: 'failed', error: expect.stringContaining('failed') });
      const empty = await start({ year: '2019', policy: { ...policy, referenceYears: [2019], settlementYear: 2019 } });
      await runSimulationInProcess(ports, empty);
      expect((await call(get, { caller: analyst, params: { id: empty } })).body).toMatchObject({ status: 'failed', error: expect.stringMatching(/^The policy cannot be simulated: no case is discharged in its settlementYear 2019 \(/) });
      // Reference years with cases do not make up for a settlement year without any.
      const noSettlement = await start({ policy: { ...policy, settlementYear: 2019 } });
      await runSimulationInProcess(ports, noSettlement);
      const failed = (await call(get, { caller: analyst, params: { id: noSettlement } })).body;
      expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('no case is discharged in its settlementYear 2019') });
      expect(JSON.stringify(failed)).not.toContain('NaN');
    });
  });

  describe('GET /v1/simulations/{id}', () => {
    it('404 for an unknown job, 422 for a malformed id, 403 for a hospital key', async () => {
      expect((await call(get, { caller: analyst, params: { id: 'aaaaaaaa-0000-0000-0000-000000000000' } })).status).toBe(404);
      expect((await call(get, { caller: analyst, params: { id: 'X' } })).status).toBe(422);
      const id = await start();
      expect((await call(get, { caller: hosp1, params: { id } })).status).toBe(403);
    });
  });
});
