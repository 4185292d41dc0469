/** Step Functions task between the maps: merge the partitions' aggregates (derive weights, solve the base rate, finalize) — or mark the job failed. */
import { s3ObjectStore } from '../shared/object-store.ts';
import { failJob, runStep, type Step } from './simulation.ts';

export const handler = async (event: { id: string; step: Step | 'fail'; error?: { Cause?: string } }): Promise<{ id: string; budget?: boolean }> => {
  if (event.step === 'fail') {
    await failJob(event.id, 'a step of the simulation failed; see the state machine execution');
    return { id: event.id };
  }
  return runStep(s3ObjectStore, { id: event.id, step: event.step });
};
