/**
 * k-means clustering (Lloyd's algorithm with k-means++ initialisation, on typed arrays in
 * ./kmeans-engine.ts — the same answer as `ml-kmeans`, which the tests compare against) behind
 * a small interface: z-score scaling, deterministic relabelling, persisted centroids with their
 * scaling, `assignCluster` for new rows, and a documented rule to choose k.
 *
 * - **Scaling** (`scaling: 'zscore'`, the default): each feature j becomes z_j = (x_j − μ_j) / σ_j
 *   with μ_j the mean and σ_j the population standard deviation of the training rows (σ_j = 0 →
 *   1, so a constant feature stays 0). Without it a feature in yuan would swamp one in days; for a
 *   single feature it changes nothing (an affine map keeps nearest centroids). Distances are
 *   squared Euclidean in the scaled space.
 * - **Determinism**: ml-kmeans seeds its k-means++ draws from `seed` (default 42), so a seed and
 *   the same rows give the same clusters. Clusters are then relabelled in ascending order of their
 *   centroid (first feature, then the next ones): with cost as first feature, cluster 0 is the
 *   cheapest tier. Each row's cluster is its nearest final centroid (ties → lowest label).
 * - **Choosing k** (`chooseK`): the smallest k in [kMin, kMax] for which every cluster has a
 *   cost CV (population σ / mean of a cost vector, not necessarily a clustering feature) ≤
 *   `targetCv` and at least `minClusterSize` rows. That is the criterion a DIP analyst applies to
 *   a packet's cost tiers (docs/models.md §2, §4), so k follows from the policy's CV target
 *   rather than from an elbow, whose knee is a judgement call and changes with scaling. When no k
 *   meets the target, the admissible k with the lowest maximum CV is returned and `met` is false.
 */
import { kmeansPlusPlus, lloyd } from './kmeans-engine.ts';
import * as z from 'zod';

export const KMEANS_FORMAT = 'payreform-kmeans';
export const KMEANS_VERSION = 1;

export interface KMeansOptions {
  k: number;
  /** Seed of the k-means++ initialisation. Default 42. */
  seed?: number;
  /** Default 100. */
  maxIterations?: number;
  /**
   * Convergence: every centroid moved less than this (squared distance in the scaled space).
   * Default 1e-4 — with z-scored features that is scikit-learn's default `tol` scale; ml-kmeans's
   * own 1e-6 roughly doubles the iterations for no visible change in the clusters.
   */
  tolerance?: number;
  /** Default 'zscore'. */
  scaling?: 'zscore' | 'none';
  /** Feature names recorded in the model (default x0, x1, …). */
  features?: string[];
}

/** The persisted clustering: scaling parameters and centroids. */
export interface KMeansModel {
  format: typeof KMEANS_FORMAT;
  version: typeof KMEANS_VERSION;
  features: string[];
  scaling: { kind: 'zscore' | 'none'; mean: number[]; sd: number[] };
  /** Centroids in the scaled space (what `assignCluster` measures against), cluster order. */
  centroids: number[][];
  /** The same centroids in the original units, for reading. */
  centers: number[][];
  /** Training rows per cluster. */
  sizes: number[];
  /** Within-cluster sum of squared (scaled) distances per cluster. */
  withinSS: number[];
  iterations: number;
  converged: boolean;
  seed: number;
}

export interface KMeansFit {
  model: KMeansModel;
  /** Cluster of each training row. */
  assignments: Int32Array;
}

/** A row of features: number[] or a Float64Array. */
export type Point = ArrayLike<number>;

