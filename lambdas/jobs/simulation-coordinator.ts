/** Step Functions task: list the lake partitions of a simulation and write the Distributed Map manifest. */
import { s3ObjectStore } from '../shared/object-store.ts';
import { logger } from '../shared/observability.ts';
import { coordinate } from './simulation.ts';

export const handler = async (event: { id: string }): Promise<{ id: string; partitions: number; budget: boolean }> => {
  const out = await coordinate(s3ObjectStore, event.id);
  logger.info('simulation coordinated', { ...out });
  return out;
};
