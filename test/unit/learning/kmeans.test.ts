import { describe, expect, it } from 'vitest';
import { assignCluster, assignClusters, chooseK, fitKMeans, parseKMeansModel, zScoreParameters } from '../../../models/learning/kmeans.ts';
import { createRandom } from '../../../models/random.ts';

/** Uniform draws in [0, 1) from the project's seeded generator (models/random.ts). */
function rng(seed: number): () => number {
  const random = createRandom(seed);
  return () => random.uniform();
}

/** Three well-separated blobs: cost around 1 000 / 5 000 / 20 000 yuan, length of stay around 3 / 8 / 20 days. */
function blobs(perBlob: number, seed = 1): { rows: number[][]; blob: number[] } {
  const r = rng(seed);
  const centres = [
    [20_000, 20],
    [1_000, 3],
    [5_000, 8],
  ];
  const rows: number[][] = [];
  const blob: number[] = [];
  for (let i = 0; i < perBlob; i++) {
    centres.forEach((c, b) => {
      rows.push([c[0]! * (1 + 0.1 * (r() - 0.5)), c[1]! + (r() - 0.5)]);
      blob.push(b);
    });
  }
  return { rows, blob };
}

describe('k-means', () => {
  it('z-scores with the population standard deviation', () => {
    const { mean, sd } = zScoreParameters([[2, 7], [4, 7], [4, 7], [4, 7], [5, 7], [5, 7], [7, 7], [9, 7]]);
    expect(mean).toEqual([5, 7]);
    expect(sd).toEqual([2, 1]);
  });

  it('finds separated blobs and labels clusters by ascending centroid', () => {
    const { rows, blob } = blobs(100);
    const { model, assignments } = fitKMeans(rows, { k: 3, seed: 7, features: ['cost', 'los'] });
    // blob 1 is the cheapest → cluster 0, blob 2 → 1, blob 0 → 2
    const expected = [2, 0, 1];
    blob.forEach((b, i) => expect(assignments[i]).toBe(expected[b]));
    expect(model.sizes).toEqual([100, 100, 100]);
    expect(model.centers[0]![0]).toBeCloseTo(1_000, -2);
    expect(model.centers[2]![1]).toBeCloseTo(20, 0);
    expect(assignCluster(model, [4_800, 7])).toBe(1);
  });

  it('is deterministic for a seed and persists to JSON', () => {
    const { rows } = blobs(50, 3);
    const a = fitKMeans(rows, { k: 4, seed: 11 });
    const b = fitKMeans(rows, { k: 4, seed: 11 });
    expect(b.model).toEqual(a.model);
    expect([...b.assignments]).toEqual([...a.assignments]);
    const loaded = parseKMeansModel(JSON.parse(JSON.stringify(a.model)));
    expect([...assignClusters(loaded, rows)]).toEqual([...a.assignments]);
    expect(() => parseKMeansModel({ ...a.model, centroids: [[1]] })).toThrow(/dimensions/);
  });

  it('chooses the smallest k whose clusters all meet the CV target', () => {
    const { rows } = blobs(60, 5);
    const cost = rows.map((r) => r[0]!);
    const costRows = cost.map((c) => [c]);
    const choice = chooseK(costRows, cost, { targetCv: 0.1, kMax: 6, seed: 1 });
    expect(choice.met).toBe(true);
    expect(choice.k).toBe(3);
    expect(choice.trials.map((t) => t.k)).toEqual([1, 2, 3]);
    expect(choice.trials[0]!.maxCv).toBeGreaterThan(0.9);
    // an unreachable target returns the best admissible k and says so
    const strict = chooseK(costRows, cost, { targetCv: 0.001, kMax: 4, seed: 1, minClusterSize: 30 });
    expect(strict.met).toBe(false);
    expect(strict.fit.model.sizes.every((s) => s >= 30)).toBe(true);
  });
});
