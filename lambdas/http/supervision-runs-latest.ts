/** GET /v1/supervision-runs/latest — the last supervision run that succeeded (scheduled or requested), answered as GET /v1/supervision-runs/{id}. */
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { notFound } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { supervisionRunQuery } from './schemas.ts';
import { supervisionRunAnswer } from './supervision-runs-get.ts';

export const latestSupervisionRunHandler = (deps: Pick<Ports, 'supervisionRuns' | 'objects'>) => httpHandler({ name: 'latestSupervisionRun', roles: ['hospital', 'analyst', 'admin'], query: supervisionRunQuery }, async ({ principal, query }) => {
  const id = await deps.supervisionRuns.latestId();
  const run = id ? await deps.supervisionRuns.get(id) : null;
  if (!run) throw notFound('No supervision run has succeeded yet: the monthly run screens the previous month on the 1st, or an analyst starts one.');
  return supervisionRunAnswer(deps, principal!, run, query);
});

export const handler = latestSupervisionRunHandler(awsDeps);
