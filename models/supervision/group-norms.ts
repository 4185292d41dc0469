/**
 * What is typical for each DRG in the screened data — the yardsticks the rules measure a case
 * against, computed once per run in one counting sort of the cases by DRG and year:
 *
 * - payment standard s_{g,y,l}: the policy's when one is given; else the data's own trimmed
 *   mean cost of DRG g in discharge year y (nearest-rank trim, `trimmedMeanSorted` of the
 *   payment weights; the year's group when it has ≥ minGroupCases cases, else g over all years)
 *   × the level coefficient of level l (default 1, models.md §1);
 * - relative weight RW_g: the policy's, else the pooled trimmed mean of g / the trimmed mean of
 *   all kept cases (models.md §1, one year pooled);
 * - hospital cost index k_h = exp(median over h's cases of ln(cost) − ln(median cost of the
 *   case's DRG)): how dear the hospital is for the same groups (level, efficiency);
 * - log-cost location μ_g and scale σ_g: median and 1.4826·MAD of ln(cost / k_h) over g's cases
 *   (σ floored at 0.1) — the spread of a group's cost once hospitals' price levels are removed,
 *   for the likelihood of a cost under a group;
 * - median stay of g;
 * - drug + material share: median share m_g and robust scale of logit(share) (floored at 0.05).
 */
import { levelCoefficient } from '../payment/outliers.ts';
import { trimmedMeanSorted } from '../payment/weights.ts';
import type { SupervisionCases } from './case-table.ts';
import type { RuleSet } from './rule-set.ts';
import { logit, sortedMedian } from './statistics.ts';
import { counted } from '../text/plural.ts';

/** Policy figures a screening can be given instead of the data's own. */
export interface PolicyFigures {
  /** Payment standard (支付标准) of a DRG at a hospital level in a year, or undefined when the policy has none. */
  standard?: (drg: string, level: number, year: number) => number | undefined;
  /** RW by DRG. */
  relativeWeights?: ReadonlyMap<string, number>;
  /** Name of the policy, for the evidence. */
  name?: string;
}

export interface GroupNorms {
  /** Per case: its group's payment standard (NaN when it has no DRG or no standard). */
  standard: Float64Array;
  /** Per case: where the standard came from, as an index into `standardSources`. */
  standardSource: Int32Array;
  standardSources: string[];
  /** Per DRG index: RW (NaN when unknown). */
  relativeWeight: Float64Array;
  relativeWeightSource: 'policy' | 'data';
  /** Per hospital: cost index k_h (1 = as dear as the median for the same DRGs). */
  hospitalCostIndex: Float64Array;
  /** Per DRG: cases, median and robust scale of ln(cost / k_h), median stay, median drug+material share and robust scale of its logit. */
  cases: Int32Array;
  logCostCenter: Float64Array;
  logCostScale: Float64Array;
  medianStay: Float64Array;
  shareMedian: Float64Array;
  shareCases: Int32Array;
  logitShareCenter: Float64Array;
  logitShareScale: Float64Array;
}

/** Cases sorted by DRG (and year inside it): `order` holds case indexes, `start[g]…start[g+1]` those of DRG g. */
export interface DrgBuckets {
  order: Int32Array;
  start: Int32Array;
  years: number[];
  /** Year index of each case. */
  yearIndex: Uint8Array;
}

/** Counting sort of the grouped cases by DRG then year (ungroupable cases are left out). */
export function bucketByDrg(t: SupervisionCases): DrgBuckets {
  const years = [...new Set(t.year)].sort((a, b) => a - b);
  const yearOf = new Map(years.map((y, i) => [y, i]));
  const yearIndex = new Uint8Array(t.size);
  for (let i = 0; i < t.size; i++) yearIndex[i] = yearOf.get(t.year[i]!)!;
  const Y = years.length;
  const keys = t.drgs.length * Y;
  const counts = new Int32Array(keys + 1);
  for (let i = 0; i < t.size; i++) if (t.drg[i]! >= 0) counts[t.drg[i]! * Y + yearIndex[i]! + 1]!++;
  for (let k = 0; k < keys; k++) counts[k + 1]! += counts[k]!;
  const fill = counts.slice(0, keys);
  const order = new Int32Array(counts[keys]!);
  for (let i = 0; i < t.size; i++) if (t.drg[i]! >= 0) order[fill[t.drg[i]! * Y + yearIndex[i]!]!++] = i;
  const start = new Int32Array(t.drgs.length + 1);
  for (let g = 0; g <= t.drgs.length; g++) start[g] = counts[g * Y]!;
  return { order, start, years, yearIndex };
}

