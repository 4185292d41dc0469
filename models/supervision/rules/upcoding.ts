/**
 * Upcoding (高套编码): complications coded to reach a richer group.
 *
 * Hospital level. A case is "MCC/CC-level" when its DRG's 4th character is 1 or 3 in an ADRG
 * split by complications (5 = without; 9-groups and ambiguous groups are not split and left out).
 * - Per (hospital h, ADRG a): x of n cases MCC/CC-level, tested against the same-level peers'
 *   rate in a (peer-rates.ts: leave-one-out rate, beta-binomial) when n ≥ minCases; the
 *   overdispersion ρ is pooled over all ADRGs of the level, h left out (Σ_a (X²_a − (K_a − 1)) /
 *   Σ_a (N_a − K_a), K_a peer hospitals, N_a their cases: per-cell estimates from a handful of
 *   hospitals are too noisy and, clamped at 0, anti-conservative),
 *   with the peers having ≥ minPeerCases; Benjamini–Hochberg over all tested cells; flagged when
 *   q ≤ fdr and x/n − p ≥ minExcess.
 * - Per hospital, case-mix adjusted: O_h = Σ_a x, E_h = Σ_a n p_a, V_h = Σ_a n p_a (1 − p_a)
 *   (1 + (n − 1) ρ_a) over its ADRGs with a peer rate; z_h = (O − E)/√V, then divided by √φ,
 *   φ = max(1, median_h z_h² / 0.455) — the spread of all hospitals' z beyond the model's (an
 *   empirical null, robust to the few hospitals that upcode); one-sided p, BH over hospitals;
 *   flagged when q ≤ fdr and (O − E)/n_h ≥ minOverallExcess.
 *
 * Case level ("an MCC/CC not supported by cost or stay"). For an MCC/CC-level case with a
 * lower DRG L (the group it would be in without the diagnoses at its level, case-table.ts):
 *   x = ln(cost / k_h) (hospital cost index removed), LR = f_L(x) / f_own(x) with f_g the
 *   Student-t density (ν = 4) of centre μ_g and scale σ_g (group-norms.ts) — how much likelier
 *   the cost is under L. The t's heavy tails keep a freak cheap case (a low-cost outlier, far
 *   below both groups) from looking like overwhelming evidence, as a normal density would;
 *   prior π = the share of the hospital's MCC/CC cases in excess of its peers, (x − n p)/x for
 *   a flagged cell, (O − E)/O for a flagged hospital, at least basePrior;
 *   posterior = π·LR / (π·LR + 1 − π).
 * Flagged when posterior ≥ casePosterior and the stay is ≤ maxStayRatio × the own group's median
 * stay. Score = the posterior. Hospital flags score 1 − q.
 */
import { Level, type SupervisionCases } from '../case-table.ts';
import { caseFacts, pct, r4, yuan, type Flag } from '../flags.ts';
import type { GroupNorms } from '../group-norms.ts';
import type { RuleParams } from '../rule-set.ts';
import { benjaminiHochberg, normalUpperTail } from '../statistics.ts';
import { hospitalLevels } from './costs.ts';
import { addToSums, compareWithPeers, emptySums, leaveOneOut, peerDispersion, type PeerComparison, type PeerSums } from './peer-rates.ts';
import { counted } from '../../text/plural.ts';

/** Degrees of freedom of the cost density. */
const nu = 4;

/** ln of the Student-t density kernel at z (the constant cancels in a likelihood ratio). */
function logStudentT(z: number): number {
  return (-(nu + 1) / 2) * Math.log(1 + (z * z) / nu);
}

/** Minimum cases of a DRG for its cost norms to be used at case level. */
const minNormCases = 10;

