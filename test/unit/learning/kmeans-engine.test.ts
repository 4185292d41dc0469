/**
 * The typed-array k-means engine against `ml-kmeans`, the reference: same seed → same k-means++
 * centres, same Lloyd steps, same clusters, centroids, iterations and inertia — on data built to
 * make the bounds work hard (near ties, duplicate rows, empty clusters, one feature, many k).
 */
import fc from 'fast-check';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { describe, expect, it } from 'vitest';
import { kmeansPlusPlus, lloyd } from '../../../models/learning/kmeans-engine.ts';
import { fitKMeans, nearestCentroid, scaleRow, zScoreParameters, type KMeansModel } from '../../../models/learning/kmeans.ts';
import { createRandom } from '../../../models/random.ts';

function flat(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

function toRows(values: Float64Array, d: number): number[][] {
  return Array.from({ length: values.length / d }, (_, i) => Array.from(values.subarray(i * d, i * d + d)));
}

/** The previous fitKMeans, straight through ml-kmeans: what every persisted model was made with. */
function referenceFit(rows: number[][], k: number, seed: number, maxIterations = 100, tolerance = 1e-4): { model: Pick<KMeansModel, 'centroids' | 'sizes' | 'withinSS' | 'iterations' | 'converged'>; assignments: number[] } {
  const d = rows[0]!.length;
  const params = zScoreParameters(rows);
  const scaling = { kind: 'zscore' as const, ...params };
  const scaled = rows.map((row) => scaleRow(row, scaling));
  const result = mlKmeans(scaled, k, { initialization: 'kmeans++', seed, maxIterations, tolerance });
  const compare = (a: number[], b: number[]) => {
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return a[j]! - b[j]!;
    return 0;
  };
  const order = result.centroids.map((_, c) => c).sort((a, b) => compare(result.centroids[a]!, result.centroids[b]!) || a - b);
  const centroids = order.map((c) => [...result.centroids[c]!]);
  const sizes = new Array<number>(k).fill(0);
  const withinSS = new Array<number>(k).fill(0);
  const assignments = scaled.map((z) => {
    const c = nearestCentroid(centroids, z);
    sizes[c]!++;
    for (let j = 0; j < d; j++) withinSS[c]! += (z[j]! - centroids[c]![j]!) ** 2;
    return c;
  });
  return { model: { centroids, sizes, withinSS, iterations: result.iterations, converged: result.converged }, assignments };
}

/** Rows from a few blobs with small integer jitter: plenty of exact duplicates and distance ties. */
function blobRows(n: number, d: number, seed: number, spread: number): number[][] {
  const r = createRandom(seed);
  const centres = Array.from({ length: 5 }, () => Array.from({ length: d }, () => Math.floor(r.uniform() * 40)));
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(r.uniform() * centres.length)]!;
    return c.map((v) => v + Math.floor(r.uniform() * spread) - spread / 2);
  });
}

describe('k-means engine against ml-kmeans', () => {
  it('draws the same k-means++ centres and runs the same Lloyd steps', () => {
    for (const [n, d, k, seed] of [[2_000, 4, 20, 1], [500, 1, 7, 42], [3_000, 3, 12, 9], [50, 2, 50, 3]] as const) {
      const rows = blobRows(n, d, seed, 6);
      const x = flat(rows);
      const initial = kmeansPlusPlus(x, n, d, k, seed);
      const ours = lloyd(x, n, d, k, initial, 100, 1e-6);
      const reference = mlKmeans(rows, k, { initialization: 'kmeans++', seed, maxIterations: 100, tolerance: 1e-6 });
      expect(ours.iterations).toBe(reference.iterations);
      expect(ours.converged).toBe(reference.converged);
      expect([...ours.clusters]).toEqual(reference.clusters);
      expect(toRows(ours.centres, d)).toEqual(reference.centroids);
      // And from given initial centres (no k-means++).
      const start = toRows(initial, d);
      const fromGiven = mlKmeans(rows, k, { initialization: start.map((c) => [...c]), maxIterations: 30, tolerance: 0 });
      const oursGiven = lloyd(x, n, d, k, initial, 30, 0);
      expect([...oursGiven.clusters]).toEqual(fromGiven.clusters);
      expect(toRows(oursGiven.centres, d)).toEqual(fromGiven.centroids);
      expect(oursGiven.iterations).toBe(fromGiven.iterations);
    }
  });

  it('gives fitKMeans the models ml-kmeans gave: centroids within 1e-9 (in fact equal), same clusters and inertia', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 1, max: 30 }),
        (d, k, seed, spread) => {
          const rows = blobRows(60 + seed % 200, d, seed, spread);
          const ours = fitKMeans(rows, { k, seed });
          const reference = referenceFit(rows, k, seed);
          expect([...ours.assignments]).toEqual(reference.assignments);
          ours.model.centroids.forEach((c, i) => c.forEach((v, j) => expect(Math.abs(v - reference.model.centroids[i]![j]!)).toBeLessThanOrEqual(1e-9)));
          expect(ours.model.centroids).toEqual(reference.model.centroids);
          expect(ours.model.withinSS).toEqual(reference.model.withinSS);
          expect(ours.model.sizes).toEqual(reference.model.sizes);
          expect(ours.model.iterations).toBe(reference.model.iterations);
          expect(ours.model.converged).toBe(reference.model.converged);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matches on skewed costs (a long tail, as DIP tiers see) with one feature', () => {
    const r = createRandom(5);
    const rows = Array.from({ length: 5_000 }, () => [Math.round(3_000 * Math.exp(0.8 * r.normal()))]);
    for (const k of [2, 3, 5, 8]) {
      const ours = fitKMeans(rows, { k, seed: 17 });
      const reference = referenceFit(rows, k, 17);
      expect([...ours.assignments]).toEqual(reference.assignments);
      expect(ours.model.centroids).toEqual(reference.model.centroids);
      expect(ours.model.withinSS).toEqual(reference.model.withinSS);
    }
  });

  it('rejects a seed ml-random would reject', () => {
    expect(() => fitKMeans([[1], [2], [3]], { k: 2, seed: 1.5 })).toThrow(/seed must be an integer/);
  });
});
