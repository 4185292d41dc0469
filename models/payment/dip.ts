/**
 * DIP pricing (shared/docs/models.md §2, §3): point values and case payments for packets scored by
 * a DIP catalogue (models/grouping/dip). The same phase shape as the DRG pricing — a sample of the
 * settlement year's cases, a solved rate, priced cases — with the DIP words:
 *
 * - case score = packet (or cost tier) score × auxiliary coefficient (辅助目录, 1 when none);
 *   unit_i = case score × hospital-level coefficient (the DRG module's `unit`, so the budget solver
 *   and the outlier classes are shared: `solveBaseRate`, `outlierClass`, `outlierPayment`).
 * - budget point value (预算点值) = Σ_y w_y C_y / Σ_y w_y S_y: the weighted total cost of the
 *   reference years over their weighted total score.
 * - settlement point value (结算点值) = (DIP fund budget / fund payment ratio) / Σ unit_i over the
 *   settlement year's cases, without outliers. With the outlier rules of §3 (ratio = cost /
 *   (unit × point value), low < 0.5 paid at cost, high > 2 paid cost − standard, review > 5
 *   flagged) the point value is the rate at which the total payment spends
 *   fundBudget / fundRatio exactly — `solveBaseRate` with units in score points.
 * - hospital payment = Σ payment_i × fund ratio (the fund's share), of which `prepayment` (*param*
 *   90 %) is paid monthly and the rest at year end.
 *
 * `payreform simulate` calls these for a `"method": "dip"` policy (simulate-dip.ts), which also
 * rounds the fund payments to whole cents summing to the budget.
 */
import { solveBaseRate, type RateSample, type RateSolution } from './base-rate.ts';
import { levelCoefficient, Outlier, outlierClass, outlierPayment, paymentStandard } from './outliers.ts';
import type { OutlierThresholds } from './policy.ts';

/** Settlement-year DIP cases in columns: cost, case score (score × auxiliary coefficient) and hospital level. */
export interface DipPricedInput {
  cost: Float64Array;
  caseScore: Float64Array;
  level: Uint8Array;
}

export interface DipPricingPolicy {
  levelCoefficients: Record<'1' | '2' | '3', number>;
  outliers: OutlierThresholds;
  /** Share of a case's payment the fund pays (统筹基金支付比例). *param* */
  fundRatio: number;
  /** Share of the fund payment paid monthly (the rest at year end). *param* 0.9. */
  prepayment: number;
}

/** Case score: score × auxiliary coefficient (coefficient 1 when the packet has no auxiliary tier). */
export function caseScore(score: number, auxiliaryCoefficient: number | null | undefined): number {
  return score * (auxiliaryCoefficient ?? 1);
}

/** Budget point value = Σ_y w_y C_y / Σ_y w_y S_y (reference years' total cost and total score). */
export function budgetPointValue(years: readonly { totalCost: number; totalScore: number; weight: number }[]): number {
  let cost = 0;
  let score = 0;
  for (const y of years) {
    cost += y.weight * y.totalCost;
    score += y.weight * y.totalScore;
  }
  return score > 0 ? cost / score : NaN;
}

/** The solver's sample: unit_i = case score × level coefficient. */
export function dipRateSample(cases: DipPricedInput, policy: Pick<DipPricingPolicy, 'levelCoefficients'>): RateSample {
  const n = cases.cost.length;
  const unit = new Float64Array(n);
  for (let i = 0; i < n; i++) unit[i] = cases.caseScore[i]! * levelCoefficient(cases.level[i]!, policy.levelCoefficients);
  return { cost: cases.cost, unit };
}

/** Settlement point value without outliers: (fundBudget / fundRatio) / Σ unit_i. */
export function settlementPointValue(fundBudget: number, fundRatio: number, sample: RateSample): number {
  let total = 0;
  for (let i = 0; i < sample.unit.length; i++) total += sample.unit[i]!;
  return fundBudget / fundRatio / total;
}

/** The point value at which the payments with outlier rules spend fundBudget / fundRatio (throws BudgetError when none can). */
export function solvePointValue(sample: RateSample, fundBudget: number, policy: Pick<DipPricingPolicy, 'fundRatio' | 'outliers'>): RateSolution {
  return solveBaseRate(sample, fundBudget / policy.fundRatio, policy.outliers);
}

export interface DipPriced {
  /** Payment of each case (yuan, unrounded) and its outlier class (`Outlier`). */
  payment: Float64Array;
  outlier: Uint8Array;
  /** Σ payment, the fund's share (× fundRatio), and its monthly / year-end parts. */
  total: number;
  fund: number;
  prepaid: number;
  yearEnd: number;
}

/** Price the cases at a point value: standard = unit × point value, then the outlier rules. */
export function priceDipCases(cases: DipPricedInput, policy: DipPricingPolicy, rate: Pick<RateSolution, 'baseRate' | 'normalScale'>): DipPriced {
  const sample = dipRateSample(cases, policy);
  const n = cases.cost.length;
  const payment = new Float64Array(n);
  const outlier = new Uint8Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const standard = paymentStandard(sample.unit[i]!, rate.baseRate);
    const cls = outlierClass(cases.cost[i]! / standard, policy.outliers);
    const paid = outlierPayment(cls, cases.cost[i]!, standard) * (cls === Outlier.Normal ? rate.normalScale : 1);
    payment[i] = paid;
    outlier[i] = cls;
    total += paid;
  }
  const fund = total * policy.fundRatio;
  return { payment, outlier, total, fund, prepaid: fund * policy.prepayment, yearEnd: fund * (1 - policy.prepayment) };
}
