/**
 * How well one scheme groups the compared cases (shared/docs/models.md §1, §4), over the cases
 * that scheme gives a DRG (grouped, or its ambiguous QY group); ungroupable cases have no group,
 * no weight and no part in CMI, RIV or CV.
 *
 * - In-group rate (入组率) = grouped / all cases.
 * - DRGs used / ADRGs used: distinct codes with at least one case.
 * - Relative weight (RW) of group g: from the policy's weights when given (a group without a
 *   weight there gives its cases no RW), else from the cases' cost: RW_g = m_g / M, m_g the mean
 *   cost of g's cases, M the mean cost of all cases with a DRG under this scheme. With cost
 *   weights the scheme's CMI is 1 by construction (Σ_g n_g m_g / M = N); the hospitals' CMI is
 *   what moves between schemes.
 * - CMI = Σ RW of the cases with an RW / their number (per hospital the same over its cases).
 * - RIV = 1 − Σ_g Σ_{i∈g} (c_i − m_g)² / Σ_i (c_i − m)² over the cases with a DRG.
 * - CV_g = σ_g / m_g (population σ, models/learning/quality.ts). Mean CV is case-weighted:
 *   Σ_g n_g CV_g / Σ_g n_g; the share of groups with CV > 1 = #{g: CV_g > 1} / #groups.
 */
import { groupingQuality } from '../learning/quality.ts';
import { GroupStatus, type ComparedCases } from './compared-cases.ts';

export interface SchemeQuality {
  cases: number;
  grouped: number;
  ambiguous: number;
  ungroupable: number;
  inGroupRate: number;
  drgsUsed: number;
  adrgsUsed: number;
  /** Where the RWs come from: the cases' own cost, or the policy's weights. */
  weightSource: 'cases' | 'policy';
  /** Cases with an RW (the CMI population). */
  weightedCases: number;
  cmi: number;
  riv: number;
  /** Case-weighted mean of the groups' CV. */
  meanCv: number;
  groupsCvAboveOne: number;
  shareCvAboveOne: number;
  groupsCvBelowHalf: number;
}

/** Per hospital (index into `cases.hospitals`): Σ RW and the number of cases with an RW. */
export interface HospitalWeights {
  relativeWeightSum: Float64Array;
  weightedCases: Int32Array;
}

/** RW of each DRG code index from the cases' cost: RW_g = m_g / M (NaN for a code this scheme never uses). */
export function costWeights(cases: ComparedCases, scheme: 0 | 1): Float64Array {
  const { drg } = cases.schemes[scheme];
  const sum = new Float64Array(cases.drgs.length);
  const count = new Float64Array(cases.drgs.length);
  let total = 0;
  let n = 0;
  for (let i = 0; i < cases.size; i++) {
    const g = drg[i]!;
    if (g < 0) continue;
    sum[g]! += cases.cost[i]!;
    count[g]!++;
    total += cases.cost[i]!;
    n++;
  }
  const overall = total / n;
  return Float64Array.from(sum, (s, g) => (count[g]! > 0 && overall > 0 ? s / count[g]! / overall : NaN));
}

/** RW of each DRG code index from a policy's weights (NaN where the policy has none). */
export function policyWeights(cases: ComparedCases, relativeWeights: ReadonlyMap<string, number>): Float64Array {
  return Float64Array.from(cases.drgs, (code) => relativeWeights.get(code) ?? NaN);
}

/** The quality figures of scheme `scheme` (0: A, 1: B) and its hospitals' RW sums; `relativeWeights` from a policy, else from cost. */
export function schemeQuality(cases: ComparedCases, scheme: 0 | 1, relativeWeights?: ReadonlyMap<string, number>): { quality: SchemeQuality; hospitals: HospitalWeights } {
  const { status, drg, adrg } = cases.schemes[scheme];
  const rw = relativeWeights ? policyWeights(cases, relativeWeights) : costWeights(cases, scheme);
  const counts = [0, 0, 0];
  const drgUsed = new Uint8Array(cases.drgs.length);
  const adrgUsed = new Uint8Array(cases.adrgs.length);
  const hospitals: HospitalWeights = { relativeWeightSum: new Float64Array(cases.hospitals.length), weightedCases: new Int32Array(cases.hospitals.length) };
  const costs: number[] = [];
  const groups: number[] = [];
  let weightSum = 0;
  let weighted = 0;
  for (let i = 0; i < cases.size; i++) {
    counts[status[i]!]!++;
    const g = drg[i]!;
    if (adrg[i]! >= 0) adrgUsed[adrg[i]!] = 1;
    if (g < 0) continue;
    drgUsed[g] = 1;
    costs.push(cases.cost[i]!);
    groups.push(g);
    const w = rw[g]!;
    if (Number.isNaN(w)) continue;
    weightSum += w;
    weighted++;
    hospitals.relativeWeightSum[cases.hospital[i]!]! += w;
    hospitals.weightedCases[cases.hospital[i]!]!++;
  }
  const q = groupingQuality(costs, groups);
  let cvCases = 0;
  let cvSum = 0;
  for (const s of q.groups) {
    if (Number.isNaN(s.cv)) continue;
    cvSum += s.count * s.cv;
    cvCases += s.count;
  }
  const sum = (a: Uint8Array) => a.reduce((s, x) => s + x, 0);
  const grouped = counts[GroupStatus.Grouped]!;
  return {
    quality: {
      cases: cases.size,
      grouped,
      ambiguous: counts[GroupStatus.Ambiguous]!,
      ungroupable: counts[GroupStatus.Ungroupable]!,
      inGroupRate: cases.size > 0 ? grouped / cases.size : NaN,
      drgsUsed: sum(drgUsed),
      adrgsUsed: sum(adrgUsed),
      weightSource: relativeWeights ? 'policy' : 'cases',
      weightedCases: weighted,
      cmi: weighted > 0 ? weightSum / weighted : NaN,
      riv: q.riv,
      meanCv: cvCases > 0 ? cvSum / cvCases : NaN,
      groupsCvAboveOne: q.cvAboveOne,
      shareCvAboveOne: q.groups.length > 0 ? q.cvAboveOne / q.groups.length : NaN,
      groupsCvBelowHalf: q.cvBelowHalf,
    },
    hospitals,
  };
}
