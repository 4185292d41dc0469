/**
 * Low-severity admission (低标入院): admitting patients whom peers treat as outpatients.
 *
 * A case is a candidate when its DRG's RW ≤ maxWeight (the policy's RW, else the data's own,
 * group-norms.ts), its stay ≤ maxStayDays and it ended in an ordered discharge home (not death
 * or transfer: a short stay that ends in death or transfer is not a light case). Per hospital
 * with ≥ minCases cases: x candidates of n cases, against the same-level peers' rate (all other
 * hospitals when the level has fewer than 2; peer-rates.ts: leave-one-out rate, beta-binomial),
 * Benjamini–Hochberg over hospitals; flagged when q ≤ fdr, rate ≥ minRateRatio × peer rate and
 * rate − peer rate ≥ minExcessRate. Score 1 − q.
 *
 * Every candidate of a flagged hospital is flagged too, scored with the share of the
 * hospital's candidates in excess of its peers, (x − n p) / x: the probability that a given one
 * is an admission the peers would not have made.
 */
import type { SupervisionCases } from '../case-table.ts';
import { caseFacts, pct, r4, type Flag } from '../flags.ts';
import type { GroupNorms } from '../group-norms.ts';
import type { RuleParams } from '../rule-set.ts';
import { benjaminiHochberg } from '../statistics.ts';
import { hospitalLevels } from './costs.ts';
import { addToSums, compareWithPeers, emptySums, leaveOneOut, type PeerComparison } from './peer-rates.ts';
import { counted } from '../../text/plural.ts';

/** 离院方式 of stays that are not light cases: transfer to a hospital (2), to community care (3), death (5). */
const notLight = new Set([2, 3, 5]);

export function lowSeverityAdmissions(t: SupervisionCases, norms: GroupNorms, p: RuleParams<'low-severity-admission'>): Flag[] {
  const H = t.hospitals.length;
  const candidate = new Uint8Array(t.size);
  const x = new Float64Array(H);
  const n = new Float64Array(H);
  for (let i = 0; i < t.size; i++) {
    const g = t.drg[i]!;
    if (g < 0 || !Number.isFinite(norms.relativeWeight[g]!)) continue;
    const h = t.hospital[i]!;
    n[h]!++;
    if (norms.relativeWeight[g]! <= p.maxWeight && t.lengthOfStay[i]! <= p.maxStayDays && !notLight.has(t.disposition[i]!)) {
      candidate[i] = 1;
      x[h]!++;
    }
  }
  const levelOf = hospitalLevels(t);
  const byLevel = Array.from({ length: 4 }, emptySums);
  const all = emptySums();
  for (let h = 0; h < H; h++) {
    if (n[h]! < p.minCases) continue;
    addToSums(byLevel[levelOf[h]!]!, x[h]!, n[h]!);
    addToSums(all, x[h]!, n[h]!);
  }
  const tested: { h: number; c: PeerComparison }[] = [];
  for (let h = 0; h < H; h++) {
    if (n[h]! < p.minCases) continue;
    const peers = leaveOneOut(byLevel[levelOf[h]!]!, x[h]!, n[h]!, p.minCases) ?? leaveOneOut(all, x[h]!, n[h]!, p.minCases);
    if (peers) tested.push({ h, c: compareWithPeers(peers, x[h]!, n[h]!) });
  }
  const q = benjaminiHochberg(tested.map((s) => s.c.pValue));
  const flags: Flag[] = [];
  const excessShare = new Float64Array(H);
  const hospitalEvidence = new Map<number, Record<string, unknown>>();
  tested.forEach(({ h, c }, j) => {
    const rate = x[h]! / n[h]!;
    if (q[j]! > p.fdr || rate < p.minRateRatio * c.peerRate || rate - c.peerRate < p.minExcessRate) return;
    excessShare[h] = (x[h]! - n[h]! * c.peerRate) / x[h]!;
    const figures = { cases: n[h], lowSeverityCases: x[h], rate: r4(rate), peerRate: r4(c.peerRate), peerHospitals: c.peerHospitals, peerCases: c.peerCases, overdispersion: r4(c.rho), pValue: r4(c.pValue), qValue: r4(q[j]!), maxWeight: p.maxWeight, maxStayDays: p.maxStayDays };
    hospitalEvidence.set(h, figures);
    flags.push({
      rule: 'low-severity-admission',
      hospitalId: t.hospitals[h]!,
      listId: null,
      score: 1 - q[j]!,
      evidence: {
        reason: `${x[h]} of the hospital's ${counted(n[h]!, 'case')} (${pct(rate)}) are light (RW ≤ ${p.maxWeight}) stays of ${counted(p.maxStayDays, 'day')} or less discharged home, against ${pct(c.peerRate)} at ${c.peerHospitals} peer hospitals of its level (beta-binomial p ${c.pValue.toExponential(1)}, q ${q[j]!.toExponential(1)} ≤ FDR ${p.fdr}); about ${Math.round(x[h]! - n[h]! * c.peerRate)} admissions in excess.`,
        ...figures,
      },
    });
  });
  for (let i = 0; i < t.size; i++) {
    const h = t.hospital[i]!;
    if (candidate[i] === 0 || excessShare[h]! <= 0) continue;
    const g = t.drg[i]!;
    const figures = hospitalEvidence.get(h)!;
    flags.push({
      rule: 'low-severity-admission',
      hospitalId: t.hospitals[h]!,
      listId: t.listIds[i]!,
      score: excessShare[h]!,
      evidence: {
        reason: `A ${t.lengthOfStay[i]}-day stay in ${t.drgs[g]} (RW ${norms.relativeWeight[g]!.toFixed(2)}) at a hospital whose rate of such light short stays, ${pct(figures.rate as number)}, is far above its peers' ${pct(figures.peerRate as number)}: ${pct(excessShare[h]!)} of them are in excess.`,
        ...caseFacts(t, i),
        relativeWeight: r4(norms.relativeWeight[g]!),
        relativeWeightSource: norms.relativeWeightSource,
        hospitalRate: figures.rate,
        peerRate: figures.peerRate,
      },
    });
  }
  return flags;
}
