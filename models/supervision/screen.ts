/**
 * Screening: a table of grouped cases → the flags of every enabled rule and the hospital risk
 * scores. Pure and deterministic (same cases and rules → same flags in the same order), so the
 * CLI, the scheduled job and `POST /v1/supervision-runs` all call this one function.
 *
 * Cost: one counting sort of the cases by DRG and year, sorts of each group's costs for the
 * norms, one sort of the cases with a patient for the two admission rules, and linear passes
 * for the rest — O(N log N) over typed arrays; flags (few) are the only objects made per case.
 */
import type { SupervisionCases } from './case-table.ts';
import type { Flag } from './flags.ts';
import { bucketByDrg, groupNorms, type PolicyFigures } from './group-norms.ts';
import { hospitalRisks, type HospitalRisk } from './risk.ts';
import { ruleIds, type RuleId, type RuleSet } from './rule-set.ts';
import { frequentAdmissions, splitAdmissions } from './rules/admissions.ts';
import { drugShare, highCost } from './rules/costs.ts';
import { lowSeverityAdmissions } from './rules/low-severity.ts';
import { upcoding } from './rules/upcoding.ts';

export interface ScreenResult {
  ruleSet: { name: string; version: string };
  cases: number;
  flags: Flag[];
  hospitals: HospitalRisk[];
  /** Flags per rule: on cases and on hospitals as a whole. */
  byRule: Record<RuleId, { caseFlags: number; hospitalFlags: number }>;
  /** Milliseconds per stage (norms and each rule). */
  timings: Record<string, number>;
}

export function screenCases(t: SupervisionCases, ruleSet: RuleSet, policy: PolicyFigures = {}): ScreenResult {
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round((now - mark) * 10) / 10;
    mark = now;
  };
  const rules = ruleSet.rules;
  const norms = groupNorms(t, bucketByDrg(t), rules, policy);
  lap('norms');
  const flags: Flag[] = [];
  const run: Record<RuleId, () => Flag[]> = {
    'split-admission': () => splitAdmissions(t, rules['split-admission']),
    upcoding: () => upcoding(t, norms, rules.upcoding),
    'low-severity-admission': () => lowSeverityAdmissions(t, norms, rules['low-severity-admission']),
    'frequent-admission': () => frequentAdmissions(t, rules['frequent-admission']),
    'high-cost': () => highCost(t, norms, rules['high-cost']),
    'drug-share': () => drugShare(t, norms, rules['drug-share']),
  };
  const byRule = {} as ScreenResult['byRule'];
  for (const rule of ruleIds) {
    byRule[rule] = { caseFlags: 0, hospitalFlags: 0 };
    if (!rules[rule].enabled) continue;
    for (const f of run[rule]()) {
      flags.push(f);
      if (f.listId === null) byRule[rule].hospitalFlags++;
      else byRule[rule].caseFlags++;
    }
    lap(rule);
  }
  const hospitals = hospitalRisks(t, flags, ruleSet);
  lap('risk');
  return { ruleSet: { name: ruleSet.name, version: ruleSet.version }, cases: t.size, flags, hospitals, byRule, timings };
}
