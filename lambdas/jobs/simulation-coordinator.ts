/** Step Functions task: list the lake partitions of a simulation and write the Distributed Map manifest. */
import { s3ObjectStore } from '../shared/object-store.ts';
import { logger } from '../shared/observability.ts';
import { coordinate, manifestKey } from './simulation.ts';

/** Started by S3 → EventBridge with the request object's key (`jobs/simulations/<id>/request.json`), or with `{id}`. */
export const handler = async (event: { id?: string; key?: string }): Promise<{ id: string; partitions: number; budget: boolean; manifestKey: string }> => {
  const id = event.id ?? event.key?.split('/')[2];
  if (!id) throw new Error('the coordinator needs {id} or {key}');
  const out = await coordinate(s3ObjectStore, id);
  logger.info('simulation coordinated', { ...out });
  return { ...out, manifestKey: manifestKey(id) };
};
