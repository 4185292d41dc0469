/**
 * `payreform simulate`: settlement lists + a payment policy (+ policies to compare) → what each
 * hospital would be paid. Cases are read, validated and grouped once (worker threads for large
 * JSON Lines input), then every policy prices the same typed arrays with the pure phases of
 * models/payment/. A `"method": "dip"` policy builds its DIP catalogue from the reference-year
 * cases (or reads the policy's `catalog`) and pays by packet score and point value
 * (models/payment/simulate-dip.ts); DRG and DIP policies can be compared. Writes summary.json, hospitals.csv, groups.csv, cases.jsonl, summary.xlsx (the first
 * policy at the top of DIR, each compared one in DIR/<label>/), comparison.csv and report.html.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { AmbiguousMode } from '../../models/grouping/drg/grouper.ts';
import type { RulePack } from '../../models/grouping/drg/pack.ts';
import { BudgetError } from '../../models/payment/base-rate.ts';
import { CaseTableBuilder, type CaseTable } from '../../models/payment/cases.ts';
import { parseDipCatalog, type DipCatalog } from '../../models/grouping/dip/catalog.ts';
import { parsePaymentPolicy, PolicyError, type AnyPaymentPolicy, type DipPaymentPolicy } from '../../models/payment/policy.ts';
import type { PolicyResult } from '../../models/payment/simulate.ts';
import { simulatePolicy } from '../../app/simulate.ts';
import { concatDipColumns, simulateDipPolicy, type DipColumns } from '../../models/payment/simulate-dip.ts';
import { caseFilesOption, parseOptions, requireOption, threadsOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { recordFileBatches, recordFileFormat, type InputFormat } from '../../lib/record-file.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { createProgress } from '../../lib/progress.ts';
import { defaultSchemeDir, rulePackWhileWorkersBoot } from '../../lib/scheme.ts';
import { initWorkers, OrderedWorkerPool, parallelFromBytes, startWorkers } from '../../lib/worker-pool.ts';
import { loadProcedureClasses } from '../dip-records.ts';
import { lineBlocks, type LineBlock } from '../line-blocks.ts';
import { appendBlock, caseBlock, type CaseBlock, type CaseContext } from '../../app/case-block.ts';
import { comparisonTable, policiesTable, summaryOf, tableCsv, writePolicyFiles, writeSummaryWorkbook, type InputCounts, type Table } from '../simulate-output.ts';
import { reportHtml } from '../simulate-report.ts';

const usage = `usage: payreform simulate --cases FILE... --policy FILE [--compare FILE...] --output DIR [--scheme-dir DIR] [--threads N] [--no-case-files]

Simulates a DRG or DIP payment policy ("method": "drg" | "dip") over settlement lists (JSON
Lines, CSV, JSON or Excel .xlsx; cases are paid in the policy's settlementYear by discharge date, DRG weights
or the DIP catalogue come from its referenceYears; a DIP policy's "catalog" file is used instead
when given, its path relative to the policy file).
Writes to DIR: summary.json, hospitals.csv, groups.csv, cases.jsonl, summary.xlsx (sheets
policies, hospitals, groups and, with --compare, comparison) and report.html; with --compare, the
same files for each compared policy in DIR/<policy>/ and comparison.csv (per hospital the payment
under each policy and the differences from the first).
  --cases          one or more settlement-list files (repeat the option or list them after it)
  --policy         the policy JSON document
  --compare        policies to compare with it (repeatable)
  --threads        worker threads for grouping large JSON Lines input (default: one per core, at most 4)
  --no-case-files  skip cases.jsonl of the compared policies (the first policy's is always written)`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      cases: { type: 'string', multiple: true },
      policy: { type: 'string' },
      compare: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o' },
      'scheme-dir': { type: 'string' },
      threads: { type: 'string' },
      'no-case-files': { type: 'boolean' },
    },
    usage,
    true,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  // `--cases a.jsonl b.jsonl` as well as `--cases a.jsonl --cases b.jsonl`.
  const files = caseFilesOption(values, positionals, usage);
  const policyFiles = [requireOption(values, 'policy', usage), ...((values.compare as string[] | undefined) ?? [])];
  const policies = policyFiles.map(readPolicy);
  const catalogs = policies.map((p, i) => (p.method === 'dip' && p.catalog !== undefined ? readCatalog(path.resolve(path.dirname(policyFiles[i]!), p.catalog), policyFiles[i]!) : undefined));
  const dip = policies.some((p) => p.method === 'dip');
  const labels = policyLabels(policyFiles, policies);
  const output = requireOption(values, 'output', usage);
  const threads = threadsOption(values);
  const started = performance.now();

  const modes = [...new Set(policies.flatMap((p) => (p.method === 'drg' ? [p.ambiguous] : [])))] as AmbiguousMode[];
  const formats = files.map((f) => recordFileFormat(f));
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const parallel = threads > 1 && formats.every((f) => f === 'jsonl') && bytes >= parallelFromBytes;
  const workers = parallel ? startWorkers(new URL('../simulate-worker.mjs', import.meta.url), threads) : [];
  const pack = await rulePackWhileWorkersBoot((values['scheme-dir'] as string | undefined) ?? defaultSchemeDir(), workers);
  const progress = createProgress('grouping');
  const builder = new CaseTableBuilder(modes, 1 << 16);
  const input: InputCounts = { files, records: 0, rejected: 0, otherYears: 0 };
  const errors: string[] = [];
  const dipBlocks: DipColumns[] = [];
  const take = (block: CaseBlock) => {
    appendBlock(builder, block);
    if (block.dip) dipBlocks.push(block.dip);
    input.records += block.records;
    input.rejected += block.rejected;
    for (const e of block.errors) if (errors.length < 10) errors.push(e);
    progress.update(input.records);
  };
  if (parallel) await readInWorkers(files, { pack, modes, dip }, workers, take);
  else await readInProcess(files, formats, { pack, codeSets: loadCodeSets(), modes, dip }, take);
  progress.finish();
  const table = builder.finish();
  const groupedAt = performance.now();
  for (const e of errors) process.stderr.write(`rejected: ${e}\n`);
  if (input.rejected > errors.length) process.stderr.write(`… ${input.rejected - errors.length} more rejected records\n`);

  const dipInput = dip ? { dip: concatDipColumns(dipBlocks), procedureClasses: loadProcedureClasses(), builtAt: new Date().toISOString() } : null;
  const results = policies.map((policy, p) => price(table, policy, policyFiles[p]!, (dipPolicy) => simulateDipPolicy(table, dipPolicy, { ...dipInput!, catalog: catalogs[p] })));
  const pricedAt = performance.now();
  const years = new Set(policies.flatMap((p) => [...p.referenceYears, p.settlementYear]));
  for (let i = 0; i < table.size; i++) if (!years.has(table.year[i]!)) input.otherYears++;

  mkdirSync(output, { recursive: true });
  const writeProgress = createProgress('writing', results.length);
  const comparison = results.length > 1 ? comparisonTable(labels, results) : undefined;
  if (comparison) writeFileSync(path.join(output, 'comparison.csv'), tableCsv(comparison));
  const policyRows: Table = policiesTable(labels, results);
  for (let p = 0; p < results.length; p++) {
    const dir = p === 0 ? output : path.join(output, labels[p]!);
    mkdirSync(dir, { recursive: true });
    const tables = await writePolicyFiles(dir, table, results[p]!, summaryOf(results[p]!, labels[p]!, input), p === 0 || values['no-case-files'] !== true);
    // DIR/summary.xlsx holds every policy and the comparison; DIR/<policy>/summary.xlsx that policy's tables.
    await writeSummaryWorkbook(path.join(dir, 'summary.xlsx'), p === 0 ? { policies: policyRows, ...tables, comparison } : { policies: { ...policyRows, rows: [policyRows.rows[p]!] }, ...tables });
    writeProgress.update(p + 1);
  }
  writeProgress.finish();
  writeFileSync(path.join(output, 'report.html'), reportHtml(labels, results));

  const seconds = (performance.now() - started) / 1000;
  report(input, table, labels, results, { seconds, grouping: (groupedAt - started) / 1000, pricing: (pricedAt - groupedAt) / 1000 }, output);
  return 0;
}

function readCatalog(file: string, policyFile: string): DipCatalog {
  try {
    return parseDipCatalog(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new CliError(existsSync(file) ? `the DIP catalogue ${file} of the policy ${policyFile} cannot be used: ${(error as Error).message}.` : `cannot read the DIP catalogue of the policy ${policyFile}: ${file} does not exist.`);
  }
}

function readPolicy(file: string): AnyPaymentPolicy {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(existsSync(file) ? `the policy ${file} is not valid JSON: ${(error as Error).message}.` : `cannot read the policy: ${file} does not exist.`);
  }
  try {
    return parsePaymentPolicy(json);
  } catch (error) {
    if (error instanceof PolicyError) throw new CliError(`the policy ${file} is not valid: ${error.problems.map((p) => p.message).join('; ')}.`);
    throw error;
  }
}

/** Folder-safe, distinct labels: the policy's name, else its file name. */
function policyLabels(files: string[], policies: AnyPaymentPolicy[]): string[] {
  const seen = new Set<string>();
  return policies.map((p, i) => {
    const raw = p.name ?? path.basename(files[i]!).replace(/\.json$/i, '');
    const base = raw.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || `policy-${i + 1}`;
    let label = base;
    for (let k = 2; seen.has(label); k++) label = `${base}-${k}`;
    seen.add(label);
    return label;
  });
}

