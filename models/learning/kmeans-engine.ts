/**
 * The k-means engine behind `fitKMeans`: k-means++ seeding and Lloyd's iterations on one flat
 * row-major Float64Array (n rows × d features), with Hamerly's bounds to skip distance
 * computations that cannot change a row's cluster.
 *
 * Same answer as `ml-kmeans` (the reference the tests compare against), bit for bit:
 * - k-means++ makes the same draws from the same generator (XSadd, as ml-random seeds it), picks
 *   the same candidates (2 + ⌊ln k⌋ per centre, the one with the lowest potential, first wins)
 *   and sums in the same order;
 * - every Lloyd step assigns each row to its nearest centre (squared Euclidean, computed feature
 *   by feature in the same order; ties → lowest index), recomputes each centre as the mean of its
 *   rows summed in row order (an empty cluster keeps its centre), and stops when no centre moved
 *   more than `tolerance` (squared) or after `maxIterations` steps.
 * Hamerly's bounds only decide *whether* a row's distances need computing: a row is skipped when
 * an upper bound on the distance to its centre stays below a lower bound on every other centre's
 * distance by a margin far larger than floating-point error (`slack`), so a skipped row is one
 * whose computed nearest centre could not have changed; rows that are not skipped are assigned
 * exactly as Lloyd's step does. In 4 dimensions most rows are skipped after a few steps.
 */

/** XSadd (Saito & Matsumoto), the generator ml-random seeds from an integer: floats with 24 random bits. */
export class XSadd {
  private readonly state = new Uint32Array(4);

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new TypeError(`the k-means seed must be an integer, got ${seed}`);
    const s = this.state;
    s[0] = seed;
    for (let i = 1; i < 8; i++) {
      const prev = s[(i - 1) & 3]!;
      s[i & 3]! ^= (i + multiplyUint32(1812433253, prev ^ (prev >>> 30))) >>> 0;
    }
    if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) s.set([88, 83, 65, 68]);
    for (let i = 0; i < 8; i++) this.next();
  }

  private next(): void {
    const s = this.state;
    let t = s[0]!;
    t ^= t << 15;
    t ^= t >>> 18;
    t ^= s[3]! << 11;
    s[0] = s[1]!;
    s[1] = s[2]!;
    s[2] = s[3]!;
    s[3] = t;
  }

  /** A uniform float in [0, 1): the top 24 bits of the next 32-bit output. */
  random(): number {
    this.next();
    return (((this.state[3]! + this.state[2]!) >>> 0) >>> 8) / 16777216;
  }
}

function multiplyUint32(n: number, m: number): number {
  n >>>= 0;
  m >>>= 0;
  const lo = n & 0xffff;
  const hi = n - lo;
  return (((hi * m) >>> 0) + lo * m) >>> 0;
}

/** Squared Euclidean distance between row i of `x` and row c of `centres` (feature order, as ml-kmeans). */
function squaredDistance(x: Float64Array, i: number, centres: Float64Array, c: number, d: number): number {
  let s = 0;
  const a = i * d;
  const b = c * d;
  for (let j = 0; j < d; j++) {
    const e = x[a + j]! - centres[b + j]!;
    s += e * e;
  }
  return s;
}

/** k-means++ initial centres (k × d, row-major), drawn as ml-kmeans draws them for `seed`. */
export function kmeansPlusPlus(x: Float64Array, n: number, d: number, k: number, seed: number): Float64Array {
  const random = new XSadd(seed);
  const centres = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = Math.floor(random.random() * n);
  centres.set(x.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = squaredDistance(x, i, centres, 0, d);
  const cumulative = new Float64Array(n);
  let best = new Float64Array(n);
  let candidate = new Float64Array(n);
  const candidates = new Int32Array(trials);
  for (let c = 1; c < k; c++) {
    // Draw `trials` candidates with probability ∝ squared distance to the nearest centre so far.
    let total = closest[0]!;
    for (let i = 1; i < n; i++) total += closest[i]!;
    const scale = 1 / total;
    let running = closest[0]! * scale;
    cumulative[0] = running;
    for (let i = 1; i < n; i++) cumulative[i] = running += closest[i]! * scale;
    for (let t = 0; t < trials; t++) {
      const u = random.random();
      let idx = 0;
      while (idx < n && u > cumulative[idx]!) idx++;
      candidates[t] = Math.min(idx, n - 1);
    }
    // Keep the candidate that lowers the potential Σ min(closest, distance to candidate) most.
    let bestRow = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const row = candidates[t]!;
      let potential = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const e = x[row * d + j]! - x[i * d + j]!;
          s += e * e;
        }
        const m = Math.min(closest[i]!, s);
        candidate[i] = m;
        potential += m;
      }
      if (potential < bestPotential) {
        bestPotential = potential;
        bestRow = row;
        [best, candidate] = [candidate, best];
      }
    }
    if (bestRow < 0) throw new Error('k-means++ found no candidate with a finite potential');
    centres.set(x.subarray(bestRow * d, bestRow * d + d), c * d);
    [closest, best] = [best, closest];
  }
  return centres;
}

