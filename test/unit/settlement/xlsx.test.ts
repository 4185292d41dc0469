/** Excel workbooks: written and read back through the same row → record path as CSV, streamed. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { looksLikeXlsx, readXlsxRecordBatches, readXlsxRows, writeXlsx } from '../../../lib/xlsx.ts';
import { HeaderError } from '../../../models/settlement/readers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = ['listId', 'sex', 'ageYears', 'lengthOfStay', 'dischargeDisposition', 'principalDiagnosis', 'secondaryDiagnoses', 'procedures', 'totalCost', 'costs.bed', 'dischargeDate'];

describe('xlsx', () => {
  it('reads the first sheet as records, like a CSV with the same header, and ignores other sheets', async () => {
    const file = path.join(dir, 'cases.xlsx');
    await writeXlsx(file, [
      { name: 'cases', headers: header, rows: [
        ['X-1', 'M', 34, 4, '1', 'K35.900', 'E11.900|A01.000', '47.0900', 100.5, 40, '2025-03-04'],
        [],
        ['X-2', 2, 70, 10, 9, 'I63.900', null, null, 12000, null, '2025-03-05'],
      ] },
      { name: 'notes', headers: ['anything'], rows: [['not records']] },
    ]);
    expect(looksLikeXlsx(readFileSync(file))).toBe(true);
    const records = [];
    for await (const batch of readXlsxRecordBatches(file)) records.push(...batch);
    expect(records).toEqual([
      { index: 0, line: 2, value: { listId: 'X-1', sex: 'M', ageYears: 34, lengthOfStay: 4, dischargeDisposition: '1', principalDiagnosis: 'K35.900', secondaryDiagnoses: ['E11.900', 'A01.000'], procedures: ['47.0900'], totalCost: 100.5, costs: { bed: 40 }, dischargeDate: '2025-03-04' } },
      { index: 1, line: 4, value: { listId: 'X-2', sex: '2', ageYears: 70, lengthOfStay: 10, dischargeDisposition: '9', principalDiagnosis: 'I63.900', secondaryDiagnoses: [], procedures: [], totalCost: 12000, dischargeDate: '2025-03-05' } },
    ]);
  });

  it('reads date cells as YYYY-MM-DD', async () => {
    const file = path.join(dir, 'dates.xlsx');
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['listId', 'admissionDate']);
    ws.addRow(['D-1', new Date(Date.UTC(2025, 0, 31))]);
    ws.getCell('B2').numFmt = 'yyyy-mm-dd';
    await wb.xlsx.writeFile(file);
    const rows = [];
    for await (const row of readXlsxRows(file)) rows.push(row);
    expect(rows[1]).toEqual({ lineNumber: 2, fields: ['D-1', '2025-01-31'] });
  });

  it('refuses a sheet whose header is not record fields, naming the columns', async () => {
    const file = path.join(dir, 'bad.xlsx');
    await writeXlsx(file, [{ name: 'x', headers: ['list_id', 'sex'], rows: [['A', 'M']] }]);
    const error = await (async () => {
      for await (const _ of readXlsxRecordBatches(file)) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeaderError);
    expect((error as HeaderError).unknownColumns).toEqual(['list_id']);
  });

  it('reads the first tab, which need not be the first sheet in the zip', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const second = wb.addWorksheet('second');
    second.addRow(['listId']);
    second.addRow(['from sheet1.xml']);
    const first = wb.addWorksheet('first');
    first.addRow(['listId']);
    first.addRow(['from sheet2.xml']);
    // The tab order (exceljs writes the sheets in the zip in the order they were added).
    (second as unknown as { orderNo: number }).orderNo = 1;
    (first as unknown as { orderNo: number }).orderNo = 0;
    const file = path.join(dir, 'tabs.xlsx');
    await wb.xlsx.writeFile(file);
    const rows = [];
    for await (const row of readXlsxRows(file)) rows.push(row.fields[0]);
    expect(rows).toEqual(['listId', 'from sheet2.xml']);
  });

  it('a file that is not a workbook is not taken for one', () => {
    expect(looksLikeXlsx(Buffer.from('{"listId":"A"}\n'))).toBe(false);
  });
});
