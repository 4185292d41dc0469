/**
 * Monthly fund expenditure forecast of models.md §6: ETS with additive or multiplicative
 * seasonality (period 12) and no, additive or damped trend, additive or multiplicative errors,
 * every form fitted by maximum likelihood (smoothing parameters, φ, initial level and trend; the
 * initial seasonal indices come from the decomposition of the first four years, see ets.ts for
 * why) and the one with the lowest AICc kept; 80 % and 95 %
 * prediction intervals; a backtest on the last 12 months (refit on the rest) reporting MASE
 * beside the seasonal-naive forecast's.
 *
 * MASE = mean |y − ŷ| over the 12 held-out months / in-sample MAE of the seasonal naive forecast
 * (m = 12) on the training months (Hyndman & Koehler 2006).
 */
import { etsName, fitEts, forecastWithIntervals, needsPositiveData, pointForecast, type EtsFit, type EtsSpec, type ErrorType, type SeasonType, type TrendType } from './ets.ts';
import { mase } from './statistics.ts';

export const PERIOD = 12;
export const HOLDOUT = 12;
/** Two full years to estimate twelve seasonal states. */
export const MIN_FIT_MONTHS = 2 * PERIOD;
/** Fitting months plus the held-out year. */
export const MIN_BACKTEST_MONTHS = MIN_FIT_MONTHS + HOLDOUT;

/** A calendar month, "YYYY-MM". */
export type Month = string;

/** Parses "YYYY-MM" (month 01–12) into a month count year·12 + (month − 1), or null. */
export function parseMonth(text: string): number | null {
  const match = /^(\d{4})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return year * 12 + month - 1;
}

