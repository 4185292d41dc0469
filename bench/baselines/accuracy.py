#!/usr/bin/env python3
"""Accuracy harness for the ETS forecast (models.md section 6, issue 6): ours vs statsmodels'
Holt-Winters vs seasonal naive on classic public monthly series and generated ones, at several
forecast origins. Never a runtime dependency.

For every series and every origin (the last 12 months held out, then the 12 before them, ... up
to --origins windows, as long as at least 36 months remain to fit on), each method is fitted on
the months before the window and forecasts its 12 months; MASE = MAE / in-sample MAE of the
seasonal naive forecast (m = 12) on those fitting months. Per series the MASE is averaged over
its origins; the summary is the geometric mean over series of ours / statsmodels.

Methods:
  ours       bench/baselines/ours.ts: the same selection and fit as `payreform forecast`'s backtest
             (--estimate-initial-season: the variant with ML initial seasonal states)
  hw         statsmodels ExponentialSmoothing(trend='add', seasonal='mul', seasonal_periods=12)
             .fit() with its defaults -- the plain Holt-Winters the issue compares against
  hw_add     the same with seasonal='add'
  hw_damped  the same as hw with damped_trend=True
  ets        R forecast::ets() with its defaults (only with --ets and Rscript + r-cran-forecast)
  snaive     the same months of the last observed year

Series (bench/baselines/data/, month,value CSV; --write-data regenerates them):
  classic: AirPassengers (test/fixtures/fund/air-passengers.csv); from R's datasets package
  (Rscript): nottem, UKDriverDeaths, USAccDeaths, ldeaths; from R's forecast package: gas
  (Australian gas production), wineind (Australian wine sales); from statsmodels.datasets: co2
  (weekly Mauna Loa, averaged by month, gaps interpolated), elnino (sea surface temperature),
  elec_equip (euro-area electrical equipment orders). Exported once and committed, so the harness
  needs neither R nor the network.
  generated (numpy default_rng, fixed seeds): trend-mulseason and fund-expenditure (from
  holt_winters.py) and gen-* series of varied character: additive/multiplicative seasonality,
  linear/damped/exponential trends, a level shift, an evolving seasonal pattern, noise 2-10 %,
  lengths 60-240 months.

Usage (Debian: apt-get install python3-statsmodels):
  /usr/bin/python3 bench/baselines/accuracy.py [--origins 4] [--only NAME,...] [--ets] [--json]
                                               [--no-ours] [--estimate-initial-season] [--write-data]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = os.path.join(ROOT, 'bench', 'baselines', 'data')
M = 12
H = 12
MIN_FIT = 36

CLASSIC = ['air-passengers', 'nottem', 'uk-driver-deaths', 'us-acc-deaths', 'ldeaths', 'gas', 'wineind', 'co2',
           'elnino', 'elec-equip']
GENERATED = ['trend-mulseason', 'fund-expenditure', 'gen-add-linear', 'gen-mul-damped', 'gen-evolving-mam',
             'gen-level-shift', 'gen-noisy-short', 'gen-rw-additive', 'gen-exp-growth', 'gen-retail']


def path_of(name):
    if name == 'air-passengers':
        return os.path.join(ROOT, 'test', 'fixtures', 'fund', 'air-passengers.csv')
    return os.path.join(DATA, name + '.csv')


def write_csv(name, start_year, start_month, values):
    os.makedirs(DATA, exist_ok=True)
    with open(path_of(name), 'w') as f:
        f.write('month,value\n')
        for i, v in enumerate(values):
            k = start_month - 1 + i
            f.write(f'{start_year + k // 12}-{k % 12 + 1:02d},{float(v):.6g}\n')


def write_generated():
    t = lambda n: np.arange(n)
    norm = lambda s: np.asarray(s) / np.mean(s)
    shape = norm([0.90, 0.86, 0.97, 1.00, 1.02, 1.10, 1.21, 1.19, 1.04, 0.95, 0.85, 0.91])

    rng = np.random.default_rng(1)  # additive season on a linear trend, 8 years
    n = 96
    add = np.array([-30, -34, -10, 0, 6, 20, 38, 35, 12, -5, -30, -2], float)
    write_csv('gen-add-linear', 2017, 1, 500 + 3 * t(n) + add[t(n) % 12] + 10 * rng.standard_normal(n))

    rng = np.random.default_rng(2)  # damped trend (growth fading to a plateau), 15 years
    n = 180
    level = 300 + np.cumsum(6 * 0.97 ** t(n))
    write_csv('gen-mul-damped', 2010, 1, level * shape[t(n) % 12] * (1 + 0.04 * rng.standard_normal(n)))

    rng = np.random.default_rng(3)  # ETS(M,A,M) with a moving seasonal pattern, 10 years
    n = 120
    lv, b, s, y = 1000.0, 8.0, list(norm([0.8, 0.85, 0.95, 1.0, 1.05, 1.15, 1.3, 1.25, 1.05, 0.95, 0.85, 0.8])), []
    for i in range(n):
        mu = (lv + b) * s[i % 12]
        e = 0.03 * rng.standard_normal()
        y.append(mu * (1 + e))
        lv, b, s[i % 12] = (lv + b) * (1 + 0.3 * e), b + 0.01 * (lv + b) * e, s[i % 12] * (1 + 0.15 * e)
    write_csv('gen-evolving-mam', 2014, 1, y)

    rng = np.random.default_rng(4)  # trend, multiplicative season, a 15 % drop after month 90, 12 years
    n = 144
    level = (200 + 1.5 * t(n)) * np.where(t(n) >= 90, 0.85, 1.0)
    write_csv('gen-level-shift', 2012, 1, level * shape[t(n) % 12] * (1 + 0.03 * rng.standard_normal(n)))

    rng = np.random.default_rng(5)  # short and noisy: 5 years, 10 % noise
    n = 60
    write_csv('gen-noisy-short', 2019, 1, (100 + 0.8 * t(n)) * shape[t(n) % 12] * (1 + 0.10 * rng.standard_normal(n)))

    rng = np.random.default_rng(6)  # random-walk level with an additive season, no trend, 20 years
    n = 240
    add = 10 * np.sin(2 * np.pi * t(12) / 12)
    write_csv('gen-rw-additive', 2004, 1, 100 + np.cumsum(2 * rng.standard_normal(n)) + add[t(n) % 12] + 2 * rng.standard_normal(n))

    rng = np.random.default_rng(7)  # exponential growth (1 %/month), multiplicative season, 10 years
    n = 120
    write_csv('gen-exp-growth', 2015, 1, 50 * 1.01 ** t(n) * shape[t(n) % 12] * (1 + 0.03 * rng.standard_normal(n)))

    rng = np.random.default_rng(8)  # retail-like: December peak, seasonal amplitude growing 3 %/year, 17 years
    n = 204
    retail = np.log(norm([0.85, 0.82, 0.95, 0.96, 1.0, 0.97, 1.0, 1.02, 0.96, 1.0, 1.05, 1.42]))
    amp = 1 + 0.03 * t(n) / 12
    write_csv('gen-retail', 2008, 1, (1000 + 6 * t(n)) * np.exp(amp * retail[t(n) % 12]) * (1 + 0.02 * rng.standard_normal(n)))


R_EXPORT = r'''
suppressMessages(library(forecast))
for (nm in c("nottem", "UKDriverDeaths", "USAccDeaths", "ldeaths", "gas", "wineind")) {
  x <- get(nm)
  cat(nm, start(x)[1], start(x)[2], as.numeric(x), "\n")
}
'''
R_NAMES = {'nottem': 'nottem', 'UKDriverDeaths': 'uk-driver-deaths', 'USAccDeaths': 'us-acc-deaths',
           'ldeaths': 'ldeaths', 'gas': 'gas', 'wineind': 'wineind'}


def write_classic():
    import pandas as pd
    from statsmodels.datasets import co2, elec_equip, elnino

    weekly = co2.load_pandas().data['co2']
    monthly = weekly.resample('MS').mean().interpolate()
    write_csv('co2', monthly.index[0].year, monthly.index[0].month, monthly.values)
    d = elnino.load_pandas().data
    write_csv('elnino', int(d['YEAR'].iloc[0]), 1, d.drop(columns='YEAR').values.ravel())
    e = elec_equip.load().data.iloc[:, 0]
    e.index = pd.to_datetime(e.index)
    write_csv('elec-equip', e.index[0].year, e.index[0].month, e.values)
    try:
        out = subprocess.run(['Rscript', '-e', R_EXPORT], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        print(f'R series not re-exported ({error}); install r-base-core r-cran-forecast', file=sys.stderr)
        return
    for line in out.strip().split('\n'):
        parts = line.split()
        write_csv(R_NAMES[parts[0]], int(parts[1]), int(parts[2]), [float(v) for v in parts[3:]])


def read_series(name):
    return read_series_file(path_of(name))


def read_series_file(path):
    """A month,value CSV (with a header line) as (months, numpy values)."""
    months, values = [], []
    with open(path) as f:
        next(f)
        for line in f:
            m, v = line.strip().split(',')
            months.append(m)
            values.append(float(v))
    return months, np.array(values)


def mase(actual, forecast, training):
    scale = np.mean(np.abs(training[M:] - training[:-M]))
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(forecast))) / scale)


def statsmodels_forecasts(training):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    configs = {'hw': dict(trend='add', seasonal='mul'), 'hw_add': dict(trend='add', seasonal='add'),
               'hw_damped': dict(trend='add', seasonal='mul', damped_trend=True)}
    out = {}
    for key, config in configs.items():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            try:
                out[key] = np.asarray(ExponentialSmoothing(training, seasonal_periods=M, **config).fit().forecast(H))
            except Exception:  # noqa: BLE001 - a configuration that cannot be fitted is reported as NaN
                out[key] = np.full(H, np.nan)
    return out


def ours_forecasts(jobs, workers=2, flags=()):
    """{(name, end): (model, forecast)} from bench/baselines/ours.ts, jobs split over `workers` processes."""
    chunks = [jobs[i::workers] for i in range(workers)]

    def run(chunk):
        if not chunk:
            return []
        with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
            json.dump(chunk, f)
        try:
            out = subprocess.run(['npx', 'tsx', 'bench/baselines/ours.ts', f.name, *flags], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout
        finally:
            os.unlink(f.name)
        return json.loads(out.strip().split('\n')[-1])

    with ThreadPoolExecutor(workers) as pool:
        rows = [r for part in pool.map(run, chunks) for r in part]
    return {(r['name'], r['end']): (r['model'], r['forecast'], r['ms']) for r in rows}


R_ETS = r'''
suppressMessages(library(forecast))
con <- file("stdin"); lines <- readLines(con); close(con)
for (line in lines) {
  p <- strsplit(line, " ")[[1]]
  y <- ts(as.numeric(p[-(1:2)]), frequency = 12)
  f <- ets(y)
  cat(p[1], p[2], f$method, as.numeric(forecast(f, h = 12)$mean), "\n")
}
'''


def ets_forecasts(jobs):
    lines = []
    for job in jobs:
        for end in job['ends']:
            lines.append(f"{job['name']} {end} " + ' '.join(repr(v) for v in job['values'][:end - H]))
    out = subprocess.run(['Rscript', '-e', R_ETS], input='\n'.join(lines) + '\n', check=True, capture_output=True,
                         text=True).stdout
    result = {}
    for line in out.strip().split('\n'):
        p = line.split()
        result[(p[0], int(p[1]))] = (p[2], [float(v) for v in p[3:]])
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--origins', type=int, default=4, help='12-month windows per series (default 4)')
    parser.add_argument('--only', help='comma-separated series names')
    parser.add_argument('--ets', action='store_true', help="also R's forecast::ets (needs Rscript, r-cran-forecast)")
    parser.add_argument('--json', action='store_true', help='print one JSON document')
    parser.add_argument('--no-ours', action='store_true', help='skip ours (the TS bench computes ours itself)')
    parser.add_argument('--estimate-initial-season', action='store_true',
                        help='ours with the initial seasonal states estimated by ML too (the variant replaced)')
    parser.add_argument('--write-data', action='store_true', help='regenerate bench/baselines/data/*.csv')
    args = parser.parse_args()
    if args.write_data:
        write_generated()
        write_classic()
    names = args.only.split(',') if args.only else CLASSIC + GENERATED

    jobs = []
    for name in names:
        months, values = read_series(name)
        ends = [len(values) - H * k for k in range(args.origins) if len(values) - H * (k + 1) >= MIN_FIT]
        jobs.append({'name': name, 'months': months, 'values': [float(v) for v in values], 'ends': ends})
    with ThreadPoolExecutor(2) as pool:
        ours_future = None if args.no_ours else pool.submit(
            ours_forecasts, [{k: j[k] for k in ('name', 'values', 'ends')} for j in jobs], 2,
            ['--estimate-initial-season'] if args.estimate_initial_season else [])
        ets_future = pool.submit(ets_forecasts, jobs) if args.ets else None
        baseline = {}
        for job in jobs:
            values = np.array(job['values'])
            for end in job['ends']:
                training, actual = values[:end - H], values[end - H:end]
                row = {key: mase(actual, f, training) for key, f in statsmodels_forecasts(training).items()}
                row['snaive'] = mase(actual, training[-M:], training)
                row['heldOut'] = f"{job['months'][end - H]}..{job['months'][end - 1]}"
                baseline[(job['name'], end)] = row
        ours = ours_future.result() if ours_future else {}
        ets = ets_future.result() if ets_future else {}

    results = {}
    for job in jobs:
        values = np.array(job['values'])
        windows = []
        for end in job['ends']:
            training, actual = values[:end - H], values[end - H:end]
            row = dict(baseline[(job['name'], end)], end=end)
            if (job['name'], end) in ours:
                model, forecast, ms = ours[(job['name'], end)]
                row.update(ours=mase(actual, forecast, training), oursModel=model, oursMs=ms)
            if (job['name'], end) in ets:
                model, forecast = ets[(job['name'], end)]
                row.update(ets=mase(actual, forecast, training), etsModel=model)
            windows.append(row)
        results[job['name']] = windows

    if args.json:
        json.dump(results, sys.stdout, indent=1)
        sys.stdout.write('\n')
        return
    keys = ['ours', 'hw', 'hw_add', 'hw_damped'] + (['ets'] if args.ets else []) + ['snaive']
    print(f"{'series':18} {'n':>4} {'orig':>4} " + ' '.join(f'{k:>9}' for k in keys) + f" {'ours/hw':>8} {'ours/sn':>8}  ours' forms")
    ratios, naive_ratios, ratios_best = [], [], []
    for name, windows in results.items():
        mean = {k: float(np.mean([w.get(k, np.nan) for w in windows])) for k in keys}
        r = mean['ours'] / mean['hw']
        ratios.append(r)
        naive_ratios.append(mean['ours'] / mean['snaive'])
        ratios_best.append(mean['ours'] / np.nanmin([mean['hw'], mean['hw_add'], mean['hw_damped']]))
        forms = ' '.join(w.get('oursModel', '-').replace('ETS', '') for w in windows)
        n = len(job_values := read_series(name)[1])
        print(f'{name:18} {n:4d} {len(windows):4d} ' + ' '.join(f'{mean[k]:9.3f}' for k in keys) + f' {r:8.2f} {mean["ours"] / mean["snaive"]:8.2f}  {forms}')
        del job_values
    geo = lambda xs: math.exp(float(np.mean(np.log(xs))))
    print(f'geometric mean over {len(ratios)} series: ours/hw {geo(ratios):.3f}, ours/best-of-3-hw {geo(ratios_best):.3f}, '
          f'ours/snaive {geo(naive_ratios):.3f}; worst ours/hw {max(ratios):.2f}')
    if args.ets:
        er = [float(np.mean([w['ets'] for w in ws])) / float(np.mean([w['hw'] for w in ws])) for ws in results.values()]
        print(f'R ets/hw geometric mean {geo(er):.3f}')
    if ours:
        print(f"ours: {sum(v[2] for v in ours.values()) / 1000:.1f} s of fitting over {len(ours)} origins")


if __name__ == '__main__':
    main()
