/**
 * The reference fund projection and Monte Carlo stress test of models.md §5, vectorised over
 * paths: one Float64Array per quantity, months in the outer loop and paths in the inner loop, the
 * deterministic month terms (membership, ageing) precomputed once.
 *
 * Monthly, for one pooling fund; month m = 0 … 12·years − 1, year y = ⌊m/12⌋:
 * - growth_y = mean + d_y, d_y = ar·d_{y−1} + sd·z_y, d_{−1} = 0 (wages W and cost per case C)
 * - I_0 = 1, I_{m+1} = I_m·(1 + growth_y)^(1/12)
 * - members_m = members·(1 + memberGrowth)^(m/12)
 * - A_m = (1 − s_m + s_m·k) / (1 − s_0 + s_0·k), s_m = share65 + drift·m/12, k = costMultiple
 * - epidemics: Poisson(ratePerYear) events a year, each starting in a uniform month of that year
 *   and adding costIncrease to expenditure for `months` months (overlaps add)
 * - income_m = members_m·contributionBase·W_m·contributionRate + subsidyPerMonth
 * - expenditure_m = members_m·casesPerMemberYear/12·costPerCase·C_m·A_m·fundRatio·(1 + epidemic_m)
 * - reserve_{m+1} = reserve_m·(1 + interestRate/12) + income_m − expenditure_m
 * - months of reserve at the end of year y = reserve_{12(y+1)} / mean(expenditure of year y)
 * - deficit in year y: Σ income < Σ expenditure; depletion: first month with closing reserve < 0.
 *
 * Random streams: wages, cost and epidemics each draw from their own stream of the scenario seed,
 * so changing one driver's parameters (e.g. in a sweep) leaves the other drivers' draws unchanged
 * (common random numbers). Within a year, draws go path 0 … N−1.
 *
 * One documented deviation: if a growth draw is ≤ −100 % (1 + growth ≤ 0, where the doc's
 * (1 + growth)^(1/12) is undefined), the index's monthly factor is taken as 0.
 */
import { createRandom, type Random } from './random.ts';
import { parseScenario, withField, type AlertThresholds, type Scenario } from './scenario.ts';
import { percentiles, type Percentiles } from './statistics.ts';

/** Stream numbers of the scenario seed. */
export const streams = { wages: 1, cost: 2, epidemics: 3 } as const;

/** Alert level of months of reserve: < 3 insufficient, < 6 warning, 6–9 target, 9–15 high, > 15 excessive. */
export type Alert = 'insufficient' | 'warning' | 'target' | 'high' | 'excessive';

export interface YearSummary {
  /** 1-based year of the horizon. */
  year: number;
  /** P(Σ income < Σ expenditure over the year's months). */
  deficitProbability: number;
  /** P(reserve closed below 0 in some month up to the end of this year). */
  depletionProbability: number;
  /** Percentiles (type 7) over paths of months of reserve at the end of the year. */
  monthsOfReserve: Percentiles;
  /** The alert level of the median months of reserve. */
  alert: Alert;
}

export interface StressTestResult {
  years: YearSummary[];
  /** Probability that depletion first happens in year "1" … "years", or "never" within the horizon. */
  depletionYear: Record<string, number>;
  paths: number;
  seed: number;
  /** Wall time of the run by the clock passed in (0 without a clock). */
  elapsedMs: number;
}

