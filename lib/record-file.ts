/**
 * Settlement records of one file (or `-`, standard input), in batches: JSON Lines, JSON and CSV
 * streamed in 1 MB chunks through the readers of `models/settlement/readers.ts`, Excel workbooks
 * (.xlsx, first sheet) row by row through `lib/xlsx.ts` — the same records for the same table.
 *
 * The format is the file's extension (or `format` when the caller was told one), else its
 * content. Content that is not that format (an `.xlsx` holding JSON Lines text, a `.jsonl` that is
 * a zip, a `.csv` that is binary), a header that names no record fields and a workbook that cannot
 * be read each stop the run with one sentence naming the file (exit code 2), so a run over
 * several files says which one.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { HeaderError, readRecordBatches, type RawRecord } from '../models/settlement/readers.ts';
import { CliError } from './cli-error.ts';
import type { InputProgress } from './progress.ts';
import { contentMismatch, formatOfContent, formatOfName, sniffBytes, type InputFormat } from './record-content.ts';

export type { InputFormat } from './record-content.ts';

/** How a file's name shows in messages (`-` is standard input). */
const shown = (file: string): string => (file === '-' ? 'the standard input' : file);

/** An input that cannot be opened, in one sentence. */
function unreadable(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new CliError(`cannot read the input: ${file} does not exist.`);
  if (code === 'EISDIR') return new CliError(`cannot read the input: ${file} is a directory.`);
  if (code === 'EACCES') return new CliError(`cannot read the input: ${file} is not readable (permission denied).`);
  return error;
}

/** The first bytes of a file (at most `sniffBytes`). */
function fileHead(file: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const head = new Uint8Array(sniffBytes);
    return head.subarray(0, readSync(fd, head, 0, sniffBytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** The format of content starting with `head` from `file`: `format`, else the name's, else the content's; a CliError (exit 2) when the content is not that format. */
function checkedFormat(file: string, head: Uint8Array, format?: InputFormat): InputFormat {
  const chosen = format ?? formatOfName(file) ?? formatOfContent(head);
  const mismatch = contentMismatch(chosen, head);
  if (mismatch !== null) throw new CliError(`${shown(file)} ${mismatch.says}; ${mismatch.advice ?? 'name a file after its format (.jsonl, .json, .csv or .xlsx)'}.`, 2);
  return chosen;
}

/**
 * The format of a record file, checked against its first bytes before anything is read — for
 * commands that choose how to read (worker threads for JSON Lines) before reading, and to check
 * every input of a run up front. Not for `-` (standard input cannot be read twice).
 */
export function recordFileFormat(file: string, format?: InputFormat): InputFormat {
  return checkedFormat(file, fileHead(file), format);
}

/** Settlement records of `file` (`-`: standard input) in batches; see the module comment. */
export async function* recordFileBatches(file: string, format?: InputFormat, progress?: InputProgress): AsyncGenerator<RawRecord[]> {
  const opened: AsyncIterable<Uint8Array> = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  // With `progress`, the file's bytes count towards the run's percentage and time left.
  const stream: AsyncIterable<Uint8Array> = progress ? progress.read<Uint8Array>(opened) : opened;
  const chunks = stream[Symbol.asyncIterator]();
  const first = await chunks.next().catch((error: unknown) => {
    throw unreadable(file, error);
  });
  const head: Uint8Array = first.done ? new Uint8Array(0) : first.value;
  const chosen = checkedFormat(file, head, format);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (first.done) return;
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  // exceljs is loaded only when a workbook is read: the other commands and formats start without it.
  const xlsx = chosen === 'xlsx' ? await import('./xlsx.ts') : null;
  try {
    if (xlsx) yield* xlsx.readXlsxRecordBatches(Readable.from(all()));
    else yield* readRecordBatches(all(), chosen as Exclude<InputFormat, 'xlsx'>);
  } catch (error) {
    if (error instanceof HeaderError) throw new CliError(`${shown(file)}: ${error.message}`, 2);
    if (xlsx && error instanceof xlsx.WorkbookError) throw new CliError(`${shown(file)} cannot be read as an Excel workbook (.xlsx): ${error.message}.`, 2);
    throw error;
  }
}
