/**
 * A payment policy: the versioned JSON document a bureau adopts (or an analyst tries) —
 * which years the relative weights come from and how, which year is paid, the budget or the
 * base rate (费率), the hospital-level coefficients and the outlier thresholds
 * (shared/docs/models.md §1, §3). This zod schema is the contract (CLI files, API bodies);
 * every number marked *param* in models.md is a field here with models.md's default.
 *
 * `method` is a discriminated union: `"drg"` (relative weights, base rate) and `"dip"` (a DIP
 * catalogue's scores, point value from the DIP fund budget, models.md §2; the same outlier rules).
 * Unknown fields are rejected: a misspelt `yearWeight` must not silently fall back to a default.
 * `parsePaymentPolicy` (the CLI's) accepts both; `parseServicePolicy` (POST /v1/simulations) too,
 * but a DIP policy there reads no file (`catalog` is refused in a sentence); `parsePolicy` takes
 * DRG policies only (the DRG phases' entry).
 */
import * as z from 'zod';
import { dipCatalogFields } from '../grouping/dip/policy.ts';
import { problemsOfIssues, type Problem } from '../problem.ts';

type Issue = { input?: unknown };

function num(what: string) {
  return z.number({ error: (issue: Issue) => (issue.input === undefined ? `is required: ${what}` : `must be a number: ${what}`) });
}

function int(what: string) {
  return num(what).int({ error: `must be a whole number: ${what}` });
}

const year = (what: string) => int(what).min(1900, { error: 'must be a year from 1900 to 2200' }).max(2200, { error: 'must be a year from 1900 to 2200' });

/** models.md §1: several reference years weighted 1 : 2 : 7 (oldest → newest). */
export const defaultYearWeights = [1, 2, 7] as const;

const outliersSchema = z
  .strictObject(
    {
      /** 低倍率: ratio < low → paid at cost (RW × ratio). *param* 0.5. */
      low: num('the low-cost ratio threshold').min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' }).default(0.5),
      /**
       * 高倍率: ratio > high → RW × (ratio − 1). *param* 2. At least 2: below it the high-cost
       * payment RW × (ratio − 1) would pay a costlier case less than a normal one.
       */
      high: num('the high-cost ratio threshold').min(2, { error: 'must be at least 2 (below 2 the high-cost payment RW × (ratio − 1) is less than the standard a cheaper case gets)' }).default(2),
      /** 特例单议: ratio > review → flagged for individual review. *param* 5. */
      review: num('the individual-review ratio threshold').default(5),
    },
    { error: 'must be an object {low, high, review}' },
  )
  .refine((o) => o.review >= o.high, { error: 'review must be at least high (a review case is a high-cost case)', path: ['review'] });

const excludeStaysSchema = z.strictObject(
  {
    /** Stays of ≤ minDays are left out of the weights. *param* 2. */
    minDays: int('the shortest stay left out of the weights, in days').min(-1, { error: 'must be −1 (none) or more' }).default(2),
    /** Stays of ≥ maxDays are left out of the weights. *param* 60. */
    maxDays: int('the longest stay kept out of the weights, in days').min(1, { error: 'must be at least 1' }).default(60),
  },
  { error: 'must be an object {minDays, maxDays} or null' },
);

const feeForServiceSchema = z.strictObject(
  {
    /**
     * Also pay the ambiguous groups (歧义组 xQY) by item instead of by their own weight.
     * Default false: a QY group is weighted and priced like any DRG (as Yantai publishes RWs for BQY…).
     */
    ambiguousGroups: z.boolean({ error: 'must be true or false' }).default(false),
    /** Share of the cost paid for a case paid by item (按项目付费). *param* 1. */
    share: num('the share of cost paid by item').min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' }).default(1),
  },
  { error: 'must be an object {ambiguousGroups, share}' },
);

