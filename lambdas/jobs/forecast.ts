/**
 * Monthly forecast job (EventBridge schedule; run in-process by the local stack and its tests):
 * the monthly expenditure series (Σ totalCost by discharge month over the whole lake, the longest
 * run of consecutive months ending at the latest) → `forecastExpenditure` (ETS, 12 months, 80/95 %
 * intervals, backtest) → stored as `FORECAST#<yyyy-mm>` and `FORECAST#latest` for
 * `GET /v1/forecasts/latest`. With fewer than 24 months it stores why there is no forecast.
 * Budget alert: when FUND_BUDGET_YUAN is set and the 12 forecast months' expected expenditure
 * (Σ mean — the next 12 months, not the rest of the calendar year) exceeds it, an alert record
 * `ALERT#forecast#<run month>` is stored and the forecast carries it as `alert` (else `alert: null`).
 */
import { forecastExpenditure, formatMonth, MIN_FIT_MONTHS, parseMonth } from '../../models/fund/forecast.ts';
import type { ForecastAlert, ObjectStore, Ports } from '../../models/ports.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { lakeYears, summariseLake } from '../shared/lake-summary.ts';
import { logger } from '../shared/observability.ts';
import { counted } from '../../models/text/plural.ts';

export const horizon = 12;

/** The monthly expenditure series the forecast fits: Σ totalCost by discharge month (each case once, latest version), the longest run of consecutive months ending at the latest. */
export async function expenditureHistory(objects: ObjectStore): Promise<{ month: string; value: number }[]> {
  const summary = await summariseLake(objects, { years: await lakeYears(objects) });
  const byIndex = new Map(summary.months.map((m) => [parseMonth(m.month)!, m.totalCost]));
  const last = Math.max(...byIndex.keys());
  let first = last;
  while (byIndex.has(first - 1)) first--;
  return Number.isFinite(last) ? Array.from({ length: last - first + 1 }, (_, i) => ({ month: formatMonth(first + i), value: byIndex.get(first + i)! })) : [];
}

export async function runForecast(deps: Pick<Ports, 'objects' | 'forecasts'>, now: Date): Promise<{ status: string; months: number; alert: ForecastAlert | null }> {
  const history = await expenditureHistory(deps.objects);
  const run = now.toISOString().slice(0, 7);
  if (history.length < MIN_FIT_MONTHS) {
    const message = `The stored cases cover ${counted(history.length, 'consecutive month')} of expenditure; a forecast needs at least ${MIN_FIT_MONTHS}.`;
    await deps.forecasts.put(run, { createdAt: now.toISOString(), history, report: null, message, alert: null });
    return { status: 'insufficient', months: history.length, alert: null };
  }
  const report = forecastExpenditure({ start: history[0]!.month, values: history.map((h) => h.value) }, horizon, { seed: 1 });
  const budget = config().FUND_BUDGET_YUAN;
  const forecastTotal = Math.round(report.forecast.reduce((s, p) => s + p.mean, 0) * 100) / 100;
  let alert: ForecastAlert | null = null;
  if (budget !== undefined && forecastTotal > budget) {
    const from = report.forecast[0]!.month;
    const to = report.forecast[report.forecast.length - 1]!.month;
    const excess = Math.round((forecastTotal - budget) * 100) / 100;
    alert = {
      kind: 'forecast-over-budget', month: run, createdAt: now.toISOString(), budget, forecastTotal, from, to, excess,
      message: `Expected expenditure ${from} – ${to} is ${forecastTotal.toFixed(0)} yuan, ${excess.toFixed(0)} over the budget of ${budget.toFixed(0)}.`,
    };
    await deps.forecasts.putAlert(alert);
    logger.warn('forecast exceeds the budget', { budget, forecastTotal });
  }
  await deps.forecasts.put(run, { createdAt: now.toISOString(), history, report, alert });
  logger.info('forecast stored', { months: history.length, model: report.model });
  return { status: 'succeeded', months: history.length, alert };
}

/** The scheduled ForecastRun function: `time` of the scheduled event, or now. */
export const forecastHandler = (deps: Pick<Ports, 'objects' | 'forecasts' | 'clock'>) => async (event: { time?: string }): Promise<{ status: string; months: number; alert: ForecastAlert | null }> => runForecast(deps, event.time ? new Date(event.time) : deps.clock.now());

export const handler = forecastHandler(awsDeps);
