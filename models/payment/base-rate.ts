/**
 * The base rate (费率) that spends a budget, after outlier adjustments and coefficients.
 *
 * Without outliers models.md §1 gives baseRate = budget / Σ RW (× coefficient). With them, the
 * DRG part of the payment is F(r) = Σ_i pay_i(r) with, for a case of cost c and unit
 * s = RW × coefficient (standard s·r):
 *   r < c/(high·s)            high-cost:  c − s·r   (decreasing in r)
 *   c/(high·s) ≤ r ≤ c/(low·s) normal:    s·r
 *   r > c/(low·s)             low-cost:   c
 * so F(r) = A(r) + B(r)·r is piecewise linear, neither monotone nor continuous: F(0⁺) = F(∞) = Σc,
 * F first falls (everything is a high outlier at a tiny rate), then rises, then returns to Σc.
 * For a budget below Σc there are therefore (at least) two roots; the one below the rise — a
 * rate so small that most cases are high outliers — is not a payment policy.
 *
 * Solver (`solveBaseRate`):
 * 1. target T = budget − what is paid by item; r₀ = T / Σ s (the no-outlier rate).
 * 2. Scan F on a log grid r₀·2^(k/4), k = −40…40 (r₀/1024 … 1024·r₀), from r₀ outward, and take
 *    the bracket nearest r₀ where F − T changes sign on a *rising* step (any sign change when there
 *    is none).
 *    If F − T never reaches 0 the budget cannot be spent: an error says the most that can be paid.
 * 3. Inside the bracket, alternate an exact linear step (on a piece F = A + B·r) with bisection
 *    until F(r) = T within 10⁻⁹ yuan·N, or the bracket is one float wide.
 * 4. A bracket that shrinks to a point without a root is a jump of F (one case changing class):
 *    the budget falls in the gap. Then r is the bracket end nearer T and the remainder
 *    R = T − F(r) (less than that one case's jump) is spread over the normal cases in proportion
 *    to their standards: `normalScale` = 1 + R / Σ normal standards (≈ 1 ± 10⁻⁵ at city scale).
 * Every evaluation is one pass over typed arrays, so a 1M-case solve is ~100 passes, ~0.3 s.
 */
import { paymentStandard } from './outliers.ts';
import type { OutlierThresholds } from './policy.ts';

/** The settlement-year DRG-priced cases the solver needs: cost and unit (RW × level coefficient). */
export interface RateSample {
  cost: Float64Array;
  unit: Float64Array;
}

/** F(r) = A + B·r at r, with Σ standards of the normal cases (for the gap spreading). */
export interface Piece {
  intercept: number;
  slope: number;
  normalStandards: number;
}

/** The linear piece of F containing r: classes as the pricing assigns them at r. */
export function pieceAt(sample: RateSample, r: number, t: OutlierThresholds): Piece {
  const { cost, unit } = sample;
  let intercept = 0;
  let slope = 0;
  let normalUnits = 0;
  const { low, high } = t;
  for (let i = 0; i < cost.length; i++) {
    const c = cost[i]!;
    const s = unit[i]!;
    const ratio = c / paymentStandard(s, r);
    if (ratio < low) intercept += c;
    else if (ratio > high) {
      intercept += c;
      slope -= s;
    } else {
      slope += s;
      normalUnits += s;
    }
  }
  return { intercept, slope, normalStandards: normalUnits * r };
}

/** Total DRG payment F(r) at base rate r. */
export function totalPaymentAt(sample: RateSample, r: number, t: OutlierThresholds): number {
  const p = pieceAt(sample, r, t);
  return p.intercept + p.slope * r;
}

export interface RateSolution {
  baseRate: number;
  /** Factor on normal cases' payments that absorbs a budget falling in a jump of F (1 when F(r) = T). */
  normalScale: number;
  /** T − F(baseRate) before the scaling, yuan. */
  gap: number;
  /** Evaluations of F (passes over the cases). */
  evaluations: number;
}

export class BudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetError';
  }
}

