/** GET /v1/stress-tests/{id} — a stress test's status (`running`, `succeeded` with the result, `failed` with `error`); `latest`: the most recent that succeeded. */
import { notFound } from '../shared/errors.ts';
import { getStressTest } from '../shared/fund-store.ts';
import { httpHandler } from '../shared/http.ts';
import { stressTestIdParams } from './schemas.ts';

export const handler = httpHandler({ name: 'getStressTest', roles: ['analyst', 'admin'], params: stressTestIdParams }, async ({ params }) => {
  const found = await getStressTest(params.id);
  if (!found) throw notFound(params.id === 'latest' ? 'No stress test has been run yet.' : `There is no stress test ${params.id}.`);
  return { status: 200, body: found };
});