/** Formats a month count back into "YYYY-MM". */
export function formatMonth(index: number): Month {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** Seasonal naive forecast: ŷ_{n+h} = y_{n+h−m·⌈h/m⌉} (the same month of the last observed year). */
export function seasonalNaive(y: ArrayLike<number>, horizon: number, period = PERIOD): number[] {
  const n = y.length;
  if (n < period) throw new RangeError(`seasonal naive needs at least ${period} observations`);
  const out: number[] = [];
  for (let h = 1; h <= horizon; h++) out.push(y[n - period + ((h - 1) % period)]!);
  return out;
}

/** The forms considered: every error × trend × season combination (season A or M, as §6 says). */
export function candidateSpecs(seasons: SeasonType[] = ['A', 'M']): EtsSpec[] {
  const specs: EtsSpec[] = [];
  for (const error of ['A', 'M'] as ErrorType[]) {
    for (const trend of ['N', 'A', 'Ad'] as TrendType[]) {
      for (const season of seasons) specs.push({ error, trend, season });
    }
  }
  return specs;
}

export interface SelectOptions {
  /** Forms to consider (default candidateSpecs()). */
  specs?: EtsSpec[];
  /** Evaluation budget per optimiser start (see fitEts). */
  maxEvaluations?: number;
  /** Estimate the initial seasonal states too (see fitEts; default false). */
  estimateInitialSeason?: boolean;
  /** Called after each form is fitted with (forms done, forms in all). */
  onProgress?: (done: number, total: number) => void;
}

export interface Selection {
  best: EtsFit;
  /** Every admissible fit with its AICc, best first. */
  candidates: Array<{ model: string; aicc: number }>;
}

/** Fit every candidate form and keep the lowest AICc (forms needing positive data are skipped otherwise). */
export function selectEts(y: ArrayLike<number>, options: SelectOptions = {}): Selection {
  let positive = true;
  for (let t = 0; t < y.length; t++) if (!(y[t]! > 0)) positive = false;
  const fits: EtsFit[] = [];
  const specs = options.specs ?? candidateSpecs();
  specs.forEach((spec, i) => {
    if (positive || !needsPositiveData(spec)) {
      const fit = fitEts(y, spec, { period: PERIOD, maxEvaluations: options.maxEvaluations, estimateInitialSeason: options.estimateInitialSeason });
      if (fit && Number.isFinite(fit.aicc)) fits.push(fit);
    }
    options.onProgress?.(i + 1, specs.length);
  });
  if (fits.length === 0) throw new RangeError(`no ETS form could be fitted to ${y.length} months; at least ${MIN_FIT_MONTHS} are needed`);
  fits.sort((a, b) => a.aicc - b.aicc);
  return { best: fits[0]!, candidates: fits.map((f) => ({ model: f.name, aicc: f.aicc })) };
}

export interface Backtest {
  /** MASE of the ETS forecast (re-selected and refitted on all but the last 12 months). */
  mase: number;
  /** MASE of the seasonal naive forecast on the same months. */
  seasonalNaiveMase: number;
}

/** Backtest of §6: refit on y without its last 12 months, score both forecasts on those 12. */
export function backtest(y: ArrayLike<number>, options: SelectOptions = {}): Backtest & { model: string } {
  const n = y.length;
  if (n < MIN_BACKTEST_MONTHS) throw new RangeError(`a backtest needs at least ${MIN_BACKTEST_MONTHS} months, got ${n}`);
  const training = Array.from({ length: n - HOLDOUT }, (_, i) => y[i]!);
  const actual = Array.from({ length: HOLDOUT }, (_, i) => y[n - HOLDOUT + i]!);
  const { model, forecast } = pointForecastOf(training, HOLDOUT, options);
  const naive = seasonalNaive(training, HOLDOUT);
  return { model, mase: mase(actual, forecast, training, PERIOD), seasonalNaiveMase: mase(actual, naive, training, PERIOD) };
}

/** The point forecast `horizon` months after y (what the backtest scores), with the form used. */
export function pointForecastOf(y: ArrayLike<number>, horizon: number, options: SelectOptions = {}): { model: string; forecast: number[] } {
  const { best } = selectEts(y, options);
  return { model: best.name, forecast: pointForecast(best, horizon) };
}

export interface ForecastPoint {
  month: Month;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

/** The forecast document (field names are part of the API). */
export interface ForecastReport {
  model: string;
  aicc: number;
  forecast: ForecastPoint[];
  /** Null when the series is shorter than MIN_BACKTEST_MONTHS (nothing can be held out). */
  backtest: Backtest | null;
}

export interface MonthlySeries {
  /** Month of values[0] as "YYYY-MM". */
  start: Month;
  values: number[];
}

export interface ForecastOptions extends SelectOptions {
  /** Seed of the interval simulation for non-linear forms (default 1). */
  seed?: number;
  /** Simulated paths for non-linear intervals (default 5000). */
  simulations?: number;
}

/** Forecast `horizon` months after a consecutive monthly series, with its backtest. */
export function forecastExpenditure(series: MonthlySeries, horizon: number, options: ForecastOptions = {}): ForecastReport {
  const start = parseMonth(series.start);
  if (start === null) throw new RangeError(`start month "${series.start}" is not YYYY-MM`);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 120) throw new RangeError('horizon must be a whole number of months from 1 to 120');
  const y = series.values;
  if (y.length < MIN_FIT_MONTHS) throw new RangeError(`the series has ${y.length} months; at least ${MIN_FIT_MONTHS} (two full years) are needed`);
  const withBacktest = y.length >= MIN_BACKTEST_MONTHS;
  const forms = (options.specs ?? candidateSpecs()).length;
  const total = withBacktest ? 2 * forms : forms;
  const progress = (offset: number) => (done: number) => options.onProgress?.(offset + done, total);
  const { best } = selectEts(y, { ...options, onProgress: progress(0) });
  const points = forecastWithIntervals(best, horizon, { seed: options.seed, simulations: options.simulations });
  const last = start + y.length - 1;
  const forecast = points.map((p, i) => ({ month: formatMonth(last + 1 + i), ...p }));
  const bt = withBacktest ? backtest(y, { ...options, onProgress: progress(forms) }) : null;
  return {
    model: etsName(best.spec),
    aicc: best.aicc,
    forecast,
    backtest: bt ? { mase: bt.mase, seasonalNaiveMase: bt.seasonalNaiveMase } : null,
  };
}
