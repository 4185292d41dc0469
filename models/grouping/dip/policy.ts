/**
 * The DIP catalogue policy: every number of models.md §2 marked *param* that shapes the catalogue.
 * Field names are the payment policy's where they mean the same thing (`referenceYears`,
 * `yearWeights`, `trim`), so a payment policy with `"method": "dip"` carries them at its top level
 * and `dip build --policy` reads the same file (`pickCatalogPolicy`).
 */
import { z } from 'zod';
import { problemsOfIssues, type Problem } from '../../problem.ts';

const fraction = (what: string) => z.number({ error: `must be a number: ${what}` }).min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' });
const year = z.number({ error: 'must be a year' }).int({ error: 'must be a whole year' }).min(1900).max(2200);

/** models.md §1: several reference years weighted 1 : 2 : 7 (oldest → newest). */
const defaultYearWeights = [1, 2, 7];

const fields = {
  /** Core packet (核心病种) threshold: a diagnosis × procedures combination with ≥ this many reference cases. *param* 15. */
  coreThreshold: z.number({ error: 'must be a whole number of cases' }).int().min(1, { error: 'must be at least 1' }).default(15),
  /** A comprehensive packet whose cost CV is above this is split into k-means cost tiers. *param* 0.8. */
  targetCv: z.number({ error: 'must be a number' }).gt(0, { error: 'must be positive' }).default(0.8),
  /** Most cost tiers of a comprehensive packet. Default 4. */
  maxTiers: z.number().int().min(2, { error: 'must be at least 2' }).max(10, { error: 'must be at most 10' }).default(4),
  /** An auxiliary (辅助目录) split is kept when it lowers the packet's cost CV by at least this share. *param* 0.2. */
  auxiliaryCvReduction: fraction('the CV reduction an auxiliary split must bring').default(0.2),
  /** Depth of the auxiliary CART inside a packet (1 = one split). Default 2. */
  auxiliaryMaxDepth: z.number().int().min(1).max(4).default(2),
  /** Fewest cases in each auxiliary tier and in each cost tier; default: the core threshold. */
  minTierCases: z.number().int().min(1).optional(),
  /** Cost percentiles kept when averaging a packet's cost. *param* [0.025, 0.975]. */
  trim: z
    .tuple([fraction('the lower trim percentile'), fraction('the upper trim percentile')], { error: 'must be [lower, upper], e.g. [0.025, 0.975]' })
    .refine(([lo, hi]) => lo < hi, { error: 'the lower percentile must be below the upper one' })
    .default([0.025, 0.975]),
  /** Years whose cases build the catalogue; default: every year in the input. */
  referenceYears: z.array(year, { error: 'must be a list of years' }).min(1).max(10).optional(),
  /** Weight of each reference year (same order); default the last n of 1 : 2 : 7. */
  yearWeights: z.array(z.number().gt(0, { error: 'must be positive' }), { error: 'must be a list of positive numbers' }).optional(),
  /** Score scale: score = m_i / M × this. *param* 1000. */
  scoreScale: z.number().gt(0).default(1000),
  /** Seed of the k-means initialisation (tiers are deterministic for a seed). */
  seed: z.number().int().default(42),
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
