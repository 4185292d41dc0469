/**
 * Relative weights (相对权重, RW) from the reference years' cases (shared/docs/models.md §1).
 *
 * Phase 1, `collectWeightSample` (per partition): the costs of the weight population by
 * reference year and DRG. Phase 2, `mergeWeightSamples` + `deriveWeights` (central): trimmed
 * means, year weighting, RW, and the grouping quality of the reference cases.
 *
 * Definitions (each a policy *param* where models.md says so):
 * - Weight population: cases discharged in a reference year, with a DRG (grouped, or an
 *   ambiguous xQY group unless the policy pays QY groups by item), and a stay strictly between
 *   `excludeStays.minDays` and `excludeStays.maxDays` (stays ≤ 2 or ≥ 60 days are left out of
 *   the weights, never out of payment). Ungroupable cases have no group and no weight.
 * - Trimmed mean of group g in year y (nearest rank): sort the n costs, drop the ⌊n·trim₀⌋
 *   lowest and the ⌊n·(1 − trim₁)⌋ highest — the cases below the 2.5th / above the 97.5th
 *   percentile — and average the rest: m_{g,y}. (A group of fewer than 40 cases loses none.)
 * - All-case trimmed mean of year y: M_y = Σ_g Σ_{kept} c / Σ_g n_kept — the mean over the cases
 *   every group kept, so the case-weighted mean RW of the kept cases is exactly 1.
 * - Year weighting: RW_{g,y} = m_{g,y} / M_y, then RW_g = Σ_y w_y RW_{g,y} / Σ_y w_y over the
 *   reference years in which g has cases. Weighting per-year *relative* weights (not yuan)
 *   removes cost inflation between the years: a uniform rise of all costs cancels in m/M, so no
 *   inflation index is needed; relative price changes between groups are kept, weighted toward
 *   the newest year (1 : 2 : 7 by default).
 *
 * Memory: the sample keeps 8 bytes per weight-population case (Float64Array costs per year and
 * DRG) because exact percentiles need every cost; 30 M reference cases of a province are 240 MB
 * in the central phase. A bounded variant would keep per group a log-spaced histogram with
 * per-bin sums (e.g. 4 096 bins from 1 to 10⁷ yuan, 0.4 % wide: percentile error < 0.4 %) —
 * not needed at city scale, so not built.
 */
import { groupingQuality } from '../learning/quality.ts';
import { GroupStatus, groupingOf, type CaseTable } from './cases.ts';
import type { PaymentPolicy } from './policy.ts';

/** The policy fields the weights depend on. */
export type WeightPolicy = Pick<PaymentPolicy, 'referenceYears' | 'yearWeights' | 'trim' | 'excludeStays' | 'ambiguous' | 'feeForService'>;

/** Phase-1 aggregate: per reference year (policy order), DRG code → costs of its weight-population cases. */
export interface WeightSample {
  years: number[];
  costs: Map<string, Float64Array>[];
  /** Reference-year cases seen, and those left out of the weights by reason. */
  counts: { cases: number; excludedStays: number; ungroupable: number; ambiguousByItem: number };
}

/** Whether a stay is kept in the weights: minDays < LOS < maxDays (or always, with no exclusion). */
export function stayKept(lengthOfStay: number, exclude: WeightPolicy['excludeStays']): boolean {
  return exclude === null || (lengthOfStay > exclude.minDays && lengthOfStay < exclude.maxDays);
}