export function groupNorms(t: SupervisionCases, buckets: DrgBuckets, rules: RuleSet['rules'], policy: PolicyFigures = {}): GroupNorms {
  const G = t.drgs.length;
  const Y = buckets.years.length;
  const hc = rules['high-cost'];
  const [lower, upper] = hc.trim;
  const norms: GroupNorms = {
    standard: new Float64Array(t.size).fill(NaN),
    standardSource: new Int32Array(t.size).fill(-1),
    standardSources: [],
    relativeWeight: new Float64Array(G).fill(NaN),
    relativeWeightSource: policy.relativeWeights ? 'policy' : 'data',
    cases: new Int32Array(G),
    hospitalCostIndex: new Float64Array(t.hospitals.length).fill(1),
    logCostCenter: new Float64Array(G).fill(NaN),
    logCostScale: new Float64Array(G).fill(NaN),
    medianStay: new Float64Array(G).fill(NaN),
    shareMedian: new Float64Array(G).fill(NaN),
    shareCases: new Int32Array(G),
    logitShareCenter: new Float64Array(G).fill(NaN),
    logitShareScale: new Float64Array(G).fill(NaN),
  };
  const sourceIndex = new Map<string, number>();
  const source = (text: string) => {
    let s = sourceIndex.get(text);
    if (s === undefined) {
      s = norms.standardSources.length;
      sourceIndex.set(text, s);
      norms.standardSources.push(text);
    }
    return s;
  };
  const pooledMeans = new Float64Array(G).fill(NaN);
  let keptSum = 0;
  let keptCount = 0;
  const { order, start } = buckets;
  let scratch = new Float64Array(1024);
  const sorted = (from: number, to: number, value: (i: number) => number): Float64Array => {
    const n = to - from;
    if (scratch.length < n) scratch = new Float64Array(n * 2);
    let k = 0;
    for (let j = from; j < to; j++) {
      const v = value(order[j]!);
      if (Number.isFinite(v)) scratch[k++] = v;
    }
    return scratch.subarray(0, k).sort();
  };
  const cost = (i: number) => (t.cost[i]! > 0 ? t.cost[i]! : NaN);
  for (let g = 0; g < G; g++) {
    const from = start[g]!;
    const to = start[g + 1]!;
    norms.cases[g] = to - from;
    if (to === from) continue;
    // Pooled trimmed mean and log-cost norms.
    const costs = sorted(from, to, cost);
    if (costs.length > 0) {
      const trimmed = trimmedMeanSorted(costs, lower, upper);
      pooledMeans[g] = trimmed.mean;
      keptSum += trimmed.sum;
      keptCount += trimmed.kept;
      norms.logCostCenter[g] = Math.log(sortedMedian(costs));
    }
    norms.medianStay[g] = sortedMedian(sorted(from, to, (i) => t.lengthOfStay[i]!));
    const shares = sorted(from, to, (i) => (t.cost[i]! > 0 && Number.isFinite(t.drugMaterial[i]!) ? t.drugMaterial[i]! / t.cost[i]! : NaN));
    norms.shareCases[g] = shares.length;
    if (shares.length > 0) {
      const m = sortedMedian(shares);
      norms.shareMedian[g] = m;
      const lm = logit(m);
      norms.logitShareCenter[g] = lm;
      const dev = new Float64Array(shares.length);
      for (let k = 0; k < shares.length; k++) dev[k] = Math.abs(logit(shares[k]!) - lm);
      norms.logitShareScale[g] = Math.max(0.05, 1.4826 * sortedMedian(dev.sort()));
    }
  }
  hospitalCostLevels(t, buckets, norms, sorted);
  const allCaseMean = keptCount > 0 ? keptSum / keptCount : NaN;
  for (let g = 0; g < G; g++) norms.relativeWeight[g] = policy.relativeWeights ? (policy.relativeWeights.get(t.drgs[g]!) ?? NaN) : pooledMeans[g]! / allCaseMean;

  // Standards per case: the policy's, else the DRG-year trimmed mean (or pooled) × level coefficient.
  const yearMeans = new Float64Array(G * Y).fill(NaN);
  const yearCounts = new Int32Array(G * Y);
  for (let g = 0; g < G; g++) {
    let j = start[g]!;
    for (let y = 0; y < Y; y++) {
      let end = j;
      while (end < start[g + 1]! && buckets.yearIndex[order[end]!] === y) end++;
      yearCounts[g * Y + y] = end - j;
      if (end - j >= hc.minGroupCases) {
        const costs = sorted(j, end, cost);
        if (costs.length > 0) yearMeans[g * Y + y] = trimmedMeanSorted(costs, lower, upper).mean;
      }
      j = end;
    }
  }
  const coefficients = hc.levelCoefficients;
  for (let i = 0; i < t.size; i++) {
    const g = t.drg[i]!;
    if (g < 0) continue;
    const y = buckets.yearIndex[i]!;
    const fromPolicy = policy.standard?.(t.drgs[g]!, t.level[i]!, t.year[i]!);
    if (fromPolicy !== undefined && fromPolicy > 0) {
      norms.standard[i] = fromPolicy;
      norms.standardSource[i] = source(`policy ${policy.name ?? ''}`.trim());
      continue;
    }
    const coefficient = levelCoefficient(t.level[i]!, coefficients);
    const yearMean = yearMeans[g * Y + y]!;
    if (Number.isFinite(yearMean)) {
      norms.standard[i] = yearMean * coefficient;
      norms.standardSource[i] = source(`trimmed mean cost of the ${counted(yearCounts[g * Y + y]!, `${t.drgs[g]} case`)} discharged in ${buckets.years[y]}`);
    } else if (Number.isFinite(pooledMeans[g]!)) {
      norms.standard[i] = pooledMeans[g]! * coefficient;
      norms.standardSource[i] = source(`trimmed mean cost of the ${counted(norms.cases[g]!, `${t.drgs[g]} case`)} of all years`);
    }
  }
  return norms;
}