/** The base rate at which the DRG-priced cases receive `target` yuan in total (see the module comment). */
export function solveBaseRate(sample: RateSample, target: number, t: OutlierThresholds): RateSolution {
  let units = 0;
  for (let i = 0; i < sample.unit.length; i++) units += sample.unit[i]!;
  if (!(target > 0)) throw new BudgetError(`the budget leaves ${target.toFixed(2)} yuan for DRG payment after the cases paid by item; it must leave a positive amount`);
  if (!(units > 0)) throw new BudgetError('no settlement-year case has a DRG price (a relative weight from the reference years), so no base rate can be derived');
  let evaluations = 0;
  const f = (r: number) => {
    evaluations++;
    return totalPaymentAt(sample, r, t) - target;
  };
  const r0 = target / units;
  const tolerance = 1e-9 * Math.max(1, sample.cost.length);
  // Grid points r0·2^(k/4), k = −40…40, evaluated lazily from r0 outward: the first bracket on a
  // rising step is the nearest one, and it is usually within a factor 2 of r0 (≈ 8 passes).
  const grid = new Map<number, { r: number; v: number }>();
  const at = (k: number) => {
    let p = grid.get(k);
    if (!p) {
      const r = r0 * 2 ** (k / 4);
      p = { r, v: f(r) };
      grid.set(k, p);
    }
    return p;
  };
  let best: number | null = null;
  let fallback: number | null = null;
  for (let d = 0; d < 40 && best === null; d++) {
    for (const j of d === 0 ? [0, -1] : [d, -d - 1]) {
      const a = at(j).v;
      const b = at(j + 1).v;
      // r0 itself is the root whenever no case is an outlier there (the models.md §1 formula).
      if (Math.abs(a) <= tolerance) return { baseRate: at(j).r, normalScale: 1, gap: -a, evaluations };
      if (a * b > 0) continue;
      if (b > a) {
        best = j;
        break;
      }
      fallback ??= j;
    }
  }
  best ??= fallback;
  if (best === null) {
    const points = [...grid.values()];
    const low = points.reduce((m, p) => (p.v < m.v ? p : m));
    const high = points.reduce((m, p) => (p.v > m.v ? p : m));
    const range = `from about ${(low.v + target).toFixed(2)} yuan (at a base rate of ${low.r.toFixed(2)}) to about ${(high.v + target).toFixed(2)} yuan (at ${high.r.toFixed(2)})`;
    throw new BudgetError(
      `no base rate reaches the budget: under these outlier rules the DRG-priced cases can be paid ${range}, and ${target.toFixed(2)} yuan were asked for` +
        ` (low-cost cases are paid at cost and high-cost ones above the standard, so a budget far ${low.v > 0 ? 'below' : 'above'} the cost cannot be spent); change the budget or the thresholds`,
    );
  }
  let a = at(best).r;
  let b = at(best + 1).r;
  let fa = at(best).v;
  for (let iteration = 0; iteration < 200; iteration++) {
    // An exact step on the piece at a, then a bisection: the linear step ends the search when
    // a and the root share a piece; the bisection guarantees the bracket halves.
    const piece = pieceAt(sample, a, t);
    evaluations++;
    const linear = piece.slope !== 0 ? (target - piece.intercept) / piece.slope : NaN;
    for (const step of ['linear', 'bisect'] as const) {
      const x = step === 'linear' ? linear : (a + b) / 2;
      if (!(x > a && x < b)) continue;
      const fx = f(x);
      if (Math.abs(fx) <= tolerance) return { baseRate: x, normalScale: 1, gap: -fx, evaluations };
      if (Math.sign(fx) === Math.sign(fa)) {
        a = x;
        fa = fx;
      } else b = x;
    }
    if (b - a <= Math.max(Number.EPSILON * b * 4, Number.MIN_VALUE)) break;
  }
  // The budget falls in a jump of F between a and b (one float apart): take the nearer end and
  // spread the remainder over the normal cases.
  const fb = f(b);
  const r = Math.abs(fa) <= Math.abs(fb) ? a : b;
  const piece = pieceAt(sample, r, t);
  const gap = target - (piece.intercept + piece.slope * r);
  if (!(piece.normalStandards > 0)) throw new BudgetError('the budget falls between two possible totals and no normal case is left to absorb the difference; change the budget slightly');
  return { baseRate: r, normalScale: 1 + gap / piece.normalStandards, gap, evaluations };
}
