/**
 * Excel in and out on the command line: every record-reading command takes the examples' .xlsx
 * and gives byte for byte what the same records give as CSV or JSON Lines; an input whose content
 * is not the format its name says stops with exit 2 and one sentence naming it; `simulate` writes
 * summary.xlsx whose sheets hold the CSV files' rows, numbers as numbers.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-excel-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const example = (ext: string): string => path.resolve('examples', `settlement-lists-2025-03.${ext}`);

/** The example base-rate policy over the example month's own year (the example lists are one month of 2025). */
const policy = path.join(dir, 'policy-2025.json');
writeFileSync(policy, JSON.stringify({ ...JSON.parse(readFileSync('examples/policy-base-rate.json', 'utf8')), referenceYears: [2025], yearWeights: [1] }));

/** Run the CLI in this process; its exit code and what it wrote to stderr. */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, stderr: err.join('') };
}

describe('record files as Excel workbooks', () => {
  it('group gives the same output for the .xlsx as for the .csv and the .jsonl of the same records', async () => {
    const outputs: Record<string, Buffer> = {};
    for (const ext of ['jsonl', 'csv', 'xlsx']) {
      const output = path.join(dir, `group-${ext}.jsonl`);
      const { code, stderr } = await run(['group', '--input', example(ext), '--output', output]);
      expect(code, stderr).toBe(0);
      expect(stderr).toContain('117 records: 117 grouped');
      outputs[ext] = readFileSync(output);
    }
    expect(outputs.xlsx!.equals(outputs.csv!)).toBe(true);
    expect(outputs.xlsx!.equals(outputs.jsonl!)).toBe(true);
  });

  it('group --format xlsx reads a workbook whatever its name, and a workbook without a known extension by its content', async () => {
    const noExtension = path.join(dir, 'lists');
    copyFileSync(example('xlsx'), noExtension);
    const a = path.join(dir, 'by-content.jsonl');
    const b = path.join(dir, 'by-flag.jsonl');
    expect((await run(['group', '--input', noExtension, '--output', a])).code).toBe(0);
    expect((await run(['group', '--input', noExtension, '--format', 'xlsx', '--output', b])).code).toBe(0);
    const csv = path.join(dir, 'csv.jsonl');
    await run(['group', '--input', example('csv'), '--output', csv]);
    expect(readFileSync(a).equals(readFileSync(csv))).toBe(true);
    expect(readFileSync(b).equals(readFileSync(csv))).toBe(true);
  });

  it('monitor and simulate read the .xlsx as they read the .jsonl', async () => {
    for (const ext of ['jsonl', 'xlsx']) {
      expect((await run(['monitor', '--cases', example(ext), '--output', path.join(dir, `flags-${ext}.jsonl`)])).code).toBe(0);
      expect((await run(['simulate', '--cases', example(ext), '--policy', policy, '--output', path.join(dir, `sim-${ext}`)])).code).toBe(0);
    }
    expect(readFileSync(path.join(dir, 'flags-xlsx.jsonl'), 'utf8')).toBe(readFileSync(path.join(dir, 'flags-jsonl.jsonl'), 'utf8'));
    for (const file of ['hospitals.csv', 'groups.csv', 'cases.jsonl']) {
      expect(readFileSync(path.join(dir, 'sim-xlsx', file), 'utf8'), file).toBe(readFileSync(path.join(dir, 'sim-jsonl', file), 'utf8'));
    }
  });
});

