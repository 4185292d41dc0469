#!/usr/bin/env python3
"""Side-by-side accuracy baseline for the ETS forecast (never a runtime dependency).

Superseded for comparisons by accuracy.py (20 series, 4 origins, statsmodels' plain Holt-Winters
as the reference); kept because --write-data here generates trend-mulseason and fund-expenditure.

For each monthly series, hold out the last 12 months and report MASE (scaled by the in-sample
seasonal-naive MAE, m = 12) of:
  - ours: `node bin/payreform.mjs forecast` (its backtest refits on all but the last 12 months),
  - statsmodels: ExponentialSmoothing(trend='add', seasonal='mul', seasonal_periods=12,
    damped_trend=False/True, initialization_method='estimated'); the damped or undamped fit with
    the lower AICc is "statsmodels HW" (both are printed),
  - seasonal naive (the same months of the last observed year).

Series: AirPassengers 1949-1960 (test/fixtures/fund/air-passengers.csv) and two generated series
with known trend and multiplicative seasonality (bench/baselines/data/, regenerated with
--write-data; numpy's default_rng, fixed seeds).

Usage (Debian: apt-get install python3-statsmodels):
  /usr/bin/python3 bench/baselines/holt_winters.py [--json] [--no-ours] [--origins K] [--write-data]
--origins K also scores K successive 12-month windows (the last year, the year before, ...)
and prints the mean MASE per method, a steadier comparison than one year.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np

from accuracy import mase, read_series_file as read_series

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = os.path.join(ROOT, 'bench', 'baselines', 'data')
SERIES = {
    'air-passengers': os.path.join(ROOT, 'test', 'fixtures', 'fund', 'air-passengers.csv'),
    'trend-mulseason': os.path.join(DATA, 'trend-mulseason.csv'),
    'fund-expenditure': os.path.join(DATA, 'fund-expenditure.csv'),
}
M = 12
H = 12


def write_csv(path, start_year, values):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('month,value\n')
        for i, v in enumerate(values):
            f.write(f'{start_year + i // 12}-{i % 12 + 1:02d},{v:.2f}\n')


def write_data():
    # 1. Linear trend x fixed multiplicative seasonal pattern x 3 % noise, 12 years.
    rng = np.random.default_rng(20240601)
    season = np.array([0.90, 0.86, 0.97, 1.00, 1.02, 1.10, 1.21, 1.19, 1.04, 0.95, 0.85, 0.91])
    season = season / season.mean()
    t = np.arange(144)
    y = (200 + 2.5 * t) * season[t % 12] * (1 + 0.03 * rng.standard_normal(144))
    write_csv(SERIES['trend-mulseason'], 2013, y)

    # 2. A pooled fund's monthly expenditure (yuan), 10 years: ~8 %/year growth with a slowly
    # wandering growth rate, the Spring Festival dip in the month of the lunar new year (and a
    # smaller one in the next), December year-end settlement, 3 % noise.
    rng = np.random.default_rng(20240602)
    base = np.array([1.00, 1.00, 1.03, 1.01, 1.01, 1.02, 1.03, 1.03, 1.00, 0.98, 1.01, 1.22])
    spring_festival_month = {2015: 2, 2016: 2, 2017: 1, 2018: 2, 2019: 2, 2020: 1, 2021: 2, 2022: 2, 2023: 1, 2024: 2}
    level = 1.0e8
    growth = 0.08
    values = []
    for year in range(2015, 2025):
        for month in range(1, 13):
            factor = base[month - 1]
            sf = spring_festival_month[year]
            if month == sf:
                factor *= 0.80
            elif month == sf + 1:
                factor *= 0.93
            values.append(level * factor * (1 + 0.03 * rng.standard_normal()))
            growth = 0.08 + 0.9 * (growth - 0.08) + 0.004 * rng.standard_normal()
            level *= (1 + growth) ** (1 / 12)
    write_csv(SERIES['fund-expenditure'], 2015, np.array(values))


def statsmodels_hw(training):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    fits = {}
    for damped in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            model = ExponentialSmoothing(training, trend='add', seasonal='mul', seasonal_periods=M,
                                         damped_trend=damped, initialization_method='estimated')
            fits[damped] = model.fit()
    return fits


def ours(months, values):
    """MASE of our forecast CLI's backtest on this series (it holds out the last 12 itself)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'series.csv')
        with open(path, 'w') as f:
            f.write('month,value\n')
            for m, v in zip(months, values):
                f.write(f'{m},{v!r}\n')
        out = subprocess.run(['node', 'bin/payreform.mjs', 'forecast', '--input', path, '--horizon', '12'],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
        report = json.loads(out)
    return report['backtest']['mase'], report['model']


def evaluate(months, values, with_ours):
    training, actual = values[:-H], values[-H:]
    fits = statsmodels_hw(training)
    chosen = min(fits, key=lambda d: fits[d].aicc)
    row = {
        'statsmodels': mase(actual, fits[chosen].forecast(H), training),
        'statsmodelsDamped': chosen,
        'statsmodelsUndampedMase': mase(actual, fits[False].forecast(H), training),
        'statsmodelsDampedMase': mase(actual, fits[True].forecast(H), training),
        'seasonalNaive': mase(actual, training[-M:], training),
    }
    if with_ours:
        row['ours'], row['oursModel'] = ours(months, values)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--json', action='store_true', help='print one JSON document')
    parser.add_argument('--no-ours', action='store_true', help='skip our CLI (the TS bench computes ours itself)')
    parser.add_argument('--origins', type=int, default=1, help='12-month windows per series (default 1)')
    parser.add_argument('--write-data', action='store_true', help='regenerate bench/baselines/data/*.csv')
    args = parser.parse_args()
    if args.write_data or not all(os.path.exists(p) for p in SERIES.values()):
        write_data()

    results = {}
    for name, path in SERIES.items():
        months, values = read_series(path)
        windows = []
        for k in range(args.origins):
            end = len(values) - 12 * k
            if end < 3 * M:
                break
            row = evaluate(months[:end], values[:end], not args.no_ours)
            row['heldOut'] = f'{months[end - H]}..{months[end - 1]}'
            windows.append(row)
        results[name] = windows

    if args.json:
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write('\n')
        return
    print(f"{'series':18} {'held out':17} {'ours':>7} {'model':>12} {'statsm.':>8} {'(undamped/damped)':>18} {'s-naive':>8} {'ours/sm':>8}")
    for name, windows in results.items():
        for row in windows:
            o = row.get('ours', float('nan'))
            print(f"{name:18} {row['heldOut']:17} {o:7.3f} {row.get('oursModel', '-'):>12} {row['statsmodels']:8.3f} "
                  f"{row['statsmodelsUndampedMase']:8.3f}/{row['statsmodelsDampedMase']:<8.3f} {row['seasonalNaive']:8.3f} {o / row['statsmodels']:8.2f}")
        if len(windows) > 1:
            mean = lambda key: float(np.mean([w.get(key, np.nan) for w in windows]))
            print(f"{name:18} {'mean of ' + str(len(windows)):17} {mean('ours'):7.3f} {'':>12} {mean('statsmodels'):8.3f} {'':18} {mean('seasonalNaive'):8.3f} {mean('ours') / mean('statsmodels'):8.2f}")


if __name__ == '__main__':
    main()
