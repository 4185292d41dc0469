/**
 * `payreform dip build | group`: a thin adapter over models/grouping/dip.
 * - build: settlement records (JSON Lines, CSV, JSON; several files, e.g. one per year) + a policy
 *   → the DIP catalogue JSON; a summary (packets, core coverage, RIV, CV counts) on stderr.
 * - group: a catalogue + settlement records → one JSON line per record, in input order:
 *   {"listId","status","packet","kind","score","auxiliary"} (+ "trace" with --explain).
 * Large JSON Lines input is read in worker threads (ordered, so output keeps input order).
 * Broken and invalid records are reported on stderr with their line and skipped over.
 */
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { secondaryPrefixesOf } from '../../models/grouping/dip/codes.ts';
import { buildDipCatalog } from '../../models/grouping/dip/build.ts';
import { parseDipCatalog, type DipCatalog } from '../../models/grouping/dip/catalog.ts';
import { DipCaseTableBuilder } from '../../models/grouping/dip/cases.ts';
import { defaultCatalogPolicy, pickCatalogPolicy, type DipCatalogPolicy } from '../../models/grouping/dip/policy.ts';
import { catalogFromPackets } from '../../models/grouping/dip/published.ts';
import type { RawRecord } from '../../models/settlement/readers.ts';
import { caseFilesOption, codeEditionOption, codeEditionOptionSpec, codeEditionUsage, parseOptions, threadsOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { recordFileBatches, recordFileFormat } from '../../lib/record-file.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { createLineWriter } from '../../lib/output.ts';
import { counted } from '../../models/text/plural.ts';
import { inputProgress, type InputProgress } from '../../lib/progress.ts';
import { rulePackWhileWorkersBoot, schemeLine, schemeOption, schemeOptions } from '../../lib/scheme.ts';
import { initWorkers, OrderedWorkerPool, parallelFromBytes, startWorkers } from '../../lib/worker-pool.ts';
import { dipCaseBlock, dipGroupBlock, dipReference, type DipCaseBlockResult, type DipGroupBlockResult, type DipGroupContext } from '../dip-records.ts';
import type { DipWorkerInit } from '../dip-worker.ts';
import { lineBlocks, type LineBlock } from '../line-blocks.ts';

const usage = `usage: payreform dip build --cases FILE... --policy FILE --output catalog.json [--scheme PATH] [--threads N] [--code-edition E]
       payreform dip import --packets FILE.csv --output catalog.json [--policy FILE]
       payreform dip group --catalog FILE --input FILE [--output FILE] [--explain] [--scheme PATH] [--threads N] [--code-edition E]

build  builds a DIP catalogue from settlement records by the national specification (shared/docs/
       models.md §2): exclusion lists, rule packets, core packets (diagnosis at 4 characters +
       principal procedure + related procedures adding ≥ 10 %, ≥ the threshold: the policy's, or the
       largest ≤ 15 covering ≥ 85 %), comprehensive packets (category × class of the principal
       procedure), scores, auxiliary types (辅助分型).
       --policy: a DIP catalogue policy {coreThreshold, coverageTarget, exclusions, rulePackets, merge,
       trim, referenceYears, yearWeights, …} or a payment policy with "method": "dip".
import turns a published local packet list (CSV: diagnosis, principalProcedure, relatedProcedures,
       score [, basic, name]) into a catalogue; the policy (optional) gives the exclusions, merges
       and rule packets the grouper applies.
group  assigns each record its packet: one JSON line per record, in input order.
  --scheme      the DRG scheme whose MCC/CC lists give the auxiliary severity: an OpenDRG directory,
                an NHSA text directory or a compiled pack (default: CHS-DRG 1.1; --scheme-dir is
                the older spelling); the summary names it and its pack hash
  --threads     worker threads for JSON Lines input of 8 MB or more (default: one per core, at most 4)
${codeEditionUsage}`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'build') return build(rest);
  if (sub === 'group') return group(rest);
  if (sub === 'import') return importPackets(rest);
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    process.stdout.write(usage + '\n');
    return sub === undefined ? 2 : 0;
  }
  throw new CliError(`unknown subcommand "${sub}": use "dip build", "dip import" or "dip group".\n${usage}`, 2);
}

interface Common {
  threads: number;
  scheme: string;
  codes: ReturnType<typeof codeEditionOption>;
}

function common(values: Record<string, unknown>): Common {
  return { threads: threadsOption(values), scheme: schemeOption(values), codes: codeEditionOption(values) };
}

const commonOptions = { ...schemeOptions, threads: { type: 'string' }, ...codeEditionOptionSpec } as const;

