/**
 * `payreform monitor`: screen settlement lists for split admissions, upcoding, low-severity and
 * frequent admissions, high-cost cases and abnormal drug shares (models/supervision/). Reads
 * and groups the cases itself, writes one JSON line per flag and prints a summary by hospital
 * and rule on stderr.
 */
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parsePaymentTable, relativeWeights } from '../../models/payment/payment-table.ts';
import { SupervisionTableBuilder } from '../../models/supervision/case-table.ts';
import type { PolicyFigures } from '../../models/supervision/group-norms.ts';
import { parseRuleSet, ruleDefinitions, ruleIds, RuleSetError, type RuleSet } from '../../models/supervision/rule-set.ts';
import { screenCases, type ScreenResult } from '../../models/supervision/screen.ts';
import { caseFilesOption, codeEditionOption, codeEditionOptionSpec, codeEditionUsage, parseOptions, threadsOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { recordFileBatches, recordFileFormat, type InputFormat } from '../../lib/record-file.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { createLineWriter } from '../../lib/output.ts';
import { createProgress, inputProgress } from '../../lib/progress.ts';
import { counted } from '../../models/text/plural.ts';
import { ambiguousOption, rulePackWhileWorkersBoot, schemeIdentity, schemeLine, schemeOption, schemeOptions } from '../../lib/scheme.ts';
import { initWorkers, OrderedWorkerPool, parallelFromBytes, startWorkers } from '../../lib/worker-pool.ts';
import { lineBlocks } from '../line-blocks.ts';
import { addRecords, emptyTally, takeBlock, type MonitorBlock, type MonitorTask } from '../monitor-cases.ts';

const usage = `usage: payreform monitor --cases FILE... [--rules FILE] --output FILE.jsonl [--hospitals FILE.json]
                         [--payment-table FILE] [--scheme PATH] [--ambiguous qy|fallthrough] [--threads N] [--code-edition E]

Screens settlement records (JSON Lines, CSV or JSON; several files are one population) with the
supervision rules and writes one JSON line per flag:
  {"rule","hospitalId","listId" (null for a flag on the hospital as a whole),"score","evidence"}
A summary by hospital and rule goes to stderr.
  --rules          rule set JSON (defaults for everything it leaves out); see the README
  --hospitals      also write the hospital risk scores, ranked, with each rule's contribution
  --payment-table  a city DRG table: its RWs and payment standards (by hospital level) replace
                   the ones derived from the data (trimmed group means)
  --scheme         the DRG scheme the cases are grouped by: an OpenDRG directory, an NHSA text
                   directory or a compiled pack (default: CHS-DRG 1.1; --scheme-dir is the older
                   spelling); the summary and --hospitals name it and its pack hash
  --ambiguous      qy (default: the scheme's own ambiguous groups, xQY) or fallthrough
${codeEditionUsage}
  --threads        worker threads for reading and grouping JSON Lines input (default: one per
                   core, at most 4, for inputs of 8 MB or more; 1 = in-process)

Rules:
${ruleIds.map((r) => `  ${r}: ${ruleDefinitions[r]}`).join('\n')}`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(
    argv,
    { cases: { type: 'string', multiple: true }, rules: { type: 'string' }, output: { type: 'string', short: 'o' }, hospitals: { type: 'string' }, 'payment-table': { type: 'string' }, ...schemeOptions, ambiguous: { type: 'string' }, threads: { type: 'string' }, ...codeEditionOptionSpec },
    usage,
    true,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const files = caseFilesOption(values, positionals, usage);
  const output = values.output as string | undefined;
  if (!output) throw new CliError(`--output is required.\n${usage}`, 2);
  const ambiguous = ambiguousOption(values) ?? 'qy';
  const ruleSet = readRuleSet(values.rules as string | undefined);
  const policy = values['payment-table'] ? readPolicy(values['payment-table'] as string) : {};

  const threads = threadsOption(values);

  const started = performance.now();
  // Worker threads pay off on large JSON Lines inputs; they boot while the scheme loads.
  const formats: InputFormat[] = files.map((f) => recordFileFormat(f));
  const parallel = threads > 1 && formats.every((f) => f === 'jsonl') && files.reduce((s, f) => s + statSync(f).size, 0) >= parallelFromBytes;
  const workers = parallel ? startWorkers(new URL('../monitor-worker.mjs', import.meta.url), threads) : [];
  const pack = await rulePackWhileWorkersBoot(schemeOption(values), workers);
  const builder = new SupervisionTableBuilder(1 << 16);
  const tally = emptyTally();
  const codes = codeEditionOption(values);
  const progress = inputProgress('reading and grouping', files);
  if (parallel) {
    initWorkers(workers, { pack, ambiguous, codeEdition: codes.codeEdition });
    const pool = new OrderedWorkerPool<MonitorTask, MonitorBlock>(workers, (block) => takeBlock(block, builder, tally));
    try {
      for (const file of files) {
        const name = path.basename(file);
        for await (const block of lineBlocks(progress.read<Uint8Array>(createReadStream(file, { highWaterMark: 1 << 20 })))) await pool.submit({ block, file: name }, [block.bytes.buffer]);
      }
    } finally {
      await pool.close();
    }
  } else {
    const ctx = { pack, codeSets: loadCodeSets(), ...codes, ambiguous };
    for (let f = 0; f < files.length; f++) {
      for await (const batch of recordFileBatches(files[f]!, formats[f]!, progress)) addRecords(batch, ctx, builder, tally, path.basename(files[f]!));
    }
  }
  progress.finish();
  for (const e of tally.errors) process.stderr.write(e + '\n');
  // A run that read no record screened nothing: it says so and never exits 0.
  if (tally.records === 0) throw new CliError(`${files.join(', ')}: no settlement record was read, so nothing was screened.`, 2);
  const table = builder.finish();
  const read = performance.now();
  const result = screenCases(table, ruleSet, policy);
  const screened = performance.now();

  const out = createLineWriter(output);
  const writing = createProgress('writing flags', result.flags.length);
  let k = 0;
  for (const f of result.flags) {
    const w = out.write(`{"rule":"${f.rule}","hospitalId":${JSON.stringify(f.hospitalId)},"listId":${f.listId === null ? 'null' : JSON.stringify(f.listId)},"score":${Math.round(f.score * 10_000) / 10_000},"evidence":${JSON.stringify(f.evidence)}}`);
    if (w) await w;
    if (++k % 10_000 === 0) writing.update(k);
  }
  await out.close();
  writing.finish();
  if (values.hospitals) writeFileSync(values.hospitals as string, JSON.stringify({ ruleSet: result.ruleSet, groupedBy: schemeIdentity(pack), cases: result.cases, hospitals: result.hospitals }, null, 2) + '\n');
  process.stderr.write(summary(result, tally, (read - started) / 1000, (screened - read) / 1000, schemeLine(pack)));
  return 0;
}

function readRuleSet(file: string | undefined): RuleSet {
  if (file === undefined) return parseRuleSet({});
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the rule set ${file}: ${(error as Error).message}`);
  }
  try {
    return parseRuleSet(json);
  } catch (error) {
    if (error instanceof RuleSetError) throw new CliError(`${file}: ${error.problems.map((p) => p.message).join('; ')}`);
    throw error;
  }
}

/** RWs and payment standards of a city table: per DRG, the first standard column of the case's hospital level (else the first column). */
function readPolicy(file: string): PolicyFigures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read the payment table ${file}.`);
  }
  const table = parsePaymentTable(path.basename(file), text);
  const columnOfLevel = [1, 2, 3].map((l) => table.standardColumns.findIndex((c) => c.level === l));
  const rows = new Map(table.rows.map((r) => [r.drg, r]));
  return {
    name: table.name,
    relativeWeights: relativeWeights(table),
    standard: (drg, level) => {
      const row = rows.get(drg);
      if (!row) return undefined;
      const column = columnOfLevel[level - 1] ?? -1;
      return row.standards[column >= 0 ? column : 0] ?? undefined;
    },
  };
}