export interface StressTestOptions {
  /** Milliseconds clock (the CLI passes performance.now); the model itself never reads the time. */
  clock?: () => number;
  /** Called after each simulated month with (months done, months in all). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The alert level of a number of months of reserve (*param* thresholds):
 * x < insufficientBelow → insufficient; x < warningBelow → warning; x ≤ targetUpTo → target;
 * x ≤ excessiveAbove → high; else excessive. (§5 leaves 9–15 months unnamed; we call it high.)
 */
export function alertFor(months: number, t: AlertThresholds): Alert {
  if (months < t.insufficientBelow) return 'insufficient';
  if (months < t.warningBelow) return 'warning';
  if (months <= t.targetUpTo) return 'target';
  if (months <= t.excessiveAbove) return 'high';
  return 'excessive';
}

/** members_m = members·(1 + memberGrowth)^(m/12), m = 0 … months − 1. */
export function membersByMonth(s: Scenario, months: number): Float64Array {
  const out = new Float64Array(months);
  for (let m = 0; m < months; m++) out[m] = s.members * Math.pow(1 + s.memberGrowth, m / 12);
  return out;
}

/** A_m = (1 − s_m + s_m·k) / (1 − s_0 + s_0·k), s_m = share65 + drift·m/12. */
export function ageingFactorByMonth(s: Scenario, months: number): Float64Array {
  const { share65, drift, costMultiple: k } = s.ageing;
  const base = 1 - share65 + share65 * k;
  const out = new Float64Array(months);
  for (let m = 0; m < months; m++) {
    const share = share65 + (drift * m) / 12;
    out[m] = (1 - share + share * k) / base;
  }
  return out;
}

/** The monthly index factor (1 + growth)^(1/12); 0 when 1 + growth ≤ 0 (see the module comment). */
export function monthlyFactor(growth: number): number {
  return 1 + growth > 0 ? Math.pow(1 + growth, 1 / 12) : 0;
}

/** Run the stress test of a scenario (input validated here too). */
export function runStressTest(input: Scenario | unknown, options: StressTestOptions = {}): StressTestResult {
  const s = parseScenario(input);
  const clock = options.clock;
  const started = clock ? clock() : 0;
  const N = s.paths;
  const years = s.years;
  const M = 12 * years;

  // Deterministic month terms.
  const members = membersByMonth(s, M);
  const ageing = ageingFactorByMonth(s, M);
  const incomeBase = new Float64Array(M);
  const expenditureBase = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    incomeBase[m] = members[m]! * s.contributionBase * s.contributionRate;
    expenditureBase[m] = ((members[m]! * s.casesPerMemberYear) / 12) * s.costPerCase * ageing[m]! * s.fundRatio;
  }
  const interestFactor = 1 + s.interestRate / 12;
  const subsidy = s.subsidyPerMonth;
  const costIncrease = s.epidemics.costIncrease;
  const epidemicMonths = s.epidemics.months;
  const epidemicRate = s.epidemics.ratePerYear;

  // Per-path state.
  const reserve = new Float64Array(N).fill(s.reserve);
  const wageIndex = new Float64Array(N).fill(1);
  const costIndex = new Float64Array(N).fill(1);
  const wageDeviation = new Float64Array(N);
  const costDeviation = new Float64Array(N);
  const wageFactor = new Float64Array(N);
  const costFactor = new Float64Array(N);
  const z = new Float64Array(N);
  const yearIncome = new Float64Array(N);
  const yearExpenditure = new Float64Array(N);
  const monthsOfReserve = new Float64Array(N);
  const depletionMonth = new Int32Array(N).fill(-1);
  // Active epidemic counts in a ring of months: an event drawn in year y touches months
  // 12y … 12y + 11 + months − 1, so a ring of 12 + months slots never wraps onto live months.
  const ring = 12 + epidemicMonths;
  const active = new Uint32Array(ring * N);

  const wageRandom = createRandom(s.seed, streams.wages);
  const costRandom = createRandom(s.seed, streams.cost);
  const epidemicRandom = createRandom(s.seed, streams.epidemics);

  const summaries: YearSummary[] = [];
  const depletedInYear = new Float64Array(years);

  for (let y = 0; y < years; y++) {
    drawGrowth(wageRandom, z, wageDeviation, wageFactor, s.wageGrowth);
    drawGrowth(costRandom, z, costDeviation, costFactor, s.costGrowth);
    if (epidemicRate > 0 && epidemicMonths > 0) drawEpidemics(epidemicRandom, active, N, y, epidemicRate, epidemicMonths, ring, M);
    yearIncome.fill(0);
    yearExpenditure.fill(0);

    for (let m = 12 * y; m < 12 * y + 12; m++) {
      const income0 = incomeBase[m]!;
      const expenditure0 = expenditureBase[m]!;
      const slot = (m % ring) * N;
      for (let p = 0; p < N; p++) {
        const income = income0 * wageIndex[p]! + subsidy;
        const expenditure = expenditure0 * costIndex[p]! * (1 + active[slot + p]! * costIncrease);
        const closing = reserve[p]! * interestFactor + income - expenditure;
        reserve[p] = closing;
        yearIncome[p] = yearIncome[p]! + income;
        yearExpenditure[p] = yearExpenditure[p]! + expenditure;
        if (closing < 0 && depletionMonth[p]! < 0) depletionMonth[p] = m;
        wageIndex[p] = wageIndex[p]! * wageFactor[p]!;
        costIndex[p] = costIndex[p]! * costFactor[p]!;
      }
      active.fill(0, slot, slot + N);
      options.onProgress?.(m + 1, M);
    }

    let deficits = 0;
    let depleted = 0;
    for (let p = 0; p < N; p++) {
      if (yearIncome[p]! < yearExpenditure[p]!) deficits++;
      const dm = depletionMonth[p]!;
      if (dm >= 0) {
        depleted++;
        if (dm >= 12 * y) depletedInYear[y] = depletedInYear[y]! + 1;
      }
      monthsOfReserve[p] = reserve[p]! / (yearExpenditure[p]! / 12);
    }
    const q = percentiles(monthsOfReserve);
    summaries.push({
      year: y + 1,
      deficitProbability: deficits / N,
      depletionProbability: depleted / N,
      monthsOfReserve: q,
      alert: alertFor(q.p50, s.alerts),
    });
  }

