/**
 * Derivative-free minimisation: Nelder–Mead with adaptive coefficients and restarts.
 *
 * Coefficients (Gao & Han 2012, better than the classic 1 / 2 / ½ / ½ beyond a few dimensions),
 * for dimension n: reflection ρ = 1, expansion χ = 1 + 2/n, contraction γ = 0.75 − 1/(2n),
 * shrink σ = 1 − 1/n. The objective may return Infinity (or NaN) for inadmissible points;
 * such points are simply never accepted as better.
 *
 * Restarts: a converged simplex is rebuilt around its best point with the initial step sizes and
 * the search continues, until a restart improves the value by less than the tolerance (this
 * escapes the premature collapse Nelder–Mead is known for in higher dimensions).
 */

export interface NelderMeadOptions {
  /** Initial simplex step per coordinate (a number for all). Default 0.1·max(1, |x0_i|). */
  step?: number | ArrayLike<number>;
  /** Stop after this many objective evaluations in all. Default 200·n². */
  maxEvaluations?: number;
  /** Converged when f_worst − f_best ≤ tolerance·(|f_best| + tolerance). Default 1e-10. */
  tolerance?: number;
  /** Also require every vertex within xTolerance of the best in each coordinate. Default 1e-8. */
  xTolerance?: number;
  /** Restarts after the first convergence. Default 10. */
  restarts?: number;
}

export interface Minimum {
  x: Float64Array;
  value: number;
  evaluations: number;
  /** Whether the last simplex met the tolerances (false when stopped by maxEvaluations). */
  converged: boolean;
}

/** Minimise f from x0. */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: NelderMeadOptions = {}): Minimum {
  const n = x0.length;
  const maxEvaluations = options.maxEvaluations ?? 200 * n * n;
  const tolerance = options.tolerance ?? 1e-10;
  const xTolerance = options.xTolerance ?? 1e-8;
  const restarts = options.restarts ?? 10;
  const steps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = options.step;
    steps[i] = s === undefined ? 0.1 * Math.max(1, Math.abs(x0[i]!)) : typeof s === 'number' ? s : s[i]!;
  }
  let evaluations = 0;
  const evaluate = (x: Float64Array) => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };

  let best: Float64Array = Float64Array.from(x0);
  let bestValue = evaluate(best);
  let converged = false;
  for (let round = 0; round <= restarts && evaluations < maxEvaluations; round++) {
    const result = runSimplex(evaluate, best, steps, maxEvaluations, () => evaluations, tolerance, xTolerance);
    converged = result.converged;
    const improvement = bestValue - result.value;
    if (result.value <= bestValue) {
      best = result.x;
      bestValue = result.value;
    }
    if (round > 0 && !(improvement > tolerance * (Math.abs(bestValue) + tolerance))) break;
  }
  return { x: best, value: bestValue, evaluations, converged };
}

function runSimplex(
  evaluate: (x: Float64Array) => number,
  start: Float64Array,
  steps: Float64Array,
  maxEvaluations: number,
  used: () => number,
  tolerance: number,
  xTolerance: number,
): { x: Float64Array; value: number; converged: boolean } {
  const n = start.length;
  const rho = 1;
  const chi = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const sigma = 1 - 1 / n;
  const points: Float64Array[] = [];
  const values: number[] = [];
  points.push(Float64Array.from(start));
  values.push(evaluate(points[0]!));
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    p[i] = p[i]! + steps[i]!;
    points.push(p);
    values.push(evaluate(p));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const trial = (from: Float64Array, towards: Float64Array, t: number) => {
    // from + t·(towards − from)
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = from[j]! + t * (towards[j]! - from[j]!);
    return out;
  };
  let converged = false;
  while (used() < maxEvaluations) {
    order.sort((a, b) => values[a]! - values[b]! || a - b);
    const bestIndex = order[0]!;
    const worstIndex = order[n]!;
    const fBest = values[bestIndex]!;
    const fWorst = values[worstIndex]!;
    if (Number.isFinite(fWorst) && fWorst - fBest <= tolerance * (Math.abs(fBest) + tolerance)) {
      let small = true;
      const b = points[bestIndex]!;
      for (let i = 1; i <= n && small; i++) {
        const p = points[order[i]!]!;
        for (let j = 0; j < n; j++) {
          if (Math.abs(p[j]! - b[j]!) > xTolerance * Math.max(1, Math.abs(b[j]!))) {
            small = false;
            break;
          }
        }
      }
      if (small || fWorst === fBest) {
        converged = true;
        break;
      }
    }
    centroid.fill(0);
    for (let i = 0; i < n; i++) {
      const p = points[order[i]!]!;
      for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + p[j]! / n;
    }
    const worst = points[worstIndex]!;
    const fSecondWorst = values[order[n - 1]!]!;
    const reflected = trial(centroid, worst, -rho);
    const fr = evaluate(reflected);
    if (fr < fBest) {
      const expanded = trial(centroid, worst, -rho * chi);
      const fe = evaluate(expanded);
      if (fe < fr) {
        points[worstIndex] = expanded;
        values[worstIndex] = fe;
      } else {
        points[worstIndex] = reflected;
        values[worstIndex] = fr;
      }
      continue;
    }
    if (fr < fSecondWorst) {
      points[worstIndex] = reflected;
      values[worstIndex] = fr;
      continue;
    }
    if (fr < fWorst) {
      const outside = trial(centroid, worst, -rho * gamma);
      const fo = evaluate(outside);
      if (fo <= fr) {
        points[worstIndex] = outside;
        values[worstIndex] = fo;
        continue;
      }
    } else {
      const inside = trial(centroid, worst, gamma);
      const fi = evaluate(inside);
      if (fi < fWorst) {
        points[worstIndex] = inside;
        values[worstIndex] = fi;
        continue;
      }
    }
    // Shrink towards the best vertex.
    const b = points[bestIndex]!;
    for (let i = 1; i <= n; i++) {
      const k = order[i]!;
      points[k] = trial(b, points[k]!, sigma);
      values[k] = evaluate(points[k]!);
    }
  }
  let argmin = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[argmin]!) argmin = i;
  return { x: points[argmin]!, value: values[argmin]!, converged };
}
