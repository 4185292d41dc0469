/**
 * One policy over one table of grouped cases, in-process: the same phase functions the
 * partitioned service runs, with a single partition —
 *   collectWeightSample → deriveWeights → collectRateSample → solveBaseRate (budget) →
 *   priceCases → roundPayments → allocateCents → applyCents → hospitalTotals.
 * Pure: no I/O; the CLI writes what this returns.
 */
import { solveBaseRate, type RateSolution } from './base-rate.ts';
import { GroupStatus, groupingOf, type CaseTable } from './cases.ts';
import { allocateCents, applyCents, roundPayments } from './cents.ts';
import { Outlier, selectSpecialReview } from './outliers.ts';
import type { AnyPaymentPolicy, PaymentPolicy } from './policy.ts';
import type { DipResult } from './simulate-dip.ts';
import { collectRateSample, hospitalTotals, mergeHospitalTotals, paidByRate, priceCases, type HospitalTotals, type PricedCases } from './price.ts';
import { collectWeightSample, deriveWeights, relativeWeightMap, type Weights } from './weights.ts';

/** Grouping counts of a set of cases: in-group rate (入组率) = grouped / all (models.md §4). */
export interface GroupingCounts {
  cases: number;
  grouped: number;
  ambiguous: number;
  ungroupable: number;
  /** DIP: cases only a catch-all packet took (not counted as grouped). */
  fallback?: number;
  inGroupRate: number;
}

/** One policy's result. DIP (`simulate-dip.ts`) fills the same fields — packets as groups, scores as RW, the point value as the rate — and `dip`. */
export interface PolicyResult {
  policy: AnyPaymentPolicy;
  /** DRG: relative weights; DIP: the catalogue's units with their scores. */
  weights: Weights;
  rate: RateSolution;
  priced: PricedCases;
  /** Final payment of each priced case, whole cents. */
  cents: Float64Array;
  hospitals: HospitalTotals[];
  totals: {
    cases: number;
    totalCost: number;
    paymentCents: number;
    outliers: { normal: number; low: number; high: number; review: number; byItem: number };
  };
  grouping: { reference: GroupingCounts; settlement: GroupingCounts };
  /** DIP policies only. */
  dip?: DipResult;
}

/** Grouping counts of the cases whose discharge year is in `years`. */
export function groupingCounts(table: CaseTable, policy: Pick<PaymentPolicy, 'ambiguous'>, years: readonly number[]): GroupingCounts {
  const { status } = groupingOf(table, policy.ambiguous);
  const wanted = new Set(years);
  const counts = [0, 0, 0];
  let cases = 0;
  for (let i = 0; i < table.size; i++) {
    if (!wanted.has(table.year[i]!)) continue;
    cases++;
    counts[status[i]!]!++;
  }
  const grouped = counts[GroupStatus.Grouped]!;
  return { cases, grouped, ambiguous: counts[GroupStatus.Ambiguous]!, ungroupable: counts[GroupStatus.Ungroupable]!, inGroupRate: cases > 0 ? grouped / cases : NaN };
}

/** Simulate `policy` over the grouped cases (see the module comment). Throws BudgetError when no base rate spends the budget. */
export function simulatePolicy(table: CaseTable, policy: PaymentPolicy): PolicyResult {
  const weights = deriveWeights(collectWeightSample(table, policy), policy);
  const relativeWeights = relativeWeightMap(weights);
  let rate: RateSolution;
  if (policy.budget !== undefined) {
    const sample = collectRateSample(table, relativeWeights, policy);
    rate = solveBaseRate(sample, policy.budget - sample.byItemCents / 100, policy.outliers);
  } else {
    rate = { baseRate: policy.baseRate!, normalScale: 1, gap: 0, evaluations: 0 };
  }
  const priced = priceCases(table, relativeWeights, policy, rate);
  capSpecialReview(table, priced, policy.specialReview);
  const { cents, bin, tally } = roundPayments(priced.payment, (k) => paidByRate(priced, k));
  if (policy.budget !== undefined) {
    const [plan] = allocateCents([tally], roundHalfUpBudget(policy.budget));
    applyCents(cents, bin, plan!);
  }
  const hospitals = mergeHospitalTotals([hospitalTotals(table, priced, cents)]); // sorted by hospital id
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
    totals: { cases: priced.rows.length, totalCost, paymentCents, outliers },
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

/** The budget in whole cents (half-up). */
function roundHalfUpBudget(budget: number): number {
  return Math.floor(budget * 100 + 0.5 + 1e-6);
}
