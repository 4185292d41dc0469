/**
 * A payment simulation as ONE declared sequence of phases. Map phases run over every partition
 * of the cases (on the service: one lake partition, year/month/hospital, per item of a Step
 * Functions Distributed Map; in process: the whole case table as one partition); steps merge
 * what the partitions reported. Three runners take their order from this list and nothing else:
 * the in-process runner (`simulate.ts`, behind `payreform simulate`), the local stack's job
 * runner (`runSimulationInProcess`, lambdas/jobs/simulation.ts) and the state machine
 * (infra/stacks/service-stack.ts). Budget-only phases run when the policy gives a budget instead
 * of a base rate. A DIP policy runs its own two phases: the partitions hand over their cases' DIP
 * facts in columns, and one central step builds (or takes) the catalogue, derives the
 * coefficients and point values and settles the year (`simulateDipPolicy`, the function the CLI
 * runs over its one table) — the catalogue, the year-start point value and the 5 ‰ special-review
 * cap are regional, so they are decided over every case at once.
 */

export type DrgMapPhase = 'weights' | 'rate' | 'price';
export type DrgStepPhase = 'derive' | 'solve' | 'finalize';
export type MapPhase = DrgMapPhase | 'dipCases';
export type StepPhase = DrgStepPhase | 'dipSettle';
export type SimulationMethod = 'drg' | 'dip';

export type SimulationPhase =
  | { kind: 'map'; name: MapPhase; method: SimulationMethod; budgetOnly: boolean; does: string }
  | { kind: 'step'; name: StepPhase; method: SimulationMethod; budgetOnly: boolean; does: string };

export const simulationPhases: readonly SimulationPhase[] = [
  { kind: 'map', name: 'weights', method: 'drg', budgetOnly: false, does: 'cost sample of the reference-year cases by DRG (collectWeightSample)' },
  { kind: 'step', name: 'derive', method: 'drg', budgetOnly: false, does: 'merge the samples and derive the relative weights (deriveWeights)' },
  { kind: 'map', name: 'rate', method: 'drg', budgetOnly: true, does: 'what each settlement-year case adds to the spend at a base rate (collectRateSample)' },
  { kind: 'step', name: 'solve', method: 'drg', budgetOnly: true, does: 'merge the samples and solve the base rate that spends the budget (solveBaseRate)' },
  { kind: 'map', name: 'price', method: 'drg', budgetOnly: false, does: 'price every settlement-year case, round to cents, total by hospital (priceCases, roundPayments, hospitalTotals)' },
  { kind: 'step', name: 'finalize', method: 'drg', budgetOnly: false, does: 'spread the leftover cents of the budget (allocateCents) and write the result document' },
  { kind: 'map', name: 'dipCases', method: 'dip', budgetOnly: false, does: 'the DIP facts of every reference- and settlement-year case, in columns (dipCaseColumns)' },
  { kind: 'step', name: 'dipSettle', method: 'dip', budgetOnly: false, does: 'catalogue, coefficients, point values, outliers, special review and settlement over all cases (simulateDipPolicy) and write the result document' },
];

/** The phases a policy runs, in order. */
export function phasesFor(budget: boolean, method: SimulationMethod = 'drg'): readonly SimulationPhase[] {
  return simulationPhases.filter((p) => p.method === method && (budget || !p.budgetOnly));
}
