/**
 * One DRG policy over one table of grouped cases, in-process (`payreform simulate`): the phases
 * of `simulation-phases.ts`, in its order, with the whole table as the one partition — the same
 * model functions the partitioned service runs. Pure: no I/O; the CLI writes what this returns.
 */
import { solveBaseRate, type RateSolution } from '../models/payment/base-rate.ts';
import type { CaseTable } from '../models/payment/cases.ts';
import { applyCents, remainderBins, roundPayments, type CentTally } from '../models/payment/cents.ts';
import { Outlier, selectSpecialReview } from '../models/payment/outliers.ts';
import type { PaymentPolicy } from '../models/payment/policy.ts';
import { collectRateSample, hospitalTotals, paidByRate, priceCases, type PricedCases } from '../models/payment/price.ts';
import { groupingCounts, type PolicyResult } from '../models/payment/simulate.ts';
import { mergeUnweighted, unweightedGroups, withTableWeights, type TableWeights } from '../models/payment/table-weights.ts';
import { collectWeightSample, deriveWeights, relativeWeightMap, type WeightSample, type Weights } from '../models/payment/weights.ts';
import { dipSimulationResult, type DipSimulationResult } from './dip-simulation-result.ts';
import { phasesFor, type DrgMapPhase, type DrgStepPhase } from './simulation-phases.ts';
import { allocateByHospital, budgetCents, simulationResult, weightsState, type SimulationResult } from './simulation-result.ts';

/** What the phases hand each other. */
interface Run {
  table: CaseTable;
  policy: PaymentPolicy;
  /** The policy's payment table (weightsTable), read by the caller (app/policy-weights.ts). */
  tableWeights: TableWeights | null;
  weightSample?: WeightSample;
  weights?: Weights;
  relativeWeights?: Map<string, number>;
  rateSample?: ReturnType<typeof collectRateSample>;
  rate?: RateSolution;
  priced?: PricedCases;
  cents?: Float64Array;
  bin?: Int16Array;
  leftoverCents?: number;
}

const mapPhases: Record<DrgMapPhase, (run: Run) => void> = {
  weights(run) {
    run.weightSample = collectWeightSample(run.table, run.policy);
  },
  rate(run) {
    run.rateSample = collectRateSample(run.table, run.relativeWeights!, run.policy);
  },
  price(run) {
    const priced = priceCases(run.table, run.relativeWeights!, run.policy, run.rate!);
    capSpecialReview(run.table, priced, run.policy.specialReview);
    const { cents, bin } = roundPayments(priced.payment, (k) => paidByRate(priced, k));
    run.priced = priced;
    run.cents = cents;
    run.bin = bin;
  },
};

const stepPhases: Record<DrgStepPhase, (run: Run) => void> = {
  derive(run) {
    run.weights = deriveWeights(run.weightSample!, run.policy);
    if (run.tableWeights) run.weights = withTableWeights(run.weights, run.tableWeights);
    run.relativeWeights = relativeWeightMap(run.weights);
    if (run.policy.budget === undefined) run.rate = { baseRate: run.policy.baseRate!, normalScale: 1, gap: 0, evaluations: 0 };
  },
  solve(run) {
    const sample = run.rateSample!;
    run.rate = solveBaseRate(sample, run.policy.budget! - sample.byItemCents / 100, run.policy.outliers);
  },
  finalize(run) {
    if (run.policy.budget !== undefined) run.leftoverCents = spreadLeftoverCents(run.table, run.priced!, run.cents!, run.bin!, budgetCents(run.policy.budget));
  },
};

/**
 * Simulate `policy` over the grouped cases; with a `weightsTable` its weights (read by
 * app/policy-weights.ts) replace the derived ones. Throws BudgetError when no base rate spends the budget.
 */
export function simulatePolicy(table: CaseTable, policy: PaymentPolicy, tableWeights: TableWeights | null = null): PolicyResult {
  if ((policy.weightsTable !== undefined) !== (tableWeights !== null)) throw new Error('simulatePolicy: a policy with weightsTable needs its table weights (app/policy-weights.ts), and only such a policy');
  const run: Run = { table, policy, tableWeights };
  for (const phase of phasesFor(policy.budget !== undefined)) {
    if (phase.kind === 'map') mapPhases[phase.name as DrgMapPhase](run);
    else stepPhases[phase.name as DrgStepPhase](run);
  }
  const { priced, cents, weights, rate } = run as Required<Run>;
  const leftover = run.leftoverCents !== undefined ? { leftoverCents: run.leftoverCents } : {};
  const hospitals = hospitalTotals(table, priced, cents).sort((a, b) => (a.hospitalId < b.hospitalId ? -1 : a.hospitalId > b.hospitalId ? 1 : 0));
  const outliers = { normal: 0, low: 0, high: 0, review: 0, byItem: 0 };
  const keys = ['normal', 'low', 'high', 'review', 'byItem'] as const;
  let totalCost = 0;
  let paymentCents = 0;
  for (let k = 0; k < priced.rows.length; k++) {
    outliers[keys[priced.outlier[k]! as Outlier]]++;
    totalCost += table.cost[priced.rows[k]!]!;
    paymentCents += cents[k]!;
  }
  return {
    policy,
    weights,
    rate,
    priced,
    cents,
    hospitals,
    totals: { cases: priced.rows.length, totalCost, paymentCents, outliers, ...leftover },
    unweighted: mergeUnweighted([unweightedGroups(table, priced, policy)]),
    grouping: { reference: groupingCounts(table, policy, policy.referenceYears), settlement: groupingCounts(table, policy, [policy.settlementYear]) },
  };
}

