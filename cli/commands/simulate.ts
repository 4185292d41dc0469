/**
 * `payreform simulate`: settlement lists + a payment policy (+ policies to compare) → what each
 * hospital would be paid. Cases are read, validated and grouped once (worker threads for large
 * JSON Lines input), then every policy prices the same typed arrays with the pure phases of
 * models/payment/. A `"method": "dip"` policy builds its DIP catalogue from the reference-year
 * cases (or reads the policy's `catalog`) and pays by packet score and point value
 * (models/payment/simulate-dip.ts); DRG and DIP policies can be compared. Writes summary.json, hospitals.csv, groups.csv, cases.jsonl, summary.xlsx (the first
 * policy at the top of DIR, each compared one in DIR/<label>/), comparison.csv and report.html.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { AmbiguousMode } from '../../models/grouping/drg/grouper.ts';
import { BudgetError } from '../../models/payment/base-rate.ts';
import { CaseTableBuilder, type CaseTable } from '../../models/payment/cases.ts';
import { parseDipCatalog, type DipCatalog } from '../../models/grouping/dip/catalog.ts';
import { parsePaymentPolicy, PolicyError, type AnyPaymentPolicy, type DipPaymentPolicy, type DrgPaymentPolicy } from '../../models/payment/policy.ts';
import type { TableWeights } from '../../models/payment/table-weights.ts';
import { policyTableWeights } from '../../app/policy-weights.ts';
import type { PolicyResult } from '../../models/payment/simulate.ts';
import { policyYearsProblem } from '../../app/policy-years.ts';
import { simulatePolicy } from '../../app/simulate.ts';
import { concatDipColumns, simulateDipPolicy, type DipColumns } from '../../models/payment/simulate-dip.ts';
import { caseFilesOption, codeEditionOption, codeEditionOptionSpec, codeEditionUsage, parseOptions, requireOption, threadsOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { recordFileBatches, recordFileFormat, type InputFormat } from '../../lib/record-file.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { createProgress, inputProgress, type InputProgress } from '../../lib/progress.ts';
import { ambiguousOption, rulePackWhileWorkersBoot, schemeIdentity, schemeLine, schemeOption, schemeOptions } from '../../lib/scheme.ts';
import { initWorkers, OrderedWorkerPool, parallelFromBytes, startWorkers } from '../../lib/worker-pool.ts';
import { loadProcedureClasses } from '../dip-records.ts';
import { fileLineBlocks, type LineBlock } from '../line-blocks.ts';
import type { SimulateWorkerInit } from '../simulate-worker.ts';
import { appendBlock, caseBlock, type CaseBlock, type CaseContext } from '../../app/case-block.ts';
import { comparisonTable, policiesTable, summaryOf, tableCsv, writePolicyFiles, writeSummaryWorkbook, type InputCounts, type Table } from '../simulate-output.ts';
import { reportHtml } from '../simulate-report.ts';
import { counted } from '../../models/text/plural.ts';

const usage = `usage: payreform simulate --cases FILE... --policy FILE [--compare FILE...] --output DIR [--scheme PATH] [--ambiguous qy|fallthrough] [--threads N] [--no-case-files] [--code-edition E]

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
  --scheme         the DRG scheme: an OpenDRG directory, an NHSA text directory or a compiled pack
                   (default: CHS-DRG 1.1; --scheme-dir is the older spelling); summary.json's
                   "groupedBy" names the scheme and its pack hash
  --ambiguous      qy | fallthrough for every DRG policy, instead of each policy's "ambiguous"
                   (default qy: the scheme's own ambiguous groups, xQY)
  --threads        worker threads for grouping large JSON Lines input (default: one per core, at most 4)
  --no-case-files  skip cases.jsonl of the compared policies (the first policy's is always written)
${codeEditionUsage}`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      cases: { type: 'string', multiple: true },
      policy: { type: 'string' },
      compare: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o' },
      ...schemeOptions,
      ambiguous: { type: 'string' },
      threads: { type: 'string' },
      'no-case-files': { type: 'boolean' },
      ...codeEditionOptionSpec,
    },
    usage,
    true,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  // `--cases a.jsonl b.jsonl` as well as `--cases a.jsonl --cases b.jsonl`.
  const files = caseFilesOption(values, positionals, usage);
  const policyFiles = [requireOption(values, 'policy', usage), ...((values.compare as string[] | undefined) ?? [])];
  const ambiguous = ambiguousOption(values);
  const policies = policyFiles.map(readPolicy).map((p) => (ambiguous !== undefined && p.method === 'drg' ? { ...p, ambiguous } : p));
  const tables = policies.map((p, i) => (p.method === 'drg' ? readTableWeights(p, policyFiles[i]!) : null));
  const catalogs = policies.map((p, i) => (p.method === 'dip' && p.catalog !== undefined ? readCatalog(path.resolve(path.dirname(policyFiles[i]!), p.catalog), policyFiles[i]!) : undefined));
  const dip = policies.some((p) => p.method === 'dip');
  const labels = policyLabels(policyFiles, policies);
  const output = requireOption(values, 'output', usage);
  const threads = threadsOption(values);
  const codes = codeEditionOption(values);
  const started = performance.now();

  const modes = [...new Set(policies.flatMap((p) => (p.method === 'drg' ? [p.ambiguous] : [])))] as AmbiguousMode[];
  const formats = files.map((f) => recordFileFormat(f));
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const parallel = threads > 1 && formats.every((f) => f === 'jsonl') && bytes >= parallelFromBytes;
  const workers = parallel ? startWorkers(new URL('../simulate-worker.mjs', import.meta.url), threads) : [];
  const pack = await rulePackWhileWorkersBoot(schemeOption(values), workers);
  warnOfOtherSchemes(policyFiles, pack.scheme);
  const progress = inputProgress('reading and grouping', files);
  // Room for the cases of a file of ~500-byte records, so the columns seldom grow (each growth copies them).
  const builder = new CaseTableBuilder(modes, Math.max(1 << 16, Math.ceil(bytes / 512)));
  const input: InputCounts = { files, records: 0, rejected: 0, otherYears: 0 };
  const errors: string[] = [];
  const dipBlocks: DipColumns[] = [];
  const take = (block: CaseBlock) => {
    appendBlock(builder, block);
    if (block.dip) dipBlocks.push(block.dip);
    input.records += block.records;
    input.rejected += block.rejected;
    for (const e of block.errors) if (errors.length < 10) errors.push(e);
  };
  if (parallel) initWorkers(workers, { pack, modes, dip, codeEdition: codes.codeEdition } satisfies SimulateWorkerInit);
  // The pack's hash (summary.json's groupedBy, ~0.1 s of CPU) is taken while the workers have
  // blocks to group, not before they get any nor after the reading.
  const hashPack = () => void schemeIdentity(pack);
  if (parallel) await readInWorkers(files, workers, take, progress, hashPack);
  else await readInProcess(files, formats, { pack, codeSets: loadCodeSets(), ...codes, modes, dip }, take, progress);
  progress.finish();
  const table = builder.finish();
  const groupedAt = performance.now();
  for (const e of errors) process.stderr.write(`rejected: ${e}\n`);
  if (input.rejected > errors.length) process.stderr.write(`… ${input.rejected - errors.length} more rejected records\n`);

  const yearsWithCases = distinctYears(table.year);
  policies.forEach((policy, p) => {
    const problem = policyYearsProblem({ ...policy, catalog: policy.method === 'dip' ? policy.catalog : undefined }, yearsWithCases);
    if (problem) throw new CliError(`the policy ${policyFiles[p]}: ${problem}.`, 2);
  });
  const dipInput = dip ? { dip: concatDipColumns(dipBlocks), procedureClasses: loadProcedureClasses(), builtAt: new Date().toISOString() } : null;
  const results = policies.map((policy, p) => price(table, policy, policyFiles[p]!, tables[p] ?? null, (dipPolicy) => simulateDipPolicy(table, dipPolicy, { ...dipInput!, catalog: catalogs[p] })));
  const pricedAt = performance.now();
  const years = new Set(policies.flatMap((p) => [...p.referenceYears, p.settlementYear]));
  for (const y of yearsWithCases) if (!years.has(y)) input.otherYears += yearCount(table.year, y);

  mkdirSync(output, { recursive: true });
  const writeProgress = createProgress('writing', results.length);
  const comparison = results.length > 1 ? comparisonTable(labels, results) : undefined;
  if (comparison) writeFileSync(path.join(output, 'comparison.csv'), tableCsv(comparison));
  const policyRows: Table = policiesTable(labels, results);
  for (let p = 0; p < results.length; p++) {
    const dir = p === 0 ? output : path.join(output, labels[p]!);
    mkdirSync(dir, { recursive: true });
    const tables = await writePolicyFiles(dir, table, results[p]!, { ...summaryOf(results[p]!, labels[p]!, input), groupedBy: schemeIdentity(pack) }, p === 0 || values['no-case-files'] !== true);
    // DIR/summary.xlsx holds every policy and the comparison; DIR/<policy>/summary.xlsx that policy's tables.
    await writeSummaryWorkbook(path.join(dir, 'summary.xlsx'), p === 0 ? { policies: policyRows, ...tables, comparison } : { policies: { ...policyRows, rows: [policyRows.rows[p]!] }, ...tables });
    writeProgress.update(p + 1);
  }
  writeProgress.finish();
  writeFileSync(path.join(output, 'report.html'), reportHtml(labels, results));

  const seconds = (performance.now() - started) / 1000;
  report(input, table, labels, results, { seconds, grouping: (groupedAt - started) / 1000, pricing: (pricedAt - groupedAt) / 1000 }, output, schemeLine(pack));
  return 0;
}

/** The years of the cases (runs of one year, as in a file per year, cost one comparison a case). */
function distinctYears(year: Int32Array): Set<number> {
  const seen = new Set<number>();
  let last = Number.NaN;
  for (let i = 0; i < year.length; i++) {
    if (year[i] !== last) {
      last = year[i]!;
      seen.add(last);
    }
  }
  return seen;
}

