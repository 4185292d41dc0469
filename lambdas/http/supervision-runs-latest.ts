/** GET /v1/supervision-runs/latest — the last supervision run that succeeded (scheduled or requested), answered as GET /v1/supervision-runs/{id}. */
import { notFound } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { getSupervisionRun, latestSupervisionRunId } from '../shared/supervision-store.ts';
import { supervisionRunQuery } from './schemas.ts';
import { supervisionRunAnswer } from './supervision-runs-get.ts';

export const handler = httpHandler({ name: 'latestSupervisionRun', roles: ['hospital', 'analyst', 'admin'], query: supervisionRunQuery }, async ({ principal, query }) => {
  const id = await latestSupervisionRunId();
  const run = id ? await getSupervisionRun(id) : null;
  if (!run) throw notFound('No supervision run has succeeded yet: the monthly run screens the previous month on the 1st, or an analyst starts one.');
  return supervisionRunAnswer(principal!, run, query);
});
