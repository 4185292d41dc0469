/** GET /v1/stress-tests/{id} — a stored stress test (`latest`: the most recent one). */
import { notFound } from '../shared/errors.ts';
import { getStressTest } from '../shared/fund-store.ts';
import { httpHandler } from '../shared/http.ts';
import { stressTestIdParams } from './schemas.ts';

export const handler = httpHandler({ name: 'getStressTest', roles: ['analyst', 'admin'], params: stressTestIdParams }, async ({ params }) => {
  const found = await getStressTest(params.id);
  if (!found) throw notFound(params.id === 'latest' ? 'No stress test has been run yet.' : `There is no stress test ${params.id}.`);
  return { status: 200, body: found };
});
