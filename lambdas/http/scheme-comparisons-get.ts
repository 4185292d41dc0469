/** GET /v1/scheme-comparisons/{id} — a scheme comparison's status and progress, and its result once it succeeded (analyst, admin). */
import type { Ports } from '../../models/ports.ts';
import { readResult, readStatus } from '../jobs/scheme-comparison.ts';
import { awsDeps } from '../shared/deps.ts';
import { notFound } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { jobIdParams } from './schemas.ts';

export const getSchemeComparisonHandler = (deps: Pick<Ports, 'objects'>) => httpHandler({ name: 'getSchemeComparison', roles: ['analyst', 'admin'], params: jobIdParams }, async ({ params }) => {
  const status = await readStatus(deps.objects, params.id);
  if (!status) throw notFound(`There is no scheme comparison ${params.id}.`);
  const result = status.status === 'succeeded' ? await readResult(deps.objects, params.id) : null;
  return { status: 200, body: result ? { ...status, result } : status };
});

export const handler = getSchemeComparisonHandler(awsDeps);
