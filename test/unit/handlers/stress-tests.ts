/** POST/GET /v1/stress-tests and the StressTestRun job over in-memory stores. */
import { admin, analyst, call, hosp1, lakeBucket, storedJson } from './harness.ts';
import { describe, expect, it } from 'vitest';
import { createStressTestHandler } from '../../../lambdas/http/stress-tests-create.ts';
import { getStressTestHandler } from '../../../lambdas/http/stress-tests-get.ts';
import { runRequestedStressTest, stressTestRunHandler } from '../../../lambdas/jobs/stress-test.ts';
import * as k from '../../../lambdas/shared/keys.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';

describe('stress tests', () => {
  const small = { paths: 50, years: 3 };

  describe('POST /v1/stress-tests → StressTestRun → GET /v1/stress-tests/{id}', () => {
    it('stores a running job and its request, runs it in the background, then serves the result and `latest`', async () => {
      const ports = memoryPorts(testClock('2026-03-01T09:00:00Z'));
      const get = getStressTestHandler(ports);
      expect((await call(get, { caller: analyst, params: { id: 'latest' } })).status).toBe(404);
      const created = await call(createStressTestHandler(ports), { caller: analyst, method: 'POST', body: { preset: 'baseline', scenario: small, sweep: { parameter: 'contributionRate', from: 0.08, to: 0.1, step: 0.01 } } });
      expect(created.status).toBe(202);
      const id = created.body.id as string;
      expect(created.headers.location).toBe(`/v1/stress-tests/${id}`);
      expect(created.body).toMatchObject({ status: 'running', preset: 'baseline', createdAt: '2026-03-01T09:00:00.000Z', scenario: { paths: 50, years: 3 } });
      expect(await storedJson(ports.objects, lakeBucket, k.stressTestRequestKey(id))).toMatchObject({ id, preset: 'baseline', sweep: { parameter: 'contributionRate', values: [0.08, 0.09, 0.1] } });
      expect((await call(get, { caller: analyst, params: { id } })).body.status).toBe('running');

      expect(await stressTestRunHandler(ports)({ key: k.stressTestRequestKey(id) })).toEqual({ id, status: 'succeeded' });
      const done = await call(get, { caller: admin, params: { id } });
      expect(done.body).toMatchObject({ id, status: 'succeeded', result: expect.any(Object), sweep: expect.any(Object) });
      expect((await call(get, { caller: analyst, params: { id: 'latest' } })).body.id).toBe(id);
      // A redelivered event does not run it again.
      expect(await runRequestedStressTest(ports, id)).toBe('succeeded');
    });

    it('refuses an unknown preset, a scenario the fund model rejects and too many paths (422 with paths); hospital keys 403', async () => {
      const ports = memoryPorts();
      const create = createStressTestHandler(ports);
      const preset = await call(create, { caller: analyst, method: 'POST', body: { preset: 'doomsday' } });
      expect(preset.status).toBe(422);
      expect(preset.body.problems[0].path).toBe('preset');
      const scenario = await call(create, { caller: analyst, method: 'POST', body: { preset: 'baseline', scenario: { paths: -1 } } });
      expect(scenario.status).toBe(422);
      expect(scenario.body.problems[0].path).toMatch(/^scenario/);
      const huge = await call(create, { caller: analyst, method: 'POST', body: { preset: 'baseline', scenario: { paths: 1_000_000 }, sweep: { parameter: 'contributionRate', from: 0.08, to: 0.1, step: 0.01 } } });
      expect(huge.status).toBe(422);
      expect(huge.body.problems[0].path).toBe('scenario.paths');
      expect((await call(create, { caller: analyst, method: 'POST', body: {} })).status).toBe(422);
      expect((await call(create, { caller: hosp1, method: 'POST', body: { preset: 'baseline' } })).status).toBe(403);
      expect(await ports.objects.list(lakeBucket, k.stressTestRequestPrefix)).toEqual([]);
    });

    it('GET: 404 for an unknown id, 422 for a malformed one, 403 for a hospital key; the job reports a missing request', async () => {
      const ports = memoryPorts();
      const get = getStressTestHandler(ports);
      expect((await call(get, { caller: analyst, params: { id: 'aaaaaaaa-0000' } })).status).toBe(404);
      expect((await call(get, { caller: analyst, params: { id: 'Not An Id' } })).status).toBe(422);
      expect((await call(get, { caller: hosp1, params: { id: 'latest' } })).status).toBe(403);
      expect(await runRequestedStressTest(ports, 'aaaaaaaa-0000')).toBe('missing');
      await expect(stressTestRunHandler(ports)({})).rejects.toThrow('a stress test run needs an id or a request key');
    });
  });
});
