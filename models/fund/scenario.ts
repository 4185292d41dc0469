/**
 * The stress-test scenario: one pooling fund's starting position and the distributions of its
 * drivers, for the reference model of models.md §5. This zod schema is the contract (field names
 * are part of the API: CLI files, `POST /v1/stress-tests` bodies); the TypeScript types are
 * inferred from it. All growth rates and the interest rate are annual; money is in yuan.
 *
 * Unknown fields are rejected (a misspelt `costgrowth` must not silently fall back to nothing).
 */
import * as z from 'zod';
import { problemsOfIssues, type Problem } from '../problem.ts';

type Issue = { input?: unknown };

/** A finite number with one sentence for both "missing" and "wrong type". */
function num(what: string) {
  return z.number({ error: (issue: Issue) => (issue.input === undefined ? `is required: ${what}` : `must be a number: ${what}`) });
}

function int(what: string) {
  return num(what).int({ error: `must be a whole number: ${what}` });
}

function object<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  return z.strictObject(shape, { error: (issue: Issue) => (issue.input === undefined ? `is required: ${what}` : `must be an object: ${what}`) });
}

/** An annual growth rate: mean + AR(1) deviation d_y = ar·d_{y−1} + sd·z_y. */
const growthSchema = (what: string) =>
  object(
    {
      /** Mean annual growth (0.05 = 5 % a year). */
      mean: num(`mean annual ${what} growth`).gt(-1, { error: 'must be greater than −1 (a growth rate)' }),
      /** Standard deviation of the annual shock z_y. */
      sd: num(`standard deviation of annual ${what} growth`).min(0, { error: 'must not be negative' }),
      /** AR(1) persistence of the deviation (0 = independent years). */
      ar: num(`AR(1) coefficient of ${what} growth`).min(-1, { error: 'must be from −1 to 1' }).max(1, { error: 'must be from −1 to 1' }),
    },
    `${what} growth {mean, sd, ar}`,
  );

/** Alert thresholds on months of reserve (*param*, defaults: the long-standing national guidance). */
export const alertThresholdsSchema = object(
  {
    /** Below this many months: insufficient (不足). */
    insufficientBelow: num('months of reserve below which the fund is insufficient').min(0, { error: 'must not be negative' }).default(3),
    /** Below this many months: warning (预警). */
    warningBelow: num('months of reserve below which a warning is raised').min(0, { error: 'must not be negative' }).default(6),
    /** Up to this many months (from warningBelow): the target range (合理). */
    targetUpTo: num('upper end of the target range of months of reserve').min(0, { error: 'must not be negative' }).default(9),
    /** Above this many months: excessive (过多). Between targetUpTo and this: high. */
    excessiveAbove: num('months of reserve above which the reserve is excessive').min(0, { error: 'must not be negative' }).default(15),
  },
  'alert thresholds',
).refine((a) => a.insufficientBelow <= a.warningBelow && a.warningBelow <= a.targetUpTo && a.targetUpTo <= a.excessiveAbove, {
  error: 'must be in increasing order: insufficientBelow ≤ warningBelow ≤ targetUpTo ≤ excessiveAbove',
});

export const defaultAlertThresholds = { insufficientBelow: 3, warningBelow: 6, targetUpTo: 9, excessiveAbove: 15 } as const;

