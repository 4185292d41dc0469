/**
 * Precision and recall of screening flags against ground-truth labels (the synthetic
 * generator's injected patterns, or a reviewer's verdicts).
 *
 * Case level, per rule: a true positive is a case flagged by the rule whose label includes the
 * rule's pattern; precision = TP / flagged cases, recall = TP / labelled cases. Hospital level,
 * per rule with hospital-level flags: the same over hospitals (a hospital counts as flagged
 * once, however many of its ADRGs were).
 */
import type { Flag } from './flags.ts';
import { ruleIds, type RuleId } from './rule-set.ts';

export interface Score {
  flagged: number;
  labelled: number;
  truePositives: number;
  /** NaN when nothing was flagged / labelled. */
  precision: number;
  recall: number;
}

export interface Evaluation {
  cases: Record<RuleId, Score>;
  hospitals: Partial<Record<RuleId, Score>>;
}

function score(flagged: Set<string>, labelled: Set<string>): Score {
  let tp = 0;
  for (const id of flagged) if (labelled.has(id)) tp++;
  return { flagged: flagged.size, labelled: labelled.size, truePositives: tp, precision: flagged.size > 0 ? tp / flagged.size : NaN, recall: labelled.size > 0 ? tp / labelled.size : NaN };
}

/**
 * @param caseLabels listId → the patterns it carries (only labelled cases need be present)
 * @param hospitalLabels hospitalId → the hospital-level patterns it carries
 */
export function evaluateFlags(flags: Iterable<Flag>, caseLabels: ReadonlyMap<string, readonly string[]>, hospitalLabels: ReadonlyMap<string, readonly string[]> = new Map()): Evaluation {
  const flaggedCases = new Map<RuleId, Set<string>>(ruleIds.map((r) => [r, new Set()]));
  const flaggedHospitals = new Map<RuleId, Set<string>>(ruleIds.map((r) => [r, new Set()]));
  for (const f of flags) (f.listId === null ? flaggedHospitals : flaggedCases).get(f.rule)!.add(f.listId ?? f.hospitalId);
  const labelled = (labels: ReadonlyMap<string, readonly string[]>, rule: RuleId) => {
    const out = new Set<string>();
    for (const [id, patterns] of labels) if (patterns.includes(rule)) out.add(id);
    return out;
  };
  const cases = {} as Record<RuleId, Score>;
  const hospitals: Partial<Record<RuleId, Score>> = {};
  for (const rule of ruleIds) {
    cases[rule] = score(flaggedCases.get(rule)!, labelled(caseLabels, rule));
    const hospitalTruth = labelled(hospitalLabels, rule);
    if (hospitalTruth.size > 0 || flaggedHospitals.get(rule)!.size > 0) hospitals[rule] = score(flaggedHospitals.get(rule)!, hospitalTruth);
  }
  return { cases, hospitals };
}