/** Phase 1 over one partition: the costs of the reference years' weight population by year and DRG. */
export function collectWeightSample(table: CaseTable, policy: WeightPolicy): WeightSample {
  const { drg, status } = groupingOf(table, policy.ambiguous);
  const years = policy.referenceYears;
  const yearIndex = new Map(years.map((y, i) => [y, i]));
  const groupsCount = table.drgs.length;
  const counts = { cases: 0, excludedStays: 0, ungroupable: 0, ambiguousByItem: 0 };
  // Pass 1: which (year, DRG) slot each kept case goes to, and the slot sizes.
  const slot = new Int32Array(table.size).fill(-1);
  const sizes = new Int32Array(years.length * groupsCount);
  for (let i = 0; i < table.size; i++) {
    const y = yearIndex.get(table.year[i]!);
    if (y === undefined) continue;
    counts.cases++;
    const s = status[i]!;
    if (s === GroupStatus.Ungroupable) {
      counts.ungroupable++;
      continue;
    }
    if (s === GroupStatus.Ambiguous && policy.feeForService.ambiguousGroups) {
      counts.ambiguousByItem++;
      continue;
    }
    if (!stayKept(table.lengthOfStay[i]!, policy.excludeStays)) {
      counts.excludedStays++;
      continue;
    }
    const k = y * groupsCount + drg[i]!;
    slot[i] = k;
    sizes[k]!++;
  }
  // Pass 2: fill one Float64Array per slot.
  const arrays: (Float64Array | null)[] = Array.from(sizes, (n) => (n > 0 ? new Float64Array(n) : null));
  const fill = new Int32Array(sizes.length);
  for (let i = 0; i < table.size; i++) {
    const k = slot[i]!;
    if (k < 0) continue;
    arrays[k]![fill[k]!++] = table.cost[i]!;
  }
  const costs = years.map((_, y) => {
    const m = new Map<string, Float64Array>();
    for (let g = 0; g < groupsCount; g++) {
      const a = arrays[y * groupsCount + g];
      if (a) m.set(table.drgs[g]!, a);
    }
    return m;
  });
  return { years: [...years], costs, counts };
}

/** Merge phase-1 samples of the same policy (partitions): costs are concatenated, counts added. */
export function mergeWeightSamples(samples: readonly WeightSample[]): WeightSample {
  const first = samples[0];
  if (!first) throw new Error('mergeWeightSamples: no samples');
  const costs = first.years.map((_, y) => {
    const parts = new Map<string, Float64Array[]>();
    for (const s of samples) for (const [drg, a] of s.costs[y]!) (parts.get(drg) ?? parts.set(drg, []).get(drg)!).push(a);
    const merged = new Map<string, Float64Array>();
    for (const [drg, list] of parts) merged.set(drg, concat(list));
    return merged;
  });
  const counts = { cases: 0, excludedStays: 0, ungroupable: 0, ambiguousByItem: 0 };
  for (const s of samples) for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += s.counts[k];
  return { years: [...first.years], costs, counts };
}

