/**
 * Cost tiers of a heterogeneous comprehensive packet (综合病种 refined by k-means, models.md §2).
 *
 * When a comprehensive packet's cost CV is above the policy's `targetCv`, its cases are clustered
 * on cost (one feature) with k-means (`models/learning/kmeans.ts`, k-means++ seeded), k chosen by
 * `chooseK`: the smallest k in 2 … maxTiers whose clusters all have CV ≤ targetCv and ≥
 * minTierCases cases (else the admissible k with the lowest largest CV). In one dimension the
 * nearest-centroid rule is a set of thresholds — the midpoints b_t = (c_t + c_{t+1}) / 2 between
 * adjacent centroids (rounded to 0.01 yuan, as stored) — so a tier is a cost interval (b_{t−1}, b_t] and the grouper needs no
 * centroids. Cases are re-assigned by those intervals (identical to nearest-centroid up to
 * a case exactly on a midpoint, which goes to the cheaper tier).
 *
 * A tiered packet pays by cost band: inside it the payment follows cost more closely than in a
 * core packet. That is the point of tiering a mixed bag (综合病种 of one category × class holds very
 * different stays), and why it is kept to comprehensive packets and to a few tiers.
 */
import { chooseK } from '../../learning/kmeans.ts';

export interface CostTiering {
  /** Upper bounds b_1 … b_{k−1} (ascending); tier t holds costs in (b_{t−1}, b_t]. */
  bounds: number[];
  /** Tier of each given cost. */
  tierOf: Int32Array;
  /** Whether every tier meets the CV target. */
  met: boolean;
}

export interface TieringOptions {
  targetCv: number;
  maxTiers: number;
  minTierCases: number;
  seed: number;
}

/** Tier of a cost under ascending bounds: the number of bounds strictly below it. */
export function tierOfCost(bounds: readonly number[], cost: number): number {
  let t = 0;
  while (t < bounds.length && cost > bounds[t]!) t++;
  return t;
}

/**
 * Cost tiers of one packet's costs, or null when no split into ≥ 2 tiers of ≥ minTierCases cases
 * exists (too few cases, or k-means puts fewer than minTierCases in a tier).
 */
export function costTiers(costs: Float64Array, options: TieringOptions): CostTiering | null {
  const n = costs.length;
  if (n < 2 * options.minTierCases || options.maxTiers < 2) return null;
  const rows = Array.from(costs, (c) => [c]);
  const choice = chooseK(rows, costs, { targetCv: options.targetCv, kMin: 2, kMax: options.maxTiers, minClusterSize: options.minTierCases, seed: options.seed, features: ['cost'] });
  const centers = choice.fit.model.centers.map((c) => c[0]!);
  const bounds: number[] = [];
  for (let t = 0; t + 1 < centers.length; t++) bounds.push(Math.round(((centers[t]! + centers[t + 1]!) / 2) * 100) / 100);
  const tierOf = Int32Array.from(costs, (c) => tierOfCost(bounds, c));
  const sizes = new Int32Array(bounds.length + 1);
  for (let k = 0; k < n; k++) sizes[tierOf[k]!]!++;
  for (let t = 0; t < sizes.length; t++) if (sizes[t]! < options.minTierCases) return null;
  return { bounds, tierOf, met: choice.met };
}
