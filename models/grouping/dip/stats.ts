/**
 * Per-group cost statistics of the DIP builder on typed arrays: rows are bucketed by group with a
 * counting sort (offsets from counts, one pass to fill), each bucket sorted once, then trimmed
 * means by nearest rank (`trimmedMeanSorted`, the payment module's definition: drop the
 * ⌊n·lower⌋ lowest and ⌊n·(1 − upper)⌋ highest costs, average the rest).
 */
import { trimmedMeanSorted } from '../../payment/weights.ts';

/** Trimmed statistics of each group. */
export interface TrimmedGroups {
  /** Cases per group. */
  count: Int32Array;
  /** Cases kept after trimming, and the sum of their costs. */
  kept: Int32Array;
  sum: Float64Array;
  /** Trimmed mean m_g = sum / kept (NaN for an empty group). */
  mean: Float64Array;
}

/**
 * Trimmed mean of `cost` within each group: `group[k]` (0 … groups − 1, or −1 to leave the row
 * out) is the group of row `rows[k]` (of row k when `rows` is omitted).
 */
export function trimmedByGroup(group: Int32Array, groups: number, cost: Float64Array, trim: readonly [number, number], rows?: Int32Array): TrimmedGroups {
  const n = group.length;
  const count = new Int32Array(groups);
  for (let k = 0; k < n; k++) {
    const g = group[k]!;
    if (g >= 0) count[g]!++;
  }
  const start = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) start[g + 1] = start[g]! + count[g]!;
  const fill = start.slice(0, groups);
  const buffer = new Float64Array(start[groups]!);
  for (let k = 0; k < n; k++) {
    const g = group[k]!;
    if (g >= 0) buffer[fill[g]!++] = cost[rows ? rows[k]! : k]!;
  }
  const kept = new Int32Array(groups);
  const sum = new Float64Array(groups);
  const mean = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const slice = buffer.subarray(start[g]!, start[g + 1]!).sort();
    const t = trimmedMeanSorted(slice, trim[0], trim[1]);
    kept[g] = t.kept;
    sum[g] = t.sum;
    mean[g] = t.mean;
  }
  return { count, kept, sum, mean };
}

/** Mean, population CV and SS of `cost` within each group (two passes; −1 rows left out). */
export interface MomentGroups {
  count: Int32Array;
  mean: Float64Array;
  ss: Float64Array;
  /** CV_g = √(SS_g / n_g) / mean_g (NaN when empty or mean 0). */
  cv: Float64Array;
}

export function momentsByGroup(group: Int32Array, groups: number, cost: Float64Array): MomentGroups {
  const count = new Int32Array(groups);
  const mean = new Float64Array(groups);
  for (let k = 0; k < group.length; k++) {
    const g = group[k]!;
    if (g < 0) continue;
    count[g]!++;
    mean[g]! += cost[k]!;
  }
  for (let g = 0; g < groups; g++) mean[g] = count[g]! > 0 ? mean[g]! / count[g]! : NaN;
  const ss = new Float64Array(groups);
  for (let k = 0; k < group.length; k++) {
    const g = group[k]!;
    if (g < 0) continue;
    const d = cost[k]! - mean[g]!;
    ss[g]! += d * d;
  }
  const cv = Float64Array.from(mean, (m, g) => (count[g]! > 0 && m !== 0 ? Math.sqrt(ss[g]! / count[g]!) / m : NaN));
  return { count, mean, ss, cv };
}

/** RIV = 1 − Σ_g SS_g / SS_total (SS_total over the rows with a group). */
export function rivOf(moments: MomentGroups, group: Int32Array, cost: Float64Array): number {
  let n = 0;
  let s = 0;
  for (let k = 0; k < group.length; k++) {
    if (group[k]! < 0) continue;
    n++;
    s += cost[k]!;
  }
  const m = s / n;
  let total = 0;
  for (let k = 0; k < group.length; k++) {
    if (group[k]! < 0) continue;
    const d = cost[k]! - m;
    total += d * d;
  }
  let within = 0;
  for (let g = 0; g < moments.ss.length; g++) within += moments.ss[g]!;
  return total > 0 ? 1 - within / total : NaN;
}
