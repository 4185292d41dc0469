/**
 * The result document of a payment simulation — what `GET /v1/simulations/{id}` returns as
 * `result` and what `payreform simulate` writes as `result.json` — built here and nowhere else,
 * so the same policy over the same cases gives the same document, to the cent, from either.
 *
 * - Money is in yuan rounded half-up to 0.01 (payments are whole cents already); weights, ratios
 *   and the rate to 6 decimals (partitioned and in-process runs add the same numbers in
 *   different orders; rounding keeps the last bits of that out of the document).
 * - Hospital payments include their share of the budget's leftover cents: the leftover D cents
 *   (models/payment/cents.ts) are allocated over hospitals in hospital-id order
 *   (`allocateByHospital`), so the hospitals' payments add up to the budget exactly.
 */
import type { RateSolution } from '../models/payment/base-rate.ts';
import { allocateCents, remainderBins, roundHalfUpCents, type CentPlan, type CentTally } from '../models/payment/cents.ts';
import type { PaymentPolicy } from '../models/payment/policy.ts';
import { caseMixIndex, type HospitalTotals } from '../models/payment/price.ts';
import { relativeWeightMap, type Weights } from '../models/payment/weights.ts';

/** The derived weights as the service keeps them between phases (full precision: pricing reads `relativeWeights`). */
export interface WeightsState {
  relativeWeights: Record<string, number>;
  groups: { drg: string; relativeWeight: number; cases: number; meanCost: number; cv: number }[];
  quality: Weights['quality'];
  counts: Weights['counts'];
  allCaseMean: number[];
  /** The payment table the RWs come from (a policy's weightsTable), absent when derived from the reference years. */
  table?: { name: string; column: string };
}

export function weightsState(weights: Weights): WeightsState {
  return {
    ...(weights.table ? { table: { name: weights.table.table, column: weights.table.column } } : {}),
    relativeWeights: Object.fromEntries(relativeWeightMap(weights)),
    groups: [...weights.groups.values()].map((g) => ({ drg: g.drg, relativeWeight: g.relativeWeight, cases: g.cases, meanCost: g.meanCost, cv: g.cv })),
    quality: weights.quality,
    counts: weights.counts,
    allCaseMean: weights.allCaseMean,
  };
}

/** The budget in whole cents (half-up). */
export function budgetCents(budget: number): number {
  return roundHalfUpCents(budget);
}

/** Cents a plan adds to a tally's cases (what `applyCents` would add, from the histogram alone). */
export function plannedCents(tally: CentTally, plan: CentPlan): number {
  if (plan.direction === 0) return plan.each * tally.eligible;
  let beyond = 0;
  if (plan.direction > 0) for (let b = plan.threshold + 1; b < remainderBins; b++) beyond += tally.histogram[b]!;
  else for (let b = 0; b < plan.threshold; b++) beyond += tally.histogram[b]!;
  return plan.each * tally.eligible + plan.direction * (beyond + plan.atThreshold);
}

/** Allocate `target − Σ cents` over hospitals' tallies, in hospital-id order: the plan of each (same order as `tallies`). */
export function allocateByHospital(tallies: readonly { hospitalId: string; tally: CentTally }[], target: number): CentPlan[] {
  const order = tallies.map((_, i) => i).sort((a, b) => (tallies[a]!.hospitalId < tallies[b]!.hospitalId ? -1 : tallies[a]!.hospitalId > tallies[b]!.hospitalId ? 1 : 0));
  const plans = allocateCents(order.map((i) => tallies[i]!.tally), target);
  const out = new Array<CentPlan>(tallies.length);
  order.forEach((i, k) => (out[i] = plans[k]!));
  return out;
}

/** Merge tallies (sum of cents, eligible cases and histograms). */
export function mergeTallies(tallies: readonly CentTally[]): CentTally {
  const histogram = new Float64Array(remainderBins);
  let cents = 0;
  let eligible = 0;
  for (const t of tallies) {
    cents += t.cents;
    eligible += t.eligible;
    for (let b = 0; b < remainderBins; b++) histogram[b]! += t.histogram[b]!;
  }
  return { cents, eligible, histogram };
}

export interface SimulationResultInput {
  policy: PaymentPolicy;
  rate: Pick<RateSolution, 'baseRate' | 'normalScale' | 'gap' | 'evaluations'>;
  /** Per hospital, sorted by id, payments final (leftover cents included). */
  hospitals: readonly HospitalTotals[];
  /** Leftover cents spread over the cases (budget policies; 0 otherwise). */
  leftoverCents: number;
  weights: WeightsState;
  /** Settlement cases paid by item because their group has no weight, by DRG (largest first). */
  unweighted: readonly { drg: string; cases: number }[];
}

const round6 = (x: number): number | null => (Number.isFinite(x) ? Number(x.toFixed(6)) : null);
const yuan = (x: number): number => roundHalfUpCents(x) / 100;

/** The result document (see the module comment). */
export function simulationResult(input: SimulationResultInput) {
  const { policy, rate, hospitals, weights } = input;
  const paymentCents = hospitals.reduce((s, h) => s + h.paymentCents, 0);
  const totalCost = hospitals.reduce((s, h) => s + h.totalCost, 0);
  return {
    policy: { name: policy.name ?? null, version: policy.version, settlementYear: policy.settlementYear, referenceYears: policy.referenceYears },
    rate: { baseRate: round6(rate.baseRate), normalScale: round6(rate.normalScale), gap: round6(rate.gap), evaluations: rate.evaluations },
    totals: { cases: hospitals.reduce((s, h) => s + h.cases, 0), totalCost: yuan(totalCost), payment: paymentCents / 100, leftoverCentsSpread: input.leftoverCents },
    hospitals: hospitals.map((h) => ({
      ...h,
      relativeWeightSum: round6(h.relativeWeightSum),
      totalCost: yuan(h.totalCost),
      payment: h.paymentCents / 100,
      cmi: round6(caseMixIndex(h)),
      balance: (h.paymentCents - roundHalfUpCents(h.totalCost)) / 100,
    })),
    weights: {
      source: weights.table ? { table: weights.table.name, column: weights.table.column } : null,
      relativeWeights: Object.fromEntries(Object.entries(weights.relativeWeights).map(([d, w]) => [d, round6(w)])),
      groups: weights.groups.map((g) => ({ drg: g.drg, relativeWeight: round6(g.relativeWeight), cases: g.cases, meanCost: yuan(g.meanCost), cv: round6(g.cv) })),
      quality: { riv: round6(weights.quality.riv), cvBelowHalf: weights.quality.cvBelowHalf, cvAboveOne: weights.quality.cvAboveOne, overallCv: round6(weights.quality.overallCv) },
      counts: weights.counts,
      allCaseMean: weights.allCaseMean.map((m) => (Number.isFinite(m) ? yuan(m) : null)),
      unweighted: [...input.unweighted],
    },
  };
}

export type SimulationResult = ReturnType<typeof simulationResult>;
