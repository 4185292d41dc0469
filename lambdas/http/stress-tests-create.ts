/**
 * POST /v1/stress-tests — run a fund stress test (models/fund `runStressTest`, and
 * `sweepScenario` when a sweep is asked for) for a scenario, a preset, or a preset with
 * overrides. Answers 202 + `Location: /v1/stress-tests/{id}` like the other jobs, so clients poll
 * `GET /v1/stress-tests/{id}` until `status` is `succeeded`. The model still runs within the
 * request (10 000 paths × 10 years take ~50 ms; the request is capped at ~10 s of CPU), so the
 * 202 already carries the stored result — moving the run to a background job changes no client.
 */
import { randomUUID } from 'node:crypto';
import { findPreset, mergeScenario, parseScenario, presetNames, ScenarioError, type Scenario } from '../../models/fund/scenario.ts';
import { runStressTest, sweepScenario, sweepValues } from '../../models/fund/stress-test.ts';
import { systemClock } from '../shared/clock.ts';
import { invalid } from '../shared/errors.ts';
import { putStressTest } from '../shared/fund-store.ts';
import { httpHandler } from '../shared/http.ts';
import { stressTestRequest } from './schemas.ts';

/** Paths × sweep values one request may simulate (≈ 10 s of CPU at the measured speed). */
const maxPathRuns = 2_000_000;

export const handler = httpHandler({ name: 'createStressTest', roles: ['analyst', 'admin'], body: stressTestRequest }, async ({ body }) => {
  const presetName = body.preset ?? (typeof body.scenario === 'string' ? body.scenario : undefined);
  const base = presetName === undefined ? undefined : findPreset(presetName);
  if (presetName !== undefined && !base) throw invalid(`There is no preset "${presetName}"; the presets are ${presetNames.join(', ')}.`, [{ path: 'preset', message: `preset must be one of ${presetNames.join(', ')}.` }]);
  const input = typeof body.scenario === 'object' ? (base ? mergeScenario(base, body.scenario) : body.scenario) : base;
  let scenario: Scenario;
  try {
    scenario = parseScenario(input);
  } catch (error) {
    if (error instanceof ScenarioError) throw invalid('The scenario is not valid.', error.issues.map((m) => ({ path: `scenario.${m.split(' ')[0]}`, message: `scenario: ${m}` })));
    throw error;
  }
  let values: number[] | undefined;
  if (body.sweep) {
    try {
      values = sweepValues(body.sweep.from, body.sweep.to, body.sweep.step);
    } catch (error) {
      throw invalid(`The sweep is not valid: ${(error as Error).message}.`, [{ path: 'sweep', message: `sweep: ${(error as Error).message}` }]);
    }
  }
  const runs = scenario.paths * (1 + (values?.length ?? 0));
  if (runs > maxPathRuns) throw invalid(`This asks for ${runs.toLocaleString('en')} simulated paths; one request runs at most ${maxPathRuns.toLocaleString('en')} (fewer paths or sweep values).`, [{ path: 'scenario.paths', message: 'scenario.paths × (1 + sweep values) is too large.' }]);
  const clock = (): number => performance.now();
  const result = runStressTest(scenario, { clock });
  let sweep: unknown;
  if (body.sweep && values) {
    try {
      sweep = sweepScenario(scenario, body.sweep.parameter, values);
    } catch (error) {
      if (error instanceof ScenarioError) throw invalid('The sweep is not valid.', error.issues.map((m) => ({ path: 'sweep.parameter', message: `sweep: ${m}` })));
      throw error;
    }
  }
  const id = randomUUID();
  const item = { id, status: 'succeeded' as const, createdAt: systemClock.now().toISOString(), scenario, preset: presetName ?? null, result, ...(sweep ? { sweep } : {}) };
  await putStressTest(item);
  return { status: 202, headers: { location: `/v1/stress-tests/${id}` }, body: item };
});