/** z-score parameters of the columns of `rows`: μ_j = Σ x_ij / n, σ_j = √(Σ (x_ij − μ_j)² / n) (σ_j = 0 → 1). */
export function zScoreParameters(rows: readonly Point[]): { mean: number[]; sd: number[] } {
  const d = rows[0]?.length ?? 0;
  const n = rows.length;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j]! += row[j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (const row of rows) {
    for (let j = 0; j < d; j++) {
      const e = row[j]! - mean[j]!;
      sd[j]! += e * e;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(sd[j]! / n);
    sd[j] = s > 0 && Number.isFinite(s) ? s : 1;
  }
  return { mean, sd };
}

/** Scale one row: z_j = (x_j − μ_j) / σ_j. */
export function scaleRow(row: Point, scaling: KMeansModel['scaling']): number[] {
  const out = new Array<number>(scaling.mean.length);
  for (let j = 0; j < out.length; j++) out[j] = (row[j]! - scaling.mean[j]!) / scaling.sd[j]!;
  return out;
}

/** Index of the nearest centroid (squared Euclidean; ties → lowest index). */
export function nearestCentroid(centroids: readonly (readonly number[])[], z: ArrayLike<number>): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    const ctr = centroids[c]!;
    let d = 0;
    for (let j = 0; j < ctr.length; j++) {
      const e = z[j]! - ctr[j]!;
      d += e * e;
    }
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** Cluster `rows` into k clusters (see the module comment for scaling, seeding and labels). */
export function fitKMeans(rows: readonly Point[], options: KMeansOptions): KMeansFit {
  const { k } = options;
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`k must be a positive integer, got ${k}`);
  if (n < k) throw new Error(`k-means needs at least k = ${k} rows, got ${n}`);
  if (d === 0) throw new Error('k-means needs at least one feature');
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== d) throw new Error(`row ${i} has ${row.length} features, expected ${d}`);
    for (let j = 0; j < d; j++) if (!Number.isFinite(row[j]!)) throw new Error(`row ${i} feature ${j} is ${row[j]}; k-means needs finite numbers`);
  }
  const seed = options.seed ?? 42;
  const kind = options.scaling ?? 'zscore';
  const params = kind === 'zscore' ? zScoreParameters(rows) : { mean: new Array<number>(d).fill(0), sd: new Array<number>(d).fill(1) };
  const scaling = { kind, mean: params.mean, sd: params.sd };
  const scaled = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    for (let j = 0; j < d; j++) scaled[i * d + j] = (row[j]! - scaling.mean[j]!) / scaling.sd[j]!;
  }

  const initial = kmeansPlusPlus(scaled, n, d, k, seed);
  const result = lloyd(scaled, n, d, k, initial, options.maxIterations ?? 100, options.tolerance ?? 1e-4);

  // Relabel in ascending centroid order, then assign each row to its nearest final centroid.
  const found = Array.from({ length: k }, (_, c) => Array.from(result.centres.subarray(c * d, c * d + d)));
  const order = found.map((_, c) => c).sort((a, b) => compareVectors(found[a]!, found[b]!) || a - b);
  const centroids = order.map((c) => found[c]!);
  const flat = Float64Array.from(centroids.flat());
  const assignments = new Int32Array(n);
  const sizes = new Array<number>(k).fill(0);
  const withinSS = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    let c = 0;
    let best = Infinity;
    for (let m = 0; m < k; m++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = scaled[i * d + j]! - flat[m * d + j]!;
        s += e * e;
      }
      if (s < best) {
        best = s;
        c = m;
      }
    }
    assignments[i] = c;
    sizes[c]!++;
    // Feature by feature, in the order the persisted models were always summed.
    for (let j = 0; j < d; j++) {
      const e = scaled[i * d + j]! - flat[c * d + j]!;
      withinSS[c]! += e * e;
    }
  }
  const model: KMeansModel = {
    format: KMEANS_FORMAT,
    version: KMEANS_VERSION,
    features: options.features ?? Array.from({ length: d }, (_, j) => `x${j}`),
    scaling,
    centroids,
    centers: centroids.map((ctr) => ctr.map((v, j) => v * scaling.sd[j]! + scaling.mean[j]!)),
    sizes,
    withinSS,
    iterations: result.iterations,
    converged: result.converged,
    seed,
  };
  return { model, assignments };
}