function yearCount(year: Int32Array, y: number): number {
  let n = 0;
  for (let i = 0; i < year.length; i++) if (year[i] === y) n++;
  return n;
}

function readCatalog(file: string, policyFile: string): DipCatalog {
  try {
    return parseDipCatalog(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new CliError(existsSync(file) ? `the DIP catalogue ${file} of the policy ${policyFile} cannot be used: ${(error as Error).message}.` : `cannot read the DIP catalogue of the policy ${policyFile}: ${file} does not exist.`);
  }
}

/** A policy file, parsed and validated, or a CliError naming the file. */
export function readPolicy(file: string): AnyPaymentPolicy {
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

/**
 * The weights of a policy's `weightsTable`: a CSV path relative to the policy file (or absolute),
 * read and checked by app/policy-weights.ts; what is wrong with it is a usage error (exit 2).
 */
function readTableWeights(policy: DrgPaymentPolicy, policyFile: string): TableWeights | null {
  try {
    return policyTableWeights(policy, (name) => {
      const file = path.resolve(path.dirname(policyFile), name);
      return existsSync(file) && statSync(file).isFile() ? { name: path.basename(file), text: readFileSync(file, 'utf8') } : { missing: `${file} does not exist (a path relative to the policy file, or absolute)` };
    });
  } catch (error) {
    if (error instanceof PolicyError) throw new CliError(`the policy ${policyFile}: ${error.problems.map((p) => p.message).join('; ')}.`, 2);
    throw error;
  }
}

/**
 * A policy that names its scheme (`"scheme"`) while the cases are grouped under another one: its
 * weights or table were meant for other groups. Said on stderr, since `--scheme` decides.
 */
function warnOfOtherSchemes(files: string[], grouped: string): void {
  for (const file of files) {
    const named = (JSON.parse(readFileSync(file, 'utf8')) as { scheme?: unknown }).scheme;
    if (typeof named === 'string' && named !== grouped) process.stderr.write(`warning: the policy ${file} names the scheme ${named}, but the cases are grouped under ${grouped} (--scheme decides)\n`);
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

function price(table: CaseTable, policy: AnyPaymentPolicy, file: string, tableWeights: TableWeights | null, simulateDip: (policy: DipPaymentPolicy) => PolicyResult): PolicyResult {
  try {
    return policy.method === 'dip' ? simulateDip(policy) : simulatePolicy(table, policy, tableWeights);
  } catch (error) {
    if (error instanceof BudgetError) throw new CliError(`the policy ${file}: ${error.message}.`);
    // The DIP catalogue build speaks in sentences too (e.g. no reference case).
    if (policy.method === 'dip' && error instanceof Error) throw new CliError(`the policy ${file}: ${error.message}.`);
    throw error;
  }
}

async function readInProcess(files: string[], formats: InputFormat[], ctx: CaseContext, take: (b: CaseBlock) => void, progress: InputProgress): Promise<void> {
  for (let f = 0; f < files.length; f++) {
    for await (const batch of recordFileBatches(files[f]!, formats[f]!, progress)) take(caseBlock(batch, ctx));
  }
}

/**
 * JSON Lines over worker threads (initialised): blocks of whole lines out, CaseBlocks back in
 * input order. `busy` runs once every worker has two blocks to group (main-thread work that
 * would otherwise hold up the first blocks).
 */
async function readInWorkers(files: string[], workers: Worker[], take: (b: CaseBlock) => void, progress: InputProgress, busy: () => void): Promise<void> {
  // Up to 8 blocks (~8 MB) per worker in flight: results are delivered in input order, so with 3
  // a worker that had finished its blocks sat idle whenever the other, given less of a shared
  // core, still held the oldest one.
  const pool = new OrderedWorkerPool<LineBlock, CaseBlock>(workers, take, workers.length * 8);
  let bytesRead = 0;
  let sent = 0;
  try {
    for (const file of files) {
      for await (const block of fileLineBlocks(file, (n) => progress.update((bytesRead += n)))) {
        await pool.submit(block, [block.bytes.buffer]);
        if (++sent === 2 * workers.length) busy();
      }
    }
    if (sent < 2 * workers.length) busy();
  } finally {
    await pool.close();
  }
}

function report(input: InputCounts, table: CaseTable, labels: string[], results: PolicyResult[], time: { seconds: number; grouping: number; pricing: number }, output: string, scheme: string): void {
  const lines = [`${counted(input.records, 'record')}: ${table.size.toLocaleString('en')} accepted, ${input.rejected.toLocaleString('en')} rejected, ${input.otherYears.toLocaleString('en')} outside the policy years; grouped under ${scheme}`];
  results.forEach((r, p) => {
    const o = r.totals.outliers;
    lines.push(
      `${labels[p]}: ${counted(r.totals.cases, 'case')} paid ${(r.totals.paymentCents / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} yuan for a cost of ${r.totals.totalCost.toLocaleString('en', { maximumFractionDigits: 0 })}` +
        `; ${r.dip ? 'point value' : 'base rate'} ${r.rate.baseRate.toFixed(r.dip ? 4 : 2)}${r.policy.budget !== undefined ? ' (from the budget)' : ''}; in-group rate ${(100 * r.grouping.settlement.inGroupRate).toFixed(2)} %, RIV ${r.weights.quality.riv.toFixed(3)}` +
        `; outliers low ${o.low}, high ${o.high}, review ${o.review}; by item ${o.byItem}`,
    );
    const w = r.weights.table;
    if (w) lines.push(`  weights from ${w.table} (column ${w.column}, ${w.relativeWeights.size} groups)`);
    const unweighted = r.unweighted ?? [];
    if (unweighted.length > 0) {
      const shown = unweighted.slice(0, 10).map((u) => `${u.drg} (${u.cases})`).join(', ');
      lines.push(`  ${unweighted.reduce((s, u) => s + u.cases, 0).toLocaleString('en')} cases of ${unweighted.length} groups without a weight${w ? ' in the table' : ''}, paid by item: ${shown}${unweighted.length > 10 ? `, … (summary.json lists them all)` : ''}`);
    }
  });
  const rate = time.seconds > 0 ? Math.round(input.records / time.seconds) : input.records;
  lines.push(`${time.seconds.toFixed(2)} s (reading and grouping ${time.grouping.toFixed(2)} s, pricing ${counted(results.length, 'policy', 'policies')} ${time.pricing.toFixed(2)} s), ${rate.toLocaleString('en')} cases/s; wrote ${output}`);
  process.stderr.write(lines.join('\n') + '\n');
}