/** 特例单议 (models.md §3): the regional cap and, optionally, the cases the bureau approved. */
const specialReviewFields = {
  /** At most this many per mille of the region's discharges under the policy are approved. *param* 5 ‰. */
  capPerMille: num('the special-review cap in per mille of discharges').min(0, { error: 'must be from 0 to 1000' }).max(1000, { error: 'must be from 0 to 1000' }).default(5),
  /** 清单流水号 of the approved cases; default: the costliest candidates by ratio, up to the cap. */
  approved: z.array(z.string({ error: 'must be a listId' }).min(1), { error: 'must be a list of listIds' }).optional(),
};
const drgSpecialReviewSchema = z.strictObject(specialReviewFields, { error: 'must be an object {capPerMille, approved}' });
const dipSpecialReviewSchema = z.strictObject(
  {
    /** Candidates: ratio (cost ÷ the year-start standard) above this. *param* 2. */
    threshold: num('the special-review candidate ratio').min(1, { error: 'must be at least 1' }).default(2),
    ...specialReviewFields,
  },
  { error: 'must be an object {threshold, capPerMille, approved}' },
);

const levelCoefficientsSchema = z
  .strictObject(
    {
      '1': num('the level-1 hospital coefficient').gt(0, { error: 'must be positive' }).default(1),
      '2': num('the level-2 hospital coefficient').gt(0, { error: 'must be positive' }).default(1),
      '3': num('the level-3 hospital coefficient').gt(0, { error: 'must be positive' }).default(1),
    },
    { error: 'must be an object of hospital level "1" | "2" | "3" → coefficient' },
  )
  .default({ '1': 1, '2': 1, '3': 1 });

/** Fields every policy has, whatever its method. */
const commonPolicyFields = {
  /** Policy name, for reports (defaults to the file name in the CLI). */
  name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(200).optional(),
  /** Version of this policy document (a number or a string such as "2025.1"). */
  version: z.union([z.string().min(1), z.number()], { error: 'must be a string or a number' }).transform(String).default('1'),
  /** Grouping scheme the cases are grouped by (for DIP: whose MCC/CC lists give a case's severity). */
  scheme: z.string({ error: 'must be a string such as "chs-drg-1.1"' }).min(1).default('chs-drg-1.1'),
  /** Years whose cases give the weights (DRG) or build the catalogue and budget point value (DIP). */
  referenceYears: z.array(year('a reference year'), { error: 'must be a list of years' }).min(1, { error: 'must list at least one year' }).max(10, { error: 'must list at most 10 years' }),
  /** Weight of each reference year (same order). Default: the last n of 1 : 2 : 7. */
  yearWeights: z.array(num('a year weight').gt(0, { error: 'must be positive' }), { error: 'must be a list of positive numbers' }).optional(),
  /** Cost percentiles kept within each group or packet. *param* [0.025, 0.975]. */
  trim: z
    .tuple([num('the lower trim percentile').min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' }), num('the upper trim percentile').min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' })], { error: 'must be [lower, upper], e.g. [0.025, 0.975]' })
    .refine(([lo, hi]) => lo < hi, { error: 'the lower percentile must be below the upper one' })
    .default([0.025, 0.975]),
  /** The year whose cases are paid. */
  settlementYear: year('the settlement year'),
  /** Hospital-level coefficients. *param* 1 for every level. */
  levelCoefficients: levelCoefficientsSchema,
  outliers: outliersSchema.default({ low: 0.5, high: 2, review: 5 }),
};

