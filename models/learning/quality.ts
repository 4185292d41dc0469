/**
 * Grouping-quality statistics (docs/models.md §4): mean, variance, coefficient of variation,
 * reduction in variance (RIV), R² and per-group summaries. Small pure functions over
 * `ArrayLike<number>` so typed arrays (Float64Array costs, Int32Array group labels) go straight in.
 *
 * Conventions shared by every function here:
 * - Variances are **population** variances (divide by n, or by Σw when weighted). A DRG/DIP group
 *   is the whole population of its cases in the period, not a sample of it; population variance
 *   is also the one that makes CV and RIV consistent (RIV is a ratio of sums of squares with no
 *   n − 1), and it is defined for a one-case group (0). `sampleVariance` is there when a sample
 *   estimate is really wanted.
 * - Weights are frequency weights (a row with w = 2 counts as two identical cases); when `weights`
 *   is omitted every row weighs 1.
 * - Sums of squares are computed in two passes (mean first, then Σ(x − mean)²) rather than from
 *   Σx² − (Σx)²/n, which loses all precision for costs of 10⁴–10⁶ yuan over millions of rows.
 * - Empty input gives NaN, never a thrown error.
 */

export type Numbers = ArrayLike<number>;

/** Σw (the number of rows when unweighted). */
export function totalWeight(n: number, weights?: Numbers): number {
  if (!weights) return n;
  let w = 0;
  for (let i = 0; i < n; i++) w += weights[i]!;
  return w;
}

/** Arithmetic mean: x̄ = Σ x_i / n. NaN when empty. */
export function mean(values: Numbers): number {
  const n = values.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  return s / n;
}

/** Weighted mean: x̄_w = Σ w_i x_i / Σ w_i. NaN when Σw = 0. */
export function weightedMean(values: Numbers, weights?: Numbers): number {
  if (!weights) return mean(values);
  let s = 0;
  let w = 0;
  for (let i = 0; i < values.length; i++) {
    const wi = weights[i]!;
    s += wi * values[i]!;
    w += wi;
  }
  return w > 0 ? s / w : NaN;
}

/** Sum of squared deviations: SS = Σ w_i (x_i − x̄_w)² (w_i = 1 unweighted). 0 for one value; NaN when empty. */
export function sumOfSquaredDeviations(values: Numbers, weights?: Numbers): number {
  const m = weightedMean(values, weights);
  if (Number.isNaN(m)) return NaN;
  let ss = 0;
  if (weights) {
    for (let i = 0; i < values.length; i++) {
      const d = values[i]! - m;
      ss += weights[i]! * d * d;
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const d = values[i]! - m;
      ss += d * d;
    }
  }
  return ss;
}

/** Population variance: σ² = Σ (x_i − x̄)² / n. NaN when empty. */
export function variance(values: Numbers): number {
  return sumOfSquaredDeviations(values) / values.length;
}

/** Sample variance: s² = Σ (x_i − x̄)² / (n − 1). NaN when n < 2. */
export function sampleVariance(values: Numbers): number {
  const n = values.length;
  return n < 2 ? NaN : sumOfSquaredDeviations(values) / (n - 1);
}

/** Weighted population variance: σ²_w = Σ w_i (x_i − x̄_w)² / Σ w_i (frequency weights). */
export function weightedVariance(values: Numbers, weights?: Numbers): number {
  return sumOfSquaredDeviations(values, weights) / totalWeight(values.length, weights);
}

/** Population standard deviation: σ = √σ² (weighted when `weights` is given). */
export function standardDeviation(values: Numbers, weights?: Numbers): number {
  return Math.sqrt(weightedVariance(values, weights));
}

/**
 * Coefficient of variation: CV = σ / x̄ with σ the **population** standard deviation (see the
 * module comment for why), weighted when `weights` is given. NaN when empty or x̄ = 0.
 */
export function coefficientOfVariation(values: Numbers, weights?: Numbers): number {
  const m = weightedMean(values, weights);
  if (Number.isNaN(m) || m === 0) return NaN;
  return standardDeviation(values, weights) / m;
}

/** CV from the sufficient statistics of a group: CV = √(SS / W) / mean. NaN when W = 0 or mean = 0. */
export function cvFromStats(weight: number, meanValue: number, ss: number): number {
  if (!(weight > 0) || meanValue === 0) return NaN;
  return Math.sqrt(Math.max(0, ss) / weight) / meanValue;
}

/**
 * Group labels turned into dense codes 0…G−1. Labels that are already small non-negative
 * integers (the common case: Int32Array group ids, tree leaf ids) keep their value, so
 * `labels[code] = code`; anything else is numbered in order of first appearance.
 */
export function denseGroups(groups: Numbers): { codes: Int32Array; count: number; labels: number[] } {
  const n = groups.length;
  let max = -1;
  let small = true;
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (!(Number.isInteger(g) && g >= 0)) {
      small = false;
      break;
    }
    if (g > max) max = g;
  }
  if (small && max < 4 * n + 1024) {
    const codes = groups instanceof Int32Array ? groups : Int32Array.from(groups);
    return { codes, count: max + 1, labels: Array.from({ length: max + 1 }, (_, i) => i) };
  }
  const index = new Map<number, number>();
  const labels: number[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    let c = index.get(g);
    if (c === undefined) {
      c = labels.length;
      index.set(g, c);
      labels.push(g);
    }
    codes[i] = c;
  }
  return { codes, count: labels.length, labels };
}

