/**
 * Streaming readers of settlement records: JSON Lines, CSV and JSON (a top-level array, or one
 * or more top-level objects). Pure — they take chunks (bytes or text), never files — and hold at
 * most one chunk plus one unfinished record in memory, so a 1 GB file streams through.
 *
 * Each input item becomes one `RawRecord` in input order: either a parsed `value` (validated
 * later) or an `error` sentence when the item could not be parsed at all; the run goes on, so
 * records out = items in.
 */
import { readCsvRows } from '../text/csv.ts';
import { decodeChunks } from '../text/lines.ts';
import { costCategories, settlementFields } from './schema.ts';
import { counted, nounFor } from '../text/plural.ts';

export type RecordFormat = 'json' | 'jsonl' | 'csv';

export interface RawRecord {
  /** 0-based position of the record in the input (broken items count). */
  index: number;
  /** 1-based line on which the record starts. */
  line: number;
  /** The parsed record, not yet validated (absent when `error` is set). */
  value?: unknown;
  /** A sentence when the item could not be parsed at all (broken JSON, bad CSV row). */
  error?: string;
}

/** Read records of `format` from byte or text chunks, one at a time. */
export async function* readRecords(chunks: AsyncIterable<Uint8Array | string>, format: RecordFormat): AsyncGenerator<RawRecord> {
  for await (const batch of readRecordBatches(chunks, format)) {
    for (const record of batch) yield record;
  }
}

/**
 * The same records as `readRecords`, a batch (the records completed by one input chunk) at a
 * time: one `await` per chunk instead of per record, which matters at 10⁵–10⁶ records/s.
 * Batches are never empty.
 */
export function readRecordBatches(chunks: AsyncIterable<Uint8Array | string>, format: RecordFormat): AsyncGenerator<RawRecord[]> {
  const text = decodeChunks(chunks);
  switch (format) {
    case 'jsonl':
      return readJsonLines(text);
    case 'csv':
      return readCsv(text);
    case 'json':
      return readJson(text);
    default:
      throw new Error(`unknown record format ${String(format)}`);
  }
}

/**
 * The format of a file: by extension (`.jsonl`/`.ndjson`, `.json`, `.csv`), else by its first
 * chunk — `[` starts a JSON array; `{` starts JSON Lines when the first line is a whole object,
 * else a (pretty-printed) JSON document; anything else is CSV. No hint at all → JSON Lines.
 */
export function detectFormat(fileName: string, firstChunk?: string): RecordFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  if (firstChunk === undefined) return 'jsonl';
  const text = firstChunk.replace(/^\uFEFF?\s*/, '');
  if (text.length === 0) return 'jsonl';
  if (text.startsWith('[')) return 'json';
  if (!text.startsWith('{')) return 'csv';
  const newline = text.indexOf('\n');
  const firstLine = newline === -1 ? text : text.slice(0, newline);
  return firstLine.trimEnd().endsWith('}') ? 'jsonl' : 'json';
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

