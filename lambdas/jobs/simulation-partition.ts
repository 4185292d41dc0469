/** Step Functions Distributed Map item: one phase of the payment model over one lake partition. */
import { s3ObjectStore } from '../shared/object-store.ts';
import { runPartition, type Phase } from './simulation.ts';

export const handler = async (event: { id: string; phase: Phase; partition: string }): Promise<{ cases: number }> => runPartition(s3ObjectStore, event);