describe('an input that is not the format its name says', () => {
  const hint = 'name a file after its format (.jsonl, .json, .csv or .xlsx)';
  const cases: [string, string | Buffer, string][] = [
    ['lists.xlsx', '{"listId":"A-1"}\n', `is not an Excel workbook (.xlsx): it is JSON text; ${hint}`],
    ['lists.jsonl', readFileSync(example('xlsx')), `is not JSON Lines: it is a zip archive (an Excel workbook?); ${hint}`],
    ['lists.csv', Buffer.from([0x6c, 0x69, 0x00, 0x01, 0x02, 0xff, 0x00, 0x10]), `is not CSV: it holds binary data; ${hint}`],
    ['lists.jsonl', readFileSync(example('csv')), `is not JSON Lines: it is text that is not JSON (CSV?); ${hint}`],
    ['lists.csv', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'is not CSV: it is an old-style Excel 97–2003 workbook (.xls); save it as an Excel Workbook (.xlsx) or as CSV UTF-8'],
  ];
  it.each(cases)('%s holding the wrong content stops group with exit 2 and one sentence naming it', async (name, content, says) => {
    const file = path.join(dir, `wrong-${cases.findIndex((c) => c[2] === says)}-${name}`);
    writeFileSync(file, content);
    const { code, stderr } = await run(['group', '--input', file, '--output', path.join(dir, 'never.jsonl')]);
    expect(code).toBe(2);
    expect(stderr).toBe(`payreform group: ${file} ${says}.\n`);
  });

  it('simulate checks every input before it reads any, and names the wrong one', async () => {
    const fake = path.join(dir, 'fake.xlsx');
    writeFileSync(fake, readFileSync(example('jsonl')));
    const { code, stderr } = await run(['simulate', '--cases', example('jsonl'), '--cases', fake, '--policy', policy, '--output', path.join(dir, 'sim-never')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${fake} is not an Excel workbook (.xlsx): it is JSON text`);
  });

  it('a truncated workbook and a zip without a worksheet are refused with exit 2, naming the file', async () => {
    const truncated = path.join(dir, 'truncated.xlsx');
    writeFileSync(truncated, readFileSync(example('xlsx')).subarray(0, 3000));
    const a = await run(['group', '--input', truncated, '--output', path.join(dir, 'never.jsonl')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(`payreform group: ${truncated} cannot be read as an Excel workbook (.xlsx): it ends before the workbook does (a truncated or damaged file).\n`);

    const ExcelZip = (await import('jszip')).default;
    const zip = new ExcelZip();
    zip.file('notes.txt', 'not a workbook');
    const notWorkbook = path.join(dir, 'not-a-workbook.xlsx');
    writeFileSync(notWorkbook, await zip.generateAsync({ type: 'nodebuffer' }));
    const b = await run(['monitor', '--cases', notWorkbook, '--output', path.join(dir, 'never.jsonl')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`payreform monitor: ${notWorkbook} cannot be read as an Excel workbook (.xlsx): it holds no worksheet.\n`);
  });

  it('a workbook whose header is not record fields names the columns and the file', async () => {
    const ExcelJSWorkbook = new ExcelJS.Workbook();
    const ws = ExcelJSWorkbook.addWorksheet('cases');
    ws.addRow(['listId', 'sex', 'principal_diagnosis']);
    ws.addRow(['A-1', 'M', 'K35.900']);
    const file = path.join(dir, 'bad-header.xlsx');
    await ExcelJSWorkbook.xlsx.writeFile(file);
    const { code, stderr } = await run(['group', '--input', file, '--output', path.join(dir, 'never.jsonl')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: the header row has unknown column principal_diagnosis (did you mean principalDiagnosis?)`);
  });
});

describe('simulate writes summary.xlsx', () => {
  it('one sheet per table — policies, hospitals, groups, comparison — with the CSV rows, numbers as numbers, the header bold and frozen', async () => {
    const other = path.join(dir, 'policy-10000.json');
    writeFileSync(other, JSON.stringify({ ...JSON.parse(readFileSync(policy, 'utf8')), name: 'base rate 10 000', baseRate: 10000 }));
    const output = path.join(dir, 'summary');
    const { code, stderr } = await run(['simulate', '--cases', example('xlsx'), '--policy', policy, '--compare', other, '--output', output]);
    expect(code, stderr).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(output, 'summary.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['policies', 'hospitals', 'groups', 'comparison']);

    const csvRows = (file: string): string[][] => readFileSync(path.join(output, file), 'utf8').trimEnd().split('\n').map((l) => l.split(','));
    const sheetRows = (name: string): ExcelJS.CellValue[][] => {
      const rows: ExcelJS.CellValue[][] = [];
      workbook.getWorksheet(name)!.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
      return rows;
    };
    for (const [sheet, file] of [['hospitals', 'hospitals.csv'], ['groups', 'groups.csv'], ['comparison', 'comparison.csv']] as const) {
      const csv = csvRows(file);
      const xlsx = sheetRows(sheet);
      expect(xlsx.length, sheet).toBe(csv.length);
      expect(xlsx[0], sheet).toEqual(csv[0]);
      for (let r = 1; r < csv.length; r++) {
        csv[r]!.forEach((text, c) => {
          const cell = xlsx[r]![c];
          if (text === '') expect(cell ?? '', `${sheet} ${r}:${c}`).toBe('');
          else if (/^-?\d+(\.\d+)?$/.test(text)) expect(cell, `${sheet} ${r}:${c}`).toBe(Number(text));
          else expect(cell, `${sheet} ${r}:${c}`).toBe(text);
        });
      }
    }
    // Money to the cent, as numbers: the total payment of each policy is the hospitals' sum.
    const policies = sheetRows('policies');
    expect(policies[0]).toContain('totalPayment');
    expect(policies.slice(1).map((r) => r[0])).toEqual(['base-rate-9-865', 'base-rate-10-000']);
    const paymentColumn = policies[0]!.indexOf('totalPayment');
    const summary = JSON.parse(readFileSync(path.join(output, 'summary.json'), 'utf8')) as { totalPayment: number };
    expect(policies[1]![paymentColumn]).toBe(summary.totalPayment);
    expect(typeof policies[1]![paymentColumn]).toBe('number');

    for (const ws of workbook.worksheets) {
      expect(ws.getRow(1).font?.bold, ws.name).toBe(true);
      expect(ws.views[0], ws.name).toMatchObject({ state: 'frozen', ySplit: 1 });
    }
    // Each compared policy's own directory has its own workbook (its row, its tables).
    const own = new ExcelJS.Workbook();
    await own.xlsx.readFile(path.join(output, 'base-rate-10-000', 'summary.xlsx'));
    expect(own.worksheets.map((w) => w.name)).toEqual(['policies', 'hospitals', 'groups']);
    expect(own.getWorksheet('policies')!.rowCount).toBe(2);
  });
});

describe('a run that read no record', () => {
  it('group, monitor and drg design stop with exit 2 and one sentence naming the file', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const grouped = await run(['group', '--input', empty, '--output', path.join(dir, 'empty-out.jsonl')]);
    expect(grouped.code).toBe(2);
    expect(grouped.stderr).toContain(`${empty}: no settlement record was read, so nothing was grouped.`);
    const screened = await run(['monitor', '--cases', empty, '--output', path.join(dir, 'empty-flags.jsonl')]);
    expect(screened.code).toBe(2);
    expect(screened.stderr).toContain(`${empty}: no settlement record was read, so nothing was screened.`);
    const designed = await run(['drg', 'design', '--cases', empty, '--output', path.join(dir, 'empty-design')]);
    expect(designed.code).toBe(2);
    expect(designed.stderr).toContain('no grouped case with a cost was read (0 records');
  });
});