export function upcoding(t: SupervisionCases, norms: GroupNorms, p: RuleParams<'upcoding'>): Flag[] {
  const H = t.hospitals.length;
  const A = t.adrgs.length;
  // Which DRGs are at MCC/CC level (1), without (0), or not split (−1).
  const split = Int8Array.from(t.drgs, (d) => (/^[A-Z]{2}\d[13]$/.test(d) ? 1 : /^[A-Z]{2}\d5$/.test(d) ? 0 : -1));
  const x = new Float64Array(H * A);
  const n = new Float64Array(H * A);
  for (let i = 0; i < t.size; i++) {
    const g = t.drg[i]!;
    if (g < 0 || split[g] === -1) continue;
    const k = t.hospital[i]! * A + t.adrg[i]!;
    n[k]!++;
    if (split[g] === 1) x[k]!++;
  }
  const levelOf = hospitalLevels(t);
  const byLevel: PeerSums[] = Array.from({ length: 4 * A }, emptySums);
  const all: PeerSums[] = Array.from({ length: A }, emptySums);
  for (let h = 0; h < H; h++) {
    for (let a = 0; a < A; a++) {
      const k = h * A + a;
      addToSums(byLevel[levelOf[h]! * A + a]!, x[k]!, n[k]!);
      addToSums(all[a]!, x[k]!, n[k]!);
    }
  }
  // Overdispersion pooled over the ADRGs, leaving hospital h out: ρ_h = Σ_a (X²_a − (K_a − 1)) / Σ_a (N_a − K_a)
  // over its level's cells (and over all hospitals' for the fallback).
  const pooledRho = (h: number, sums: PeerSums[], offset: number) => {
    let num = 0;
    let den = 0;
    for (let a = 0; a < A; a++) {
      const d = peerDispersion(sums[offset + a]!, x[h * A + a]!, n[h * A + a]!);
      if (!d) continue;
      num += d.chi - (d.hospitals - 1);
      den += d.cases - d.hospitals;
    }
    return den > 0 ? Math.max(0, Math.min(0.5, num / den)) : 0;
  };
  // Cell tests and the per-hospital observed / expected sums.
  const cells: { h: number; a: number; c: PeerComparison }[] = [];
  const O = new Float64Array(H);
  const E = new Float64Array(H);
  const V = new Float64Array(H);
  const N = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    const rhoLevel = pooledRho(h, byLevel, levelOf[h]! * A);
    const rhoAll = pooledRho(h, all, 0);
    for (let a = 0; a < A; a++) {
      const k = h * A + a;
      if (n[k]! === 0) continue;
      const sameLevel = leaveOneOut(byLevel[levelOf[h]! * A + a]!, x[k]!, n[k]!, p.minPeerCases);
      const peersOrNull = sameLevel ?? leaveOneOut(all[a]!, x[k]!, n[k]!, p.minPeerCases);
      if (!peersOrNull) continue;
      const peers = { ...peersOrNull, rho: sameLevel ? rhoLevel : rhoAll };
      const q = peers.peerRate;
      O[h]! += x[k]!;
      E[h]! += n[k]! * q;
      V[h]! += n[k]! * q * (1 - q) * (1 + (n[k]! - 1) * peers.rho);
      N[h]! += n[k]!;
      if (n[k]! < p.minCases) continue;
      const c = compareWithPeers(peers, x[k]!, n[k]!);
      cells.push({ h, a, c });
    }
  }
  const flags: Flag[] = [];
  const prior = new Float64Array(H * A).fill(p.basePrior);
  const cellQ = benjaminiHochberg(cells.map((c) => c.c.pValue));
  cells.forEach(({ h, a, c }, j) => {
    const k = h * A + a;
    const share = x[k]! / n[k]!;
    if (cellQ[j]! > p.fdr || share - c.peerRate < p.minExcess) return;
    const excessShare = (x[k]! - n[k]! * c.peerRate) / x[k]!;
    prior[k] = Math.max(prior[k]!, excessShare);
    flags.push({
      rule: 'upcoding',
      hospitalId: t.hospitals[h]!,
      listId: null,
      score: 1 - cellQ[j]!,
      evidence: {
        reason: `In ADRG ${t.adrgs[a]} the hospital coded ${x[k]} of its ${counted(n[k]!, 'case')} (${pct(share)}) at MCC/CC level, against ${pct(c.peerRate)} at ${c.peerHospitals} peer hospitals (beta-binomial p ${c.pValue.toExponential(1)}, q ${cellQ[j]!.toExponential(1)} ≤ FDR ${p.fdr}); about ${Math.round(x[k]! - n[k]! * c.peerRate)} cases in excess.`,
        scope: 'adrg',
        adrg: t.adrgs[a],
        cases: n[k],
        mccCcCases: x[k],
        share: r4(share),
        peerShare: r4(c.peerRate),
        peerCases: c.peerCases,
        peerHospitals: c.peerHospitals,
        overdispersion: r4(c.rho),
        pValue: r4(c.pValue),
        qValue: r4(cellQ[j]!),
        excessCases: r4(x[k]! - n[k]! * c.peerRate),
      },
    });
  });
  // Hospital overall, case-mix adjusted, with an empirical-null spread.
  const zs: { h: number; z: number }[] = [];
  for (let h = 0; h < H; h++) if (V[h]! > 0) zs.push({ h, z: (O[h]! - E[h]!) / Math.sqrt(V[h]!) });
  const squares = zs.map((s) => s.z * s.z).sort((a, b) => a - b);
  const phi = squares.length >= 5 ? Math.max(1, squares[squares.length >> 1]! / 0.455) : 1;
  const pOverall = zs.map((s) => normalUpperTail(s.z / Math.sqrt(phi)));
  const qOverall = benjaminiHochberg(pOverall);
  zs.forEach(({ h, z }, j) => {
    const excess = (O[h]! - E[h]!) / N[h]!;
    if (qOverall[j]! > p.fdr || excess < p.minOverallExcess) return;
    const excessShare = (O[h]! - E[h]!) / O[h]!;
    for (let a = 0; a < A; a++) prior[h * A + a] = Math.max(prior[h * A + a]!, excessShare);
    flags.push({
      rule: 'upcoding',
      hospitalId: t.hospitals[h]!,
      listId: null,
      score: 1 - qOverall[j]!,
      evidence: {
        reason: `Over its ADRGs split by complications the hospital coded ${O[h]} of ${counted(N[h]!, 'case')} (${pct(O[h]! / N[h]!)}) at MCC/CC level where its case mix and its peers' rates predict ${Math.round(E[h]!)} (${pct(E[h]! / N[h]!)}); z ${(z / Math.sqrt(phi)).toFixed(1)} after the hospitals' spread, q ${qOverall[j]!.toExponential(1)} ≤ FDR ${p.fdr}.`,
        scope: 'hospital',
        cases: N[h],
        mccCcCases: O[h],
        expectedMccCcCases: r4(E[h]!),
        share: r4(O[h]! / N[h]!),
        expectedShare: r4(E[h]! / N[h]!),
        excessShareOfMccCc: r4(excessShare),
        z: r4(z / Math.sqrt(phi)),
        dispersion: r4(phi),
        pValue: r4(pOverall[j]!),
        qValue: r4(qOverall[j]!),
      },
    });
  });
  flags.push(...unsupportedCases(t, norms, p, prior, A));
  return flags;
}

