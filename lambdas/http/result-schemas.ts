/**
 * zod schemas of what the jobs store and the API serves back: a simulation's result document,
 * a supervision run's result and flags, a stress test and a forecast. They are declared from
 * the code that writes them (lambdas/jobs/*, models/…); `GET /openapi.json` is generated from
 * them, the handlers' answers are checked against their types, and test/e2e/contract.test.ts
 * validates every live answer against the document.
 */
import { z } from 'zod';
import { scenarioSchema } from '../../models/fund/scenario.ts';
import { ruleIds, ruleSetSchema } from '../../models/supervision/rule-set.ts';

const int = z.number().int();
const count = int.min(0);
const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
/** An object with one entry per supervision rule. */
const perRule = <T extends z.ZodType>(value: T) => z.object(Object.fromEntries(ruleIds.map((r) => [r, value])) as Record<(typeof ruleIds)[number], T>);
export const jobStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);

// ---------------------------------------------------------------------------------------------
// Simulation (lambdas/jobs/simulation.ts, finalize step)

const hospitalPayment = z.object({
  hospitalId: z.string(),
  /** Level 1–3 (the first level its cases give; 0 unknown). */
  level: int.min(0).max(3),
  cases: count,
  /** Cases with a DRG price, and Σ of their RW (CMI = Σ RW / priced cases). */
  pricedCases: count,
  relativeWeightSum: z.number(),
  totalCost: z.number(),
  /** Σ payment in whole cents. */
  paymentCents: int,
  /** Cases by payment kind: normal, low and high outliers, individual review, paid by item. */
  normal: count,
  low: count,
  high: count,
  review: count,
  byItem: count,
  payment: z.number(),
  /** Case-mix index, null when no case has a DRG price. */
  cmi: z.number().nullable(),
  /** payment − totalCost, yuan. */
  balance: z.number(),
});

/**
 * Which scheme grouped a simulation's cases: the scheme they were regrouped under
 * (`regrouped`), or — each case keeping its stored group — the schemes and packs those groups
 * came from with their case counts (id null: stored before schemes were recorded).
 */
export const simulationScheme = z.object({
  id: z.string().nullable(),
  packHash: z.string().nullable(),
  regrouped: z.boolean(),
  stored: z.array(z.object({ id: z.string().nullable(), packHash: z.string().nullable(), cases: count })).optional(),
});
export type SimulationScheme = z.infer<typeof simulationScheme>;

export const simulationResult = z.object({
  policy: z.object({ name: z.string().nullable(), version: z.string(), settlementYear: int, referenceYears: z.array(int) }),
  /** The base rate (given, or solved for the budget) and the normal-case scale absorbing a budget jump. */
  rate: z.object({ baseRate: z.number(), normalScale: z.number(), gap: z.number(), evaluations: count }),
  totals: z.object({ cases: count, totalCost: z.number(), payment: z.number(), leftoverCentsSpread: int }),
  hospitals: z.array(hospitalPayment),
  /** The relative weights: derived from the reference years, or read from the policy's payment table (`source`). */
  weights: z.object({
    /** The payment table (policy.weightsTable) and column the RWs come from; null: derived from the reference years. */
    source: z.object({ table: z.string(), column: z.string() }).nullable(),
    relativeWeights: z.record(z.string(), z.number()),
    /** Reference-year groups; relativeWeight null where the policy's payment table has none for the group. */
    groups: z.array(z.object({ drg: z.string(), relativeWeight: z.number().nullable(), cases: count, meanCost: z.number(), cv: z.number().nullable() })),
    quality: z.object({ riv: z.number().nullable(), cvBelowHalf: count, cvAboveOne: count, overallCv: z.number().nullable() }),
    counts: z.object({ cases: count, excludedStays: count, ungroupable: count, ambiguousByItem: count }),
    allCaseMean: z.array(z.number().nullable()),
    /** Settlement cases paid by item because their group has no weight, by DRG, largest first. */
    unweighted: z.array(z.object({ drg: z.string(), cases: count })),
  }),
  /** The service's simulations: which scheme grouped the cases (`payreform simulate` names its scheme on the command line). */
  scheme: simulationScheme.optional(),
});