export interface LloydResult {
  /** Final centres, k × d row-major. */
  centres: Float64Array;
  /** Cluster of each row in the last step (against the centres before the last update). */
  clusters: Int32Array;
  iterations: number;
  converged: boolean;
}

/**
 * Lloyd's iterations from `initial` (k × d), rows skipped by Hamerly's bounds where that cannot
 * change the result (see the module comment). `maxIterations` 0 means no limit, as in ml-kmeans.
 */
export function lloyd(x: Float64Array, n: number, d: number, k: number, initial: Float64Array, maxIterations: number, tolerance: number): LloydResult {
  let centres = Float64Array.from(initial);
  const clusters = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const halfGap = new Float64Array(k);
  const moved = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const limit = maxIterations === 0 ? Number.MAX_VALUE : maxIterations;
  const slack = boundSlack(x);
  let iterations = 0;
  let converged = false;
  while (!converged && iterations < limit) {
    iterations++;
    if (iterations === 1) {
      for (let i = 0; i < n; i++) assignFully(x, i, centres, k, d, clusters, upper, lower);
    } else {
      computeHalfGaps(centres, k, d, halfGap);
      for (let i = 0; i < n; i++) {
        const a = clusters[i]!;
        const bound = Math.max(halfGap[a]!, lower[i]!);
        if (upper[i]! + slack < bound) continue;
        upper[i] = Math.sqrt(squaredDistance(x, i, centres, a, d));
        if (upper[i]! + slack < bound) continue;
        assignFully(x, i, centres, k, d, clusters, upper, lower);
      }
    }
    // New centres: means of their rows in row order; an empty cluster keeps its centre.
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = clusters[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) sums[c * d + j]! += x[i * d + j]!;
    }
    const next = new Float64Array(k * d);
    converged = true;
    for (let c = 0; c < k; c++) {
      let shift = 0;
      for (let j = 0; j < d; j++) {
        const v = counts[c]! > 0 ? sums[c * d + j]! / counts[c]! : centres[c * d + j]!;
        next[c * d + j] = v;
        const e = v - centres[c * d + j]!;
        shift += e * e;
      }
      if (shift > tolerance) converged = false;
      moved[c] = Math.sqrt(shift);
    }
    centres = next;
    // Hamerly's bound updates: the own centre moved at most moved[a]; every other at most the largest other move.
    let first = 0;
    for (let c = 1; c < k; c++) if (moved[c]! > moved[first]!) first = c;
    let second = 0;
    for (let c = 0; c < k; c++) if (c !== first && (second === first || moved[c]! > moved[second]!)) second = c;
    for (let i = 0; i < n; i++) {
      const a = clusters[i]!;
      upper[i]! += moved[a]!;
      lower[i]! -= a === first ? (k > 1 ? moved[second]! : 0) : moved[first]!;
    }
  }
  return { centres, clusters, iterations, converged };
}

/** Every distance of row i, as Lloyd's step computes them: nearest centre (first of equals), its distance and the runner-up's. */
function assignFully(x: Float64Array, i: number, centres: Float64Array, k: number, d: number, clusters: Int32Array, upper: Float64Array, lower: Float64Array): void {
  let best = -1;
  let bestD = Number.MAX_VALUE;
  let secondD = Infinity;
  for (let c = 0; c < k; c++) {
    const s = squaredDistance(x, i, centres, c, d);
    if (s < bestD) {
      secondD = Math.min(secondD, bestD);
      bestD = s;
      best = c;
    } else if (s < secondD) {
      secondD = s;
    }
  }
  clusters[i] = best;
  upper[i] = Math.sqrt(bestD);
  lower[i] = k > 1 ? Math.sqrt(secondD) : Infinity;
}

/** Half the distance from each centre to its nearest other centre. */
function computeHalfGaps(centres: Float64Array, k: number, d: number, out: Float64Array): void {
  out.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const gap = Math.sqrt(squaredDistance(centres, a, centres, b, d)) / 2;
      if (gap < out[a]!) out[a] = gap;
      if (gap < out[b]!) out[b] = gap;
    }
  }
}

/**
 * The margin a bound must clear before a row is skipped: far above the rounding error of the
 * distances and of the bounds' running sums (~1e-16 of the largest coordinate per operation).
 */
function boundSlack(x: Float64Array): number {
  let largest = 1;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    if (v > largest) largest = v;
  }
  return 1e-8 * largest;
}