  const depletionYear: Record<string, number> = {};
  let ever = 0;
  for (let y = 0; y < years; y++) {
    depletionYear[String(y + 1)] = depletedInYear[y]! / N;
    ever += depletedInYear[y]!;
  }
  depletionYear.never = (N - ever) / N;

  return { years: summaries, depletionYear, paths: N, seed: s.seed, elapsedMs: clock ? clock() - started : 0 };
}

/**
 * One year's growth for every path: d ← ar·d + sd·z, factor = (1 + mean + d)^(1/12).
 * The normals are drawn even when sd = 0 so the stream position never depends on parameters.
 */
function drawGrowth(random: Random, z: Float64Array, deviation: Float64Array, factor: Float64Array, g: Scenario['wageGrowth']): void {
  random.fillNormal(z);
  for (let p = 0; p < z.length; p++) {
    const d = g.ar * deviation[p]! + g.sd * z[p]!;
    deviation[p] = d;
    factor[p] = monthlyFactor(g.mean + d);
  }
}

/** Year y's epidemics for every path: k ~ Poisson(rate), each start month uniform in 0 … 11. */
function drawEpidemics(random: Random, active: Uint32Array, N: number, y: number, rate: number, months: number, ring: number, horizon: number): void {
  for (let p = 0; p < N; p++) {
    const events = random.poisson(rate);
    for (let e = 0; e < events; e++) {
      const start = 12 * y + Math.floor(random.uniform() * 12);
      const end = Math.min(start + months, horizon);
      for (let m = start; m < end; m++) {
        const i = (m % ring) * N + p;
        active[i] = active[i]! + 1;
      }
    }
  }
}

/** The drivers of one path, for the scalar reference projection. */
export interface PathShocks {
  /** z_y of wage growth, one per year. */
  wageZ: number[];
  /** z_y of cost growth, one per year. */
  costZ: number[];
  /** Start month (0-based, absolute) of every epidemic event. */
  epidemicStarts: number[];
}

/** One path's monthly series from the scalar reference projection. */
export interface PathProjection {
  income: number[];
  expenditure: number[];
  /** reserve_0 … reserve_{12·years}. */
  reserve: number[];
  /** Months of reserve at the end of each year. */
  monthsOfReserve: number[];
  /** Whether each year ran an annual deficit. */
  deficit: boolean[];
  /** First month whose closing reserve is < 0, or −1. */
  depletionMonth: number;
}

/**
 * The §5 formulas written out once, scalar and literal, for one path with given shocks —
 * the readable reference the vectorised engine is tested against (and, with zero shocks,
 * the deterministic projection).
 */
