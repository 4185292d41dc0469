/**
 * The two cost rules: high cost for individual review (特例单议, models.md §3) and abnormal drug
 * and material share (药占比/耗占比), case by case and hospital by hospital.
 */
import { Outlier, outlierClass } from '../../payment/outliers.ts';
import type { SupervisionCases } from '../case-table.ts';
import { caseFacts, pct, r4, yuan, type Flag } from '../flags.ts';
import type { GroupNorms } from '../group-norms.ts';
import type { RuleParams } from '../rule-set.ts';
import { benjaminiHochberg, logit, normalUpperTail } from '../statistics.ts';
import { counted } from '../../text/plural.ts';

/**
 * High cost: ratio = cost / the group's payment standard at the case's hospital level
 * (`GroupNorms.standard`); flagged when the payment module classes the ratio as `Review`
 * (ratio > reviewRatio, strict). Score = ratio / (ratio + reviewRatio): 0.5 at the threshold,
 * → 1 as the ratio grows.
 */
export function highCost(t: SupervisionCases, norms: GroupNorms, p: RuleParams<'high-cost'>): Flag[] {
  const thresholds = { low: 0, high: p.reviewRatio, review: p.reviewRatio };
  const flags: Flag[] = [];
  for (let i = 0; i < t.size; i++) {
    const standard = norms.standard[i]!;
    if (!(standard > 0) || !(t.cost[i]! > 0)) continue;
    const ratio = t.cost[i]! / standard;
    if (outlierClass(ratio, thresholds) !== Outlier.Review) continue;
    const drg = t.drgs[t.drg[i]!];
    flags.push({
      rule: 'high-cost',
      hospitalId: t.hospitals[t.hospital[i]!]!,
      listId: t.listIds[i]!,
      score: ratio / (ratio + p.reviewRatio),
      evidence: {
        reason: `The case cost ${yuan(t.cost[i]!)}, ${ratio.toFixed(1)} times the ${drg} payment standard of ${yuan(standard)} (review threshold ${p.reviewRatio}×): it goes to individual review.`,
        ...caseFacts(t, i),
        standard: r4(standard),
        standardSource: norms.standardSources[norms.standardSource[i]!],
        ratio: r4(ratio),
        reviewRatio: p.reviewRatio,
      },
    });
  }
  return flags;
}

/** Drug + material share of a case, NaN when unknown. */
function shareOf(t: SupervisionCases, i: number): number {
  return t.cost[i]! > 0 && Number.isFinite(t.drugMaterial[i]!) ? t.drugMaterial[i]! / t.cost[i]! : NaN;
}

/**
 * Drug share, per case: z = (logit s − logit m_g) / σ_g, with s the case's drug + material
 * share, m_g its DRG's median share and σ_g the robust scale of logit shares in g (DRGs with
 * ≥ minGroupCases shares). Flagged when z ≥ caseZ and s − m_g ≥ minCaseExcess.
 * Score = z / (z + caseZ) (0.5 at the threshold).
 *
 * Per hospital: e_i = s_i − m_g (share points above the group median), ē_h its mean over the
 * hospital's n_h cases, v_h their variance. Against the peers of the same level (all other
 * hospitals when fewer than 2): ē_P the case-weighted mean of the peers' ē, τ² the
 * between-hospital variance of the peers' ē beyond sampling noise (method of moments, ≥ 0);
 * z_h = (ē_h − ē_P) / √(v_h / n_h + τ²), one-sided p-value, Benjamini–Hochberg over hospitals.
 * Flagged when q ≤ fdr and ē_h − ē_P ≥ minHospitalExcess. Score = 1 − q.
 */
export function drugShare(t: SupervisionCases, norms: GroupNorms, p: RuleParams<'drug-share'>): Flag[] {
  const flags: Flag[] = [];
  const H = t.hospitals.length;
  const sum = new Float64Array(H);
  const sumSq = new Float64Array(H);
  const n = new Float64Array(H);
  for (let i = 0; i < t.size; i++) {
    const g = t.drg[i]!;
    if (g < 0 || norms.shareCases[g]! < p.minGroupCases) continue;
    const s = shareOf(t, i);
    if (!Number.isFinite(s)) continue;
    const m = norms.shareMedian[g]!;
    const e = s - m;
    const h = t.hospital[i]!;
    sum[h]! += e;
    sumSq[h]! += e * e;
    n[h]!++;
    const z = (logit(s) - norms.logitShareCenter[g]!) / norms.logitShareScale[g]!;
    if (z < p.caseZ || e < p.minCaseExcess) continue;
    flags.push({
      rule: 'drug-share',
      hospitalId: t.hospitals[h]!,
      listId: t.listIds[i]!,
      score: z / (z + p.caseZ),
      evidence: {
        reason: `Drugs and materials are ${pct(s)} of the case's cost, against a median of ${pct(m)} for ${t.drgs[g]} (robust z ${z.toFixed(1)} on the logit scale, threshold ${p.caseZ}).`,
        ...caseFacts(t, i),
        drugMaterialCost: Math.round(t.drugMaterial[i]! * 100) / 100,
        share: r4(s),
        groupMedianShare: r4(m),
        groupCases: norms.shareCases[g],
        z: r4(z),
      },
    });
  }
  flags.push(...hospitalDrugShare(t, sum, sumSq, n, p));
  return flags;
}

