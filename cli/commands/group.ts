/**
 * `payreform group`: settlement records (JSON Lines, CSV, a JSON array or an Excel workbook) → one JSON line per
 * record, in input order: {listId, status, mdc, adrg, drg} (+ errors, warnings, trace).
 * JSON Lines input is spread over worker threads (one per core by default); the output order
 * is the input order whatever the thread count.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { GroupOptions } from '../../models/grouping/drg/grouper.ts';
import type { CodeEditions } from '../../app/record.ts';
import type { RulePack } from '../../models/grouping/drg/pack.ts';
import type { RawRecord } from '../../models/settlement/readers.ts';
import { codeEditionOption, codeEditionOptionSpec, codeEditionUsage, parseOptions, threadsOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { createLineWriter, type LineWriter } from '../../lib/output.ts';
import { inputProgress } from '../../lib/progress.ts';
import { recordFileBatches, recordFileFormat, type InputFormat } from '../../lib/record-file.ts';
import { ambiguousOption, rulePackWhileWorkersBoot, schemeLine, schemeOption, schemeOptions, schemeUsage } from '../../lib/scheme.ts';
import { addGroupCounts, emptyGroupCounts, writeGroupedLine, type ChunkResult, type GroupCounts } from '../../app/group-line.ts';
import { JsonBytes } from '../../models/settlement/json.ts';
import { lineBlocks, type LineBlock } from '../line-blocks.ts';
import { initWorkers, OrderedWorkerPool, parallelFromBytes, startWorkers } from '../../lib/worker-pool.ts';
import { counted, thousands } from '../../models/text/plural.ts';

const usage = `usage: payreform group --input FILE [--output FILE] [--scheme PATH] [--ambiguous qy|fallthrough] [--explain] [--format jsonl|csv|json|xlsx] [--code-edition chs-2.0|gl-2.0] [--threads N]

Groups settlement records (JSON Lines, JSON, CSV or an Excel workbook's first sheet; by the
file's extension, else its content; --input - reads standard input) into DRG groups under a scheme (the national CHS-DRG 1.1 by default,
or a city's own). Output: one JSON line per input record, in input order:
{"listId","status","mdc","adrg","drg"}, plus "errors" for invalid records, "warnings" when
there are any and "trace" with --explain. A summary goes to stderr.
${schemeUsage}
  --ambiguous   qy (official, default): the scheme's own ambiguous groups (xQY) — national: an
                operating-room procedure no surgical ADRG takes; a local scheme: its own rule;
                fallthrough: such cases go on to the MDC's medical ADRGs
  --threads     worker threads for JSON Lines input (default: one per core, at most 4, for files of 8 MB or more; 1 = in-process)
${codeEditionUsage}`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      ...schemeOptions,
      ambiguous: { type: 'string' },
      explain: { type: 'boolean' },
      format: { type: 'string' },
      threads: { type: 'string' },
      ...codeEditionOptionSpec,
    },
    usage,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const input = values.input as string | undefined;
  if (!input) throw new CliError(`--input is required.\n${usage}`, 2);
  if (input !== '-' && !existsSync(input)) throw new CliError(`cannot read the input: ${input} does not exist.`);
  const ambiguous = ambiguousOption(values) ?? 'qy';
  const given = values.format as InputFormat | undefined;
  if (given !== undefined && !['jsonl', 'csv', 'json', 'xlsx'].includes(given)) throw new CliError(`--format must be jsonl, csv, json or xlsx, got "${given}".`, 2);
  // A file's format is checked against its first bytes before anything runs; standard input's as it is read.
  const format = input === '-' ? given : recordFileFormat(input, given);
  const threads = threadsOption(values);
  const codes = codeEditionOption(values);

  // Worker threads pay off on large JSON Lines files; they boot while the scheme compiles.
  const parallel = format === 'jsonl' && threads > 1 && input !== '-' && statSync(input).size >= parallelFromBytes;
  const workers = parallel ? startWorkers(new URL('../group-worker.mjs', import.meta.url), threads) : [];
  const pack = await rulePackWhileWorkersBoot(schemeOption(values), workers);
  const options: GroupOptions = { ambiguous, trace: values.explain === true };
  const out = createLineWriter(values.output as string | undefined);
  const progress = inputProgress('grouping', [input]);
  const started = performance.now();
  const totals = parallel
    ? await groupInWorkers(progress.read<Uint8Array | string>(createReadStream(input, { highWaterMark: 1 << 20 })), pack, options, codes, workers, out)
    : await groupInProcess(recordFileBatches(input, format, progress), pack, options, codes, out);
  await out.close();
  progress.finish();
  const seconds = (performance.now() - started) / 1000;
  const { counts, warned, records } = totals;
  const rate = seconds > 0 ? Math.round(records / seconds) : records;
  process.stderr.write(
    `${counted(records, 'record')}: ${counts.grouped} grouped, ${counts.ambiguous} ambiguous, ${counts.ungroupable} ungroupable, ${counts.invalid} invalid` +
      `${warned > 0 ? ` (${warned} with warnings)` : ''} under ${schemeLine(pack)}; ${seconds.toFixed(2)} s, ${thousands(rate)} cases/s\n`,
  );
  // A run that read no record grouped nothing: it says so and never exits 0.
  if (records === 0) throw new CliError(`${input === '-' ? 'the standard input' : input}: no settlement record was read, so nothing was grouped.`, 2);
  return 0;
}

async function groupInProcess(batches: AsyncIterable<RawRecord[]>, pack: RulePack, options: GroupOptions, codes: CodeEditions, out: LineWriter): Promise<GroupCounts> {
  const ctx = { pack, codeSets: loadCodeSets(), options, ...codes };
  const totals = emptyGroupCounts();
  let bytes = new JsonBytes(1 << 20);
  for await (const batch of batches) {
    for (const raw of batch) writeGroupedLine(bytes, raw, ctx, totals);
    for (const e of totals.errors) process.stderr.write(e + '\n');
    totals.errors.length = 0;
    if (bytes.length >= 1 << 20) {
      await out.writeBlock(bytes.result());
      bytes = new JsonBytes(bytes.result().buffer);
    }
  }
  await out.writeBlock(bytes.result());
  return totals;
}

/**
 * JSON Lines over worker threads: the main thread cuts the input into blocks of whole lines
 * (~1 MB), workers validate and group them, and the results are written back in block order.
 */
async function groupInWorkers(source: AsyncIterable<Uint8Array | string>, pack: RulePack, options: GroupOptions, codes: CodeEditions, workers: Worker[], out: LineWriter): Promise<GroupCounts> {
  initWorkers(workers, { pack, options, codeEdition: codes.codeEdition });
  const totals = emptyGroupCounts();
  const pool = new OrderedWorkerPool<LineBlock, ChunkResult>(workers, async (r) => {
    for (const e of r.errors) process.stderr.write(e + '\n');
    addGroupCounts(totals, { ...r, errors: [] });
    await out.writeBlock(r.output);
  });
  try {
    for await (const block of lineBlocks(source)) await pool.submit(block, [block.bytes.buffer]);
  } finally {
    await pool.close();
  }
  return totals;
}
