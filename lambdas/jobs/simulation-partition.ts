/** Step Functions Distributed Map item: one phase of the payment model over one lake partition. */
import { awsDeps } from '../shared/deps.ts';
import { runPartition, type Phase, type SimulationPorts } from './simulation.ts';

export const partitionHandler = (deps: SimulationPorts) => async (event: { id: string; phase: Phase; partition: string }): Promise<{ cases: number }> => runPartition(deps, event);

export const handler = partitionHandler(awsDeps);
