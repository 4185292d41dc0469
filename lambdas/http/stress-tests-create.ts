/**
 * POST /v1/stress-tests — run a fund stress test (models/fund `runStressTest`, and
 * `sweepScenario` when a sweep is asked for) for a scenario, a preset, or a preset with
 * overrides. Everything is validated here (422 with field paths: scenario, preset, every sweep
 * value, the size cap); then a `running` job item and the request object
 * `jobs/stress-tests/<id>/request.json` are stored and it answers 202 + `Location`. The object's
 * creation runs it in the background (lambdas/jobs/stress-test.ts, like supervision runs);
 * clients poll `GET /v1/stress-tests/{id}` until `status` is `succeeded` or `failed`.
 */
import { randomUUID } from 'node:crypto';
import { findPreset, mergeScenario, parseScenario, presetNames, ScenarioError, withField, type Scenario } from '../../models/fund/scenario.ts';
import { underPath } from '../../models/problem.ts';
import type { StressTestRequest } from '../jobs/stress-test.ts';
import { sweepValues } from '../../models/fund/stress-test.ts';
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { invalid } from '../shared/errors.ts';
import { config } from '../shared/config.ts';
import * as k from '../shared/keys.ts';
import { httpHandler } from '../shared/http.ts';
import { stressTestRequest } from './schemas.ts';

/** Paths × sweep values one request may simulate (≈ 10 s of CPU at the measured speed). */
const maxPathRuns = 2_000_000;

export const createStressTestHandler = (deps: Pick<Ports, 'stressTests' | 'objects' | 'clock'>) => httpHandler({ name: 'createStressTest', roles: ['analyst', 'admin'], body: stressTestRequest }, async ({ body }) => {
  const presetName = body.preset ?? (typeof body.scenario === 'string' ? body.scenario : undefined);
  const base = presetName === undefined ? undefined : findPreset(presetName);
  if (presetName !== undefined && !base) throw invalid(`There is no preset "${presetName}"; the presets are ${presetNames.join(', ')}.`, [{ code: 'invalid-value', path: 'preset', message: `preset must be one of ${presetNames.join(', ')}.` }]);
  const input = typeof body.scenario === 'object' ? (base ? mergeScenario(base, body.scenario) : body.scenario) : base;
  let scenario: Scenario;
  try {
    scenario = parseScenario(input);
  } catch (error) {
    if (error instanceof ScenarioError) throw invalid('The scenario is not valid.', underPath(error.problems, 'scenario'));
    throw error;
  }
  let values: number[] | undefined;
  if (body.sweep) {
    try {
      values = sweepValues(body.sweep.from, body.sweep.to, body.sweep.step);
    } catch (error) {
      throw invalid(`The sweep is not valid: ${(error as Error).message}.`, [{ code: 'out-of-range', path: 'sweep', message: `sweep: ${(error as Error).message}` }]);
    }
  }
  const runs = scenario.paths * (1 + (values?.length ?? 0));
  if (runs > maxPathRuns) throw invalid(`This asks for ${runs.toLocaleString('en')} simulated paths; one request runs at most ${maxPathRuns.toLocaleString('en')} (fewer paths or sweep values).`, [{ code: 'too-many', path: 'scenario.paths', message: 'scenario.paths × (1 + sweep values) is too large.' }]);
  if (body.sweep && values) {
    try {
      for (const value of values) withField(scenario, body.sweep.parameter, value);
    } catch (error) {
      if (error instanceof ScenarioError) throw invalid('The sweep is not valid.', error.problems.map((p) => ({ code: p.code, path: 'sweep.parameter', message: `sweep: ${p.message}` })));
      throw error;
    }
  }
  const id = randomUUID();
  const createdAt = deps.clock.now().toISOString();
  const request: StressTestRequest = { id, createdAt, scenario, preset: presetName ?? null, ...(body.sweep && values ? { sweep: { parameter: body.sweep.parameter, values } } : {}) };
  const item = { id, status: 'running' as const, createdAt, scenario, preset: presetName ?? null };
  await deps.stressTests.put(item);
  await deps.objects.put(config().LAKE_BUCKET, k.stressTestRequestKey(id), JSON.stringify(request), 'application/json');
  return { status: 202, headers: { location: `/v1/stress-tests/${id}` }, body: item };
});

export const handler = createStressTestHandler(awsDeps);
