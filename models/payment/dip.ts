/**
 * DIP point values, outlier classes, special review and case values (shared/docs/models.md §2, §3),
 * as the national DIP technical specification states them. Pure functions on typed arrays.
 *
 * - case score (病例分值) = packet score × hospital coefficient × auxiliary coefficient; NaN for an
 *   ungrouped case (no packet: paid by item at `ungroupedShare` of its cost).
 * - year-start point value (年初点值, `yearStartPointValue`) = Σ_y w_y C_y / Σ_y w_y S_y over the
 *   reference years (C_y total cost, S_y total case score of year y), after dropping the cases
 *   whose cost ÷ score lies outside the `trim` quantiles of their year; held inside the given
 *   bounds when there are some. With `bestValue` (优值区间, one-dimensional, the specification's
 *   5.4): each hospital's per-point value Σ_y w_y C_{h,y} / Σ_y w_y S_{h,y} against the region's,
 *   and the year-start point value is Σ w C / Σ w S over the hospitals at or below the region's.
 * - outlier class against the **year-start** standard (`classifyDipCases`): standard_i = case score
 *   × year-start point value, ratio_i = cost_i / standard_i; low (ratio < low): points = score ×
 *   ratio; high (ratio > high): points = score × (ratio − 1); normal: points = score. The class
 *   therefore never moves with the budget being settled.
 * - special review (特例单议): candidates ratio > threshold (2×), approved under the regional cap
 *   (`selectSpecialReview`), paid by item (their cost), no points.
 * - settlement point value (结算点值, `settlementPointValue`) = (fund budget ÷ fund ratio − Σ by-item
 *   values) ÷ Σ points; without by-item cases this is the specification's (budget ÷ ratio) ÷ total
 *   score. Case value = points × settlement point value (or the by-item value); fund payment = case
 *   value × fund ratio.
 * - monthly prepayment (月度预付) = points × year-start point value (or the by-item value) × fund
 *   ratio × prepayment share; year-end clearing (年终清算) = the fund payment; difference = clearing
 *   − prepayment.
 */
import { BudgetError } from './base-rate.ts';
import { Outlier, outlierClass, selectSpecialReview, type SpecialReviewSelection } from './outliers.ts';
import type { OutlierThresholds } from './policy.ts';

/** Case score: packet score × hospital coefficient × auxiliary coefficient (each 1 when absent). */
export function caseScore(score: number, hospitalCoefficient: number | null | undefined, auxiliaryCoefficient: number | null | undefined): number {
  return score * (hospitalCoefficient ?? 1) * (auxiliaryCoefficient ?? 1);
}

/** One reference year: its cases' cost and case score (NaN score: ungrouped, left out) and its weight. */
export interface ReferenceYearCases {
  cost: Float64Array;
  score: Float64Array;
  weight: number;
  /** Each case's hospital (an index), for the best-value interval. */
  hospital?: Int32Array;
}

export interface YearStartPointValue {
  /** The point value used (inside the interval). */
  value: number;
  /** Σ w C / Σ w S before the interval. */
  derived: number;
  /** Cases used and cases trimmed away. */
  cases: number;
  trimmed: number;
  /** With the best-value interval: the hospitals whose per-point value is at or below the region's, of all. */
  bestValueHospitals?: { kept: number; of: number };
}

/** Year-start point value = Σ_y w_y C_y / Σ_y w_y S_y over the kept cases (see the module comment). */
export function yearStartPointValue(years: readonly ReferenceYearCases[], trim: readonly [number, number], interval?: readonly [number, number], bestValue = false): YearStartPointValue {
  let cost = 0;
  let score = 0;
  let cases = 0;
  let trimmed = 0;
  const byHospital = new Map<number, { cost: number; score: number }>();
  for (const y of years) {
    const rows: number[] = [];
    for (let i = 0; i < y.cost.length; i++) if (y.score[i]! > 0 && Number.isFinite(y.cost[i]!)) rows.push(i);
    const perPoint = Float64Array.from(rows, (i) => y.cost[i]! / y.score[i]!);
    const order = rows.map((_, k) => k).sort((a, b) => perPoint[a]! - perPoint[b]! || a - b);
    const n = order.length;
    const drop = [Math.floor(n * trim[0] + 1e-9), Math.floor(n * (1 - trim[1]) + 1e-9)] as const;
    let c = 0;
    let s = 0;
    for (let k = drop[0]; k < n - drop[1]; k++) {
      const i = rows[order[k]!]!;
      c += y.cost[i]!;
      s += y.score[i]!;
      cases++;
      if (bestValue) {
        const h = y.hospital?.[i] ?? -1;
        const t = byHospital.get(h) ?? byHospital.set(h, { cost: 0, score: 0 }).get(h)!;
        t.cost += y.weight * y.cost[i]!;
        t.score += y.weight * y.score[i]!;
      }
    }
    trimmed += Math.min(n, drop[0] + drop[1]);
    cost += y.weight * c;
    score += y.weight * s;
  }
  let derived = score > 0 ? cost / score : NaN;
  let best: YearStartPointValue['bestValueHospitals'];
  if (bestValue && Number.isFinite(derived)) {
    const region = derived;
    let c = 0;
    let s = 0;
    let kept = 0;
    for (const t of byHospital.values()) {
      if (!(t.score > 0) || t.cost / t.score > region) continue;
      c += t.cost;
      s += t.score;
      kept++;
    }
    derived = c / s;
    best = { kept, of: byHospital.size };
  }
  const value = interval && Number.isFinite(derived) ? Math.min(interval[1], Math.max(interval[0], derived)) : derived;
  return { value, derived, cases, trimmed, ...(best ? { bestValueHospitals: best } : {}) };
}

