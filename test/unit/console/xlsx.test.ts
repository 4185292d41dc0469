/** The console's minimal workbook writer: what it writes, exceljs reads back cell for cell. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { xlsxBytes } from '../../../web/src/xlsx.ts';

describe('the console\'s xlsx writer', () => {
  it('writes sheets exceljs reads back: text as text, numbers as numbers, empty cells empty, the header bold and frozen', async () => {
    const bytes = xlsxBytes([
      { name: 'Hospitals: by risk [2025]', rows: [['Hospital', 'Cases', 'Payment', 'Note'], ['HOSP001', 120, 1234567.89, 'a & b <c> "d"'], ['医院二', 0, -0.01, null], ['  spaced  ', 3, 12, '']] },
      { name: 'Hospitals: by risk [2025]', rows: [['only a header']] },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Hospitals  by risk  2025', 'Hospitals  by risk  2025 2']);
    const ws = wb.worksheets[0]!;
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['Hospital', 'Cases', 'Payment', 'Note']);
    expect(rows[1]).toEqual(['HOSP001', 120, 1234567.89, 'a & b <c> "d"']);
    expect(rows[2]).toEqual(['医院二', 0, -0.01]);
    expect(rows[3]).toEqual(['  spaced  ', 3, 12]);
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.getRow(2).getCell(1).font?.bold).toBeFalsy();
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });
});
