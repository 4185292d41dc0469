/**
 * The DIP catalogue policy: every number of models.md §2 marked *param* that shapes the catalogue.
 * Field names are the payment policy's where they mean the same thing (`referenceYears`,
 * `yearWeights`, `trim`), so a payment policy with `"method": "dip"` carries them at its top level
 * and `dip build --policy` reads the same file (`pickCatalogPolicy`).
 */
import * as z from 'zod';
import { problemsOfIssues, type Problem } from '../../problem.ts';

const fraction = (what: string) => z.number({ error: `must be a number: ${what}` }).min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' });
const year = z.number({ error: 'must be a year' }).int({ error: 'must be a whole year' }).min(1900).max(2200);

/** models.md §1: several reference years weighted 1 : 2 : 7 (oldest → newest). */
const defaultYearWeights = [1, 2, 7];

const codeList = (what: string) => z.array(z.string({ error: `must be a code: ${what}` }).min(1, { error: 'must not be empty' }), { error: `must be a list of codes: ${what}` });

/**
 * A packet defined by rule (models.md §2): a pre-grouped packet (先期分组) or a diagnosis-assisted
 * packet (诊断辅助细分). A case whose principal diagnosis starts with one of `diagnoses` (and, when
 * `procedures` is given, whose procedures include one of them) belongs to it, whatever the count.
 */
const rulePacketSchema = z.strictObject({
  id: z.string({ error: 'must be a packet id' }).min(1).max(80).refine((s) => !s.includes('/'), { error: 'must not contain "/" (the basic-rule packets use it)' }),
  stage: z.enum(['pre-grouped', 'diagnosis-assisted'], { error: 'must be "pre-grouped" or "diagnosis-assisted"' }),
  diagnoses: codeList('principal-diagnosis prefixes').min(1, { error: 'must list at least one diagnosis prefix' }),
  procedures: codeList('procedures, any of which the case must have').optional(),
  /** Diagnosis-assisted (诊断辅助细分): secondary-diagnosis prefixes, one of which the case must have (e.g. Z51.1 with C91–C95). */
  secondaryDiagnoses: codeList('secondary-diagnosis prefixes, one of which the case must have').optional(),
  text: z.string().max(200).optional(),
});
export type RulePacket = z.output<typeof rulePacketSchema>;

/** Catalogue fields shared by the standalone catalogue policy and the DIP payment policy (same names, same defaults). */
export const dipCatalogFields = {
  /**
   * Core packet (核心病种) threshold: a combination with ≥ this many reference cases. Default: the
   * largest value ≤ `maxCoreThreshold` whose core packets cover ≥ `coverageTarget` of the cases.
   */
  coreThreshold: z.number({ error: 'must be a whole number of cases' }).int({ error: 'must be a whole number of cases' }).min(1, { error: 'must be at least 1' }).optional(),
  /** Largest threshold the default search tries. *param* 15. */
  maxCoreThreshold: z.number({ error: 'must be a whole number of cases' }).int().min(1, { error: 'must be at least 1' }).default(15),
  /** Share of reference cases core packets must cover (the threshold search's target). *param* 0.85. */
  coverageTarget: fraction('the core coverage target').default(0.85),
  /** A related procedure joins the packet key when cases with it cost at least this much more (share). *param* 0.1. */
  relatedProcedureShare: fraction('the extra resource use a related procedure must bring').default(0.1),
  /** A comprehensive packet with a cost CV above this is dropped (its cases are ungrouped). *param* 1.0. */
  comprehensiveMaxCv: z.number({ error: 'must be a number' }).gt(0, { error: 'must be positive' }).default(1),
  /** Exclusion lists: diagnosis prefixes that may not be a principal diagnosis, procedures that never drive grouping. */
  exclusions: z.strictObject({ diagnoses: codeList('excluded principal-diagnosis prefixes').default([]), procedures: codeList('excluded procedures').default([]) }, { error: 'must be an object {diagnoses, procedures}' }).default({ diagnoses: [], procedures: [] }),
  /** Merged packets (并项): a 4-character diagnosis (or a 3-character category) → the diagnosis it is merged into; a procedure → its equivalent. */
  merge: z.strictObject({ diagnoses: z.record(z.string(), z.string(), { error: 'must map a diagnosis to the one it merges into' }).default({}), procedures: z.record(z.string(), z.string(), { error: 'must map a procedure to its equivalent' }).default({}) }, { error: 'must be an object {diagnoses, procedures}' }).default({ diagnoses: {}, procedures: {} }),
  /** Pre-grouped and diagnosis-assisted packets, tried in this order before the basic rule. */
  rulePackets: z.array(rulePacketSchema, { error: 'must be a list of rule packets' }).default([]),
  /** 基层病种: packet ids paid at the same score at every hospital level (no hospital coefficient). */
  basicPackets: z.array(z.string().min(1), { error: 'must be a list of packet ids' }).default([]),
  /** Auxiliary typing (辅助分型) needs at least this many cases in the packet and in a type. *param* 30. */
  auxiliaryMinCases: z.number().int().min(1, { error: 'must be at least 1' }).default(30),
  /** Auxiliary typing is kept when it lowers the packet's cost CV by at least this share. *param* 0.2. */
  auxiliaryCvReduction: fraction('the CV reduction auxiliary typing must bring').default(0.2),
  /** Also fit the learned CART tiers (an analysis, never paid): off by default. */
  learnedTiers: z.boolean({ error: 'must be true or false' }).default(false),
  /** Depth of the learned CART inside a packet (1 = one split). Default 2. */
  auxiliaryMaxDepth: z.number().int().min(1).max(4).default(2),
  /** Split comprehensive packets with a cost CV above `targetCv` into k-means cost tiers (not in the specification). Default false. */
  costTiers: z.boolean({ error: 'must be true or false' }).default(false),
  /** A comprehensive packet whose cost CV is above this is split into cost tiers (with `costTiers`). *param* 0.8. */
  targetCv: z.number({ error: 'must be a number' }).gt(0, { error: 'must be positive' }).default(0.8),
  /** Most cost tiers of a comprehensive packet. Default 4. */
  maxTiers: z.number().int().min(2, { error: 'must be at least 2' }).max(10, { error: 'must be at most 10' }).default(4),
  /** Fewest cases in each learned tier and cost tier; default: the core threshold. */
  minTierCases: z.number().int().min(1).optional(),
  /** Score scale: score = m_i / M × this. *param* 1000. */
  scoreScale: z.number().gt(0).default(1000),
  /** Seed of the k-means initialisation (tiers are deterministic for a seed). */
  seed: z.number().int().default(42),
};