const drgPolicySchema = z
  .strictObject({
    ...commonPolicyFields,
    method: z.literal('drg', { error: 'must be "drg" or "dip"' }),
    /** DRG budget in yuan (exactly one of budget and baseRate). */
    budget: num('the budget in yuan').gt(0, { error: 'must be positive' }).optional(),
    /** 费率: yuan per unit of RW (exactly one of budget and baseRate). */
    baseRate: num('the base rate in yuan per RW').gt(0, { error: 'must be positive' }).optional(),
    /**
     * A city's payment table (CSV) whose RW column gives the relative weights instead of the
     * reference years' cases (those still give each group's statistics). `payreform simulate`: a
     * path relative to the policy file, or absolute; the service: the name of a table the
     * deployment holds (an unknown name is refused with the names it holds).
     */
    weightsTable: z.string({ error: 'must be a file name such as "suzhou-2023.csv"' }).min(1, { error: 'must not be empty' }).optional(),
    /** The weight column's header when it is not one of RW, 权重, 初始权重, 标准分值. */
    weightsColumn: z.string({ error: 'must be a column name such as "RW"' }).min(1, { error: 'must not be empty' }).optional(),
    /** Stay lengths left out of the weights (never out of payment); null keeps every stay. */
    excludeStays: excludeStaysSchema.nullable().default({ minDays: 2, maxDays: 60 }),
    /** Grouping of operating-room cases no surgical ADRG takes: `qy` (official) or `fallthrough`. */
    ambiguous: z.enum(['qy', 'fallthrough'], { error: 'must be "qy" or "fallthrough"' }).default('qy'),
    /** Cases without a DRG price (ungroupable, a DRG with no reference-year weight): paid by item. */
    feeForService: feeForServiceSchema.default({ ambiguousGroups: false, share: 1 }),
    /** 特例单议 flags (ratio > outliers.review) kept under the regional cap; the rest are high-cost cases (paid the same). */
    specialReview: drgSpecialReviewSchema.default({ capPerMille: 5 }),
  })
  .superRefine((p, ctx) => {
    if ((p.budget === undefined) === (p.baseRate === undefined)) {
      ctx.addIssue({ code: 'custom', path: p.budget === undefined ? [] : ['baseRate'], message: 'give exactly one of budget (the base rate is then derived) and baseRate' });
    }
    checkYears(p, ctx);
    if (p.weightsColumn !== undefined && p.weightsTable === undefined) ctx.addIssue({ code: 'custom', path: ['weightsColumn'], message: 'names a column of weightsTable, which is not given' });
    if (p.excludeStays && p.excludeStays.maxDays <= p.excludeStays.minDays + 1) {
      ctx.addIssue({ code: 'custom', path: ['excludeStays', 'maxDays'], message: 'must leave some stays between minDays and maxDays' });
    }
  })
  .transform(pairYearWeights);

type YearFields = { referenceYears: number[]; yearWeights?: number[] | undefined };

function checkYears(p: YearFields, ctx: z.core.$RefinementCtx): void {
  if (new Set(p.referenceYears).size !== p.referenceYears.length) ctx.addIssue({ code: 'custom', path: ['referenceYears'], message: 'must not repeat a year' });
  if (p.yearWeights !== undefined && p.yearWeights.length !== p.referenceYears.length) {
    ctx.addIssue({ code: 'custom', path: ['yearWeights'], message: `must have one weight per reference year (${p.referenceYears.length}), got ${p.yearWeights.length}` });
  }
  if (p.yearWeights === undefined && p.referenceYears.length > defaultYearWeights.length) {
    ctx.addIssue({ code: 'custom', path: ['yearWeights'], message: `is required with more than ${defaultYearWeights.length} reference years (the default is 1 : 2 : 7 for three)` });
  }
}

/**
 * Year weights in the order of the years, oldest first, so weights and years stay paired.
 * The default weights go oldest → newest, so they are assigned after sorting the years.
 */
function pairYearWeights<P extends YearFields>(p: P): Omit<P, 'referenceYears' | 'yearWeights'> & { referenceYears: number[]; yearWeights: number[] } {
  if (p.yearWeights === undefined) {
    const years = [...p.referenceYears].sort((a, b) => a - b);
    return { ...p, referenceYears: years, yearWeights: defaultYearWeights.slice(defaultYearWeights.length - years.length) };
  }
  const given = p.yearWeights;
  const pairs = p.referenceYears.map((y, i) => [y, given[i]!] as const).sort((a, b) => a[0] - b[0]);
  return { ...p, referenceYears: pairs.map((x) => x[0]), yearWeights: pairs.map((x) => x[1]) };
}


const fundSchema = z.strictObject(
  {
    /** The fund's DIP budget in yuan. */
    budget: num('the fund budget in yuan').gt(0, { error: 'must be positive' }),
    /** 统筹基金支付比例 of this fund. */
    fundRatio: num('the fund payment ratio').gt(0, { error: 'must be above 0 and at most 1' }).max(1, { error: 'must be above 0 and at most 1' }),
  },
  { error: 'must be an object {budget, fundRatio}' },
);

const share = (what: string) => num(what).min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' });

