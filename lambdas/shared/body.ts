/**
 * Request bodies of settlement records, by Content-Type: a JSON array (or one object),
 * JSON Lines, CSV (header = field names) or an Excel workbook (.xlsx: its first sheet read as CSV
 * is, through the same table reader). A body whose content is not its Content-Type's format (a
 * workbook sent as text/csv, JSON sent as a workbook) is refused with 415 before it is parsed.
 * The whole body must be well-formed in its format:
 * any item that cannot be read at all makes the request 400, naming the lines; records that
 * are readable but wrong are the validator's business (per-record rejections or 422).
 *
 * A body holding more records than a route takes is refused (413) before anything is parsed:
 * `countRecordsUpTo` scans the text once, without building a value, and stops one record past
 * the limit — a million `{}` in 3 MB is refused after reading its first ~30 KB.
 */
import { HeaderError, readRecordBatches, type RawRecord, type RecordFormat } from '../../models/settlement/readers.ts';
import { contentMismatch, formatNames, sniffBytes, xlsxMediaType, type InputFormat } from '../../lib/record-content.ts';
import { invalid, malformed, tooLarge, unsupportedMediaType, type ServiceError } from './errors.ts';

export const recordMediaTypes: Record<string, InputFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
  'text/csv': 'csv',
  [xlsxMediaType]: 'xlsx',
};

const acceptedTypes = `application/json (an array of records), application/x-ndjson (JSON Lines), text/csv or ${xlsxMediaType} (an Excel workbook)`;

export function recordFormat(contentType: string | undefined): InputFormat {
  const media = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const format = recordMediaTypes[media];
  if (!format) throw unsupportedMediaType(`Content-Type ${JSON.stringify(media)} is not accepted; send ${acceptedTypes}.`);
  return format;
}

/** 415 when the body's first bytes are not its Content-Type's format (a workbook sent as text/csv, JSON Lines sent as a workbook). */
export function checkBodyContent(bytes: Uint8Array, format: InputFormat): void {
  const mismatch = contentMismatch(format, bytes.subarray(0, sniffBytes));
  if (mismatch === null) return;
  throw unsupportedMediaType(`The body ${mismatch.says}, yet its Content-Type says ${formatNames[format]}; ${mismatch.advice ?? `send it with the Content-Type of its format: ${acceptedTypes}`}.`);
}

/** A body as the handlers have it: its text, and its bytes (for workbooks). */
export interface RecordBody {
  text: string;
  bytes: () => Uint8Array;
}

/**
 * A record body as text in a text format, at most `limit` records (413 past it, naming
 * `setting`): a text body as it came, once its first bytes are found to be its Content-Type's
 * format (415 otherwise); a workbook as the JSON Lines of its first sheet's records. So ingest
 * keeps (and replays) a workbook batch as those records, pseudonymised as any JSON Lines body is —
 * never the workbook, whose cells would keep patient ids in clear.
 */
export async function textRecordBody(body: RecordBody, format: InputFormat, limit: number, setting: string): Promise<{ text: string; format: RecordFormat }> {
  const bytes = body.bytes();
  if (format === 'xlsx' && bytes.length === 0) throw malformed('The body is empty; send at least one settlement record.');
  checkBodyContent(bytes, format);
  if (format !== 'xlsx') {
    enforceRecordLimit(body.text, format, limit, setting);
    return { text: body.text, format };
  }
  // exceljs is loaded only when a workbook comes: the text routes' cold starts do not pay for it.
  const { readXlsxRecordBatches, WorkbookError } = await import('../../lib/xlsx.ts');
  const records = await collectRecords(readXlsxRecordBatches(bytes), 'workbook', limit, setting, WorkbookError);
  if (records.length === 0) throw malformed('The workbook\'s first sheet has a header but no records.');
  return { text: records.map((r) => `${JSON.stringify(r)}\n`).join(''), format: 'jsonl' };
}

/**
 * The number of records in `body`, counted without parsing and only up to `limit + 1` (the scan
 * stops there): elements of a top-level JSON array (a lone JSON value is one record), non-blank
 * JSON Lines, CSV rows after the header (quoted fields may hold line breaks). A malformed body
 * is counted as far as it goes; parsing reports it afterwards.
 */
export function countRecordsUpTo(body: string, format: RecordFormat, limit: number): number {
  if (format === 'json') return countJsonElements(body, limit);
  if (format === 'jsonl') return countLines(body, limit);
  return Math.max(0, countCsvRows(body, limit + 1) - 1);
}

/** 413 when the body holds more than `limit` records (`setting` names the configuration that sets it). */
export function enforceRecordLimit(body: string, format: RecordFormat, limit: number, setting: string): void {
  if (countRecordsUpTo(body, format, limit) <= limit) return;
  throw tooManyRecords(limit, setting);
}

function tooManyRecords(limit: number, setting: string): ServiceError {
  const message = `This body holds more than ${limit.toLocaleString('en')} records; one request takes at most ${limit.toLocaleString('en')} (${setting}). Split it into smaller batches.`;
  return tooLarge(message, { problems: [{ code: 'too-many', path: 'body', message: `body holds more than ${limit} records; the limit is ${limit}.` }] });
}

