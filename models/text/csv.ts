/**
 * A streaming CSV reader (RFC 4180: `,` separated, `"` quoted fields, `""` an escaped quote,
 * quoted fields may span lines). Rows come out as string arrays with the line number on which
 * each row starts, so errors can name the line.
 */
import { splitLines } from './lines.ts';

export interface CsvRow {
  /** 1-based line number of the row's first line in the input. */
  lineNumber: number;
  fields: string[];
  /** Set when the row ends inside an unterminated quoted field. */
  error?: string;
}

/** Parse one CSV line (no embedded newlines) — the fast path used for most rows. */
function parseSimpleLine(line: string): string[] {
  return line.split(',');
}

/**
 * Parse decoded text chunks as CSV rows. Empty lines are skipped (they are not records).
 */
export async function* readCsvRows(chunks: AsyncIterable<string>): AsyncGenerator<CsvRow> {
  let pending: { lineNumber: number; text: string } | null = null;
  for await (const { lineNumber, text } of splitLines(chunks)) {
    if (pending === null) {
      if (text.indexOf('"') === -1) {
        if (text.length === 0) continue;
        yield { lineNumber, fields: parseSimpleLine(text) };
        continue;
      }
      pending = { lineNumber, text };
    } else {
      pending.text += '\n' + text;
    }
    const parsed = parseQuoted(pending.text);
    if (parsed.complete) {
      yield { lineNumber: pending.lineNumber, fields: parsed.fields };
      pending = null;
    }
  }
  if (pending !== null) {
    const parsed = parseQuoted(pending.text);
    yield { lineNumber: pending.lineNumber, fields: parsed.fields, error: 'a quoted field is not closed before the end of the input' };
  }
}

/** Parse a logical CSV record that contains quotes; `complete` is false while a quote is open. */
export function parseQuoted(text: string): { fields: string[]; complete: boolean } {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      inQuotes = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return { fields, complete: !inQuotes };
}

/** Quote a value for CSV output when it needs it. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Receives the rows of `scanCsvBytes`. */
export interface CsvRowSink {
  /**
   * An unquoted row: field f is bytes[starts[f], ends[f]) (not trimmed), f < count. The arrays
   * are reused for the next row.
   */
  bytesRow(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, count: number, lineNumber: number): void;
  /** A row with quoted fields, decoded as `readCsvRows` decodes it (`error` as there). */
  textRow(row: CsvRow): void;
}

const NEWLINE = 10;
const RETURN = 13;
const COMMA = 44;
const QUOTE = 34;

/**
 * The rows of CSV bytes, with the rules of `readCsvRows` (a leading UTF-8 BOM dropped, `\n` or
 * `\r\n` line ends, empty lines skipped, quoted fields and `""` escapes, quoted fields across
 * lines), but unquoted rows are split on bytes — no string per line or field — for readers that
 * parse numbers straight from the bytes. Rows with a quote go through `parseQuoted` as text.
 */
