/**
 * A policy's `weightsTable`: every city table of the reference loads (its DRG and weight columns
 * found by name), a table without a weight column is one problem naming its columns, local and
 * ambiguous group codes keep their weights, and a hand-computed fixture is paid to the cent with
 * the DRG the table lacks paid by item and named.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyTableWeights, type TableSource } from '../../../app/policy-weights.ts';
import { simulatePolicy } from '../../../app/simulate.ts';
import { GroupStatus } from '../../../models/payment/cases.ts';
import { parsePaymentTable, PaymentTableError, relativeWeights } from '../../../models/payment/payment-table.ts';
import { parsePolicy, PolicyError } from '../../../models/payment/policy.ts';
import { projectRoot, referencePath } from '../../../lib/reference.ts';
import { policy, table } from './helpers.ts';

const tablesDir = referencePath('payment-tables');
const cityTable = path.join(projectRoot, 'test', 'fixtures', 'payment', 'city', 'table.csv');
const fromFile = (file: string): TableSource => () => ({ name: path.basename(file), text: readFileSync(file, 'utf8') });

describe('city payment tables', () => {
  const files = readdirSync(tablesDir).filter((f) => f.endsWith('.csv')).sort();

  it('every table of the reference loads, with its weight column found under its own name', () => {
    expect(files).toHaveLength(12);
    const columns: Record<string, string> = {};
    for (const f of files) {
      const t = parsePaymentTable(f, readFileSync(path.join(tablesDir, f), 'utf8'));
      columns[f] = `${t.drgColumn}/${t.weightColumn}`;
      expect(relativeWeights(t).size, f).toBeGreaterThan(400);
    }
    expect(columns['changsha-2023.csv']).toBe('DRG编码/初始权重');
    expect(columns['taizhou-2022.csv']).toBe('分组编码/RW');
    expect(columns['suzhou-2023.csv']).toBe('DRG编码/RW');
  });

  it('keeps local and ambiguous group codes, not the rows for ungrouped cases', () => {
    const read = (f: string) => relativeWeights(parsePaymentTable(f, readFileSync(path.join(tablesDir, f), 'utf8')));
    const suzhou = read('suzhou-2023.csv');
    expect(suzhou.get('BB2A')).toBeGreaterThan(0);
    const yantai = read('yantai-2023.csv');
    expect(yantai.get('FQY')).toBeGreaterThan(0);
    expect(yantai.has('0000')).toBe(false);
    expect(yantai.has('000P')).toBe(false);
    expect(read('wuxi-2022.csv').has('0')).toBe(false);
    expect(read('beijing-2022.csv').get('RC12')).toBeGreaterThan(0);
  });

  it('reads the codes from a column named 分组编码 wherever it is, and the weight from 权重 or the column a policy names', () => {
    const text = readFileSync(cityTable, 'utf8');
    const t = parsePaymentTable('city', text);
    expect([t.drgColumn, t.weightColumn]).toEqual(['分组编码', '权重']);
    expect(Object.fromEntries(relativeWeights(t))).toEqual({ HJ1B: 1.5, FQY: 0.8, BR21: 2 });
    expect(parsePaymentTable('city', text, { weightsColumn: '三级医院支付标准' }).rows[0]!.rw).toBe(16500);
    const scores = parsePaymentTable('scores', 'DRG,标准分值\nHJ1B,150\n');
    expect(scores.rows[0]).toMatchObject({ drg: 'HJ1B', rw: 150 });
  });

  it('a table without a weight column is one error naming the columns it has', () => {
    const attempt = () => parsePaymentTable('odd.csv', '编码,名称,费用\nHJ1B,x,1000\n');
    expect(attempt).toThrow(PaymentTableError);
    expect(attempt).toThrow(/^the payment table odd\.csv has no weight column \(RW, 权重, 初始权重, 标准分值/);
    expect(attempt).toThrow(/its columns are "编码", "名称", "费用"/);
    expect(() => parsePaymentTable('odd.csv', '编码,名称,费用\n', { weightsColumn: 'RW2' })).toThrow('the payment table odd.csv has no column "RW2" (the policy\'s weightsColumn); its columns are "编码", "名称", "费用"');
  });

  it('as a policy field: one problem at weightsTable (or weightsColumn), and weightsColumn needs weightsTable', () => {
    const p = policy({ weightsTable: 'odd.csv' });
    const problems = (source: TableSource, q = p) => {
      try {
        policyTableWeights(q, source);
      } catch (error) {
        if (error instanceof PolicyError) return error.problems;
        throw error;
      }
      return [];
    };
    const noColumn = problems(() => ({ name: 'odd.csv', text: '编码,名称,费用\nHJ1B,x,1000\n' }));
    expect(noColumn).toEqual([{ code: 'invalid-value', path: 'weightsTable', message: expect.stringMatching(/^weightsTable: the payment table odd\.csv has no .*its columns are "编码", "名称", "费用"; "weightsColumn" names the weight column when it has another name$/) }]);
    const missing = problems(() => ({ missing: 'is not here' }));
    expect(missing).toEqual([{ code: 'invalid-value', path: 'weightsTable', message: 'weightsTable is not here' }]);
    const wrongColumn = problems(fromFile(cityTable), policy({ weightsTable: 'table.csv', weightsColumn: 'RW' }));
    expect(wrongColumn[0]).toMatchObject({ path: 'weightsColumn', message: expect.stringContaining('"分组名称", "分组编码", "权重", "三级医院支付标准"') });
    expect(() => parsePolicy({ method: 'drg', referenceYears: [2024], settlementYear: 2025, baseRate: 1, weightsColumn: 'RW' })).toThrow(/weightsColumn names a column of weightsTable/);
  });
});

describe('paying by a city table (hand-computed)', () => {
  // Reference year 2024 gives the groups' statistics only; 2025 is paid with the table's RW.
  const rows = [
    { year: 2024, drg: 'HJ1B', cost: 10_000 },
    { year: 2024, drg: 'HJ1A', cost: 8_000 },
    // standard 1.5 × 1.1 × 10 000 = 16 500, ratio 0.75: normal → 16 500.00
    { year: 2025, drg: 'HJ1B', cost: 12_345.67, level: 3, hospital: 'H1' },
    // standard 15 000 (level unknown: 1), ratio 0.4 < 0.5: low → the cost, 6 000.00
    { year: 2025, drg: 'HJ1B', cost: 6_000, hospital: 'H2' },
    // standard 2.0 × 1.1 × 10 000 = 22 000, ratio 2.27 > 2: high → 50 000.55 − 22 000 = 28 000.55
    { year: 2025, drg: 'BR21', cost: 50_000.55, level: 3, hospital: 'H1' },
    // an ambiguous group the table weighs: 0.8 × 10 000 = 8 000, ratio 0.875: normal → 8 000.00
    { year: 2025, drg: 'FQY', cost: 7_000, level: 2, hospital: 'H2', status: GroupStatus.Ambiguous },
    // HJ1A is not in the table: paid by item → 9 876.54
    { year: 2025, drg: 'HJ1A', cost: 9_876.54, hospital: 'H2' },
    // ungroupable: by item → 3 000.10
    { year: 2025, drg: null, cost: 3_000.1, hospital: 'H1' },
  ];
  const weights = (p: ReturnType<typeof policy>) => policyTableWeights(p, fromFile(cityTable));

  it('pays each case to the cent and names the DRG without a weight', () => {
    const p = policy({ baseRate: 10_000, weightsTable: 'table.csv', levelCoefficients: { '1': 0.9, '2': 1, '3': 1.1 } });
    const result = simulatePolicy(table(rows), p, weights(p));
    expect(Array.from(result.cents)).toEqual([1_650_000, 600_000, 2_800_055, 800_000, 987_654, 300_010]);
    expect(result.totals.paymentCents).toBe(7_137_719);
    expect(result.unweighted).toEqual([{ drg: 'HJ1A', cases: 1 }]);
    expect(result.totals.outliers).toEqual({ normal: 2, low: 1, high: 1, review: 0, byItem: 2 });
    // groups.csv reports the table's RW beside the reference statistics; HJ1A has none.
    expect(result.weights.groups.get('HJ1B')).toMatchObject({ relativeWeight: 1.5, cases: 1, meanCost: 10_000 });
    expect(Number.isNaN(result.weights.groups.get('HJ1A')!.relativeWeight)).toBe(true);
  });

  it('solves a budget over the table weights and pays it to the cent', () => {
    const p = policy({ baseRate: undefined, budget: 80_000, weightsTable: 'table.csv' });
    const result = simulatePolicy(table(rows), p, weights(p));
    expect(result.totals.paymentCents).toBe(8_000_000);
    expect(result.hospitals.reduce((s, h) => s + h.paymentCents, 0)).toBe(8_000_000);
  });
});

describe('payreform simulate with a weightsTable', () => {
  const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
  const dir = mkdtempSync(path.join(tmpdir(), 'payreform-weights-table-'));
  const cases = path.join(projectRoot, 'examples', 'settlement-lists-2025-03.jsonl');

  it('reads the table beside the policy and names the groups it lacks', () => {
    const out = path.join(dir, 'out');
    // The example policy over the example month's own year; its table stays beside the example.
    const policyFile = path.join(dir, 'policy-2025.json');
    const example = JSON.parse(readFileSync(path.join(projectRoot, 'examples', 'policy-weights-table.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(policyFile, JSON.stringify({ ...example, referenceYears: [2025], weightsTable: path.join(projectRoot, 'examples', String(example.weightsTable)) }));
    const run = spawnSync(process.execPath, [bin, 'simulate', '--cases', cases, '--policy', policyFile, '--output', out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/weights from payment-table-city\.csv \(column 权重, 18 groups\)/);
    expect(run.stderr).toMatch(/cases of \d+ groups without a weight in the table, paid by item: /);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.weights.source).toEqual({ table: 'payment-table-city.csv', column: '权重', groups: 18 });
    expect(summary.weights.unweighted.length).toBeGreaterThan(0);
    expect(summary.groupedBy).toMatchObject({ scheme: 'chs-drg-1.1', packHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.weights.source).toEqual({ table: 'payment-table-city.csv', column: '权重' });
    expect(result.weights.relativeWeights.FR45).toBe(0.7418);
  });

  it('exits 2 with one sentence naming the columns when the table has no weight column', () => {
    writeFileSync(path.join(dir, 'odd.csv'), '编码,名称,费用\nFR45,x,1000\n');
    writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ method: 'drg', referenceYears: [2024], settlementYear: 2025, baseRate: 9865, weightsTable: 'odd.csv' }));
    const run = spawnSync(process.execPath, [bin, 'simulate', '--cases', cases, '--policy', path.join(dir, 'policy.json'), '--output', path.join(dir, 'odd')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/weightsTable: the payment table odd\.csv has no .*its columns are "编码", "名称", "费用"/);
  });
});
