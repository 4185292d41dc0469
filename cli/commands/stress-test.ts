/**
 * `payreform stress-test`: Monte Carlo stress test of the pooled fund (models.md §5).
 * A thin adapter: read the scenario (file and/or named preset), run models/fund, write the JSON
 * (and optionally the SVG fan chart).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { numberOption, parseOptions } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { createProgress } from '../../lib/progress.ts';
import { fanChartSvg } from '../../lib/svg-fan-chart.ts';
import { findPreset, mergeScenario, parseScenario, presetNames, ScenarioError, sweepableFields, type Scenario } from '../../models/fund/scenario.ts';
import { runStressTest, sweepScenario, sweepValues } from '../../models/fund/stress-test.ts';
import { counted } from '../../models/text/plural.ts';
import { stringifyRounded } from '../../models/text/round.ts';

const usage = `usage: payreform stress-test (--scenario FILE | --preset NAME) [options]

Runs the Monte Carlo stress test of models.md §5 and writes
{ years:[{year, deficitProbability, depletionProbability, monthsOfReserve:{p5,p25,p50,p75,p95}, alert}],
  depletionYear:{"<year>": p, never: p}, paths, seed, elapsedMs }.

options:
  --scenario FILE           scenario JSON (fields override the preset's when both are given)
  --preset NAME             ${presetNames.join(' | ')}
  --paths N                 override the scenario's number of paths
  --seed N                  override the scenario's seed
  --output FILE             write the JSON here (default: standard output)
  --chart FILE.svg          also write the fan chart of months of reserve with the alert bands
  --sweep PATH=FROM:TO:STEP vary one numeric field (e.g. costGrowth.mean=0.05:0.10:0.01) and
                            write the table of depletion and deficit probability by year instead`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      scenario: { type: 'string' },
      preset: { type: 'string' },
      paths: { type: 'string' },
      seed: { type: 'string' },
      output: { type: 'string' },
      chart: { type: 'string' },
      sweep: { type: 'string' },
    },
    usage,
  );
  if (parsed === null) return 0;
  const { values } = parsed;
  const scenario = await loadScenario(values);

  if (typeof values.sweep === 'string') {
    if (typeof values.chart === 'string') throw new CliError('--chart draws one scenario; it cannot be combined with --sweep.', 2);
    const { parameter, list } = parseSweep(values.sweep);
    const progress = createProgress(`sweep ${parameter}`, list.length * 12 * scenario.years);
    let result;
    try {
      result = sweepScenario(scenario, parameter, list, { onProgress: (done) => progress.update(done) });
    } catch (error) {
      throw asCliError(error);
    } finally {
      progress.finish();
    }
    await writeJson(values.output, result);
    return 0;
  }

  const progress = createProgress('stress test (months)', 12 * scenario.years);
  const result = runStressTest(scenario, { clock: () => performance.now(), onProgress: (done) => progress.update(done) });
  progress.finish();
  await writeJson(values.output, result);
  if (typeof values.chart === 'string') {
    await writeOut(values.chart, fanChartSvg(result, { alerts: scenario.alerts }));
  }
  if (typeof values.output === 'string') {
    const last = result.years[result.years.length - 1]!;
    process.stdout.write(
      `wrote ${values.output}: ${counted(result.paths, 'path')} × ${counted(scenario.years, 'year')} in ${result.elapsedMs.toFixed(0)} ms; ` +
        `year ${last.year}: median ${last.monthsOfReserve.p50.toFixed(1)} months of reserve (${last.alert}), depletion probability ${(100 * last.depletionProbability).toFixed(1)} %\n`,
    );
  }
  return 0;
}

/** The scenario from --preset and/or --scenario (file fields override the preset's), validated. */
async function loadScenario(values: Record<string, unknown>): Promise<Scenario> {
  const file = typeof values.scenario === 'string' && values.scenario !== '' ? values.scenario : undefined;
  const presetName = typeof values.preset === 'string' && values.preset !== '' ? values.preset : undefined;
  if (!file && !presetName) throw new CliError(`give --scenario FILE or --preset NAME.\n${usage}`, 2);
  let input: unknown = {};
  if (presetName) {
    const preset = findPreset(presetName);
    if (!preset) throw new CliError(`unknown preset "${presetName}"; the presets are ${presetNames.join(', ')}.`, 2);
    input = preset;
  }
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the scenario file ${file}: ${(error as Error).message}`);
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new CliError(`the scenario file ${file} is not valid JSON: ${(error as Error).message}`);
    }
    input = mergeScenario(input, document);
  }
  if (values.paths !== undefined) input = mergeScenario(input, { paths: numberOption(values, 'paths') });
  if (values.seed !== undefined) input = mergeScenario(input, { seed: numberOption(values, 'seed') });
  try {
    return parseScenario(input);
  } catch (error) {
    if (error instanceof ScenarioError) {
      const source = file ? `the scenario ${file}` : `the preset ${presetName}`;
      throw new CliError(`${source} is invalid:\n${error.problems.map((p) => `  - ${p.message}`).join('\n')}`);
    }
    throw error;
  }
}

/** "costGrowth.mean=0.05:0.1:0.01" → the field and its values. */
export function parseSweep(spec: string): { parameter: string; list: number[] } {
  const match = /^([A-Za-z0-9.]+)=([^:]+):([^:]+):([^:]+)$/.exec(spec.trim());
  if (!match) throw new CliError(`--sweep must look like PATH=FROM:TO:STEP (e.g. costGrowth.mean=0.05:0.10:0.01), got "${spec}".`, 2);
  const parameter = match[1]!;
  if (!(sweepableFields as readonly string[]).includes(parameter)) {
    throw new CliError(`--sweep: "${parameter}" is not a numeric scenario field; use one of ${sweepableFields.join(', ')}.`, 2);
  }
  const [from, to, step] = [match[2]!, match[3]!, match[4]!].map((text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new CliError(`--sweep: "${text}" is not a number.`, 2);
    return value;
  }) as [number, number, number];
  try {
    return { parameter, list: sweepValues(from, to, step) };
  } catch (error) {
    throw new CliError(`--sweep: ${(error as Error).message}.`, 2);
  }
}

function asCliError(error: unknown): unknown {
  if (error instanceof ScenarioError) return new CliError(`the sweep leaves the valid range: ${error.problems.map((p) => p.message).join('; ')}`);
  return error;
}

async function writeJson(file: unknown, value: unknown): Promise<void> {
  const json = stringifyRounded(value, 2) + '\n';
  if (typeof file === 'string' && file !== '') await writeOut(file, json);
  else process.stdout.write(json);
}

async function writeOut(file: string, content: string): Promise<void> {
  try {
    await writeFile(file, content);
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${(error as Error).message}`);
  }
}