const yuan = z.number();
const fund = z.enum(['all', 'employee', 'resident']);

/** A DIP policy's result document (app/dip-simulation-result.ts, the dipSettle step). */
export const dipSimulationResult = z.object({
  method: z.literal('dip'),
  policy: z.object({ name: z.string().nullable(), version: z.string(), settlementYear: int, referenceYears: z.array(int) }),
  /** The catalogue: built from the stored reference-year cases, or given. */
  catalog: z.object({ source: z.enum(['built', 'given']), packets: count, corePackets: count, comprehensivePackets: count, packetsWithAuxiliary: count, coreThreshold: z.number(), coreThresholdSource: z.enum(['policy', 'coverage', 'published']), coreCoverage: z.number().nullable() }),
  /** caseValue: Σ points × settlement point value (and by-item values) before the fund ratio; payment = Σ fund payments = prepaid + yearEnd. */
  totals: z.object({ cases: count, totalCost: yuan, caseValue: yuan, payment: yuan, prepaid: yuan, yearEnd: yuan }),
  /** Settlement-year cases by class against the year-start standard. */
  outliers: z.object({ normal: count, low: count, high: count, specialReview: count, ungrouped: count }),
  /** 特例单议: candidates above threshold × the year-start standard, at most capPerMille ‰ of the discharges approved (paid by item). */
  specialReview: z.object({ threshold: z.number(), capPerMille: z.number(), candidates: count, cap: count, approved: count, overCap: count, notCandidates: count, listedUnknown: count }),
  hospitalCoefficients: z.object({ mode: z.enum(['given', 'level', 'packet']), level: z.object({ '1': z.number().nullable(), '2': z.number().nullable(), '3': z.number().nullable() }), packetCoefficients: count }),
  /** Per fund: the year-start point value (prepayment, outlier classes) beside the settlement point value (year-end clearing). */
  funds: z.array(z.object({
    fund,
    budget: z.number().nullable(),
    fundRatio: z.number(),
    cases: count,
    yearStartPointValue: z.number().nullable(),
    yearStartDerived: z.number().nullable(),
    yearStartSource: z.enum(['derived', 'policy']),
    settlementPointValue: z.number().nullable(),
    totalPoints: z.number().nullable(),
    byItemValue: yuan,
    prepaid: yuan,
    cleared: yuan,
    difference: yuan,
  })),
  /** Per hospital and fund: the fund payment (cleared) against the fund's share of cost, the monthly prepayments and the balance rule. */
  hospitals: z.array(z.object({
    hospitalId: z.string(),
    fund,
    level: int.min(0).max(3),
    cases: count,
    points: z.number().nullable(),
    totalCost: yuan,
    fundShareOfCost: yuan,
    caseValue: yuan,
    prepaid: yuan,
    cleared: yuan,
    difference: yuan,
    retainedSurplus: yuan,
    sharedOverspend: yuan,
    final: yuan,
    low: count,
    high: count,
    specialReview: count,
    ungrouped: count,
  })),
});

/** Kept on the job item when it succeeded: the result's headline figures (DIP: baseRate is the settlement point value, yuan per point; 0 with two funds). */
export const simulationSummary = z.object({
  cases: count,
  payment: z.number(),
  totalCost: z.number(),
  baseRate: z.number(),
  hospitals: count,
  method: z.enum(['drg', 'dip']).optional(),
  yearStartPointValue: z.number().nullable().optional(),
  settlementPointValue: z.number().nullable().optional(),
});

// ---------------------------------------------------------------------------------------------
// Supervision (lambdas/jobs/supervision.ts, lambdas/http/supervision-runs-get.ts)

const hospitalRisk = z.object({
  hospitalId: z.string(),
  cases: count,
  /** 0–100. */
  risk: z.number().min(0).max(100),
  rank: int.min(1),
  rules: perRule(z.object({ caseFlags: count, expectedCaseFlags: z.number(), hospitalFlags: count, signal: z.number(), contribution: z.number() })),
  /** The main contributions in words. */
  explanation: z.string(),
});