const { trim: _trim, referenceYears: _years, yearWeights: _weights, levelCoefficients: _levels, ...dipCommon } = { ...commonPolicyFields };

const dipPolicySchema = z
  .strictObject({
    ...dipCommon,
    referenceYears: commonPolicyFields.referenceYears,
    yearWeights: commonPolicyFields.yearWeights,
    trim: commonPolicyFields.trim,
    method: z.literal('dip', { error: 'must be "drg" or "dip"' }),
    /** DIP fund budget in yuan (one of budget, pointValue and funds): Σ fund payments = budget to the cent. */
    budget: num('the DIP fund budget in yuan').gt(0, { error: 'must be positive' }).optional(),
    /** Settlement 点值: yuan per score point (one of budget, pointValue and funds). */
    pointValue: num('the point value in yuan per score point').gt(0, { error: 'must be positive' }).optional(),
    /** Employee and resident funds budgeted separately (职工 / 居民), each with its own point values; cases need insuranceType. */
    funds: z.strictObject({ employee: fundSchema, resident: fundSchema }, { error: 'must be an object {employee, resident}' }).optional(),
    /** 统筹基金支付比例: the fund's share of a case's payment (one pool). *param* 1. */
    fundRatio: num('the fund payment ratio').gt(0, { error: 'must be above 0 and at most 1' }).max(1, { error: 'must be above 0 and at most 1' }).default(1),
    /** Share of the year-start valuation prepaid monthly (the rest is withheld until the year-end clearing). *param* 0.9. */
    prepaymentShare: share('the monthly prepayment share').default(0.9),
    /** A catalogue built by `payreform dip build` (path relative to the policy file); default: built from the reference years. */
    catalog: z.string({ error: 'must be a file path' }).min(1, { error: 'must not be empty' }).optional(),
    /** Hospital coefficients: `given` (levelCoefficients), `level` (derived per level) or `packet` (derived per packet and level). Default: `given` when levelCoefficients is set, else `level`. */
    hospitalCoefficients: z.enum(['given', 'level', 'packet'], { error: 'must be "given", "level" or "packet"' }).optional(),
    /** Hospital-level coefficients (with hospitalCoefficients "given"). */
    levelCoefficients: levelCoefficientsSchema.unwrap().optional(),
    /** Year-start point value (年初点值) given instead of derived from the reference years. */
    yearStartPointValue: num('the year-start point value').gt(0, { error: 'must be positive' }).optional(),
    /** Quantiles of the cases' cost ÷ score kept when deriving the year-start point value. *param* [0, 1] (none trimmed). */
    yearStartTrim: z.tuple([share('the lower quantile'), share('the upper quantile')], { error: 'must be [lower, upper]' }).refine(([lo, hi]) => lo < hi, { error: 'the lower quantile must be below the upper one' }).default([0, 1]),
    /** Best-value interval: the derived year-start point value is held inside [lower, upper]. */
    /** 优值区间 (one-dimensional): the year-start point value over the hospitals whose per-point value is at or below the region's. *param* false. */
    yearStartBestValue: z.boolean({ error: 'must be true or false' }).default(false),
    yearStartInterval: z.tuple([num('the lowest year-start point value').gt(0), num('the highest year-start point value').gt(0)], { error: 'must be [lower, upper]' }).refine(([lo, hi]) => lo <= hi, { error: 'the lower bound must not exceed the upper one' }).optional(),
    /** 特例单议: candidates above threshold × the year-start standard, at most capPerMille ‰ of the discharges approved, paid by item. */
    specialReview: dipSpecialReviewSchema.default({ threshold: 2, capPerMille: 5 }),
    /** Ungrouped cases (no packet) are paid this share of their cost, by item. *param* 0.7. */
    ungroupedShare: share('the share of cost paid for an ungrouped case').default(0.7),
    /** 结余留用: share of a hospital's surplus (fund payment above the fund's share of its cost) it keeps. *param* 1. */
    surplusRetention: share('the share of a surplus the hospital keeps').default(1),
    /** 超支分担: share of a reasonable overspend the fund bears. *param* 0. */
    overspendShare: share('the share of a reasonable overspend the fund bears').default(0),
    /** An overspend up to this share of the fund's share of cost is reasonable. *param* 0.1. */
    reasonableOverspend: share('the reasonable overspend').default(0.1),
    // Catalogue fields (models/grouping/dip/policy.ts, the same schema).
    ...dipCatalogFields,
  })
  .superRefine((p, ctx) => {
    const given = [p.budget, p.pointValue, p.funds].filter((x) => x !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', path: given === 0 ? [] : ['budget'], message: 'give exactly one of budget (the point value is then derived), pointValue and funds' });
    }
    if (p.hospitalCoefficients === 'given' && p.levelCoefficients === undefined) ctx.addIssue({ code: 'custom', path: ['levelCoefficients'], message: 'is required with hospitalCoefficients "given"' });
    checkYears(p, ctx);
  })
  .transform((p) => {
    const paired = pairYearWeights(p);
    const levelCoefficients = { '1': 1, '2': 1, '3': 1, ...p.levelCoefficients };
    return { ...paired, levelCoefficients, hospitalCoefficients: p.hospitalCoefficients ?? (p.levelCoefficients !== undefined ? ('given' as const) : ('level' as const)) };
  });

