/**
 * The statistics the supervision rules share: tails of the normal, binomial and beta-binomial
 * distributions, the Benjamini–Hochberg step-up procedure, and robust location/scale.
 * Pure numerics, no dependencies.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error < 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Upper tail of the standard normal, P(Z ≥ z) = erfc(z/√2)/2 (Numerical Recipes' erfcc Chebyshev fit, relative error < 1.2e-7: ample for p-values). */
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return y / 2;
}

/**
 * P(X ≥ x) for X ~ BetaBinomial(n, α, β) with mean n·p and intra-class correlation ρ
 * (α = p(1/ρ − 1), β = (1 − p)(1/ρ − 1)); ρ = 0 is the binomial. Summed exactly from the pmf
 * recursion P(k+1)/P(k) = (n − k)/(k + 1) · (k + α)/(n − k − 1 + β) (binomial: · p/(1 − p)),
 * started at the mode in log space so nothing underflows. O(n).
 */
export function betaBinomialUpperTail(x: number, n: number, p: number, rho: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const binomial = rho <= 1e-9;
  const s = binomial ? 0 : 1 / rho - 1;
  const alpha = p * s;
  const beta = (1 - p) * s;
  const logPmf = (k: number) =>
    binomial
      ? logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p)
      : logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + logBeta(k + alpha, n - k + beta) - logBeta(alpha, beta);
  const ratio = (k: number) => (binomial ? ((n - k) / (k + 1)) * (p / (1 - p)) : ((n - k) / (k + 1)) * ((k + alpha) / (n - k - 1 + beta)));
  // Sum the upper tail from x upwards, relative to P(x), and the whole mass likewise, for normalisation robustness.
  const start = logPmf(x);
  let term = 1;
  let upper = 1;
  for (let k = x; k < n; k++) {
    term *= ratio(k);
    upper += term;
    if (term < upper * 1e-16) break;
  }
  return Math.min(1, Math.exp(start) * upper);
}

/**
 * Benjamini–Hochberg step-up: the adjusted q-values q_(i) = min_{j ≥ i} m·p_(j)/j (capped at 1),
 * in the input order. Rejecting every test with q ≤ α controls the false-discovery rate at α
 * for independent (or positively dependent) tests.
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const m = pValues.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const q = new Float64Array(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r]!;
    running = Math.min(running, (pValues[i]! * m) / (r + 1));
    q[i] = running;
  }
  return q;
}

/** Median of a numeric array (sorts a copy). NaN when empty. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return n % 2 === 1 ? sorted[n >> 1]! : (sorted[(n >> 1) - 1]! + sorted[n >> 1]!) / 2;
}

/** Median of an already sorted slice [from, to). */
export function sortedMedian(sorted: ArrayLike<number>, from = 0, to = sorted.length): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const mid = from + (n >> 1);
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Robust scale: 1.4826 × median absolute deviation from `center` (σ for normal data). */
export function madScale(values: ArrayLike<number>, center: number): number {
  const dev = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) dev[i] = Math.abs(values[i]! - center);
  return 1.4826 * median(dev);
}

/** logit(p) with p clamped to [ε, 1 − ε]. */
export function logit(p: number, epsilon = 1e-3): number {
  const q = Math.min(1 - epsilon, Math.max(epsilon, p));
  return Math.log(q / (1 - q));
}

/**
 * Intra-class correlation ρ of a beta-binomial from hospital counts (x_h, n_h) around a common
 * rate p, by the method of moments on the Pearson statistic: with
 * X² = Σ (x_h − n_h p)² / (n_h p (1 − p)) and E[X²] ≈ Σ (1 + (n_h − 1) ρ) (df = H − 1 for the
 * estimated p), ρ = max(0, (X² − (H − 1)) / Σ (n_h − 1)).
 */
export function intraClassCorrelation(x: ArrayLike<number>, n: ArrayLike<number>, p: number): number {
  if (p <= 0 || p >= 1 || x.length < 2) return 0;
  let chi = 0;
  let denominator = 0;
  for (let h = 0; h < x.length; h++) {
    if (n[h]! <= 0) continue;
    chi += (x[h]! - n[h]! * p) ** 2 / (n[h]! * p * (1 - p));
    denominator += n[h]! - 1;
  }
  return denominator > 0 ? Math.max(0, Math.min(0.5, (chi - (x.length - 1)) / denominator)) : 0;
}
