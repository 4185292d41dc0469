/**
 * Outlier classes and the case payment of a DRG-priced case (shared/docs/models.md §1, §3).
 *
 * payment standard (支付标准) = RW × baseRate (费率) × levelCoefficient — computed as
 *   unit × baseRate with unit = RW × levelCoefficient, the one order every phase uses so the
 *   base-rate solver and the pricing classify a case identically to the last bit;
 * ratio = case cost / standard;
 * - low (低倍率)     ratio < low:        paid at cost, RW × ratio × rate × coef = cost;
 * - high (高倍率)    ratio > high:       RW × (ratio − 1) × rate × coef = cost − standard
 *                                        (the standard plus the excess over twice the standard);
 * - review (特例单议) ratio > review:     flagged for individual review and paid provisionally
 *                                        like a high-cost case (cost − standard) until the review
 *                                        decides; the provisional payment is what the budget holds;
 * - normal           low ≤ ratio ≤ high: the standard.
 * A ratio exactly at a threshold is normal (low) or high (review): "<" and ">" are strict.
 */
import type { OutlierThresholds } from './policy.ts';

/** Outlier class codes of the typed arrays; `ByItem` = paid by item (no DRG price). */
export const Outlier = { Normal: 0, Low: 1, High: 2, Review: 3, ByItem: 4 } as const;
export type Outlier = (typeof Outlier)[keyof typeof Outlier];
export const outlierNames = ['normal', 'low', 'high', 'review', null] as const;

/** The class of a ratio under the thresholds. */
export function outlierClass(ratio: number, t: OutlierThresholds): Outlier {
  if (ratio < t.low) return Outlier.Low;
  if (ratio > t.review) return Outlier.Review;
  if (ratio > t.high) return Outlier.High;
  return Outlier.Normal;
}

/** 支付标准 = unit × baseRate, unit = RW × levelCoefficient. */
export function paymentStandard(unit: number, baseRate: number): number {
  return unit * baseRate;
}

/** The payment of a case of class `outlier` (not ByItem) with this cost and standard. */
export function outlierPayment(outlier: Outlier, cost: number, standard: number): number {
  switch (outlier) {
    case Outlier.Low:
      return cost; // = standard × ratio
    case Outlier.High:
    case Outlier.Review:
      return cost - standard; // = standard × (ratio − 1)
    default:
      return standard;
  }
}

/** Level coefficient of a hospital level 1–3 (0 = unknown: coefficient 1, the national default). */
export function levelCoefficient(level: number, coefficients: Record<'1' | '2' | '3', number>): number {
  return level === 1 ? coefficients['1'] : level === 2 ? coefficients['2'] : level === 3 ? coefficients['3'] : 1;
}

/**
 * Special review (特例单议, models.md §3): which candidates are approved, under the regional cap.
 *
 * Candidates are the cases with `eligible[i]` (ratio above the special-review threshold, 2× the
 * standard by default). At most `cap = ⌊discharges × capPerMille / 1000⌋` are approved — the cap
 * counts every discharge of the region paid under the policy, not per hospital. With no list of
 * approved cases the costliest candidates by ratio are approved (ties: the earlier row); with a
 * list (`approved[i]` true for the listed cases), the listed candidates are approved, the costliest
 * first when the list holds more than the cap.
 */
export interface SpecialReviewSelection {
  /** Row → approved. */
  approved: Uint8Array;
  candidates: number;
  cap: number;
  /** Cases approved. */
  count: number;
  /** Listed candidates the cap refused (0 without a list). */
  overCap: number;
  /** Listed cases that are not candidates (ratio not above the threshold, or not paid by score). */
  notCandidates: number;
}

export function selectSpecialReview(ratio: Float64Array, eligible: (i: number) => boolean, discharges: number, capPerMille: number, listed?: Uint8Array): SpecialReviewSelection {
  const n = ratio.length;
  const cap = Math.floor((discharges * capPerMille) / 1000 + 1e-9);
  const pool: number[] = [];
  let candidates = 0;
  let notCandidates = 0;
  for (let i = 0; i < n; i++) {
    const ok = eligible(i);
    if (ok) candidates++;
    if (listed && listed[i] === 1 && !ok) notCandidates++;
    if (ok && (!listed || listed[i] === 1)) pool.push(i);
  }
  pool.sort((a, b) => ratio[b]! - ratio[a]! || a - b);
  const approved = new Uint8Array(n);
  const count = Math.min(cap, pool.length);
  for (let k = 0; k < count; k++) approved[pool[k]!] = 1;
  return { approved, candidates, cap, count, overCap: listed ? pool.length - count : 0, notCandidates };
}
