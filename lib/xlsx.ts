/**
 * Excel workbooks (.xlsx) in and out, streamed with exceljs so a large workbook never sits in
 * memory. In: the first sheet is a table of settlement records — a header row of field names as
 * in CSV, one record a row — read row by row into the same row → record path as CSV
 * (`readTableRecords`). Out: one sheet per table (simulate's summary.xlsx; the console's downloads
 * are built the same way in the browser), written without exceljs by lib/xlsx-write.ts.
 */
import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { readTableRecords, type RawRecord, type TableRow } from '../models/settlement/readers.ts';

export { xlsxMediaType } from './record-content.ts';
export { writeXlsx, type SheetTable } from './xlsx-write.ts';

/**
 * exceljs, loaded when a workbook is read: it is ~0.3 s of loading, and the
 * `payreform` command is one bundle whose static package imports every command would pay for.
 */
async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

/** An .xlsx file is a zip archive: it starts with `PK\x03\x04`. */
export function looksLikeXlsx(firstBytes: Uint8Array): boolean {
  return firstBytes.length >= 4 && firstBytes[0] === 0x50 && firstBytes[1] === 0x4b && firstBytes[2] === 0x03 && firstBytes[3] === 0x04;
}

/** A cell as the text a CSV cell would hold: dates as YYYY-MM-DD, formulas by their result, rich text joined. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('text' in value) return String((value as ExcelJS.CellHyperlinkValue).text);
    if ('error' in value) return String((value as ExcelJS.CellErrorValue).error);
  }
  return String(value);
}

/** A workbook that cannot be read: `message` says why, without naming the file (the caller does). */
export class WorkbookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkbookError';
  }
}

/** exceljs's and unzipper's errors ("FILE_ENDED", "invalid signature: 0x…") as the end of a sentence. */
function workbookProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/FILE_ENDED|end of data|unexpected end/i.test(message)) return 'it ends before the workbook does (a truncated or damaged file)';
  if (/signature|zip|central directory|inflat/i.test(message)) return `it is not a readable zip archive (${message.replace(/\.$/, '')})`;
  return message.replace(/\.$/, '');
}

/**
 * The rows of the first sheet (the first tab) as text cells, with their row numbers. Rows are as
 * wide as the header (trailing empty cells count), so a short row is not mistaken for a broken
 * one; empty rows are skipped like blank CSV lines. A file that is not a workbook, or one with no
 * worksheet, throws `WorkbookError`.
 */
export async function* readXlsxRows(source: string | Readable | Uint8Array): AsyncGenerator<TableRow> {
  const input = source instanceof Uint8Array ? Readable.from([Buffer.from(source)]) : source;
  const reader = new (await excel()).stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  let width = 0;
  const sheets = reader[Symbol.asyncIterator]();
  try {
    for (let next = await sheets.next(); !next.done; next = await sheets.next()) {
      const sheet = next.value as unknown as ExcelJS.Worksheet & AsyncIterable<ExcelJS.Row>;
      // The first sheet is the first tab of workbook.xml, which need not be the first sheet*.xml in the zip.
      const firstTab = (reader as unknown as { model?: { sheets?: { id: number }[] } }).model?.sheets?.[0];
      if (firstTab !== undefined && sheet.id !== firstTab.id) continue;
      const rows = sheet[Symbol.asyncIterator]();
      for (let r = await rows.next(); !r.done; r = await rows.next()) {
        const row = r.value;
        const values = row.values as ExcelJS.CellValue[]; // 1-based, sparse
        if (width === 0) width = values.length - 1;
        const fields: string[] = [];
        for (let c = 1; c <= Math.max(width, values.length - 1); c++) fields.push(cellText(values[c]).trim());
        while (fields.length > width && fields[fields.length - 1] === '') fields.pop();
        if (fields.every((f) => f === '')) continue;
        yield { lineNumber: row.number, fields };
      }
      return; // the first sheet only
    }
  } catch (error) {
    throw new WorkbookError(workbookProblem(error));
  } finally {
    await sheets.return?.(undefined);
  }
  throw new WorkbookError('it holds no worksheet');
}

/** Settlement records of the first sheet, in batches, exactly as `readRecordBatches` gives CSV's. */
export function readXlsxRecordBatches(source: string | Readable | Uint8Array): AsyncGenerator<RawRecord[]> {
  return readTableRecords(readXlsxRows(source));
}