function readPolicy(policyFile: string): DipCatalogPolicy {
  let policyJson: unknown;
  try {
    policyJson = JSON.parse(readFileSync(policyFile, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the policy ${policyFile}: ${(error as Error).message}`);
  }
  try {
    return pickCatalogPolicy(policyJson);
  } catch (error) {
    throw new CliError(`${policyFile}: ${(error as Error).message}`);
  }
}

function importPackets(argv: string[]): number {
  const parsed = parseOptions(argv, { packets: { type: 'string' }, policy: { type: 'string' }, output: { type: 'string', short: 'o' } }, usage);
  if (!parsed) return 0;
  const { values } = parsed;
  const packets = values.packets as string | undefined;
  const output = values.output as string | undefined;
  if (!packets) throw new CliError(`--packets is required.\n${usage}`, 2);
  if (!output) throw new CliError(`--output is required.\n${usage}`, 2);
  if (!existsSync(packets)) throw new CliError(`cannot read the packet list: ${packets} does not exist.`);
  const policy = values.policy ? readPolicy(values.policy as string) : defaultCatalogPolicy();
  let catalog: DipCatalog;
  try {
    catalog = catalogFromPackets(packets, readFileSync(packets, 'utf8'), policy, new Date().toISOString());
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  writeFileSync(output, JSON.stringify(catalog, null, 1) + '\n');
  process.stderr.write(`${counted(catalog.packets.length, 'packet')} (${catalog.quality.corePackets} core, ${catalog.quality.comprehensivePackets} comprehensive, ${catalog.packets.filter((p) => p.basic).length} basic) from ${packets} → ${output}\n`);
  return 0;
}

async function build(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, { cases: { type: 'string', multiple: true }, policy: { type: 'string' }, output: { type: 'string', short: 'o' }, ...commonOptions }, usage, true);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  // `--cases a.jsonl b.jsonl`: parseArgs takes the first file as the option's value and the rest as positionals.
  const files = caseFilesOption(values, positionals, usage);
  const policyFile = values.policy as string | undefined;
  if (!policyFile) throw new CliError(`--policy is required.\n${usage}`, 2);
  const output = values.output as string | undefined;
  if (!output) throw new CliError(`--output is required.\n${usage}`, 2);
  const policy = readPolicy(policyFile);
  const { threads, scheme, codes } = common(values);
  const started = performance.now();
  const parallel = threads > 1 && useWorkers(files);
  const workers = parallel ? startWorkers(new URL('../dip-worker.mjs', import.meta.url), threads) : [];
  const pack = await rulePackWhileWorkersBoot(scheme, workers);
  const table = new DipCaseTableBuilder();
  const totals = { records: 0, invalid: 0 };
  const progress = inputProgress('reading cases', files);
  const onResult = (r: DipCaseBlockResult) => {
    for (const e of r.errors) process.stderr.write(e + '\n');
    totals.records += r.records;
    totals.invalid += r.invalid;
    table.addBlock(r.block);
  };
  if (parallel) {
    initWorkers(workers, { pack, secondaryPrefixes: secondaryPrefixesOf(policy), codeEdition: codes.codeEdition } satisfies DipWorkerInit);
    await inWorkers(files, workers, onResult, progress);
  } else {
    const recordCodes = { codeSets: loadCodeSets(), ...codes };
    const reference = { ...dipReference(pack), secondaryPrefixes: secondaryPrefixesOf(policy) };
    await inProcess(files, (raws) => onResult(dipCaseBlock(raws, recordCodes, reference)), progress);
  }
  progress.finish();
  const read = performance.now();
  let catalog: DipCatalog;
  try {
    catalog = buildDipCatalog(table.finish(), policy, new Date().toISOString());
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  writeFileSync(output, JSON.stringify(catalog, null, 1) + '\n');
  const done = performance.now();
  const q = catalog.quality;
  process.stderr.write(
    `${counted(totals.records, 'record')} (${totals.invalid} invalid), ${counted(q.cases, 'reference case')} of ${catalog.referenceYears.join(', ')} ` +
      `(${q.excluded.noCost} without cost, ${q.excluded.outsideYears} outside the reference years)\n` +
      `core threshold ${catalog.policy.coreThreshold} cases (${catalog.policy.coreThresholdSource === 'coverage' ? `the largest ≤ ${policy.maxCoreThreshold} covering ≥ ${(100 * policy.coverageTarget).toFixed(0)} %` : 'from the policy'}); ` +
      `${q.corePackets} core packets covering ${(100 * q.coreCoverage).toFixed(1)} % of cases, ${q.comprehensivePackets} comprehensive packets (${q.tieredPackets} in cost tiers, ${q.droppedComprehensive} combinations dropped: ${q.ungroupedCases} cases ungrouped), ` +
      `${q.packetsWithAuxiliary} with auxiliary types; RIV ${q.riv.toFixed(3)} (${q.rivWithAuxiliary.toFixed(3)} with auxiliary types); ` +
      `${q.cvBelowHalf} of ${q.units} units with CV < 0.5, ${q.cvAboveOne} with CV > 1\n` +
      `severity by ${schemeLine(pack)}; read ${((read - started) / 1000).toFixed(2)} s, built ${((done - read) / 1000).toFixed(2)} s → ${output}\n`,
  );
  return 0;
}

async function group(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, { catalog: { type: 'string' }, input: { type: 'string', short: 'i' }, output: { type: 'string', short: 'o' }, explain: { type: 'boolean' }, ...commonOptions }, usage);
  if (!parsed) return 0;
  const { values } = parsed;
  const catalogFile = values.catalog as string | undefined;
  const input = values.input as string | undefined;
  if (!catalogFile) throw new CliError(`--catalog is required.\n${usage}`, 2);
  if (!input) throw new CliError(`--input is required.\n${usage}`, 2);
  if (!existsSync(input)) throw new CliError(`cannot read the input: ${input} does not exist.`);
  let catalog: DipCatalog;
  try {
    catalog = parseDipCatalog(JSON.parse(readFileSync(catalogFile, 'utf8')));
  } catch (error) {
    throw new CliError(`cannot use the catalogue ${catalogFile}: ${(error as Error).message}`);
  }
  const { threads, scheme, codes } = common(values);
  const explain = values.explain === true;
  const started = performance.now();
  const parallel = threads > 1 && useWorkers([input]);
  const workers = parallel ? startWorkers(new URL('../dip-worker.mjs', import.meta.url), threads) : [];
  const pack = await rulePackWhileWorkersBoot(scheme, workers);
  const out = createLineWriter(values.output as string | undefined);
  const progress = inputProgress('grouping', [input]);
  const totals = { records: 0, counts: { grouped: 0, fallback: 0, invalid: 0 } };
  const onResult = async (r: DipGroupBlockResult) => {
    for (const e of r.errors) process.stderr.write(e + '\n');
    totals.records += r.records;
    for (const k of Object.keys(r.counts) as (keyof typeof r.counts)[]) totals.counts[k] += r.counts[k];
    await out.writeBlock(r.output);
  };
  if (parallel) {
    initWorkers(workers, { pack, catalog, explain, codeEdition: codes.codeEdition } satisfies DipWorkerInit);
    await inWorkers([input], workers, onResult, progress);
  } else {
    const ctx: DipGroupContext = { catalog, codeSets: loadCodeSets(), ...codes, reference: dipReference(pack), explain };
    await inProcess([input], (raws) => onResult(dipGroupBlock(raws, ctx)), progress);
  }
  await out.close();
  progress.finish();
  const seconds = (performance.now() - started) / 1000;
  const { counts } = totals;
  process.stderr.write(
    `${counted(totals.records, 'record')}: ${counts.grouped} in their packet, ${counts.fallback} ungrouped (paid by item), ${counts.invalid} invalid; severity by ${schemeLine(pack)}; ` +
      `${seconds.toFixed(2)} s, ${Math.round(totals.records / Math.max(seconds, 1e-9)).toLocaleString('en')} cases/s\n`,
  );
  return 0;
}

function useWorkers(files: string[]): boolean {
  return files.every((f) => recordFileFormat(f) === 'jsonl') && files.reduce((n, f) => n + statSync(f).size, 0) >= parallelFromBytes;
}

/** Read each file's records in batches in this thread. */
async function inProcess(files: string[], onBatch: (raws: RawRecord[]) => Promise<void> | void, progress: InputProgress): Promise<void> {
  for (const file of files) {
    for await (const batch of recordFileBatches(file, undefined, progress)) await onBatch(batch);
  }
}

/** Cut JSON Lines files into ~1 MB blocks of whole lines for the workers; results come back in order. */
async function inWorkers<R>(files: string[], workers: Worker[], onResult: (r: R) => Promise<void> | void, progress: InputProgress): Promise<void> {
  const pool = new OrderedWorkerPool<LineBlock, R>(workers, onResult);
  try {
    for (const file of files) {
      for await (const block of lineBlocks(progress.read<Uint8Array>(createReadStream(file, { highWaterMark: 1 << 20 })))) await pool.submit(block, [block.bytes.buffer]);
    }
  } finally {
    await pool.close();
  }
}