export const scenarioSchema = object(
  {
    /** Seed of the random streams: the same seed gives the same numbers. */
    seed: int('the random seed').min(0, { error: 'must be a non-negative whole number' }).max(Number.MAX_SAFE_INTEGER).default(1),
    /** Number of Monte Carlo paths (models.md default 10 000). */
    paths: int('the number of Monte Carlo paths').min(1, { error: 'must be at least 1' }).max(1_000_000, { error: 'must be at most 1 000 000' }).default(10_000),
    /** Horizon in whole years. */
    years: int('the horizon in years').min(1, { error: 'must be at least 1' }).max(100, { error: 'must be at most 100' }),
    /** Opening accumulated reserve (累计结余), yuan. */
    reserve: num('the opening reserve in yuan'),
    /** Insured members at month 0. */
    members: num('the number of insured members').gt(0, { error: 'must be positive' }),
    /** Annual growth of the membership. */
    memberGrowth: num('annual membership growth').gt(-1, { error: 'must be greater than −1 (a growth rate)' }),
    /** Monthly contribution base per member (缴费基数), yuan, at month 0. */
    contributionBase: num('the monthly contribution base per member in yuan').min(0, { error: 'must not be negative' }),
    /** Share of the base paid into the pooled fund. */
    contributionRate: num('the contribution rate').min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' }),
    /** Fixed monthly fiscal subsidy into the fund, yuan. */
    subsidyPerMonth: num('the monthly subsidy in yuan'),
    /** Annual growth of the contribution base (wages). */
    wageGrowth: growthSchema('wage'),
    /** Inpatient cases per member per year at month 0. */
    casesPerMemberYear: num('inpatient cases per member per year').gt(0, { error: 'must be positive' }),
    /** Mean total cost per case at month 0, yuan. */
    costPerCase: num('the mean cost per case in yuan').gt(0, { error: 'must be positive' }),
    /** Share of the cost the pooled fund pays (统筹支付比例). */
    fundRatio: num('the share of cost paid by the fund').gt(0, { error: 'must be greater than 0 and at most 1' }).max(1, { error: 'must be greater than 0 and at most 1' }),
    /** Annual growth of the cost per case. */
    costGrowth: growthSchema('cost'),
    /** Population ageing: s_m = share65 + drift·m/12, cost of a 65+ member = costMultiple × the others'. */
    ageing: object(
      {
        share65: num('the share of members aged 65 or over').min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' }),
        drift: num('the yearly change in the share aged 65 or over'),
        costMultiple: num('the cost of a member aged 65+ relative to a younger one').gt(0, { error: 'must be positive' }),
      },
      'ageing {share65, drift, costMultiple}',
    ),
    /** Epidemic shocks: Poisson(ratePerYear) events a year, each +costIncrease for `months` months. */
    epidemics: object(
      {
        ratePerYear: num('expected epidemic events per year').min(0, { error: 'must not be negative' }).max(100, { error: 'must be at most 100' }),
        costIncrease: num('the relative rise in expenditure during an epidemic').gt(-1, { error: 'must be greater than −1' }),
        months: int('how many months an epidemic lasts').min(0, { error: 'must not be negative' }).max(1200, { error: 'must be at most 1200' }),
      },
      'epidemics {ratePerYear, costIncrease, months}',
    ),
    /** Annual interest earned on the reserve (credited monthly at interestRate/12). */
    interestRate: num('the annual interest rate on the reserve').gt(-1, { error: 'must be greater than −1' }),
    /** Alert thresholds (optional; defaults 3 / 6 / 9 / 15 months). */
    alerts: alertThresholdsSchema.default({ ...defaultAlertThresholds }),
  },
  'a scenario object',
).superRefine((s, ctx) => {
  const last = s.ageing.share65 + (s.ageing.drift * (12 * s.years - 1)) / 12;
  if (last < 0 || last > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['ageing', 'drift'],
      params: { code: 'out-of-range' },
      message: `takes the share aged 65 or over to ${last.toFixed(3)} within ${s.years} years; it must stay from 0 to 1`,
    });
  }
});