function price(table: CaseTable, policy: AnyPaymentPolicy, file: string, simulateDip: (policy: DipPaymentPolicy) => PolicyResult): PolicyResult {
  try {
    return policy.method === 'dip' ? simulateDip(policy) : simulatePolicy(table, policy);
  } catch (error) {
    if (error instanceof BudgetError) throw new CliError(`the policy ${file}: ${error.message}.`);
    // The DIP catalogue build speaks in sentences too (e.g. no reference case).
    if (policy.method === 'dip' && error instanceof Error) throw new CliError(`the policy ${file}: ${error.message}.`);
    throw error;
  }
}

async function readInProcess(files: string[], formats: InputFormat[], ctx: CaseContext, take: (b: CaseBlock) => void): Promise<void> {
  for (let f = 0; f < files.length; f++) {
    for await (const batch of recordFileBatches(files[f]!, formats[f]!)) take(caseBlock(batch, ctx));
  }
}

/** JSON Lines over worker threads: blocks of whole lines out, CaseBlocks back in input order. */
async function readInWorkers(files: string[], init: { pack: RulePack; modes: AmbiguousMode[]; dip: boolean }, workers: Worker[], take: (b: CaseBlock) => void): Promise<void> {
  initWorkers(workers, init);
  const pool = new OrderedWorkerPool<LineBlock, CaseBlock>(workers, take);
  try {
    for (const file of files) {
      for await (const block of lineBlocks(createReadStream(file, { highWaterMark: 1 << 20 }))) await pool.submit(block, [block.bytes.buffer]);
    }
  } finally {
    await pool.close();
  }
}

