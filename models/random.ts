/**
 * A seeded pseudo-random generator of our own, so every stress test and simulated prediction
 * interval is reproducible from its seed on any platform and Node version.
 *
 * - Generator: xoshiro128** 1.1 (Blackman & Vigna 2018) on Uint32 arithmetic; period 2^128 − 1.
 * - Seeding: the seed (a non-negative safe integer) and a stream number are mixed with
 *   splitmix32-style finalisers into the 128-bit state, so independent streams (wages, cost,
 *   epidemics…) come from one scenario seed.
 * - Uniform: 53-bit doubles in [0, 1).
 * - Standard normal: Marsaglia's polar method (exact, no tables), the spare value kept.
 * - Poisson: inversion by sequential search (exact; O(λ) time, meant for small rates).
 */

/** The generator's interface used by the models. */
export interface Random {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal draw (mean 0, variance 1). */
  normal(): number;
  /** A Poisson(λ) count. */
  poisson(lambda: number): number;
  /** Fill `out` with standard normal draws. */
  fillNormal(out: Float64Array): Float64Array;
}

/** splitmix32-style finaliser: a bijective avalanche of a 32-bit word. */
export function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The four 32-bit state words of xoshiro128** for (seed, stream): the seed's low and high words
 * and the stream are hashed, then expanded by a Weyl sequence through mix32 (never all zero).
 */
export function seedState(seed: number, stream = 0): Uint32Array {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  let h = mix32(lo ^ mix32(hi ^ mix32((stream >>> 0) + 0x9e3779b9)));
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    h = (h + 0x9e3779b9) >>> 0;
    state[i] = mix32(h);
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return state;
}

const TWO_POW_26 = 67108864;
const TWO_POW_NEG_53 = 1 / 9007199254740992;

/** xoshiro128** with a uniform, normal and Poisson on top. */
export class Xoshiro128 implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number, stream = 0, state?: Uint32Array) {
    const s = state ?? seedState(seed, stream);
    this.s0 = s[0]!;
    this.s1 = s[1]!;
    this.s2 = s[2]!;
    this.s3 = s[3]!;
  }

  /** result = rotl(s1 · 5, 7) · 9; then the xoshiro linear update of the state. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** u = (a·2^26 + b) / 2^53 with a the top 27 bits and b the top 26 bits of two words. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) * TWO_POW_NEG_53;
  }

  /**
   * Marsaglia polar method: draw (u, v) uniform on (−1, 1)² until 0 < s = u² + v² < 1, then
   * u·√(−2 ln s / s) and v·√(−2 ln s / s) are two independent standard normals.
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  fillNormal(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /**
   * Poisson(λ) by inversion: k = the least k with U < Σ_{j≤k} e^{−λ} λ^j / j!.
   * Exact for the small annual event rates of the stress test (λ ≤ 100 keeps e^{−λ} > 0).
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    const u = this.uniform();
    let k = 0;
    let p = Math.exp(-lambda);
    let cumulative = p;
    while (u >= cumulative && p > 0) {
      k++;
      p *= lambda / k;
      cumulative += p;
    }
    return k;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A generator started from explicit state words (for reference test vectors). */
export function randomFromState(state: Uint32Array): Random {
  if (state.length !== 4 || (state[0]! | state[1]! | state[2]! | state[3]!) === 0) throw new RangeError('state must be four 32-bit words, not all zero');
  return new Xoshiro128(0, 0, state);
}

/** A generator for one stream of a seed. */
export function createRandom(seed: number, stream = 0): Random {
  return new Xoshiro128(seed, stream);
}

/**
 * Walker's alias method (Vose's construction): a table for drawing index i with probability
 * wᵢ / Σw in O(1) from one uniform u — i = ⌊u·n⌋ is kept when the fractional part of u·n is
 * below `keep[i]`, and otherwise replaced by `alias[i]`. Built in O(n); weights must be ≥ 0
 * with a positive sum.
 */
export interface AliasTable {
  keep: Float64Array;
  alias: Int32Array;
}

export function aliasTable(weights: ArrayLike<number>): AliasTable {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} must be a finite number ≥ 0, got ${w}`);
    sum += w;
  }
  if (!(sum > 0)) throw new RangeError('the weights must have a positive sum');
  const keep = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = Float64Array.from({ length: n }, (_, i) => (weights[i]! * n) / sum);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = n - 1; i >= 0; i--) (scaled[i]! < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    keep[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  // What is left has probability 1 up to rounding.
  for (const i of [...large, ...small]) {
    keep[i] = 1;
    alias[i] = i;
  }
  return { keep, alias };
}

/** An index drawn from an alias table with the uniform u ∈ [0, 1). */
export function drawAlias(table: AliasTable, u: number): number {
  const x = u * table.keep.length;
  const i = Math.floor(x);
  return x - i < table.keep[i]! ? i : table.alias[i]!;
}