export interface DipClassified {
  /** cost ÷ (case score × year-start point value); NaN for an ungrouped case. */
  ratio: Float64Array;
  outlier: Uint8Array;
  /** Settled points: the case score adjusted by the outlier rule (0 for cases paid by item). */
  points: Float64Array;
  specialReview: SpecialReviewSelection;
}

export interface DipOutlierRules {
  outliers: Pick<OutlierThresholds, 'low' | 'high'>;
  specialReview: { threshold: number; capPerMille: number };
}

/**
 * Classify the settlement cases against the year-start standard (one point value, or one per case
 * when funds have their own) and pick the special-review cases among all of them (the cap is regional).
 * `listed` marks the cases on the bureau's approved list (omitted: the costliest candidates).
 */
export function classifyDipCases(cost: Float64Array, score: Float64Array, yearStartValue: number | Float64Array, rules: DipOutlierRules, listed?: Uint8Array): DipClassified {
  const n = cost.length;
  const ratio = new Float64Array(n);
  const outlier = new Uint8Array(n);
  const points = new Float64Array(n);
  const thresholds = { low: rules.outliers.low, high: rules.outliers.high, review: Infinity };
  for (let i = 0; i < n; i++) {
    const s = score[i]!;
    if (!(s > 0)) {
      ratio[i] = NaN;
      outlier[i] = Outlier.ByItem;
      continue;
    }
    const r = cost[i]! / (s * (typeof yearStartValue === 'number' ? yearStartValue : yearStartValue[i]!));
    ratio[i] = r;
    const cls = outlierClass(r, thresholds);
    outlier[i] = cls;
    points[i] = cls === Outlier.Low ? s * r : cls === Outlier.High ? s * (r - 1) : s;
  }
  const specialReview = selectSpecialReview(ratio, (i) => outlier[i] !== Outlier.ByItem && ratio[i]! > rules.specialReview.threshold, n, rules.specialReview.capPerMille, listed);
  for (let i = 0; i < n; i++) {
    if (specialReview.approved[i] !== 1) continue;
    outlier[i] = Outlier.Review;
    points[i] = 0;
  }
  return { ratio, outlier, points, specialReview };
}

/** The value of a case paid by item: an approved special-review case its cost, an ungrouped case `ungroupedShare` of it. */
export function byItemValue(outlier: number, cost: number, ungroupedShare: number): number {
  return outlier === Outlier.Review ? cost : outlier === Outlier.ByItem ? cost * ungroupedShare : 0;
}

/**
 * Settlement point value of one fund = (budget ÷ fund ratio − Σ by-item values) ÷ Σ points
 * (throws BudgetError when the by-item cases alone spend the budget or no case has points).
 */
export function settlementPointValue(budget: number, fundRatio: number, totalPoints: number, byItemTotal: number): number {
  const left = budget / fundRatio - byItemTotal;
  if (!(totalPoints > 0)) throw new BudgetError(`no case is paid by score, so no point value can spend the budget of ${budget.toFixed(2)} yuan`);
  if (!(left > 0)) throw new BudgetError(`the cases paid by item (special review and ungrouped) already cost ${byItemTotal.toFixed(2)} yuan of the ${(budget / fundRatio).toFixed(2)} yuan the budget of ${budget.toFixed(2)} yuan covers at a fund ratio of ${fundRatio}`);
  return left / totalPoints;
}

export interface BalanceRules {
  /** Share of a surplus the hospital keeps (结余留用). */
  surplusRetention: number;
  /** Share of a reasonable overspend the fund bears (超支分担). */
  overspendShare: number;
  /** An overspend up to this share of the fund's share of cost is reasonable. */
  reasonableOverspend: number;
}

/**
 * A hospital's year-end balance: `cleared` (its DIP fund payment) against `fundCost` (the fund's
 * share of its cases' cost). Surplus s = cleared − fundCost ≥ 0: the hospital keeps
 * retention × s, final = fundCost + retention × s. Overspend o = fundCost − cleared > 0: the
 * fund bears share × min(o, reasonable × fundCost), final = cleared + that.
 */
export function settleBalance(cleared: number, fundCost: number, rules: BalanceRules): { final: number; retained: number; shared: number } {
  const surplus = cleared - fundCost;
  if (surplus >= 0) {
    const retained = rules.surplusRetention * surplus;
    return { final: fundCost + retained, retained, shared: 0 };
  }
  const shared = rules.overspendShare * Math.min(-surplus, rules.reasonableOverspend * fundCost);
  return { final: cleared + shared, retained: 0, shared };
}