function summary(result: ScreenResult, tally: ReturnType<typeof emptyTally>, readSeconds: number, screenSeconds: number, scheme: string): string {
  const lines: string[] = [];
  const rate = (n: number, s: number) => Math.round(n / Math.max(s, 1e-9)).toLocaleString('en');
  lines.push(
    `${counted(tally.records, 'record')}: ${tally.accepted.toLocaleString('en')} screened, ${tally.rejected} rejected; grouped under ${scheme}; read and grouped in ${readSeconds.toFixed(2)} s (${rate(tally.records, readSeconds)}/s), screened in ${screenSeconds.toFixed(2)} s (${rate(result.cases, screenSeconds)} cases/s); rule set "${result.ruleSet.name}" v${result.ruleSet.version}.`,
  );
  lines.push(`${counted(result.flags.length, 'flag')}:`);
  for (const r of ruleIds) lines.push(`  ${r.padEnd(24)} ${String(result.byRule[r].caseFlags).padStart(7)} cases  ${String(result.byRule[r].hospitalFlags).padStart(4)} hospital-level`);
  const short: Record<string, string> = { 'split-admission': 'split', upcoding: 'upcode', 'low-severity-admission': 'lowsev', 'frequent-admission': 'freq', 'high-cost': 'cost', 'drug-share': 'drug' };
  const shown = result.hospitals.slice(0, 20);
  lines.push(`Hospitals by risk (case flags / hospital-level flags)${result.hospitals.length > shown.length ? `, top ${shown.length} of ${result.hospitals.length}` : ''}:`);
  lines.push(`  ${'rank'.padStart(4)} ${'hospital'.padEnd(12)} ${'risk'.padStart(5)} ${'cases'.padStart(8)} ${ruleIds.map((r) => short[r]!.padStart(10)).join('')}`);
  for (const h of shown) {
    lines.push(`  ${String(h.rank).padStart(4)} ${h.hospitalId.padEnd(12)} ${h.risk.toFixed(1).padStart(5)} ${String(h.cases).padStart(8)} ${ruleIds.map((r) => `${h.rules[r].caseFlags}/${h.rules[r].hospitalFlags}`.padStart(10)).join('')}`);
  }
  return lines.join('\n') + '\n';
}
