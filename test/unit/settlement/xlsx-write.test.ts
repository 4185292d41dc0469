/**
 * Output workbooks written without exceljs (lib/xlsx-write.ts) hold the parts exceljs's streaming
 * writer makes for the same tables, character for character (the creation time aside), and read
 * back through exceljs as the same cells.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { sheetName, writeXlsx, type SheetTable } from '../../../lib/xlsx-write.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-xlsx-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What lib/xlsx.ts wrote before: exceljs's streaming writer, numbers as numbers, the header bold and frozen. */
async function exceljsWorkbook(file: string, sheets: readonly SheetTable[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheetName(sheet.name), { views: [{ state: 'frozen', ySplit: 1 }] });
    const header = ws.addRow(sheet.headers);
    header.font = { bold: true };
    header.commit();
    for (const row of sheet.rows) ws.addRow(row.map((v) => (v === null ? '' : v))).commit();
    ws.commit();
  }
  await workbook.commit();
}

/** The entries of a zip archive (from its central directory), inflated, as text. */
function zipEntries(bytes: Buffer): Map<string, string> {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const packed = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength).replace(/^\//, '');
    const dataAt = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(dataAt, dataAt + packed);
    entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

const withoutTimes = (xml: string) => xml.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'T');

const tables: Record<string, SheetTable[]> = {
  'a summary with a comparison': [
    { name: 'policies', headers: ['policy', 'name', 'baseRate', 'pointValue', 'cases'], rows: [['baseline', null, 8318.32, null, 100000], ['budget-0.97', 'budget 0.97', 8068.77, null, 100000]] },
    { name: 'hospitals', headers: ['hospitalId', 'level', 'cmi', 'surplus'], rows: [['HOSP001', 3, 1.107, -5496141.26], ['HOSP002', null, 0, 0.1 + 0.2]] },
    { name: 'groups', headers: ['drg', 'cases', 'rw'], rows: [] },
    { name: 'comparison', headers: Array.from({ length: 30 }, (_, i) => `c${i}`), rows: [Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? -i * 1.5 : i % 3 === 1 ? `t${i}` : null))] },
  ],
  'text that XML escapes or cannot hold, and sheet names Excel refuses': [
    { name: '病例/医院:[2025]*?', headers: ['名称', 'a&b', '<tag>', `"quoted" 'single'`], rows: [['心血管内科', 'x\u0001y\u007fz', 'tab\there', 'line\nbreak\r'], [1e21, 1e-7, Number.NaN, -0]] },
    { name: 'a very long sheet name beyond thirty-one characters', headers: ['only'], rows: [[''], [], ['after an empty row']] },
  ],
};

describe('xlsx-write', () => {
  for (const [what, sheets] of Object.entries(tables)) {
    it(`writes the parts exceljs writes: ${what}`, async () => {
      const ours = path.join(dir, 'ours.xlsx');
      const theirs = path.join(dir, 'theirs.xlsx');
      await writeXlsx(ours, sheets);
      await exceljsWorkbook(theirs, sheets);
      const a = zipEntries(readFileSync(ours));
      const b = zipEntries(readFileSync(theirs));
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [name, xml] of b) expect(withoutTimes(a.get(name)!), name).toBe(withoutTimes(xml));
      // And exceljs reads it back: the same sheets and cells.
      const read = new ExcelJS.Workbook();
      await read.xlsx.readFile(ours);
      expect(read.worksheets.map((w) => w.name)).toEqual(sheets.map((s) => sheetName(s.name)));
      expect(read.worksheets[0]!.getRow(1).font?.bold).toBe(true);
    });
  }
});