/**
 * 特例单议 under the regional cap (models.md §3): of the cases flagged for review (ratio >
 * outliers.review), at most capPerMille ‰ of the settlement cases stay flagged — the listed ones
 * when the policy lists approved cases, else the costliest by ratio; the others become high-cost
 * cases. Review and high-cost cases are paid alike (cost − standard), so payments do not change.
 */
function capSpecialReview(table: CaseTable, priced: PricedCases, review: PaymentPolicy['specialReview']): void {
  let listed: Uint8Array | undefined;
  if (review.approved) {
    const want = new Set(review.approved);
    listed = Uint8Array.from(priced.rows, (i) => (want.has(table.listIds[i]!) ? 1 : 0));
  }
  const kept = selectSpecialReview(priced.ratio, (k) => priced.outlier[k] === Outlier.Review, priced.rows.length, review.capPerMille, listed);
  for (let k = 0; k < priced.rows.length; k++) if (priced.outlier[k] === Outlier.Review && kept.approved[k] !== 1) priced.outlier[k] = Outlier.High;
}

/**
 * Spread the budget's leftover cents as the service does: the rounded cents of each hospital's
 * cases form one tally, the plan is allocated over hospitals in id order, and each hospital's
 * plan is applied to its own cases in case order. Returns the leftover (target − Σ rounded cents).
 */
function spreadLeftoverCents(table: CaseTable, priced: PricedCases, cents: Float64Array, bin: Int16Array, target: number): number {
  const count = table.hospitals.length;
  // Each hospital's cases in case order: a counting sort of the priced cases by hospital.
  const start = new Int32Array(count + 1);
  for (let k = 0; k < priced.rows.length; k++) start[table.hospital[priced.rows[k]!]! + 1]!++;
  for (let h = 0; h < count; h++) start[h + 1]! += start[h]!;
  const members = new Int32Array(priced.rows.length);
  const next = start.slice(0, count);
  for (let k = 0; k < priced.rows.length; k++) members[next[table.hospital[priced.rows[k]!]!]!++] = k;
  const tallies = Array.from({ length: count }, (_, h) => {
    const tally: CentTally = { cents: 0, eligible: 0, histogram: new Float64Array(remainderBins) };
    for (let j = start[h]!; j < start[h + 1]!; j++) {
      const k = members[j]!;
      tally.cents += cents[k]!;
      if (bin[k]! >= 0) {
        tally.eligible++;
        tally.histogram[bin[k]!]!++;
      }
    }
    return { hospitalId: table.hospitals[h]!, tally };
  });
  const plans = allocateByHospital(tallies, target);
  for (let h = 0; h < count; h++) {
    const n = start[h + 1]! - start[h]!;
    if (n === 0) continue;
    const ks = members.subarray(start[h]!, start[h + 1]!);
    const own = new Float64Array(n);
    const ownBin = new Int16Array(n);
    for (let j = 0; j < n; j++) {
      own[j] = cents[ks[j]!]!;
      ownBin[j] = bin[ks[j]!]!;
    }
    applyCents(own, ownBin, plans[h]!);
    for (let j = 0; j < n; j++) cents[ks[j]!] = own[j]!;
  }
  return target - tallies.reduce((s, t) => s + t.tally.cents, 0);
}

/** The result document of an in-process run: the one the service returns (simulation-result.ts for DRG, dip-simulation-result.ts for DIP). */
export function resultDocument(result: PolicyResult): SimulationResult | DipSimulationResult {
  if (result.policy.method === 'dip') return dipSimulationResult(result);
  return simulationResult({ policy: result.policy, rate: result.rate, hospitals: result.hospitals, leftoverCents: result.totals.leftoverCents ?? 0, weights: weightsState(result.weights), unweighted: result.unweighted ?? [] });
}