/** The policy document: a discriminated union on `method`. */
export const paymentPolicySchema = z.discriminatedUnion('method', [drgPolicySchema, dipPolicySchema], {
  error: (issue: { code?: string; input?: unknown }) => (issue.code === 'invalid_union' ? 'must be "drg" or "dip"' : issue.code === 'invalid_type' ? 'must be an object' : undefined),
});

export type DrgPaymentPolicy = z.output<typeof drgPolicySchema>;
export type DipPaymentPolicy = z.output<typeof dipPolicySchema>;
/** A DRG policy (what the DRG phases and the partitioned service read). */
export type PaymentPolicy = DrgPaymentPolicy;
export type PaymentPolicyInput = z.input<typeof drgPolicySchema>;
export type DipPaymentPolicyInput = z.input<typeof dipPolicySchema>;
/** Any policy `payreform simulate` runs. */
export type AnyPaymentPolicy = DrgPaymentPolicy | DipPaymentPolicy;
export type OutlierThresholds = PaymentPolicy['outliers'];

/** The error thrown for an invalid policy: one problem (`{ code, path, message }`) per thing wrong. */
export class PolicyError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`invalid policy: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'PolicyError';
  }
}

/** One problem per zod issue, its sentence naming the field by path, e.g. `outliers.high must be at least 2 …`. */
export function policyProblems(issues: readonly z.core.$ZodIssue[], input: unknown): Problem[] {
  return problemsOfIssues(issues, input, {
    subject: 'the policy',
    unknownField: (path) => `${path} is not a policy field`,
    sentence: (issue, where) => (issue.code === 'invalid_union' && issue.path.length === 0 ? 'the policy must be an object' : `${where} ${issue.message}`),
  });
}

/** Validate a policy document of either method; throws PolicyError with one problem per field. */
export function parsePaymentPolicy(input: unknown): AnyPaymentPolicy {
  const result = paymentPolicySchema.safeParse(input);
  if (!result.success) throw new PolicyError(policyProblems(result.error.issues, input));
  return result.data;
}

/** Validate a DRG policy document (what the DRG phases read); throws PolicyError. */
export function parsePolicy(input: unknown): PaymentPolicy {
  const policy = parsePaymentPolicy(input);
  if (policy.method !== 'drg') throw new PolicyError([{ code: 'invalid-value', path: 'method', message: 'method must be "drg" here: a "dip" policy runs its own phases' }]);
  return policy;
}

/** Validate a policy for the service (POST /v1/simulations): either method; a DIP catalogue is built from the stored reference-year cases, never read from a file. */
export function parseServicePolicy(input: unknown): AnyPaymentPolicy {
  const policy = parsePaymentPolicy(input);
  if (policy.method === 'dip' && policy.catalog !== undefined) {
    throw new PolicyError([{ code: 'invalid-value', path: 'catalog', message: 'catalog names a file, and the service reads none: leave it out, and the catalogue is built from the stored cases of the reference years by the policy\'s packet rules' }]);
  }
  return policy;
}
