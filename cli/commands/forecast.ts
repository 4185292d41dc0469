/**
 * `payreform forecast`: ETS forecast of a monthly expenditure series (models.md §6).
 * A thin adapter: stream the `month,value` CSV through models/text, forecast with models/fund,
 * write the JSON.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { numberOption, parseOptions, requireOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { createProgress, type Progress } from '../../lib/progress.ts';
import { forecastExpenditure, MIN_FIT_MONTHS } from '../../models/fund/forecast.ts';
import { readMonthlySeries, SeriesError } from '../../models/fund/monthly-series.ts';
import { readCsvRows } from '../../models/text/csv.ts';
import { decodeChunks } from '../../models/text/lines.ts';
import { counted } from '../../models/text/plural.ts';
import { stringifyRounded } from '../../models/text/round.ts';

const usage = `usage: payreform forecast --input FILE.csv --horizon H [--output FILE] [--seed N]

Fits ETS forms (additive/multiplicative error and season, none/additive/damped trend) by maximum
likelihood (initial seasonal indices from the classical decomposition of the first four years),
keeps the lowest AICc, and writes
{ model, aicc, forecast:[{month, mean, lo80, hi80, lo95, hi95}], backtest:{mase, seasonalNaiveMase} }.

options:
  --input FILE.csv   monthly series, lines "YYYY-MM,value" (header "month,value" optional),
                     consecutive months, at least ${MIN_FIT_MONTHS}; 36 or more for the backtest
  --horizon H        months to forecast (1–120)
  --output FILE      write the JSON here (default: standard output)
  --seed N           seed of the simulated intervals of multiplicative forms (default 1)`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, { input: { type: 'string' }, horizon: { type: 'string' }, output: { type: 'string' }, seed: { type: 'string' } }, usage);
  if (parsed === null) return 0;
  const { values } = parsed;
  const input = requireOption(values, 'input', usage);
  const horizon = numberOption(values, 'horizon');
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 120) throw new CliError(`--horizon must be a whole number of months from 1 to 120, got ${horizon}.`, 2);
  const seed = numberOption(values, 'seed', 1);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new CliError(`--seed must be a non-negative whole number, got ${seed}.`, 2);

  let series;
  try {
    series = await readMonthlySeries(readCsvRows(decodeChunks(createReadStream(input))));
  } catch (error) {
    if (error instanceof SeriesError) throw new CliError(`${input}: ${error.message}`);
    throw new CliError(`cannot read ${input}: ${(error as Error).message}`);
  }
  if (series.values.length < MIN_FIT_MONTHS) {
    throw new CliError(`${input}: ${counted(series.values.length, 'month')} is too short; at least ${MIN_FIT_MONTHS} (two full years) are needed.`);
  }

  // The number of forms (with the backtest's) is known once fitting starts: the bar then has a percentage and time left.
  let progress: Progress | null = null;
  let report;
  try {
    report = forecastExpenditure(series, horizon, { seed, onProgress: (done, total) => (progress ??= createProgress('fitting ETS forms', total)).update(done) });
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(`${input}: ${error.message}`);
    throw error;
  } finally {
    (progress as Progress | null)?.finish();
  }
  const json = stringifyRounded(report, 2) + '\n';
  const output = values.output;
  if (typeof output === 'string' && output !== '') {
    try {
      await writeFile(output, json);
    } catch (error) {
      throw new CliError(`cannot write ${output}: ${(error as Error).message}`);
    }
    const bt = report.backtest;
    process.stdout.write(
      `wrote ${output}: ${report.model}, ${counted(horizon, 'month')} from ${report.forecast[0]?.month}` +
        (bt ? `; backtest MASE ${bt.mase.toFixed(3)} (seasonal naive ${bt.seasonalNaiveMase.toFixed(3)})` : '; too short for a backtest') +
        '\n',
    );
  } else {
    process.stdout.write(json);
  }
  return 0;
}
