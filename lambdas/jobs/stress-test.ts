/**
 * A requested stress test (`POST /v1/stress-tests` writes `jobs/stress-tests/<id>/request.json`
 * to the lake bucket and a `running` job item; the object's creation starts this, S3 →
 * EventBridge → the StressTestRun function on AWS, in-process on the local stack): run the fund
 * model (and the sweep), store the result as `succeeded` (and as `latest` for the overview's fund
 * alert), or `failed` with a sentence.
 */
import { runStressTest, sweepScenario } from '../../models/fund/stress-test.ts';
import type { Scenario } from '../../models/fund/scenario.ts';
import type { Ports } from '../../models/ports.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import * as k from '../shared/keys.ts';
import { logger } from '../shared/observability.ts';

export interface StressTestRequest {
  id: string;
  createdAt: string;
  scenario: Scenario;
  preset: string | null;
  sweep?: { parameter: string; values: number[] };
}

export async function runRequestedStressTest(deps: Pick<Ports, 'objects' | 'stressTests'>, id: string): Promise<'succeeded' | 'failed' | 'missing'> {
  const bytes = await deps.objects.get(config().LAKE_BUCKET, k.stressTestRequestKey(id));
  if (!bytes) return 'missing';
  const request = JSON.parse(Buffer.from(bytes).toString('utf8')) as StressTestRequest;
  const job = await deps.stressTests.get(id);
  if (job && job.status !== 'running') return job.status === 'succeeded' ? 'succeeded' : 'failed';
  const base = { id, createdAt: request.createdAt, scenario: request.scenario, preset: request.preset };
  try {
    const clock = (): number => performance.now();
    const result = runStressTest(request.scenario, { clock });
    const sweep = request.sweep ? sweepScenario(request.scenario, request.sweep.parameter, request.sweep.values) : undefined;
    await deps.stressTests.put({ ...base, status: 'succeeded', result, ...(sweep ? { sweep } : {}) });
    return 'succeeded';
  } catch (error) {
    logger.error('stress test failed', { id, error: error as Error });
    await deps.stressTests.put({ ...base, status: 'failed', error: `The stress test could not be run: ${(error as Error).message}.` });
    return 'failed';
  }
}

/** The StressTestRun function: `{key}` from the request object's creation event, or `{id}`. */
export const stressTestRunHandler = (deps: Pick<Ports, 'objects' | 'stressTests'>) => async (event: { id?: string; key?: string }): Promise<{ id: string; status: string }> => {
  const id = event.id ?? event.key?.split('/')[2];
  if (!id) throw new Error('a stress test run needs an id or a request key');
  return { id, status: await runRequestedStressTest(deps, id) };
};

export const handler = stressTestRunHandler(awsDeps);