function concat(list: readonly Float64Array[]): Float64Array {
  if (list.length === 1) return list[0]!;
  const out = new Float64Array(list.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of list) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** A trimmed mean and what it kept. */
export interface Trimmed {
  mean: number;
  kept: number;
  sum: number;
}

/**
 * Trimmed mean by nearest rank of costs sorted ascending: drop the ⌊n·lower⌋ lowest and the
 * ⌊n·(1 − upper)⌋ highest, average the rest. (1e-9 absorbs 40 × 0.025 = 0.99999….)
 */
export function trimmedMeanSorted(sorted: ArrayLike<number>, lower: number, upper: number): Trimmed {
  const n = sorted.length;
  if (n === 0) return { mean: NaN, kept: 0, sum: 0 };
  let dropLow = Math.floor(n * lower + 1e-9);
  let dropHigh = Math.floor(n * (1 - upper) + 1e-9);
  if (dropLow + dropHigh >= n) {
    // Only when lower ≈ upper: keep the middle case(s).
    dropLow = Math.floor((n - 1) / 2);
    dropHigh = n - 1 - dropLow - ((n - 1) % 2);
  }
  let sum = 0;
  for (let i = dropLow; i < n - dropHigh; i++) sum += sorted[i]!;
  const kept = n - dropLow - dropHigh;
  return { mean: sum / kept, kept, sum };
}

/** Trimmed mean of unsorted costs (sorts a copy). */
export function trimmedMean(costs: ArrayLike<number>, lower: number, upper: number): Trimmed {
  return trimmedMeanSorted(Float64Array.from(costs).sort(), lower, upper);
}

/** One DRG's weight and the statistics groups.csv reports. */
export interface GroupWeight {
  drg: string;
  /** RW_g (see the module comment). */
  relativeWeight: number;
  /** Weight-population cases over all reference years. */
  cases: number;
  /** Untrimmed mean cost of those cases, all reference years pooled (nominal yuan). */
  meanCost: number;
  /** CV of those costs (population σ / mean, models.md §4). */
  cv: number;
  /** Per reference year (policy order): m_{g,y} and RW_{g,y}, null where g has no case that year. */
  byYear: ({ cases: number; kept: number; trimmedMean: number; relativeWeight: number } | null)[];
}

export interface Weights {
  years: number[];
  yearWeights: number[];
  /** M_y: the all-case trimmed mean of each reference year. */
  allCaseMean: number[];
  /** Groups by DRG code, in code order. */
  groups: Map<string, GroupWeight>;
  /** Grouping quality of the weight population (RIV over DRGs, CV counts), models.md §4. */
  quality: { riv: number; cvBelowHalf: number; cvAboveOne: number; overallCv: number };
  counts: WeightSample['counts'];
  /** Set when a city's payment table gives the RWs (table-weights.ts): pricing reads its map. */
  table?: { table: string; column: string; relativeWeights: ReadonlyMap<string, number> };
}

/** Phase 2: relative weights from a (merged) sample. Sorts the sample's arrays in place. */
export function deriveWeights(sample: WeightSample, policy: Pick<WeightPolicy, 'yearWeights' | 'trim'>): Weights {
  const [lower, upper] = policy.trim;
  const drgs = [...new Set(sample.costs.flatMap((m) => [...m.keys()]))].sort();
  const trimmed = sample.costs.map((m) => {
    const out = new Map<string, Trimmed & { cases: number }>();
    for (const [drg, costs] of m) out.set(drg, { ...trimmedMeanSorted(costs.sort(), lower, upper), cases: costs.length });
    return out;
  });
  const allCaseMean = trimmed.map((m) => {
    let sum = 0;
    let kept = 0;
    for (const t of m.values()) {
      sum += t.sum;
      kept += t.kept;
    }
    return kept > 0 ? sum / kept : NaN;
  });
  const quality = qualityOf(sample, drgs);
  const groups = new Map<string, GroupWeight>();
  drgs.forEach((drg, g) => {
    const byYear = trimmed.map((m, y) => {
      const t = m.get(drg);
      return t ? { cases: t.cases, kept: t.kept, trimmedMean: t.mean, relativeWeight: t.mean / allCaseMean[y]! } : null;
    });
    let weighted = 0;
    let weightSum = 0;
    byYear.forEach((b, y) => {
      if (!b) return;
      weighted += policy.yearWeights[y]! * b.relativeWeight;
      weightSum += policy.yearWeights[y]!;
    });
    const stats = quality.groups[g]!;
    groups.set(drg, { drg, relativeWeight: weighted / weightSum, cases: stats.count, meanCost: stats.mean, cv: stats.cv, byYear });
  });
  return { years: [...sample.years], yearWeights: [...policy.yearWeights], allCaseMean, groups, quality: { riv: quality.riv, cvBelowHalf: quality.cvBelowHalf, cvAboveOne: quality.cvAboveOne, overallCv: quality.overallCv }, counts: sample.counts };
}

/** CV per DRG and RIV of the weight population (all reference years pooled), via models/learning/quality.ts. */
function qualityOf(sample: WeightSample, drgs: string[]) {
  const index = new Map(drgs.map((d, i) => [d, i]));
  let n = 0;
  for (const m of sample.costs) for (const a of m.values()) n += a.length;
  const values = new Float64Array(n);
  const labels = new Int32Array(n);
  let o = 0;
  for (const m of sample.costs) {
    for (const [drg, a] of m) {
      values.set(a, o);
      labels.fill(index.get(drg)!, o, o + a.length);
      o += a.length;
    }
  }
  return groupingQuality(values, labels);
}

/** RW by DRG code (the map pricing reads): the payment table's when the policy names one, else the derived ones. */
export function relativeWeightMap(weights: Weights): Map<string, number> {
  if (weights.table) return new Map(weights.table.relativeWeights);
  const out = new Map<string, number>();
  for (const [drg, g] of weights.groups) out.set(drg, g.relativeWeight);
  return out;
}
