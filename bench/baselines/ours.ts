/**
 * Our side of the accuracy harness (bench/baselines/accuracy.py): for each job
 * { name, values, ends } read as JSON from the file named on the command line, select and fit
 * ETS on values[0 … end − 13] and forecast the 12 months values[end − 12 … end − 1] exactly as
 * `payreform forecast` and its backtest do (models/fund/forecast.ts), and print
 * [{ name, end, model, forecast, ms }] as JSON. Run with
 * `npx tsx bench/baselines/ours.ts jobs.json [--estimate-initial-season]`; the flag fits the
 * initial seasonal states by maximum likelihood too (the variant the default was measured against).
 */
import { readFileSync } from 'node:fs';
import { HOLDOUT, pointForecastOf } from '../../models/fund/forecast.ts';

interface Job {
  name: string;
  values: number[];
  ends: number[];
}

const jobs = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job[];
const estimateInitialSeason = process.argv.includes('--estimate-initial-season');
const out: Array<{ name: string; end: number; model: string; forecast: number[]; ms: number }> = [];
for (const job of jobs) {
  for (const end of job.ends) {
    const start = performance.now();
    const { model, forecast } = pointForecastOf(job.values.slice(0, end - HOLDOUT), HOLDOUT, { estimateInitialSeason });
    out.push({ name: job.name, end, model, forecast, ms: performance.now() - start });
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