function compareVectors(a: readonly number[], b: readonly number[]): number {
  for (let j = 0; j < a.length; j++) {
    const diff = a[j]! - b[j]!;
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Cluster of a new row (in original units; scaled with the model's parameters). */
export function assignCluster(model: KMeansModel, row: Point): number {
  if (row.length !== model.features.length) throw new Error(`row has ${row.length} features, the model ${model.features.length}`);
  return nearestCentroid(model.centroids, scaleRow(row, model.scaling));
}

/** Clusters of many rows. */
export function assignClusters(model: KMeansModel, rows: readonly Point[]): Int32Array {
  return Int32Array.from(rows, (row) => assignCluster(model, row));
}

/** One k tried by `chooseK`. */
export interface KTrial {
  k: number;
  /** Largest / row-weighted mean cluster CV of the cost vector. */
  maxCv: number;
  meanCv: number;
  minSize: number;
  totalWithinSS: number;
}

export interface ChooseKOptions extends Omit<KMeansOptions, 'k'> {
  /** Each cluster's cost CV must be ≤ this (e.g. the policy's CV target). */
  targetCv: number;
  kMin?: number;
  kMax: number;
  /** Each cluster must have at least this many rows. Default 1. */
  minClusterSize?: number;
}

export interface ChooseKResult {
  k: number;
  fit: KMeansFit;
  /** Whether the chosen k meets the CV target. */
  met: boolean;
  trials: KTrial[];
}

/**
 * The smallest k in [kMin, kMax] whose clusters all have cost CV ≤ targetCv and ≥ minClusterSize
 * rows (see the module comment); stops at the first such k. `cost[i]` belongs to `rows[i]`.
 */
export function chooseK(rows: readonly Point[], cost: ArrayLike<number>, options: ChooseKOptions): ChooseKResult {
  if (cost.length !== rows.length) throw new Error(`chooseK: ${rows.length} rows but ${cost.length} costs`);
  const kMin = options.kMin ?? 1;
  const kMax = Math.min(options.kMax, rows.length);
  const minSize = options.minClusterSize ?? 1;
  const trials: KTrial[] = [];
  let fallback: { k: number; fit: KMeansFit; maxCv: number } | null = null;
  for (let k = kMin; k <= kMax; k++) {
    const fit = fitKMeans(rows, { ...options, k });
    const trial = clusterCvs(fit.assignments, k, cost);
    trials.push({ ...trial, k, totalWithinSS: fit.model.withinSS.reduce((a, b) => a + b, 0) });
    if (trial.minSize < minSize) continue;
    if (trial.maxCv <= options.targetCv) return { k, fit, met: true, trials };
    if (!fallback || trial.maxCv < fallback.maxCv) fallback = { k, fit, maxCv: trial.maxCv };
  }
  if (!fallback) {
    const fit = fitKMeans(rows, { ...options, k: kMin });
    return { k: kMin, fit, met: false, trials };
  }
  return { k: fallback.k, fit: fallback.fit, met: false, trials };
}

/** Max and row-weighted mean of the clusters' population CVs of `cost`, and the smallest cluster size. */
function clusterCvs(assignments: Int32Array, k: number, cost: ArrayLike<number>): { maxCv: number; meanCv: number; minSize: number } {
  const n = new Float64Array(k);
  const sum = new Float64Array(k);
  for (let i = 0; i < assignments.length; i++) {
    const c = assignments[i]!;
    n[c]! += 1;
    sum[c]! += cost[i]!;
  }
  const ss = new Float64Array(k);
  for (let i = 0; i < assignments.length; i++) {
    const c = assignments[i]!;
    const e = cost[i]! - sum[c]! / n[c]!;
    ss[c]! += e * e;
  }
  let maxCv = 0;
  let weighted = 0;
  let minSize = Infinity;
  for (let c = 0; c < k; c++) {
    const size = n[c]!;
    minSize = Math.min(minSize, size);
    if (size === 0) continue;
    const m = sum[c]! / size;
    const cv = m !== 0 ? Math.sqrt(ss[c]! / size) / Math.abs(m) : Infinity;
    maxCv = Math.max(maxCv, cv);
    weighted += cv * size;
  }
  return { maxCv, meanCv: weighted / assignments.length, minSize };
}

/** zod schema of a persisted k-means model. */
export const kmeansModelSchema = z.object({
  format: z.literal(KMEANS_FORMAT),
  version: z.literal(KMEANS_VERSION),
  features: z.array(z.string()).min(1),
  scaling: z.object({ kind: z.enum(['zscore', 'none']), mean: z.array(z.number()), sd: z.array(z.number().positive()) }),
  centroids: z.array(z.array(z.number())).min(1),
  centers: z.array(z.array(z.number())),
  sizes: z.array(z.number().int().nonnegative()),
  withinSS: z.array(z.number()),
  iterations: z.number().int().nonnegative(),
  converged: z.boolean(),
  seed: z.number(),
});

/** Parse and validate a persisted k-means model (dimensions checked against the feature list). */
export function parseKMeansModel(json: unknown): KMeansModel {
  const parsed = kmeansModelSchema.safeParse(json);
  if (!parsed.success) throw new Error(`not a ${KMEANS_FORMAT} v${KMEANS_VERSION} model: ${z.prettifyError(parsed.error)}`);
  const model = parsed.data;
  const d = model.features.length;
  if (model.scaling.mean.length !== d || model.scaling.sd.length !== d || model.centroids.some((c) => c.length !== d)) {
    throw new Error(`k-means model: scaling and centroids must have ${d} dimensions`);
  }
  return model;
}
