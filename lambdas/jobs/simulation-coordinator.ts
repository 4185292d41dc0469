/** Step Functions task: list the lake partitions of a simulation and write the Distributed Map manifest. */
import { awsDeps } from '../shared/deps.ts';
import { logger } from '../shared/observability.ts';
import { coordinate, manifestKey, type SimulationPorts } from './simulation.ts';

/** Started by S3 → EventBridge with the request object's key (`jobs/simulations/<id>/request.json`), or with `{id}`. */
export const coordinatorHandler = (deps: SimulationPorts) => async (event: { id?: string; key?: string }): Promise<{ id: string; partitions: number; budget: boolean; manifestKey: string }> => {
  const id = event.id ?? event.key?.split('/')[2];
  if (!id) throw new Error('the coordinator needs {id} or {key}');
  const out = await coordinate(deps, id);
  logger.info('simulation coordinated', { ...out });
  return { ...out, manifestKey: manifestKey(id) };
};

export const handler = coordinatorHandler(awsDeps);
