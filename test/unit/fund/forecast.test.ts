import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import {
  backtest,
  candidateSpecs,
  forecastExpenditure,
  formatMonth,
  parseMonth,
  seasonalNaive,
  selectEts,
} from '../../../models/fund/forecast.ts';
import { readMonthlySeries, SeriesError } from '../../../models/fund/monthly-series.ts';
import { mase, seasonalNaiveScale } from '../../../models/fund/statistics.ts';
import { pointForecast, simulateEts } from '../../../models/fund/ets.ts';
import { readCsvRows } from '../../../models/text/csv.ts';

/** AirPassengers 1949–1960 (Box & Jenkins), monthly airline passengers in thousands; public domain. */
const airPassengers = readFileSync(new URL('../../fixtures/fund/air-passengers.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => Number(line.split(',')[1]));

async function* chunks(text: string) {
  yield text;
}
const seriesOf = (text: string) => readMonthlySeries(readCsvRows(chunks(text)));

describe('months', () => {
  it('parses and formats YYYY-MM and rejects other strings', () => {
    expect(parseMonth('2024-01')).toBe(2024 * 12);
    expect(formatMonth(parseMonth('1999-12')! + 1)).toBe('2000-01');
    expect(parseMonth('2024-13')).toBeNull();
    expect(parseMonth('2024-1')).toBeNull();
    expect(parseMonth('24-01')).toBeNull();
  });
});

describe('seasonal naive and MASE', () => {
  it('repeats the last observed year', () => {
    const y = Array.from({ length: 30 }, (_, t) => t);
    expect(seasonalNaive(y, 14)).toEqual([18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 18, 19]);
  });

  it('scales errors by the in-sample seasonal naive MAE', () => {
    // y_t = t: every seasonal difference is 12, so the scale is 12.
    const training = Array.from({ length: 36 }, (_, t) => t);
    expect(seasonalNaiveScale(training, 12)).toBe(12);
    expect(mase([40, 41], [37, 41], training, 12)).toBeCloseTo(1.5 / 12, 12);
  });
});

describe('AirPassengers (trend and multiplicative seasonality)', () => {
  const training = airPassengers.slice(0, 132);
  const heldOut = airPassengers.slice(132);
  const selection = selectEts(training);

  it('prefers multiplicative seasonality by AICc', () => {
    expect(airPassengers).toHaveLength(144);
    expect(selection.best.spec.season).toBe('M');
    expect(selection.candidates).toHaveLength(candidateSpecs().length);
    expect(selection.candidates[0]!.aicc).toBe(selection.best.aicc);
  });

  it('beats seasonal naive by a wide margin on 1960, held out', () => {
    const report = forecastExpenditure({ start: '1949-01', values: training }, 12);
    const mean = report.forecast.map((p) => p.mean);
    const ets = mase(heldOut, mean, training, 12);
    const naive = mase(heldOut, seasonalNaive(training, 12), training, 12);
    expect(naive).toBeGreaterThan(1.5);
    expect(ets).toBeLessThan(0.5 * naive);
    // The 95 % intervals cover most held-out months.
    const covered = report.forecast.filter((p, i) => heldOut[i]! >= p.lo95 && heldOut[i]! <= p.hi95).length;
    expect(covered).toBeGreaterThanOrEqual(10);
  });

  it('forecasts 1960 within 10 % of statsmodels Holt-Winters (issue 6 acceptance)', () => {
    // statsmodels 0.13.5 ExponentialSmoothing(trend='add', seasonal='mul', seasonal_periods=12)
    // .fit() on 1949–1959, scored on 1960: MASE 0.338 (seasonal naive 1.571); reproduce with
    // /usr/bin/python3 bench/baselines/accuracy.py --only air-passengers --origins 1 (column hw).
    const statsmodelsHoltWinters = 0.3383;
    const ets = mase(heldOut, pointForecast(selection.best, 12), training, 12);
    expect(ets).toBeLessThanOrEqual(1.1 * statsmodelsHoltWinters);
    expect(ets).toBeLessThan(0.3 * mase(heldOut, seasonalNaive(training, 12), training, 12));
    // The form chosen by AICc lets the seasonal pattern move (γ well above 0), as it does in the data.
    expect(selection.best.parameters.gamma).toBeGreaterThan(0.1);
  });

  it('reports its own backtest on the full series: refit without 1960, scored on 1960', () => {
    const bt = backtest(airPassengers);
    expect(bt.seasonalNaiveMase).toBeCloseTo(mase(heldOut, airPassengers.slice(120, 132), training, 12), 12);
    expect(bt.mase).toBeLessThan(0.5 * bt.seasonalNaiveMase);
  });
});

describe('forecastExpenditure', () => {
  it('produces the issue 6 document with consecutive months after the series', () => {
    // A synthetic fund: expenditure with trend, Spring-Festival dip and year-end peak.
    const season = [0.86, 0.78, 1.0, 1.0, 1.01, 1.02, 1.03, 1.03, 1.0, 0.98, 1.02, 1.27];
    const mean = season.reduce((a, b) => a + b, 0) / 12;
    const values = simulateEts({ error: 'M', trend: 'A', season: 'M' }, { alpha: 0.2, beta: 0.01, gamma: 0.05, phi: 1 }, { level: 1e8, trend: 6e5, season: season.map((s) => s / mean) }, 48, 0.02, 3);
    const report = forecastExpenditure({ start: '2021-01', values }, 6, { seed: 2 });
    expect(Object.keys(report)).toEqual(['model', 'aicc', 'forecast', 'backtest']);
    expect(report.model).toMatch(/^ETS\((A|M),(N|A|Ad),(A|M)\)$/);
    expect(report.forecast.map((p) => p.month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
    for (const p of report.forecast) expect(Object.keys(p)).toEqual(['month', 'mean', 'lo80', 'hi80', 'lo95', 'hi95']);
    expect(report.backtest!.mase).toBeLessThan(report.backtest!.seasonalNaiveMase);
  });

  it('leaves the backtest out when fewer than 36 months are given, and refuses fewer than 24', () => {
    const values = Array.from({ length: 30 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
    expect(forecastExpenditure({ start: '2020-01', values }, 3).backtest).toBeNull();
    expect(() => forecastExpenditure({ start: '2020-01', values: values.slice(0, 20) }, 3)).toThrow(/at least 24/);
  });

  it('fits only additive forms when the series has zeros or negatives', () => {
    const values = Array.from({ length: 48 }, (_, t) => 5 * Math.sin((2 * Math.PI * t) / 12) + 0.1 * t);
    expect(forecastExpenditure({ start: '2020-01', values }, 2).model).toMatch(/^ETS\(A,(N|A|Ad),A\)$/);
  });
});

describe('reading month,value CSV', () => {
  it('reads a series with or without header', async () => {
    expect(await seriesOf('month,value\n2024-11,1\n2024-12,2.5\n2025-01,3\n')).toEqual({ start: '2024-11', values: [1, 2.5, 3] });
    expect(await seriesOf('2024-11,1\r\n2024-12,2\r\n')).toEqual({ start: '2024-11', values: [1, 2] });
  });

  it('names the line of every problem', async () => {
    const problems: Array<[string, string]> = [
      ['month,value\n2024-01,1\n2024-13,2\n', 'line 3: month "2024-13" is not a month written YYYY-MM'],
      ['month,value\n2024-01,1\n2024-02,abc\n', 'line 3: value "abc" is not a number'],
      ['month,value\n2024-01,1\n2024-02,2,3\n', 'line 3: expected 2 fields (month,value), found 3'],
      ['month,value\n2024-01,1\n2024-03,2\n', 'line 3: month 2024-03 follows 2024-01; expected 2024-02 (months must be consecutive, without gaps)'],
      ['month,value\n2024-02,1\n2024-01,2\n', 'line 3: month 2024-01 follows 2024-02; expected 2024-03 (months must be in increasing order without repeats)'],
      ['month,value\n', 'the input has no data rows (expected lines "YYYY-MM,value")'],
    ];
    for (const [text, message] of problems) {
      const error = await seriesOf(text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SeriesError);
      expect((error as Error).message).toBe(message);
    }
  });
});
