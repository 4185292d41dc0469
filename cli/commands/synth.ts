/**
 * `payreform synth`: realistic synthetic settlement lists, calibrated on a real city DRG table.
 * Writes DIR/settlement-<year>.jsonl, DIR/truth-<year>.jsonl (the DRG each case was built for)
 * and DIR/hospitals.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { impliedBaseAmount, parsePaymentTable, relativeWeights } from '../../models/payment/payment-table.ts';
import { createGenerator } from '../../models/synthetic/generate.ts';
import { createInjector, injectablePatterns, parseInjectSpec, type InjectSpec } from '../../models/synthetic/inject.ts';
import { numberOption, parseOptions, requireOption, threadsOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { createLineWriter } from '../../lib/output.ts';
import { createProgress } from '../../lib/progress.ts';
import { defaultSchemeDir, rulePackWhileWorkersBoot } from '../../lib/scheme.ts';
import { initWorkers, OrderedWorkerPool, startWorkers } from '../../lib/worker-pool.ts';
import { buffersOf, renderChunk, type ChunkBuffers, type SynthChunk } from '../synth-chunk.ts';
import type { SynthInit, SynthTask } from '../synth-worker.ts';
import { counted } from '../../models/text/plural.ts';

const usage = `usage: payreform synth --seed N --hospitals H --years 2023,2024,2025 --cases-per-year C --payment-table FILE --output DIR [--scheme-dir DIR] [--threads N]
       [--inject PATTERN=RATE,...]

Writes DIR/settlement-<year>.jsonl (valid settlement records), DIR/truth-<year>.jsonl (the DRG
each case was generated for) and DIR/hospitals.json. Deterministic for a seed: the output is
the same whatever --threads (default: one per core, at most 4, from 100 000 cases a year).
  --inject  abuse patterns to inject, each at a share of the cases (e.g. split-admission=0.01,upcoding=0.02):
            ${injectablePatterns.join(', ')}. Truth lines then carry "patterns":[…], and
            DIR/truth-hospitals.json names the hospitals chosen for upcoding, low-severity-admission and drug-share.`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(
    argv,
    { seed: { type: 'string' }, hospitals: { type: 'string' }, years: { type: 'string' }, 'cases-per-year': { type: 'string' }, 'payment-table': { type: 'string' }, output: { type: 'string', short: 'o' }, 'scheme-dir': { type: 'string' }, threads: { type: 'string' }, inject: { type: 'string' } },
    usage,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const seed = numberOption(values, 'seed', 1);
  const hospitals = numberOption(values, 'hospitals', 20);
  const casesPerYear = numberOption(values, 'cases-per-year', 10_000);
  if (!Number.isInteger(seed) || seed < 0) throw new CliError(`--seed must be a whole number ≥ 0, got ${seed}.`, 2);
  if (!Number.isInteger(hospitals) || hospitals < 1 || hospitals > 9999) throw new CliError(`--hospitals must be a whole number from 1 to 9999, got ${hospitals}.`, 2);
  if (!Number.isInteger(casesPerYear) || casesPerYear < 0) throw new CliError(`--cases-per-year must be a whole number ≥ 0, got ${casesPerYear}.`, 2);
  const years = String(values.years ?? '2025').split(',').map((y) => Number(y.trim()));
  if (years.some((y) => !Number.isInteger(y) || y < 2000 || y > 2100)) throw new CliError(`--years must be a comma-separated list of years like 2023,2024,2025, got "${String(values.years)}".`, 2);
  const tableFile = requireOption(values, 'payment-table', usage);
  const output = requireOption(values, 'output', usage);
  let tableText: string;
  try {
    tableText = readFileSync(tableFile, 'utf8');
  } catch {
    throw new CliError(`cannot read the payment table ${tableFile}.`);
  }
  const table = parsePaymentTable(path.basename(tableFile), tableText);
  const weights = relativeWeights(table);
  if (weights.size === 0) throw new CliError(`${tableFile} has no DRG with a relative weight (RW).`);
  const levelThree = table.standardColumns.findIndex((c) => c.level === 3 || c.level === undefined);
  const baseAmount = impliedBaseAmount(table, Math.max(0, levelThree)) ?? 10_000;

  let inject: InjectSpec | null = null;
  if (values.inject !== undefined) {
    try {
      inject = parseInjectSpec(String(values.inject));
    } catch (error) {
      throw new CliError(`--inject: ${(error as Error).message}.`, 2);
    }
  }
  const threads = threadsOption(values, casesPerYear >= 100_000 ? Math.min(4, availableParallelism()) : 1);
  const schemeDir = (values['scheme-dir'] as string | undefined) ?? defaultSchemeDir();
  const options = { seed, hospitals, years, casesPerYear, relativeWeights: weights, baseAmount };
  const workers = threads > 1 ? startWorkers(new URL('../synth-worker.mjs', import.meta.url), threads) : [];
  const started = performance.now();
  const pack = await rulePackWhileWorkersBoot(schemeDir, workers);
  // The pack goes to the workers now: they unpack it while this thread builds the templates.
  initWorkers(workers, { pack } satisfies SynthInit);
  const generator = createGenerator(pack, loadCodeSets(), options);
  const injector = inject ? createInjector(pack, generator, options, inject) : null;
  mkdirSync(output, { recursive: true });
  writeFileSync(path.join(output, 'hospitals.json'), JSON.stringify(generator.hospitals, null, 2) + '\n');
  if (injector) writeFileSync(path.join(output, 'truth-hospitals.json'), JSON.stringify(injector.hospitals, null, 2) + '\n');
  const setupSeconds = (performance.now() - started) / 1000;
  let total = 0;
  const generationStart = performance.now();
  for (const year of years) {
    const records = createLineWriter(path.join(output, `settlement-${year}.jsonl`));
    const truth = createLineWriter(path.join(output, `truth-${year}.jsonl`));
    const progress = createProgress(`synth ${year}`, casesPerYear);
    let n = 0;
    // Written chunks' buffers go back into rendering: a million records then allocate a few buffers, not 40 of 18 MB.
    const spare: ChunkBuffers[] = [];
    const write = async (chunk: SynthChunk) => {
      await records.writeBlock(chunk.records);
      await truth.writeBlock(chunk.truth);
      spare.push(buffersOf(chunk));
      n += chunk.count;
      progress.update(n);
    };
    if (workers.length > 0) {
      if (year === years[0]) initWorkers(workers, { library: generator.library, options: { ...options, relativeWeights: [...weights] }, inject } satisfies SynthInit);
      const pool = new OrderedWorkerPool<SynthTask, SynthChunk>(workers, write);
      for (let chunk = 0; chunk < generator.chunkCount; chunk++) {
        const reuse = spare.pop();
        await pool.submit({ year, chunk, reuse }, reuse ? [reuse.records, reuse.truth] : []);
      }
      await pool.drain();
    } else {
      // The file write of one chunk runs (in libuv's thread pool) while the next is rendered.
      let writing: Promise<void> = Promise.resolve();
      for (let chunk = 0; chunk < generator.chunkCount; chunk++) {
        const rendered = renderChunk(generator, year, chunk, injector, spare.pop());
        await writing;
        writing = write(rendered);
      }
      await writing;
    }
    progress.finish();
    await records.close();
    await truth.close();
    total += n;
  }
  await Promise.all(workers.map((w) => w.terminate()));
  const seconds = (performance.now() - generationStart) / 1000;
  process.stderr.write(
    `${counted(total, 'record')} for ${years.join(', ')} from ${counted(hospitals, 'hospital')} in ${output}; ` +
      `${generator.drgs.length} DRGs of ${table.name} generated (${generator.skippedDrgs.length} without a template or not in the scheme), base amount ${Math.round(baseAmount)} yuan/RW; ` +
      `set-up ${setupSeconds.toFixed(2)} s, ${seconds.toFixed(2)} s, ${Math.round(total / Math.max(seconds, 1e-9)).toLocaleString('en')} records/s\n`,
  );
  return 0;
}