const fields = {
  ...dipCatalogFields,
  /** Cost percentiles kept when averaging a packet's cost. *param* [0.025, 0.975]. */
  trim: z
    .tuple([fraction('the lower trim percentile'), fraction('the upper trim percentile')], { error: 'must be [lower, upper], e.g. [0.025, 0.975]' })
    .refine(([lo, hi]) => lo < hi, { error: 'the lower percentile must be below the upper one' })
    .default([0.025, 0.975]),
  /** Years whose cases build the catalogue; default: every year in the input. */
  referenceYears: z.array(year, { error: 'must be a list of years' }).min(1).max(10).optional(),
  /** Weight of each reference year (same order); default the last n of 1 : 2 : 7. */
  yearWeights: z.array(z.number().gt(0, { error: 'must be positive' }), { error: 'must be a list of positive numbers' }).optional(),
};

/** A standalone catalogue policy file: only the fields above (unknown fields are errors). */
export const dipCatalogPolicySchema = z.strictObject({ name: z.string().optional(), version: z.union([z.string(), z.number()]).transform(String).default('1'), ...fields });
/** The same fields read out of a larger document (a payment policy with `method: "dip"`): other fields are ignored. */
const embeddedSchema = z.object({ name: z.string().optional(), version: z.union([z.string(), z.number()]).transform(String).default('1'), ...fields });

export type DipCatalogPolicy = z.output<typeof dipCatalogPolicySchema>;
export type DipCatalogPolicyInput = z.input<typeof dipCatalogPolicySchema>;

/** Reference years (ascending) and their weights, resolved against the years present in the data. */
export interface ResolvedYears {
  years: number[];
  weights: number[];
}

/** The policy's reference years and weights, or every year of the data with the default weights. */
export function resolveYears(policy: Pick<DipCatalogPolicy, 'referenceYears' | 'yearWeights'>, dataYears: readonly number[]): ResolvedYears {
  const years = policy.referenceYears ?? [...new Set(dataYears)].sort((a, b) => a - b);
  if (years.length === 0) throw new Error('there are no reference years: the input has no case with a discharge year');
  let weights = policy.yearWeights;
  if (weights === undefined) {
    if (years.length > defaultYearWeights.length) throw new Error(`yearWeights is required with more than ${defaultYearWeights.length} reference years (${years.join(', ')})`);
    weights = defaultYearWeights.slice(defaultYearWeights.length - years.length);
  }
  if (weights.length !== years.length) throw new Error(`yearWeights must have one weight per reference year (${years.length}), got ${weights.length}`);
  const pairs = years.map((y, i) => [y, weights[i]!] as const).sort((a, b) => a[0] - b[0]);
  if (new Set(years).size !== years.length) throw new Error('referenceYears must not repeat a year');
  return { years: pairs.map((p) => p[0]), weights: pairs.map((p) => p[1]) };
}

/** The error thrown for an invalid DIP catalogue policy: one problem (`{ code, path, message }`) per thing wrong. */
export class DipPolicyError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`invalid DIP policy: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'DipPolicyError';
  }
}

/**
 * The catalogue policy of a document: a payment policy with `"method": "dip"` (its DIP fields;
 * the payment fields are left to the payment schema), or a standalone catalogue policy. A DRG
 * payment policy is refused: it has no DIP fields.
 */
export function pickCatalogPolicy(document: unknown): DipCatalogPolicy {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new DipPolicyError([{ code: 'invalid-type', path: '', message: 'the policy must be a JSON object' }]);
  const method = (document as Record<string, unknown>).method;
  if (method !== undefined && method !== 'dip') throw new DipPolicyError([{ code: 'invalid-value', path: 'method', message: `method is "${String(method)}"; a DIP catalogue needs a policy with "method": "dip" or a standalone DIP catalogue policy` }]);
  const parsed = (method === 'dip' ? embeddedSchema : dipCatalogPolicySchema).safeParse(document);
  if (!parsed.success) throw new DipPolicyError(problemsOfIssues(parsed.error.issues, document, { subject: 'the policy', unknownField: (path) => `${path} is not a DIP catalogue policy field` }));
  return parsed.data;
}

/** A standalone policy with every default (for tests and in-memory builds). */
export function defaultCatalogPolicy(overrides: DipCatalogPolicyInput = {}): DipCatalogPolicy {
  return dipCatalogPolicySchema.parse(overrides);
}
