/**
 * Small descriptive statistics shared by the stress test and the forecast, one concept each.
 */

/**
 * Quantile of already sorted values, Hyndman & Fan type 7 (R's default, numpy's "linear"):
 * h = (n − 1)·p, Q(p) = x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋), x 0-indexed ascending.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 1) return sorted[n - 1]!;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo]!;
  if (lo + 1 >= n) return below;
  const above = sorted[lo + 1]!;
  // x_lo + f·(x_hi − x_lo) equals x_lo exactly when the neighbours are equal (identical paths).
  return below === above ? below : below + (h - lo) * (above - below);
}

/** The five percentiles reported for months of reserve. */
export interface Percentiles {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/** p5, p25, p50, p75, p95 (type 7) of `values`; sorts a copy, `values` is left as it was. */
export function percentiles(values: Float64Array): Percentiles {
  const sorted = Float64Array.from(values).sort();
  return {
    p5: quantileSorted(sorted, 0.05),
    p25: quantileSorted(sorted, 0.25),
    p50: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    p95: quantileSorted(sorted, 0.95),
  };
}

/** Arithmetic mean Σx / n (NaN when empty). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length > 0 ? sum / values.length : Number.NaN;
}

/** Mean absolute error Σ|a − f| / n over paired values. */
export function meanAbsoluteError(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  if (actual.length !== forecast.length) throw new RangeError('actual and forecast must have the same length');
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - forecast[i]!);
  return actual.length > 0 ? sum / actual.length : Number.NaN;
}

/**
 * The MASE scale: in-sample mean absolute error of the seasonal naive forecast,
 * (1 / (n − m)) Σ_{t=m}^{n−1} |y_t − y_{t−m}| (Hyndman & Koehler 2006).
 */
export function seasonalNaiveScale(training: ArrayLike<number>, period: number): number {
  const n = training.length;
  if (n <= period) return Number.NaN;
  let sum = 0;
  for (let t = period; t < n; t++) sum += Math.abs(training[t]! - training[t - period]!);
  return sum / (n - period);
}

/** MASE = MAE(actual, forecast) / seasonalNaiveScale(training, period). */
export function mase(actual: ArrayLike<number>, forecast: ArrayLike<number>, training: ArrayLike<number>, period: number): number {
  return meanAbsoluteError(actual, forecast) / seasonalNaiveScale(training, period);
}