/** Per-group sufficient statistics: Σw, mean and SS = Σ w (x − mean_g)², in two passes. */
export interface GroupStats {
  /** Number of rows in each group (dense code order). */
  count: Float64Array;
  weight: Float64Array;
  mean: Float64Array;
  ss: Float64Array;
  /** Original group label of each dense code. */
  labels: number[];
}

/** Sufficient statistics of each group (see `GroupStats`); weights optional. */
export function groupStats(values: Numbers, groups: Numbers, weights?: Numbers): GroupStats {
  if (values.length !== groups.length) throw new Error(`groupStats: ${values.length} values but ${groups.length} group labels`);
  const { codes, count: g, labels } = denseGroups(groups);
  const n = values.length;
  const count = new Float64Array(g);
  const weight = new Float64Array(g);
  const sum = new Float64Array(g);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    const w = weights ? weights[i]! : 1;
    count[c]! += 1;
    weight[c]! += w;
    sum[c]! += w * values[i]!;
  }
  const meanOf = new Float64Array(g);
  for (let c = 0; c < g; c++) meanOf[c] = weight[c]! > 0 ? sum[c]! / weight[c]! : NaN;
  const ss = new Float64Array(g);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    const d = values[i]! - meanOf[c]!;
    ss[c]! += (weights ? weights[i]! : 1) * d * d;
  }
  return { count, weight, mean: meanOf, ss, labels };
}

/**
 * Reduction in variance of a grouping:
 * RIV = 1 − Σ_g Σ_{i∈g} w_i (c_i − mean_g)² / Σ_i w_i (c_i − mean)²   (0 … 1; w_i = 1 unweighted).
 * `groups[i]` is the group label of row i (any numbers; small non-negative integers are fastest).
 * NaN when there are no rows or all values are equal (no variance to reduce).
 */
export function reductionInVariance(values: Numbers, groups: Numbers, weights?: Numbers): number {
  const total = sumOfSquaredDeviations(values, weights);
  if (!(total > 0)) return NaN;
  const { ss } = groupStats(values, groups, weights);
  let within = 0;
  for (let c = 0; c < ss.length; c++) within += ss[c]!;
  return 1 - within / total;
}

/**
 * Coefficient of determination: R² = 1 − Σ w_i (y_i − ŷ_i)² / Σ w_i (y_i − ȳ_w)².
 * For a regression tree on its training rows this equals the RIV of its leaves.
 * NaN when y has no variance.
 */
export function rSquared(actual: Numbers, predicted: Numbers, weights?: Numbers): number {
  if (actual.length !== predicted.length) throw new Error(`rSquared: ${actual.length} values but ${predicted.length} predictions`);
  const total = sumOfSquaredDeviations(actual, weights);
  if (!(total > 0)) return NaN;
  let residual = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = actual[i]! - predicted[i]!;
    residual += (weights ? weights[i]! : 1) * d * d;
  }
  return 1 - residual / total;
}

/** One group of a grouping: its label, size, weighted mean and CV (population σ / mean). */
export interface GroupSummary {
  group: number;
  count: number;
  weight: number;
  mean: number;
  cv: number;
}

/** The quality figures of a grouping (docs/models.md §4). */
export interface GroupingQuality {
  groups: GroupSummary[];
  /** Reduction in variance of the grouping (see `reductionInVariance`). */
  riv: number;
  /** Number of groups with CV < 0.5 (homogeneous). */
  cvBelowHalf: number;
  /** Number of groups with CV > 1 (heterogeneous). */
  cvAboveOne: number;
  /** CV of all rows taken together. */
  overallCv: number;
}

/** Per-group summaries (ascending group label), RIV and the CV < 0.5 / CV > 1 counts of a grouping. */
export function groupingQuality(values: Numbers, groups: Numbers, weights?: Numbers): GroupingQuality {
  const stats = groupStats(values, groups, weights);
  const summaries: GroupSummary[] = [];
  let within = 0;
  let cvBelowHalf = 0;
  let cvAboveOne = 0;
  for (let c = 0; c < stats.labels.length; c++) {
    const count = stats.count[c]!;
    if (count === 0) continue;
    const cv = cvFromStats(stats.weight[c]!, stats.mean[c]!, stats.ss[c]!);
    within += stats.ss[c]!;
    if (cv < 0.5) cvBelowHalf++;
    if (cv > 1) cvAboveOne++;
    summaries.push({ group: stats.labels[c]!, count, weight: stats.weight[c]!, mean: stats.mean[c]!, cv });
  }
  summaries.sort((a, b) => a.group - b.group);
  const total = sumOfSquaredDeviations(values, weights);
  return {
    groups: summaries,
    riv: total > 0 ? 1 - within / total : NaN,
    cvBelowHalf,
    cvAboveOne,
    overallCv: coefficientOfVariation(values, weights),
  };
}