/** A validated scenario (defaults filled in). */
export type Scenario = z.infer<typeof scenarioSchema>;
/** A scenario as written in a file (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;

/** The error thrown for an invalid scenario: one problem (`{ code, path, message }`) per thing wrong. */
export class ScenarioError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`invalid scenario: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'ScenarioError';
  }
}

/** One problem per zod issue, its sentence naming the field by path, e.g. `costGrowth.sd must not be negative`. */
export function scenarioProblems(issues: readonly z.core.$ZodIssue[], input: unknown): Problem[] {
  return problemsOfIssues(issues, input, {
    subject: 'the scenario',
    unknownField: (path) => `unknown field "${path}" (check the spelling)`,
  });
}

/** Validate a scenario document; throws ScenarioError with one problem per field. */
export function parseScenario(input: unknown): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) throw new ScenarioError(scenarioProblems(result.error.issues, input));
  return result.data;
}

/** The issue's example fund: a city pool of 1 M members holding about 11 months of reserve. */
const baseline: ScenarioInput = {
  seed: 1,
  paths: 10_000,
  years: 10,
  reserve: 1.2e9,
  members: 1_000_000,
  memberGrowth: 0,
  contributionBase: 6000,
  contributionRate: 0.02,
  subsidyPerMonth: 0,
  wageGrowth: { mean: 0.05, sd: 0.01, ar: 0.5 },
  casesPerMemberYear: 0.2,
  costPerCase: 9000,
  fundRatio: 0.7,
  costGrowth: { mean: 0.07, sd: 0.02, ar: 0.5 },
  ageing: { share65: 0.18, drift: 0.006, costMultiple: 3 },
  epidemics: { ratePerYear: 0.2, costIncrease: 0.25, months: 3 },
  interestRate: 0.015,
};

/**
 * Named scenarios:
 * - `baseline`: the issue's example (wages +5 %, cost per case +7 %, 65+ share 18 % rising
 *   0.6 points a year, one 3-month +25 % epidemic every five years on average).
 * - `ageing`: fast ageing — the 65+ share rises 1.2 points a year, the membership shrinks 0.5 %
 *   a year (working-age members leave), 65+ members cost 3.5× the others.
 * - `high-cost-growth`: cost per case +10 % a year with more volatility (sd 3 %, ar 0.7),
 *   as when new technology and drugs enter the catalogue faster than wages grow.
 * - `epidemic`: an epidemic every year on average, each +40 % for 4 months.
 */
export const presets: Record<string, ScenarioInput> = {
  baseline,
  ageing: { ...baseline, memberGrowth: -0.005, ageing: { share65: 0.18, drift: 0.012, costMultiple: 3.5 } },
  'high-cost-growth': { ...baseline, costGrowth: { mean: 0.1, sd: 0.03, ar: 0.7 } },
  epidemic: { ...baseline, epidemics: { ratePerYear: 1, costIncrease: 0.4, months: 4 } },
};

export const presetNames = Object.keys(presets);

/** Accepts `high cost growth`, `high_cost_growth`, `HighCostGrowth`… as `high-cost-growth`. */
export function presetKey(name: string): string {
  return name
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

/** A preset by name (unvalidated input form, to be merged and parsed), or undefined. */
export function findPreset(name: string): ScenarioInput | undefined {
  return presets[presetKey(name)];
}

/** Deep merge of plain objects: `override`'s fields replace `base`'s; nested objects merge. */
export function mergeScenario(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = mergeScenario(base[key], value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The dotted paths of every numeric scenario field that a sweep may vary (not seed, paths or
 * years: those change the draws or the table's shape rather than the fund).
 */
export const sweepableFields = [
  'reserve', 'members', 'memberGrowth', 'contributionBase', 'contributionRate', 'subsidyPerMonth',
  'wageGrowth.mean', 'wageGrowth.sd', 'wageGrowth.ar', 'casesPerMemberYear', 'costPerCase', 'fundRatio',
  'costGrowth.mean', 'costGrowth.sd', 'costGrowth.ar', 'ageing.share65', 'ageing.drift', 'ageing.costMultiple',
  'epidemics.ratePerYear', 'epidemics.costIncrease', 'epidemics.months', 'interestRate',
] as const;

/** A copy of a (validated) scenario with one field set by dotted path, re-validated. */
export function withField(scenario: Scenario, path: string, value: number): Scenario {
  if (!(sweepableFields as readonly string[]).includes(path)) {
    throw new ScenarioError([{ code: 'invalid-value', path: '', message: `"${path}" is not a numeric scenario field; use one of ${sweepableFields.join(', ')}` }]);
  }
  const parts = path.split('.');
  const copy = structuredClone(scenario) as Record<string, unknown>;
  let node = copy;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
  return parseScenario(copy);
}