/** Hospital cost indexes from the raw log-cost medians, then each DRG's centre and scale of the index-adjusted log cost. */
function hospitalCostLevels(t: SupervisionCases, buckets: DrgBuckets, norms: GroupNorms, sorted: (from: number, to: number, value: (i: number) => number) => Float64Array): void {
  const H = t.hospitals.length;
  const residual = new Float64Array(t.size).fill(NaN);
  const byHospital = new Int32Array(H + 1);
  for (let i = 0; i < t.size; i++) {
    const g = t.drg[i]!;
    if (g >= 0 && t.cost[i]! > 0 && Number.isFinite(norms.logCostCenter[g]!)) {
      residual[i] = Math.log(t.cost[i]!) - norms.logCostCenter[g]!;
      byHospital[t.hospital[i]! + 1]!++;
    }
  }
  for (let h = 0; h < H; h++) byHospital[h + 1]! += byHospital[h]!;
  const fill = byHospital.slice(0, H);
  const values = new Float64Array(byHospital[H]!);
  for (let i = 0; i < t.size; i++) if (Number.isFinite(residual[i]!)) values[fill[t.hospital[i]!]!++] = residual[i]!;
  for (let h = 0; h < H; h++) {
    const part = values.subarray(byHospital[h]!, byHospital[h + 1]!).sort();
    if (part.length > 0) norms.hospitalCostIndex[h] = Math.exp(sortedMedian(part));
  }
  const adjusted = (i: number) => (t.cost[i]! > 0 ? Math.log(t.cost[i]! / norms.hospitalCostIndex[t.hospital[i]!]!) : NaN);
  for (let g = 0; g < t.drgs.length; g++) {
    const logs = sorted(buckets.start[g]!, buckets.start[g + 1]!, adjusted);
    if (logs.length === 0) continue;
    const center = sortedMedian(logs);
    norms.logCostCenter[g] = center;
    const dev = new Float64Array(logs.length);
    for (let k = 0; k < logs.length; k++) dev[k] = Math.abs(logs[k]! - center);
    norms.logCostScale[g] = Math.max(0.1, 1.4826 * sortedMedian(dev.sort()));
  }
}
