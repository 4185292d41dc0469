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
