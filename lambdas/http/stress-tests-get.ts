/** GET /v1/stress-tests/{id} — a stress test's status (`running`, `succeeded` with the result, `failed` with `error`); `latest`: the most recent that succeeded. */
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { notFound } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { stressTestIdParams } from './schemas.ts';

export const getStressTestHandler = (deps: Pick<Ports, 'stressTests'>) => httpHandler({ name: 'getStressTest', roles: ['analyst', 'admin'], params: stressTestIdParams }, async ({ params }) => {
  const found = await deps.stressTests.get(params.id);
  if (!found) throw notFound(params.id === 'latest' ? 'No stress test has been run yet.' : `There is no stress test ${params.id}.`);
  return { status: 200, body: found };
});

export const handler = getStressTestHandler(awsDeps);