const Ch = {
  Tab: 9, LineFeed: 10, Return: 13, Space: 32, Quote: 34, Comma: 44, Backslash: 92,
  OpenBracket: 91, CloseBracket: 93, OpenBrace: 123, CloseBrace: 125, Bom: 0xfeff,
} as const;

function isBlank(c: number): boolean {
  return c === Ch.Space || c === Ch.LineFeed || c === Ch.Return || c === Ch.Tab || c === Ch.Bom;
}

/** Elements of the top-level JSON array (1 for any other value), up to limit + 1. */
function countJsonElements(text: string, limit: number): number {
  let i = 0;
  const n = text.length;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (i === n) return 0;
  if (text.charCodeAt(i) !== Ch.OpenBracket) return 1;
  let depth = 0;
  let count = 0;
  let expecting = true;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.Quote) {
      if (depth === 1 && expecting) {
        count++;
        expecting = false;
        if (count > limit) return count;
      }
      for (i++; i < n; i++) {
        const s = text.charCodeAt(i);
        if (s === Ch.Backslash) i++;
        else if (s === Ch.Quote) break;
      }
      continue;
    }
    if (c === Ch.OpenBracket || c === Ch.OpenBrace) {
      if (depth === 1 && expecting) {
        count++;
        expecting = false;
        if (count > limit) return count;
      }
      depth++;
    } else if (c === Ch.CloseBracket || c === Ch.CloseBrace) {
      depth--;
      if (depth === 0) return count;
    } else if (depth === 1) {
      if (c === Ch.Comma) expecting = true;
      else if (expecting && !isBlank(c)) {
        count++;
        expecting = false;
        if (count > limit) return count;
      }
    }
  }
  return count;
}

/** Lines holding anything but blanks, up to limit + 1. */
function countLines(text: string, limit: number): number {
  let count = 0;
  let filled = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.LineFeed) {
      if (filled && ++count > limit) return count;
      filled = false;
    } else if (!filled && !isBlank(c)) filled = true;
  }
  return filled ? count + 1 : count;
}

/** Non-empty CSV rows, the header included (a line break inside quotes does not end a row), up to `stop`. */
function countCsvRows(text: string, stop: number): number {
  let count = 0;
  let filled = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.Quote) {
      quoted = !quoted;
      filled = true;
    } else if (c === Ch.LineFeed && !quoted) {
      if (filled && ++count > stop) return count;
      filled = false;
    } else if (!filled && c !== Ch.Return) filled = true;
  }
  return filled ? count + 1 : count;
}

/** Parse the body into raw records (not yet validated); 400 when the body is not well-formed. */
export async function parseRecords(body: string, format: RecordFormat): Promise<unknown[]> {
  if (body.trim() === '') throw malformed('The body is empty; send at least one settlement record.');
  if (format === 'json') {
    // The whole document must be JSON: a broken document is one 400, not a list of fragments.
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      throw malformed(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
    }
    return Array.isArray(value) ? value : [value];
  }
  const records = await collectRecords(readRecordBatches(single(body), format), format === 'csv' ? 'CSV' : 'JSON Lines');
  if (format === 'csv' && records.length === 0) throw malformed('The CSV body has a header but no records.');
  return records;
}

/**
 * The values of raw records; the body is refused when any item could not be read at all (400,
 * naming the lines or rows), its header names no record fields (422), or it passes `limit` (413).
 */
async function collectRecords(batches: AsyncIterable<RawRecord[]>, what: 'CSV' | 'JSON Lines' | 'workbook', limit = Infinity, setting = '', workbookError?: new (...args: never[]) => Error): Promise<unknown[]> {
  const records: unknown[] = [];
  const broken: RawRecord[] = [];
  try {
    for await (const batch of batches) {
      for (const r of batch) {
        if (r.error !== undefined) broken.push(r);
        else records.push(r.value);
      }
      if (records.length + broken.length > limit) throw tooManyRecords(limit, setting);
    }
  } catch (error) {
    // A header that names no settlement fields: every record would be wrong, so none is read.
    const body = what === 'workbook' ? 'The workbook' : `The ${what} body`;
    if (error instanceof HeaderError) throw invalid(`${body} cannot be read: ${error.message}`, [{ code: error.missingColumns.length > 0 ? 'required' : 'unknown-field', path: 'header', message: error.message }]);
    if (workbookError !== undefined && error instanceof workbookError) throw malformed(`The body cannot be read as an Excel workbook (.xlsx): ${error.message}.`);
    throw error;
  }
  if (broken.length > 0) {
    const where = what === 'workbook' ? `The workbook's first sheet is not a well-formed table: ${broken.length} row(s) could not be read, the first at row ${broken[0]!.line}.` : `The body is not well-formed ${what}: ${broken.length} item(s) could not be read, the first at line ${broken[0]!.line}.`;
    throw malformed(where, {
      problems: broken.slice(0, 20).map((r) => ({ code: 'invalid-format', path: `line ${r.line}`, message: r.error! })),
    });
  }
  return records;
}

async function* single(text: string): AsyncGenerator<string> {
  yield text;
}
