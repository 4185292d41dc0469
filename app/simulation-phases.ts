/**
 * A payment simulation as ONE declared sequence of phases. Map phases run over every partition
 * of the cases (on the service: one lake partition, year/month/hospital, per item of a Step
 * Functions Distributed Map; in process: the whole case table as one partition); steps merge
 * what the partitions reported. Three runners take their order from this list and nothing else:
 * the in-process runner (`simulate.ts`, behind `payreform simulate`), the local stack's job
 * runner (`runSimulationInProcess`, lambdas/jobs/simulation.ts) and the state machine
 * (infra/stacks/service-stack.ts). Budget-only phases run when the policy gives a budget instead
 * of a base rate.
 */

export type MapPhase = 'weights' | 'rate' | 'price';
export type StepPhase = 'derive' | 'solve' | 'finalize';

export type SimulationPhase =
  | { kind: 'map'; name: MapPhase; budgetOnly: boolean; does: string }
  | { kind: 'step'; name: StepPhase; budgetOnly: boolean; does: string };

export const simulationPhases: readonly SimulationPhase[] = [
  { kind: 'map', name: 'weights', budgetOnly: false, does: 'cost sample of the reference-year cases by DRG (collectWeightSample)' },
  { kind: 'step', name: 'derive', budgetOnly: false, does: 'merge the samples and derive the relative weights (deriveWeights)' },
  { kind: 'map', name: 'rate', budgetOnly: true, does: 'what each settlement-year case adds to the spend at a base rate (collectRateSample)' },
  { kind: 'step', name: 'solve', budgetOnly: true, does: 'merge the samples and solve the base rate that spends the budget (solveBaseRate)' },
  { kind: 'map', name: 'price', budgetOnly: false, does: 'price every settlement-year case, round to cents, total by hospital (priceCases, roundPayments, hospitalTotals)' },
  { kind: 'step', name: 'finalize', budgetOnly: false, does: 'spread the leftover cents of the budget (allocateCents) and write the result document' },
];

/** The phases a policy runs, in order. */
export function phasesFor(budget: boolean): readonly SimulationPhase[] {
  return simulationPhases.filter((p) => budget || !p.budgetOnly);
}