function report(input: InputCounts, table: CaseTable, labels: string[], results: PolicyResult[], time: { seconds: number; grouping: number; pricing: number }, output: string): void {
  const lines = [`${input.records.toLocaleString('en')} records: ${table.size.toLocaleString('en')} accepted, ${input.rejected.toLocaleString('en')} rejected, ${input.otherYears.toLocaleString('en')} outside the policy years`];
  results.forEach((r, p) => {
    const o = r.totals.outliers;
    lines.push(
      `${labels[p]}: ${r.totals.cases.toLocaleString('en')} cases paid ${(r.totals.paymentCents / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} yuan for a cost of ${r.totals.totalCost.toLocaleString('en', { maximumFractionDigits: 0 })}` +
        `; ${r.dip ? 'point value' : 'base rate'} ${r.rate.baseRate.toFixed(r.dip ? 4 : 2)}${r.policy.budget !== undefined ? ' (from the budget)' : ''}; in-group rate ${(100 * r.grouping.settlement.inGroupRate).toFixed(2)} %, RIV ${r.weights.quality.riv.toFixed(3)}` +
        `; outliers low ${o.low}, high ${o.high}, review ${o.review}; by item ${o.byItem}`,
    );
  });
  const rate = time.seconds > 0 ? Math.round(input.records / time.seconds) : input.records;
  lines.push(`${time.seconds.toFixed(2)} s (reading and grouping ${time.grouping.toFixed(2)} s, pricing ${results.length} ${results.length === 1 ? 'policy' : 'policies'} ${time.pricing.toFixed(2)} s), ${rate.toLocaleString('en')} cases/s; wrote ${output}`);
  process.stderr.write(lines.join('\n') + '\n');
}