export const supervisionResult = z.object({
  period: z.object({ from: yearMonth, to: yearMonth }),
  hospitalIds: z.array(z.string()).nullable(),
  ruleSet: ruleSetSchema,
  definitions: perRule(z.string()),
  cases: count,
  flags: count,
  byRule: perRule(z.object({ caseFlags: count, hospitalFlags: count })),
  /** Hospitals ranked in the run (a hospital key sees only its own entry in `hospitals`). */
  hospitalsRanked: count,
  hospitals: z.array(hospitalRisk),
});

/** One flag: a case (listId) or a whole hospital (listId null), its score and the evidence in figures. */
const flag = z.object({
  rule: z.enum(ruleIds),
  hospitalId: z.string(),
  listId: z.string().nullable(),
  score: z.number(),
  /** Why, in words (`reason`), with the rule's figures; a hospital key sees other hospitals' stays only as `{ otherHospital: true, … }`. */
  evidence: z.looseObject({ reason: z.string() }),
});

export const supervisionProgress = z.object({
  phase: z.enum(['queued', 'reading', 'screening', 'storing', 'done']),
  partitionsDone: count,
  partitionsTotal: count.nullable(),
  casesRead: count,
});

export const supervisionRunResponse = z.object({
  id: z.string(),
  status: jobStatus,
  trigger: z.enum(['api', 'schedule']),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Period (null until the run resolves the default), hospitals, rule set. */
  request: z.object({ from: yearMonth.nullable(), to: yearMonth.nullable(), hospitalIds: z.array(z.string()).nullable(), ruleSet: z.object({ name: z.string(), version: z.string() }) }),
  progress: supervisionProgress,
  /** Analysts and admins: the run's headline figures once it succeeded. */
  summary: z.object({ cases: count, flags: count, hospitals: count, from: yearMonth, to: yearMonth }).optional(),
  result: supervisionResult.optional(),
  /** One hospital's flags (`hospitalId=`; a hospital key: its own), a page at a time. */
  flags: z.object({ hospitalId: z.string(), rule: z.enum(ruleIds).nullable(), total: count, items: z.array(flag), cursor: z.string().optional() }).optional(),
  error: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------
// Stress tests (lambdas/jobs/stress-test.ts) and forecasts (lambdas/jobs/forecast.ts)

const percentiles = z.object({ p5: z.number(), p25: z.number(), p50: z.number(), p75: z.number(), p95: z.number() });
const alert = z.enum(['insufficient', 'warning', 'target', 'high', 'excessive']);

export const stressTestResult = z.object({
  years: z.array(z.object({ year: int.min(1), deficitProbability: z.number().min(0).max(1), depletionProbability: z.number().min(0).max(1), monthsOfReserve: percentiles, alert })),
  /** Probability that depletion first happens in year "1" … "years", or "never" within the horizon. */
  depletionYear: z.record(z.string(), z.number().min(0).max(1)),
  paths: int.min(1),
  seed: int.min(0),
  elapsedMs: z.number().min(0),
});

export const stressTestSweep = z.object({
  parameter: z.string(),
  paths: int.min(1),
  seed: int.min(0),
  years: z.array(int),
  rows: z.array(z.object({ value: z.number(), depletionProbability: z.array(z.number()), deficitProbability: z.array(z.number()), neverDepleted: z.number() })),
});

export const stressTestResponse = z.object({
  id: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  createdAt: z.string(),
  scenario: scenarioSchema,
  preset: z.string().nullable(),
  result: stressTestResult.optional(),
  sweep: stressTestSweep.optional(),
  error: z.string().optional(),
});

const forecastAlert = z.object({
  kind: z.literal('forecast-over-budget'),
  month: yearMonth,
  createdAt: z.string(),
  budget: z.number(),
  forecastTotal: z.number(),
  from: yearMonth,
  to: yearMonth,
  excess: z.number(),
  message: z.string(),
});

export const forecastResponse = z.object({
  createdAt: z.string(),
  /** The monthly expenditure series the forecast was fitted on (Σ totalCost by discharge month). */
  history: z.array(z.object({ month: yearMonth, value: z.number() })),
  report: z.object({
    model: z.string(),
    aicc: z.number(),
    forecast: z.array(z.object({ month: yearMonth, mean: z.number(), lo80: z.number(), hi80: z.number(), lo95: z.number(), hi95: z.number() })),
    backtest: z.object({ mase: z.number(), seasonalNaiveMase: z.number() }).nullable(),
  }),
  message: z.string().optional(),
  alert: forecastAlert.nullable(),
});

// ---------------------------------------------------------------------------------------------
// Scheme comparisons (lambdas/jobs/scheme-comparison.ts, lambdas/http/scheme-comparisons-*.ts)

const groupKey = z.object({ status: z.enum(['grouped', 'ambiguous', 'ungroupable']), code: z.string().nullable() });
const transition = z.object({ from: groupKey, to: groupKey, cases: count, share: z.number(), changed: z.boolean() });
/** A figure that is null when it cannot be computed (no case, no variance). */
const figure = z.number().nullable();

export const schemeComparisonResult = z.object({
  id: z.string(),
  createdAt: z.string(),
  period: z.object({ from: yearMonth, to: yearMonth }),
  hospitalIds: z.array(z.string()).nullable(),
  /** Scheme A then B: the held scheme and its figures over the compared cases (CMI with weights from the cases' cost: 1 by construction). */
  schemes: z.array(z.object({
    id: z.string(), name: z.string(), packHash: z.string(),
    cases: count, grouped: count, ambiguous: count, ungroupable: count, inGroupRate: figure,
    drgsUsed: count, adrgsUsed: count, weightSource: z.enum(['cases', 'policy']), weightedCases: count,
    cmi: figure, riv: figure, meanCv: figure, groupsCvAboveOne: count, shareCvAboveOne: figure, groupsCvBelowHalf: count,
  })).length(2),
  cases: count,
  /** Stored cases of the period not compared: those without a cost. */
  skipped: z.object({ withoutCost: count }),
  changed: z.object({ drg: count, adrg: count, drgShare: z.number(), adrgShare: z.number() }),
  /** The largest flows (at most 500 per level; `drgRows`/`adrgRows` count them all). */
  transitions: z.object({ drg: z.array(transition), adrg: z.array(transition), drgRows: count, adrgRows: count }),
  /** Per hospital: its cases, cost and CMI under A and B; with a policy its payment under each (yuan), the change B − A and its share of A. */
  hospitals: z.array(z.object({ hospitalId: z.string(), cases: count, totalCost: z.number(), cmi: z.array(figure).length(2), payment: z.array(z.number()).length(2).optional(), paymentChange: z.number().optional(), paymentChangeShare: figure.optional() })),
  /** The policy the cases were priced by (null: none; absent in results stored before policies could be given), with the total paid and the base rate under A and under B. */
  policy: z.object({ name: z.string().nullable(), version: z.string(), payment: z.array(z.number()).length(2), baseRate: z.array(figure).length(2) }).nullable().optional(),
});

export const schemeComparisonResponse = z.object({
  id: z.string(),
  status: jobStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The schemes (A, B), and the period (null until the job resolves the default) and hospitals. */
  request: z.object({ schemes: z.array(z.string()).length(2), from: yearMonth.nullable(), to: yearMonth.nullable(), hospitalIds: z.array(z.string()).nullable() }),
  progress: z.object({ phase: z.enum(['queued', 'reading', 'comparing', 'done']), partitionsDone: count, partitionsTotal: count.nullable(), casesRead: count }),
  summary: z.object({ cases: count, changedDrg: count, changedAdrg: count, from: yearMonth, to: yearMonth }).optional(),
  result: schemeComparisonResult.optional(),
  error: z.string().optional(),
});
