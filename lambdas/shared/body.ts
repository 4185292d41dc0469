/**
 * Request bodies of settlement records, by Content-Type: a JSON array (or one object),
 * JSON Lines, or CSV (header = field names). The whole body must be well-formed in its format:
 * any item that cannot be read at all makes the request 400, naming the lines; records that
 * are readable but wrong are the validator's business (per-record rejections or 422).
 *
 * A body holding more records than a route takes is refused (413) before anything is parsed:
 * `countRecordsUpTo` scans the text once, without building a value, and stops one record past
 * the limit — a million `{}` in 3 MB is refused after reading its first ~30 KB.
 */
import { HeaderError, readRecordBatches, type RawRecord, type RecordFormat } from '../../models/settlement/readers.ts';
import { invalid, malformed, tooLarge, unsupportedMediaType } from './errors.ts';

export const recordMediaTypes: Record<string, RecordFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
  'text/csv': 'csv',
};

export function recordFormat(contentType: string | undefined): RecordFormat {
  const media = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const format = recordMediaTypes[media];
  if (!format) throw unsupportedMediaType(`Content-Type ${JSON.stringify(media)} is not accepted; send application/json (an array of records), application/x-ndjson (JSON Lines) or text/csv.`);
  return format;
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
  const message = `This body holds more than ${limit.toLocaleString('en')} records; one request takes at most ${limit.toLocaleString('en')} (${setting}). Split it into smaller batches.`;
  throw tooLarge(message, { problems: [{ code: 'too-many', path: 'body', message: `body holds more than ${limit} records; the limit is ${limit}.` }] });
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
  const records: unknown[] = [];
  const broken: RawRecord[] = [];
  try {
    for await (const batch of readRecordBatches(single(body), format)) {
      for (const r of batch) {
        if (r.error !== undefined) broken.push(r);
        else records.push(r.value);
      }
    }
  } catch (error) {
    // A CSV header that names no settlement fields: every record would be wrong, so none is read.
    if (error instanceof HeaderError) throw invalid(`The CSV body cannot be read: ${error.message}`, [{ code: error.missingColumns.length > 0 ? 'required' : 'unknown-field', path: 'header', message: error.message }]);
    throw error;
  }
  if (broken.length > 0) {
    const what = format === 'csv' ? 'CSV' : 'JSON Lines';
    throw malformed(`The body is not well-formed ${what}: ${broken.length} item(s) could not be read, the first at line ${broken[0]!.line}.`, {
      problems: broken.slice(0, 20).map((r) => ({ code: 'invalid-format', path: `line ${r.line}`, message: r.error! })),
    });
  }
  if (format === 'csv' && records.length === 0) throw malformed('The CSV body has a header but no records.');
  return records;
}

async function* single(text: string): AsyncGenerator<string> {
  yield text;
}