/** One JSON value per line; blank lines are skipped (they are not records). */
async function* readJsonLines(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord[]> {
  let carry = '';
  let line = 0;
  let index = 0;
  for await (const chunk of chunks) {
    const batch: RawRecord[] = [];
    const text = carry.length > 0 ? carry + chunk : chunk;
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      line++;
      const item = parseJsonLine(text.slice(start, newline), index, line);
      if (item !== null) {
        index++;
        batch.push(item);
      }
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    carry = start === 0 ? text : text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (carry.length > 0) {
    const item = parseJsonLine(carry, index, line + 1);
    if (item !== null) yield [item];
  }
}

/** Parse one line (a trailing `\r` is whitespace to JSON.parse); null for a blank line. */
export function parseJsonLine(text: string, index: number, line: number): RawRecord | null {
  try {
    return { index, line, value: JSON.parse(text) };
  } catch (error) {
    if (text.trim().length === 0) return null;
    return { index, line, error: `line ${line} is not valid JSON: ${jsonErrorText(error)}.` };
  }
}

function jsonErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\.$/, '');
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Record fields that are numbers (CSV cells are converted); `costs.<category>` columns are too. */
const numericFields: ReadonlySet<string> = new Set([
  'hospitalLevel', 'ageYears', 'ageDays', 'birthWeightGrams', 'admissionWeightGrams', 'lengthOfStay',
  'ventilationHours', 'icuHours', 'totalCost', 'fundPayment', 'selfPay',
]);
/** Record fields that are code lists, joined by `|` in a CSV cell; an empty cell is an empty list. */
const listFields: ReadonlySet<string> = new Set(['secondaryDiagnoses', 'procedures']);
const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** How one CSV column maps onto the record. */
interface Column {
  name: string;
  kind: 'string' | 'number' | 'list' | 'cost';
  /** For `cost` columns: the category after `costs.`. */
  category?: string;
}

/**
 * CSV with a header row of field names: a table (see `readTableRecords`) whose rows come from
 * the streaming CSV reader.
 */
function readCsv(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord[]> {
  return readTableRecords(readCsvRows(chunks));
}

/** One row of a table — a CSV line or a workbook row: its cells as text, where it starts, or why it could not be read. */
export interface TableRow {
  /** 1-based line (CSV) or row number (workbook). */
  lineNumber: number;
  fields: string[];
  error?: string;
}

/** A header row that does not describe settlement records. Stops the read: every record would be wrong. */
export class HeaderError extends Error {
  constructor(
    readonly unknownColumns: readonly string[],
    readonly missingColumns: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'HeaderError';
  }
}

/** Columns every table of records must have (the always-required fields; list cells may be empty). */
export const requiredColumns = ['listId', 'sex', 'ageYears', 'lengthOfStay', 'dischargeDisposition', 'principalDiagnosis', 'secondaryDiagnoses', 'procedures'] as const;

/** Fields that are objects, not cells: `costs` is split into `costs.<category>` columns; `originalCodes` is written by the mapping step, never read from a table. */
const objectFields: ReadonlySet<string> = new Set(['costs', 'originalCodes']);
const knownColumns: ReadonlySet<string> = new Set([...settlementFields.filter((f) => !objectFields.has(f)), ...costCategories.map((c) => `costs.${c}`)]);

/** `principal_diagnosis`, `Principal Diagnosis` → `principaldiagnosis`: how a near-miss column is matched to a field. */
const squash = (name: string): string => name.toLowerCase().replace(/[^a-z0-9.]/g, '');
const fieldBySquashed = new Map([...knownColumns].map((f) => [squash(f), f]));

/**
 * Check a header row: the sentence naming every unknown column (with the field it probably
 * means) and every missing required one, or null when the header is right.
 */
export function headerProblem(header: readonly string[]): HeaderError | null {
  const names = header.map((h) => h.trim());
  const unknown = names.filter((n) => !knownColumns.has(n));
  const missing = requiredColumns.filter((c) => !names.includes(c));
  if (unknown.length === 0 && missing.length === 0) return null;
  const guess = (n: string): string => {
    const field = fieldBySquashed.get(squash(n));
    return field ? `${n} (did you mean ${field}?)` : n === '' ? '(an empty header cell)' : n;
  };
  const parts: string[] = [];
  if (unknown.length > 0) parts.push(`unknown ${nounFor(unknown.length, 'column')} ${unknown.map(guess).join(', ')}`);
  if (missing.length > 0) parts.push(`no ${missing.join(', ')} ${nounFor(missing.length, 'column')}`);
  return new HeaderError(unknown, missing, `the header row has ${parts.join(' and ')}; columns are the record's field names (costs as costs.<category>), as in the settlement record's documentation.`);
}

/**
 * A table with a header row of field names. Lists are joined by `|`; numeric fields become numbers
 * (a cell that is not a number is kept as text so validation names it); an empty cell is an
 * absent field (an empty list for the list fields); `costs.<category>` columns build `costs`.
 * A header with unknown or missing required columns throws `HeaderError` before any record. A
 * row whose cell count differs from the header's is an error naming the line.
 */
export async function* readTableRecords(rows: AsyncIterable<TableRow>): AsyncGenerator<RawRecord[]> {
  let columns: Column[] | null = null;
  let index = 0;
  let batch: RawRecord[] = [];
  for await (const row of rows) {
    if (columns === null) {
      const problem = headerProblem(row.fields);
      if (problem) throw problem;
      columns = row.fields.map(toColumn);
      continue;
    }
    if (row.fields.length === 1 && row.fields[0]!.trim() === '' && columns.length > 1) continue;
    if (row.error !== undefined) {
      batch.push({ index: index++, line: row.lineNumber, error: `line ${row.lineNumber}: ${row.error}.` });
    } else if (row.fields.length !== columns.length) {
      batch.push({ index: index++, line: row.lineNumber, error: `line ${row.lineNumber} has ${counted(row.fields.length, 'cell')} but the header has ${columns.length}.` });
    } else {
      batch.push({ index: index++, line: row.lineNumber, value: csvRecord(columns, row.fields) });
    }
    if (batch.length >= csvBatchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Table rows come one at a time; hand them on in batches of this many. */
const csvBatchSize = 256;

function toColumn(header: string): Column {
  const name = header.trim();
  if (name.startsWith('costs.')) {
    const category = name.slice('costs.'.length);
    if ((costCategories as readonly string[]).includes(category)) return { name, kind: 'cost', category };
  }
  if (numericFields.has(name)) return { name, kind: 'number' };
  if (listFields.has(name)) return { name, kind: 'list' };
  return { name, kind: 'string' };
}

/** Build the record object of one CSV row. */
function csvRecord(columns: readonly Column[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  let costs: Record<string, unknown> | undefined;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const cell = cells[i]!;
    if (column.kind === 'list') {
      record[column.name] = cell.trim() === '' ? [] : cell.split('|').map((code) => code.trim());
      continue;
    }
    const text = cell.trim();
    if (text === '') continue;
    if (column.kind === 'string') record[column.name] = text;
    else if (column.kind === 'number') record[column.name] = toNumber(text);
    else (costs ??= {})[column.category!] = toNumber(text);
  }
  if (costs !== undefined) record.costs = costs;
  return record;
}

/** A decimal number cell → number; anything else stays text (validation reports it). */
function toNumber(text: string): number | string {
  return numberPattern.test(text) ? Number(text) : text;
}

/** The CSV header for records: the record fields in documentation order, costs split per category. */
export function csvHeader(): string[] {
  const header: string[] = [];
  for (const field of settlementFields) {
    if (field === 'costs') for (const category of costCategories) header.push(`costs.${category}`);
    else if (!objectFields.has(field)) header.push(field);
  }
  return header;
}

// ---------------------------------------------------------------------------------------------
// JSON (incremental)

const OPEN_BRACE = 123; // {
const CLOSE_BRACE = 125; // }
const OPEN_BRACKET = 91; // [
const CLOSE_BRACKET = 93; // ]
const QUOTE = 34; // "
const BACKSLASH = 92; // \
const COMMA = 44; // ,
const NEWLINE = 10;

/**
 * A JSON document read incrementally: a top-level array yields each element as a record; a
 * top-level object (or several, one after another) is a record each. The scanner tracks
 * string/escape state and bracket depth and `JSON.parse`s each element as soon as it is complete,
 * so only one element is ever held. A broken element is an error record and the scan goes on.
 */
async function* readJson(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord[]> {
  const scanner = new JsonScanner();
  for await (const chunk of chunks) {
    const batch = scanner.push(chunk);
    if (batch.length > 0) yield batch;
  }
  const rest = scanner.end();
  if (rest.length > 0) yield rest;
}

/** The streaming state machine behind `readJson` (exported for tests). */
export class JsonScanner {
  /** Nesting depth of `[`/`{` outside strings. */
  private depth = 0;
  /** True when the document is a top-level array (its elements are the records). */
  private inArray = false;
  /** Set once a top-level array has closed; anything after it is an error. */
  private arrayClosed = false;
  private inString = false;
  private escaped = false;
  /** Text of the element being read, from earlier chunks. */
  private parts: string[] = [];
  /** True while an element is being read. */
  private reading = false;
  private elementLine = 0;
  private line = 1;
  private index = 0;
  private trailingReported = false;

  /** Feed one chunk; returns the records completed inside it. */
  push(chunk: string): RawRecord[] {
    const out: RawRecord[] = [];
    let start = this.reading ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === 32 || c === NEWLINE || c === 13 || c === 9) continue;
      const base = this.inArray ? 1 : 0;
      if (this.depth === base && !this.reading) {
        // Between elements: a separator, the end of the array, the start of the document, or an element.
        if (c === COMMA) continue;
        if (this.inArray && c === CLOSE_BRACKET) {
          this.depth = 0;
          this.inArray = false;
          this.arrayClosed = true;
          continue;
        }
        if (!this.inArray && c === OPEN_BRACKET && this.index === 0 && !this.arrayClosed) {
          this.depth = 1;
          this.inArray = true;
          continue;
        }
        if (this.arrayClosed) {
          if (!this.trailingReported) {
            out.push({ index: this.index++, line: this.line, error: `line ${this.line} has text after the end of the top-level JSON array.` });
            this.trailingReported = true;
          }
          continue;
        }
        this.reading = true;
        this.elementLine = this.line;
        start = i;
      }
      if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.depth === base) {
          // The array closes right after a scalar element (`[1]`) or a stray closer.
          if (this.inArray && c === CLOSE_BRACKET) {
            out.push(this.finish(chunk.slice(start, i)));
            start = -1;
            this.depth = 0;
            this.inArray = false;
            this.arrayClosed = true;
          } else {
            out.push(this.finish(chunk.slice(start, i + 1)));
            start = -1;
          }
          continue;
        }
        this.depth--;
        if (this.depth === base) {
          out.push(this.finish(chunk.slice(start, i + 1)));
          start = -1;
        }
      } else if (c === COMMA && this.depth === base) {
        // End of a scalar element (`[1, 2]`) — inside an array only, since reading implies depth ≥ base.
        out.push(this.finish(chunk.slice(start, i)));
        start = -1;
      }
    }
    if (this.reading && start !== -1) this.parts.push(chunk.slice(start));
    return out;
  }

  /** End of input: an unfinished element or an unclosed array is an error. */
  end(): RawRecord[] {
    const out: RawRecord[] = [];
    if (this.reading) {
      const text = this.parts.join('');
      this.parts = [];
      this.reading = false;
      if (this.depth === (this.inArray ? 1 : 0)) out.push(this.parse(text, this.elementLine));
      else out.push({ index: this.index++, line: this.elementLine, error: `line ${this.elementLine}: the record starting here is not complete at the end of the input.` });
    } else if (this.inArray) {
      out.push({ index: this.index++, line: this.line, error: `line ${this.line}: the top-level JSON array is not closed at the end of the input.` });
    }
    return out;
  }

  private finish(tail: string): RawRecord {
    let text = tail;
    if (this.parts.length > 0) {
      this.parts.push(tail);
      text = this.parts.join('');
      this.parts = [];
    }
    this.reading = false;
    return this.parse(text, this.elementLine);
  }

  private parse(text: string, line: number): RawRecord {
    const index = this.index++;
    try {
      return { index, line, value: JSON.parse(text) };
    } catch (error) {
      return { index, line, error: `line ${line}: the record starting here is not valid JSON: ${jsonErrorText(error)}.` };
    }
  }
}
