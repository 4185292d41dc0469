/** GET /v1/simulations/{id} — status, progress and (when done) results of a simulation. */
import { config } from '../shared/config.ts';
import { notFound } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { s3ObjectStore } from '../shared/object-store.ts';
import { getJob } from '../shared/repositories.ts';
import { jobIdParams } from './schemas.ts';

export const handler = httpHandler({ name: 'getSimulation', roles: ['analyst', 'admin'], params: jobIdParams }, async ({ params }) => {
  const job = await getJob(params.id);
  if (!job) throw notFound(`There is no simulation ${params.id}.`);
  let result: unknown;
  if (job.status === 'succeeded' && job.resultKey) {
    const bytes = await s3ObjectStore.get(config().LAKE_BUCKET, job.resultKey);
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