/** Case flags: MCC/CC cases whose cost is likelier under their lower group, weighed by the hospital's excess. */
function unsupportedCases(t: SupervisionCases, norms: GroupNorms, p: RuleParams<'upcoding'>, prior: Float64Array, A: number): Flag[] {
  const flags: Flag[] = [];
  for (let i = 0; i < t.size; i++) {
    if (t.severity[i] === Level.None) continue;
    const own = t.drg[i]!;
    const lower = t.lowerDrg[i]!;
    if (own < 0 || lower < 0 || !(t.cost[i]! > 0)) continue;
    if (norms.cases[own]! < minNormCases || norms.cases[lower]! < minNormCases) continue;
    if (t.lengthOfStay[i]! > p.maxStayRatio * norms.medianStay[own]!) continue;
    const h = t.hospital[i]!;
    const xLog = Math.log(t.cost[i]! / norms.hospitalCostIndex[h]!);
    const zOwn = (xLog - norms.logCostCenter[own]!) / norms.logCostScale[own]!;
    const zLow = (xLog - norms.logCostCenter[lower]!) / norms.logCostScale[lower]!;
    const logLr = logStudentT(zLow) - logStudentT(zOwn) - Math.log(norms.logCostScale[lower]! / norms.logCostScale[own]!);
    const pi = prior[h * A + t.adrg[i]!]!;
    const odds = (pi / (1 - pi)) * Math.exp(logLr);
    const posterior = odds / (1 + odds);
    if (!(posterior >= p.casePosterior)) continue;
    const level = t.severity[i] === Level.Mcc ? 'MCC' : 'CC';
    const typicalOwn = Math.exp(norms.logCostCenter[own]!) * norms.hospitalCostIndex[h]!;
    const typicalLower = Math.exp(norms.logCostCenter[lower]!) * norms.hospitalCostIndex[h]!;
    flags.push({
      rule: 'upcoding',
      hospitalId: t.hospitals[h]!,
      listId: t.listIds[i]!,
      score: posterior,
      evidence: {
        reason: `The ${level} ${t.complications[i]} puts the case in ${t.drgs[own]} instead of ${t.drgs[lower]}, but its cost ${yuan(t.cost[i]!)} is ${Math.exp(logLr).toFixed(1)} times likelier under ${t.drgs[lower]} (typical ${yuan(typicalLower)} at this hospital) than under ${t.drgs[own]} (typical ${yuan(typicalOwn)}), and its ${t.lengthOfStay[i]}-day stay is no longer than the ${t.drgs[own]} median of ${norms.medianStay[own]} days; with ${pct(pi)} of this hospital's MCC/CC cases in excess of its peers, the probability that the ${level} is unsupported is ${pct(posterior)}.`,
        ...caseFacts(t, i),
        complicationLevel: level.toLowerCase(),
        complications: t.complications[i]!.split(','),
        lowerDrg: t.drgs[lower],
        typicalCost: r4(typicalOwn),
        typicalCostLowerDrg: r4(typicalLower),
        likelihoodRatio: r4(Math.exp(logLr)),
        medianStay: norms.medianStay[own],
        prior: r4(pi),
        posterior: r4(posterior),
      },
    });
  }
  return flags;
}
