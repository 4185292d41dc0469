/**
 * The hospital risk score: one number per hospital that ranks where inspectors should look
 * first, and says why rule by rule.
 *
 * For hospital h and rule r:
 * - case signal: k = h's case flags of r, E = n_h × m_r the flags a typical hospital would have
 *   (m_r = the median over hospitals of their case-flag rate), and
 *   s_case = max(0, k − E − 2√(E + 1)) / max(k, 1) — the share of h's flags beyond what a
 *   typical hospital has plus two Poisson standard deviations of noise;
 * - hospital signal: s_hosp = the highest score of r's hospital-level flags on h (1 − q), else 0;
 * - s_{h,r} = max(s_case, s_hosp) ∈ [0, 1].
 * risk_h = 100 × Σ_r w_r s_{h,r} / Σ_r w_r with the rule set's riskWeights; each rule's
 * contribution 100 × w_r s_{h,r} / Σ w is reported, so the score explains itself.
 */
import type { SupervisionCases } from './case-table.ts';
import type { Flag } from './flags.ts';
import { ruleIds, type RuleId, type RuleSet } from './rule-set.ts';
import { median } from './statistics.ts';

export interface RuleRisk {
  caseFlags: number;
  expectedCaseFlags: number;
  hospitalFlags: number;
  signal: number;
  contribution: number;
}

export interface HospitalRisk {
  hospitalId: string;
  cases: number;
  /** 0–100. */
  risk: number;
  rank: number;
  rules: Record<RuleId, RuleRisk>;
  /** The main contributions in words. */
  explanation: string;
}

export function hospitalRisks(t: SupervisionCases, flags: readonly Flag[], ruleSet: RuleSet): HospitalRisk[] {
  const H = t.hospitals.length;
  const hospitalIndex = new Map(t.hospitals.map((h, i) => [h, i]));
  const cases = new Float64Array(H);
  for (let i = 0; i < t.size; i++) cases[t.hospital[i]!]!++;
  const R = ruleIds.length;
  const caseFlags = new Float64Array(H * R);
  const hospitalFlags = new Float64Array(H * R);
  const hospitalSignal = new Float64Array(H * R);
  const ruleIndex = new Map(ruleIds.map((r, i) => [r, i]));
  for (const f of flags) {
    const h = hospitalIndex.get(f.hospitalId);
    if (h === undefined) continue;
    const k = h * R + ruleIndex.get(f.rule)!;
    if (f.listId === null) {
      hospitalFlags[k]!++;
      hospitalSignal[k] = Math.max(hospitalSignal[k]!, f.score);
    } else caseFlags[k]!++;
  }
  const weights = ruleSet.riskWeights;
  const weightSum = ruleIds.reduce((s, r) => s + weights[r], 0) || 1;
  const typicalRate = ruleIds.map((_, r) => median(Float64Array.from({ length: H }, (_, h) => (cases[h]! > 0 ? caseFlags[h * R + r]! / cases[h]! : 0))) || 0);
  const out: HospitalRisk[] = t.hospitals.map((hospitalId, h) => {
    const rules = {} as Record<RuleId, RuleRisk>;
    let risk = 0;
    ruleIds.forEach((rule, r) => {
      const k = caseFlags[h * R + r]!;
      const expected = cases[h]! * typicalRate[r]!;
      const sCase = Math.max(0, k - expected - 2 * Math.sqrt(expected + 1)) / Math.max(k, 1);
      const signal = Math.max(sCase, hospitalSignal[h * R + r]!);
      const contribution = (100 * weights[rule] * signal) / weightSum;
      risk += contribution;
      rules[rule] = { caseFlags: k, expectedCaseFlags: Math.round(expected * 10) / 10, hospitalFlags: hospitalFlags[h * R + r]!, signal: Math.round(signal * 1000) / 1000, contribution: Math.round(contribution * 10) / 10 };
    });
    const main = ruleIds.filter((r) => rules[r].contribution >= 0.05).sort((a, b) => rules[b].contribution - rules[a].contribution);
    const explanation =
      main.length === 0
        ? 'No rule flags this hospital more than a typical hospital.'
        : main.map((r) => `${r} +${rules[r].contribution.toFixed(1)} (${rules[r].caseFlags} case flags where ${rules[r].expectedCaseFlags} are typical${rules[r].hospitalFlags > 0 ? `, ${rules[r].hospitalFlags} hospital-level flag(s)` : ''})`).join('; ');
    return { hospitalId, cases: cases[h]!, risk: Math.round(risk * 10) / 10, rank: 0, rules, explanation };
  });
  out.sort((a, b) => b.risk - a.risk || a.hospitalId.localeCompare(b.hospitalId));
  out.forEach((h, i) => (h.rank = i + 1));
  return out;
}