function hospitalDrugShare(t: SupervisionCases, sum: Float64Array, sumSq: Float64Array, n: Float64Array, p: RuleParams<'drug-share'>): Flag[] {
  const H = t.hospitals.length;
  const levelOf = hospitalLevels(t);
  const mean = Float64Array.from(sum, (s, h) => (n[h]! > 0 ? s / n[h]! : NaN));
  const variance = Float64Array.from(sumSq, (s, h) => (n[h]! > 1 ? Math.max(0, (s - n[h]! * mean[h]! ** 2) / (n[h]! - 1)) : NaN));
  const tested: { h: number; z: number; pValue: number; peerMean: number; peers: number; tau2: number }[] = [];
  for (let h = 0; h < H; h++) {
    if (n[h]! < p.minHospitalCases) continue;
    let peers = peersOf(h, levelOf, n, p.minHospitalCases, true);
    if (peers.length < 2) peers = peersOf(h, levelOf, n, p.minHospitalCases, false);
    if (peers.length < 2) continue;
    let wSum = 0;
    let wMean = 0;
    for (const k of peers) {
      wSum += n[k]!;
      wMean += n[k]! * mean[k]!;
    }
    wMean /= wSum;
    let spread = 0;
    let noise = 0;
    for (const k of peers) {
      spread += (mean[k]! - wMean) ** 2;
      noise += variance[k]! / n[k]!;
    }
    const tau2 = Math.max(0, spread / (peers.length - 1) - noise / peers.length);
    const z = (mean[h]! - wMean) / Math.sqrt(variance[h]! / n[h]! + tau2);
    tested.push({ h, z, pValue: normalUpperTail(z), peerMean: wMean, peers: peers.length, tau2 });
  }
  const q = benjaminiHochberg(tested.map((x) => x.pValue));
  const flags: Flag[] = [];
  tested.forEach((x, k) => {
    const excess = mean[x.h]! - x.peerMean;
    if (q[k]! > p.fdr || excess < p.minHospitalExcess) return;
    flags.push({
      rule: 'drug-share',
      hospitalId: t.hospitals[x.h]!,
      listId: null,
      score: 1 - q[k]!,
      evidence: {
        reason: `Across its ${counted(n[x.h]!, 'case')} the hospital's drug + material share is on average ${(100 * mean[x.h]!).toFixed(1)} points above its groups' medians, against ${(100 * x.peerMean).toFixed(1)} for its ${x.peers} peer hospitals (z ${x.z.toFixed(1)}, q ${q[k]!.toExponential(1)} ≤ FDR ${p.fdr}).`,
        cases: n[x.h],
        meanExcessShare: r4(mean[x.h]!),
        peerMeanExcessShare: r4(x.peerMean),
        peerHospitals: x.peers,
        betweenHospitalVariance: r4(x.tau2),
        z: r4(x.z),
        pValue: r4(x.pValue),
        qValue: r4(q[k]!),
      },
    });
  });
  return flags;
}

/** The hospital level of each hospital (the most common level on its cases; 0 unknown). */
export function hospitalLevels(t: SupervisionCases): Uint8Array {
  const counts = new Int32Array(t.hospitals.length * 4);
  for (let i = 0; i < t.size; i++) counts[t.hospital[i]! * 4 + Math.min(3, t.level[i]!)]!++;
  return Uint8Array.from(t.hospitals, (_, h) => {
    let best = 0;
    for (let l = 1; l < 4; l++) if (counts[h * 4 + l]! > counts[h * 4 + best]!) best = l;
    return best;
  });
}

/** Other hospitals with at least `minCases` cases, of the same level when `sameLevel`. */
export function peersOf(h: number, levelOf: Uint8Array, n: ArrayLike<number>, minCases: number, sameLevel: boolean): number[] {
  const out: number[] = [];
  for (let k = 0; k < levelOf.length; k++) if (k !== h && n[k]! >= minCases && (!sameLevel || levelOf[k] === levelOf[h])) out.push(k);
  return out;
}