export function projectPath(input: Scenario | unknown, shocks: PathShocks): PathProjection {
  const s = parseScenario(input);
  const M = 12 * s.years;
  const epidemic = new Array<number>(M).fill(0);
  for (const start of shocks.epidemicStarts) {
    for (let m = start; m < Math.min(start + s.epidemics.months, M); m++) epidemic[m]! += s.epidemics.costIncrease;
  }
  const growth = (g: Scenario['wageGrowth'], zs: number[]) => {
    const out: number[] = [];
    let d = 0;
    for (let y = 0; y < s.years; y++) {
      d = g.ar * d + g.sd * (zs[y] ?? 0);
      out.push(g.mean + d);
    }
    return out;
  };
  const wageGrowth = growth(s.wageGrowth, shocks.wageZ);
  const costGrowth = growth(s.costGrowth, shocks.costZ);
  const k = s.ageing.costMultiple;
  const s0 = s.ageing.share65;
  const out: PathProjection = { income: [], expenditure: [], reserve: [s.reserve], monthsOfReserve: [], deficit: [], depletionMonth: -1 };
  let W = 1;
  let C = 1;
  for (let m = 0; m < M; m++) {
    const y = Math.floor(m / 12);
    const members = s.members * Math.pow(1 + s.memberGrowth, m / 12);
    const sm = s0 + (s.ageing.drift * m) / 12;
    const A = (1 - sm + sm * k) / (1 - s0 + s0 * k);
    const income = members * s.contributionBase * W * s.contributionRate + s.subsidyPerMonth;
    const expenditure = ((members * s.casesPerMemberYear) / 12) * s.costPerCase * C * A * s.fundRatio * (1 + epidemic[m]!);
    const reserve = out.reserve[m]! * (1 + s.interestRate / 12) + income - expenditure;
    out.income.push(income);
    out.expenditure.push(expenditure);
    out.reserve.push(reserve);
    if (reserve < 0 && out.depletionMonth < 0) out.depletionMonth = m;
    W *= monthlyFactor(wageGrowth[y]!);
    C *= monthlyFactor(costGrowth[y]!);
    if (m % 12 === 11) {
      const inc = out.income.slice(m - 11, m + 1).reduce((a, b) => a + b, 0);
      const exp = out.expenditure.slice(m - 11, m + 1).reduce((a, b) => a + b, 0);
      out.deficit.push(inc < exp);
      out.monthsOfReserve.push(reserve / (exp / 12));
    }
  }
  return out;
}

/** The shocks path 0 of a one-path run draws (same streams and order as runStressTest). */
export function drawSinglePathShocks(input: Scenario | unknown): PathShocks {
  const s = parseScenario(input);
  const wage = createRandom(s.seed, streams.wages);
  const cost = createRandom(s.seed, streams.cost);
  const epi = createRandom(s.seed, streams.epidemics);
  const shocks: PathShocks = { wageZ: [], costZ: [], epidemicStarts: [] };
  for (let y = 0; y < s.years; y++) {
    shocks.wageZ.push(wage.normal());
    shocks.costZ.push(cost.normal());
    if (s.epidemics.ratePerYear > 0 && s.epidemics.months > 0) {
      const k = epi.poisson(s.epidemics.ratePerYear);
      for (let e = 0; e < k; e++) shocks.epidemicStarts.push(12 * y + Math.floor(epi.uniform() * 12));
    }
  }
  return shocks;
}

/** One row of a sweep table: the swept value and per-year probabilities. */
export interface SweepRow {
  value: number;
  /** P(depleted by the end of year 1 … years). */
  depletionProbability: number[];
  /** P(annual deficit in year 1 … years). */
  deficitProbability: number[];
  /** P(never depleted within the horizon). */
  neverDepleted: number;
}

export interface SweepResult {
  parameter: string;
  paths: number;
  seed: number;
  years: number[];
  rows: SweepRow[];
}

/**
 * The values of a sweep from `from` to `to` (inclusive) by `step`: from + i·step,
 * i = 0 … ⌊(to − from)/step + 1e-9⌋ (computed by multiplication, so no drift accumulates).
 */
export function sweepValues(from: number, to: number, step: number): number[] {
  if (![from, to, step].every(Number.isFinite)) throw new RangeError('sweep bounds and step must be finite numbers');
  if (step === 0 || Math.sign(to - from) * Math.sign(step) < 0) throw new RangeError('sweep step must be non-zero and go from "from" towards "to"');
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > 1000) throw new RangeError(`sweep has ${count} values; at most 1000 are allowed`);
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(Number((from + i * step).toPrecision(12)));
  return values;
}

/**
 * Scenario sweep: the stress test of `scenario` with the field at dotted `parameter`
 * (e.g. `costGrowth.mean`) set to each value, all with the scenario's seed (common random numbers).
 */
export function sweepScenario(input: Scenario | unknown, parameter: string, values: number[], options: StressTestOptions = {}): SweepResult {
  const s = parseScenario(input);
  const rows: SweepRow[] = [];
  values.forEach((value, i) => {
    const result = runStressTest(withField(s, parameter, value), {
      onProgress: options.onProgress ? (done, total) => options.onProgress!(i * total + done, values.length * total) : undefined,
    });
    rows.push({
      value,
      depletionProbability: result.years.map((y) => y.depletionProbability),
      deficitProbability: result.years.map((y) => y.deficitProbability),
      neverDepleted: result.depletionYear.never ?? 0,
    });
  });
  return { parameter, paths: s.paths, seed: s.seed, years: Array.from({ length: s.years }, (_, i) => i + 1), rows };
}
