/** Step Functions task between the maps: merge the partitions' aggregates (derive weights, solve the base rate, finalize) — or mark the job failed. */
import { awsDeps } from '../shared/deps.ts';
import { failJob, runStep, type SimulationPorts, type Step } from './simulation.ts';

export const stepHandler = (deps: SimulationPorts) => async (event: { id: string; step: Step | 'fail'; error?: { Cause?: string } }): Promise<{ id: string; budget?: boolean }> => {
  if (event.step === 'fail') {
    await failJob(deps, event.id, 'a step of the simulation failed; see the state machine execution');
    return { id: event.id };
  }
  return runStep(deps, { id: event.id, step: event.step });
};

export const handler = stepHandler(awsDeps);