export async function scanCsvBytes(chunks: AsyncIterable<Uint8Array>, sink: CsvRowSink): Promise<void> {
  let starts: Int32Array = new Int32Array(64);
  let ends: Int32Array = new Int32Array(64);
  let carry: Uint8Array | null = null;
  let lineNumber = 0;
  let first = true;
  let pending: { lineNumber: number; text: string } | null = null;
  // A BOM is dropped at the start of the input only (as decodeChunks does), kept anywhere else.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  const line = (bytes: Uint8Array, start: number, end: number): void => {
    lineNumber++;
    if (end > start && bytes[end - 1] === RETURN) end--;
    if (pending === null) {
      if (end === start) return;
      let count = 0;
      let fieldStart = start;
      let quoted = false;
      for (let p = start; p < end; p++) {
        const b = bytes[p]!;
        if (b === COMMA) {
          if (count + 1 >= starts.length) [starts, ends] = [grow(starts), grow(ends)];
          starts[count] = fieldStart;
          ends[count++] = p;
          fieldStart = p + 1;
        } else if (b === QUOTE) {
          quoted = true;
          break;
        }
      }
      if (!quoted) {
        starts[count] = fieldStart;
        ends[count++] = end;
        sink.bytesRow(bytes, starts, ends, count, lineNumber);
        return;
      }
      pending = { lineNumber, text: decoder.decode(bytes.subarray(start, end)) };
    } else {
      pending.text += '\n' + decoder.decode(bytes.subarray(start, end));
    }
    const parsed = parseQuoted(pending.text);
    if (parsed.complete) {
      sink.textRow({ lineNumber: pending.lineNumber, fields: parsed.fields });
      pending = null;
    }
  };

  for await (const chunk of chunks) {
    let bytes: Uint8Array = carry === null ? chunk : concat(carry, chunk);
    carry = null;
    let start = 0;
    if (first) {
      if (bytes.length < 6) {
        carry = bytes;
        continue;
      }
      start = bomLength(bytes);
      first = false;
    }
    let newline = bytes.indexOf(NEWLINE, start);
    while (newline !== -1) {
      line(bytes, start, newline);
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    if (start < bytes.length) carry = bytes.slice(start);
    bytes = EMPTY;
  }
  if (carry !== null && carry.length > 0) {
    const start = first ? bomLength(carry) : 0;
    let newline = carry.indexOf(NEWLINE, start);
    let from = start;
    while (newline !== -1) {
      line(carry, from, newline);
      from = newline + 1;
      newline = carry.indexOf(NEWLINE, from);
    }
    if (from < carry.length) line(carry, from, carry.length);
  }
  if (pending !== null) {
    const open: { lineNumber: number; text: string } = pending;
    sink.textRow({ lineNumber: open.lineNumber, fields: parseQuoted(open.text).fields, error: 'a quoted field is not closed before the end of the input' });
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Bytes of leading BOMs to drop: the one TextDecoder drops and the one decodeChunks drops after
 * it (so two, as the string reader does).
 */
function bomLength(bytes: Uint8Array): number {
  const bomAt = (p: number) => bytes[p] === 0xef && bytes[p + 1] === 0xbb && bytes[p + 2] === 0xbf;
  return bomAt(0) ? (bomAt(3) ? 6 : 3) : 0;
}

function grow(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const ZERO = 48;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The number a CSV field's bytes [start, end) spell — `[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?`
 * with no other byte — exactly as `Number()` reads that text; NaN when the bytes are not such a
 * number. Up to 15 significant digits and 22 decimals the value is the integer of its digits
 * divided by a power of ten (both exact, so one correctly rounded division, as Number() rounds);
 * longer numbers and exponents go through Number() itself.
 */
export function parseCsvNumber(bytes: Uint8Array, start: number, end: number): number {
  let p = start;
  let negative = false;
  if (p < end && (bytes[p] === 45 || bytes[p] === 43)) negative = bytes[p++] === 45;
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let decimals = 0;
  while (p < end && bytes[p]! - ZERO >>> 0 < 10) {
    mantissa = mantissa * 10 + (bytes[p++]! - ZERO);
    if (mantissa > 0) significant++;
    digits++;
  }
  if (p < end && bytes[p] === 46) {
    p++;
    while (p < end && bytes[p]! - ZERO >>> 0 < 10) {
      mantissa = mantissa * 10 + (bytes[p++]! - ZERO);
      if (mantissa > 0) significant++;
      digits++;
      decimals++;
    }
  }
  if (digits === 0) return NaN;
  if (p === end) {
    if (significant <= 15 && decimals <= 22) {
      const value = decimals === 0 ? mantissa : mantissa / POWERS_OF_TEN[decimals]!;
      return negative ? -value : value;
    }
    return Number(latin1(bytes, start, end));
  }
  if (bytes[p] !== 101 && bytes[p] !== 69) return NaN;
  p++;
  if (p < end && (bytes[p] === 45 || bytes[p] === 43)) p++;
  const exponentStart = p;
  while (p < end && bytes[p]! - ZERO >>> 0 < 10) p++;
  if (p === exponentStart || p !== end) return NaN;
  return Number(latin1(bytes, start, end));
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let p = start; p < end; p++) s += String.fromCharCode(bytes[p]!);
  return s;
}
