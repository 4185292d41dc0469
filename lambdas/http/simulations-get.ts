/** GET /v1/simulations/{id} — status, progress and (when done) results of a simulation. */
import type { Ports } from '../../models/ports.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { notFound } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { jobIdParams } from './schemas.ts';

export const getSimulationHandler = (deps: Pick<Ports, 'simulations' | 'objects'>) => httpHandler({ name: 'getSimulation', roles: ['analyst', 'admin'], params: jobIdParams }, async ({ params }) => {
  const job = await deps.simulations.get(params.id);
  if (!job) throw notFound(`There is no simulation ${params.id}.`);
  let result: unknown;
  if (job.status === 'succeeded' && job.resultKey) {
    const bytes = await deps.objects.get(config().LAKE_BUCKET, job.resultKey);
    if (bytes) result = JSON.parse(Buffer.from(bytes).toString('utf8'));
  }
  return {
    status: 200,
    body: {
      id: job.id,
      status: job.status,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      progress: { partitionsDone: job.partitionsDone ?? 0, partitionsTotal: job.partitionsTotal ?? null, casesRead: job.casesRead ?? 0 },
      ...(job.summary ? { summary: job.summary } : {}),
      ...(result !== undefined ? { result } : {}),
      ...(job.error ? { error: job.error } : {}),
    },
  };
});

export const handler = getSimulationHandler(awsDeps);
