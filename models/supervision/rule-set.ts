/**
 * The supervision rule set (智能监管规则库): a versioned JSON document naming each rule, what it
 * means in plain words, and its parameters. This zod schema is the contract for `--rules FILE`
 * and for the service's supervision runs; every field has a default, so `{}` is the national
 * default rule set and a region overrides only what it changes. Unknown fields are rejected: a
 * misspelt `windowDay` must not silently fall back to a default.
 */
import * as z from 'zod';
import { problemsOfIssues, type Problem } from '../problem.ts';

export const ruleIds = ['split-admission', 'upcoding', 'low-severity-admission', 'frequent-admission', 'high-cost', 'drug-share'] as const;
export type RuleId = (typeof ruleIds)[number];

/** Plain-language definitions (for reports, the console page and `monitor --help`). */
export const ruleDefinitions: Record<RuleId, string> = {
  'split-admission':
    'Split admission (分解住院): the same patient is readmitted to the same hospital within windowDays days of discharge, in the same ADRG or the same MDC — one stay billed as two cases. Both stays of the pair are flagged.',
  upcoding:
    'Upcoding (高套编码): a hospital whose share of MCC/CC-level cases in an ADRG (or over all its ADRGs, case-mix adjusted) is far above that of its peers of the same level (beta-binomial test, Benjamini–Hochberg FDR control); and cases whose MCC/CC diagnosis is not supported by their cost or stay — their cost is likelier under the group they would be in without it, at a hospital whose excess makes that probable.',
  'low-severity-admission':
    'Low-severity admission (低标入院): cases of very low weight (RW ≤ maxWeight) with short stays (≤ maxStayDays, discharged home) — what peers treat as outpatients — at a hospital whose rate of such cases is far above that of its peers of the same level (beta-binomial test, FDR control).',
  'frequent-admission':
    'Frequent admission (频繁住院): a patient admitted minAdmissions times or more within windowDays days (any hospital). Every stay in such a window is flagged.',
  'high-cost':
    'High cost for individual review (特例单议): a case whose cost exceeds reviewRatio times its group\'s payment standard (models.md §3); without a policy the standard is the group\'s own trimmed mean cost in the data.',
  'drug-share':
    'Drug and material share (药占比/耗占比): cases whose drug + material share of cost is far above the typical share of their DRG (robust z on the logit scale), and hospitals whose cases are on average far above their group medians compared with peers of the same level (FDR control).',
};

const fdr = z.number().gt(0).lt(1);
const positive = z.number().gt(0);
const count = z.number().int().min(1);

const splitSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Readmission within this many days of discharge. *param* 15. */
  windowDays: z.number().int().min(0).default(15),
  /** Which grouping level must match between the stays. */
  match: z.enum(['adrg-or-mdc', 'adrg', 'mdc']).default('adrg-or-mdc'),
  /** ADRGs of planned repeat stays (chemotherapy, radiotherapy cycles…) a region exempts. */
  excludeAdrgs: z.array(z.string()).default([]),
});

const upcodingSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Benjamini–Hochberg false-discovery rate of the hospital tests. */
  fdr: fdr.default(0.05),
  /** A hospital-ADRG cell is tested from this many cases. */
  minCases: count.default(10),
  /** …when its peers have at least this many cases in the ADRG. */
  minPeerCases: count.default(30),
  /** A hospital-ADRG flag needs a share this far (absolute) above the peers'. */
  minExcess: z.number().min(0).max(1).default(0.1),
  /** A hospital-overall flag needs an MCC/CC share this far above the case-mix expected share. */
  minOverallExcess: z.number().min(0).max(1).default(0.03),
  /** Prior probability that an MCC/CC case is unsupported, at a hospital with no excess. */
  basePrior: z.number().gt(0).lt(1).default(0.02),
  /** A case is flagged when the posterior probability of an unsupported MCC/CC reaches this. */
  casePosterior: z.number().gt(0).lt(1).default(0.5),
  /** …and its stay is no longer than this multiple of its own group's median stay. */
  maxStayRatio: positive.default(1),
});

const lowSeveritySchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Very low weight: RW of the case's DRG at most this. */
  maxWeight: positive.default(0.5),
  /** Short stay: at most this many days. */
  maxStayDays: z.number().int().min(0).default(2),
  fdr: fdr.default(0.05),
  /** A hospital flag needs its rate at least this many times the peers'… */
  minRateRatio: z.number().min(1).default(1.5),
  /** …and at least this far above it (absolute). */
  minExcessRate: z.number().min(0).max(1).default(0.02),
  minCases: count.default(100),
});

const frequentSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** *param* 4 admissions… */
  minAdmissions: z.number().int().min(2).default(4),
  /** …within this many days (12 months). */
  windowDays: z.number().int().min(1).default(365),
});

const highCostSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** 特例单议 threshold of models.md §3: cost / standard > reviewRatio. *param* 5. */
  reviewRatio: positive.default(5),
  /** Cost percentiles kept for the data-derived standard (trimmed mean), as the weights use. */
  trim: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).default([0.025, 0.975]),
  /** A DRG-year standard is derived from this many cases; else the DRG over all years. */
  minGroupCases: count.default(30),
  /** Hospital-level coefficients applied to the data-derived standards (default 1, the national default). */
  levelCoefficients: z.strictObject({ '1': positive.default(1), '2': positive.default(1), '3': positive.default(1) }).default({ '1': 1, '2': 1, '3': 1 }),
});

const drugShareSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Case flag: robust z of logit(share) within the DRG at least this… */
  caseZ: positive.default(4),
  /** …and the share at least this far above the DRG's median share (absolute). */
  minCaseExcess: z.number().min(0).max(1).default(0.15),
  /** DRGs with fewer cases have no reference share. */
  minGroupCases: count.default(20),
  fdr: fdr.default(0.05),
  /** Hospital flag: mean excess over group medians at least this far above the peers'. */
  minHospitalExcess: z.number().min(0).max(1).default(0.03),
  minHospitalCases: count.default(50),
});

/** Weights of each rule in the hospital risk score. */
const riskWeightsSchema = z.strictObject({
  'split-admission': z.number().min(0).default(1),
  upcoding: z.number().min(0).default(1.5),
  'low-severity-admission': z.number().min(0).default(1),
  'frequent-admission': z.number().min(0).default(0.75),
  'high-cost': z.number().min(0).default(0.5),
  'drug-share': z.number().min(0).default(1),
});

export const ruleSetSchema = z.strictObject({
  name: z.string().min(1).default('payreform default supervision rules'),
  /** Version of the rule set document. */
  version: z.union([z.string().min(1), z.number()]).transform(String).default('1'),
  rules: z
    .strictObject({
      'split-admission': splitSchema.default(splitSchema.parse({})),
      upcoding: upcodingSchema.default(upcodingSchema.parse({})),
      'low-severity-admission': lowSeveritySchema.default(lowSeveritySchema.parse({})),
      'frequent-admission': frequentSchema.default(frequentSchema.parse({})),
      'high-cost': highCostSchema.default(highCostSchema.parse({})),
      'drug-share': drugShareSchema.default(drugShareSchema.parse({})),
    })
    .default(() => ({
      'split-admission': splitSchema.parse({}),
      upcoding: upcodingSchema.parse({}),
      'low-severity-admission': lowSeveritySchema.parse({}),
      'frequent-admission': frequentSchema.parse({}),
      'high-cost': highCostSchema.parse({}),
      'drug-share': drugShareSchema.parse({}),
    })),
  riskWeights: riskWeightsSchema.default(riskWeightsSchema.parse({})),
});

export type RuleSet = z.output<typeof ruleSetSchema>;
export type RuleSetInput = z.input<typeof ruleSetSchema>;
export type RuleParams<R extends RuleId> = RuleSet['rules'][R];

/** The error thrown for an invalid rule set: one problem (`{ code, path, message }`) per thing wrong. */
export class RuleSetError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`the rule set is not valid: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'RuleSetError';
  }
}

/** Parse a rule-set document (defaults filled in), or throw a RuleSetError with one problem per field. */
export function parseRuleSet(input: unknown): RuleSet {
  const parsed = ruleSetSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new RuleSetError(problemsOfIssues(parsed.error.issues, input ?? {}, {
    subject: 'the document',
    unknownField: (path) => `${path}: not a field of the rule set`,
    sentence: (issue, where) => `${where}: ${issue.message}`,
  }));
}

/** The default rule set (national defaults). */
export function defaultRuleSet(): RuleSet {
  return parseRuleSet({});
}
