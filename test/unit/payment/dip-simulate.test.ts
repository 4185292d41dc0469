/**
 * `payreform simulate` with a `"method": "dip"` policy on synthetic settlement lists: the files, the
 * budget to the cent, outlier classes that do not move with the budget, special review, like-with-like
 * comparison with DRG, separate funds, a given catalogue.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, referencePath } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-simulate-dip-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const csv = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
const jsonl = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const centsOf = (x: unknown) => Math.round(Number(x) * 100);
const files = ['2023', '2024', '2025'].map((y) => path.join(dir, `settlement-${y}.jsonl`));
const base = { name: 'dip', method: 'dip', referenceYears: [2023, 2024], settlementYear: 2025, budget: 17_000_000 };
const policyFile = (name: string, fields: Record<string, unknown>) => {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...base, name, ...fields }));
  return file;
};
const simulate = (name: string, fields: Record<string, unknown>, ...extra: string[]) => {
  const out = path.join(dir, `out-${name}`);
  const r = cli('simulate', '--cases', ...files, '--policy', policyFile(name, fields), '--output', out, ...extra);
  expect(r.status, r.stderr).toBe(0);
  return { out, stderr: r.stderr, summary: JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')), cases: jsonl(path.join(out, 'cases.jsonl')) };
};

beforeAll(() => {
  const synth = cli('synth', '--seed', '5', '--hospitals', '4', '--years', '2023,2024,2025', '--cases-per-year', '1500', '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', dir, '--threads', '1');
  expect(synth.status, synth.stderr).toBe(0);
  writeFileSync(path.join(dir, 'drg.json'), JSON.stringify({ name: 'drg', method: 'drg', referenceYears: [2023, 2024], settlementYear: 2025, budget: 17_000_000 }));
}, 60_000);

describe('payreform simulate with a DIP policy', () => {
  it('writes summary, hospitals, groups and cases with both point values; the fund pays the budget to the cent', () => {
    const out = path.join(dir, 'out-main');
    const r = cli('simulate', '--cases', ...files, '--policy', policyFile('main', {}), '--compare', path.join(dir, 'drg.json'), '--output', out);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['cases.jsonl', 'comparison.csv', 'drg', 'groups.csv', 'hospitals.csv', 'report.html', 'result.json', 'summary.json', 'summary.xlsx']);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    // result.json: the service's DIP result document, the same figures as the summary.
    const doc = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(doc).toMatchObject({ method: 'dip', totals: { cases: 1500, payment: 17_000_000 }, funds: [{ fund: 'all', cleared: 17_000_000, budget: 17_000_000 }] });
    expect(doc.funds[0].yearStartPointValue).toBeCloseTo(summary.yearStartPointValue, 5);
    expect(doc.funds[0].settlementPointValue).toBeCloseTo(summary.settlementPointValue, 5);
    expect(summary).toMatchObject({ method: 'dip', budget: 17_000_000, totalPayment: 17_000_000, pointValueDerived: true, cases: 1500, catalog: { source: 'built', referenceYears: [2023, 2024], coreThresholdSource: 'coverage' } });
    expect(summary.yearStartPointValue).toBeGreaterThan(0);
    expect(summary.settlementPointValue).toBe(summary.pointValue);
    expect(summary.funds[0]).toMatchObject({ fund: 'all', cleared: 17_000_000 });
    expect(summary.hospitalCoefficients.mode).toBe('level');
    // 特例单议: at most ⌊1500 × 5 ‰⌋ = 7 approved.
    expect(summary.specialReview.cap).toBe(7);
    expect(summary.outliers.review).toBeLessThanOrEqual(7);
    const cases = jsonl(path.join(out, 'cases.jsonl'));
    expect(Object.keys(cases[0]!)).toEqual(['listId', 'hospitalId', 'packet', 'caseScore', 'hospitalCoefficient', 'auxiliary', 'totalCost', 'yearStartStandard', 'ratio', 'outlier', 'payment']);
    expect(cases.reduce((s, c) => s + centsOf(c.payment), 0)).toBe(1_700_000_000);
    for (const c of cases.filter((c) => c.outlier === 'specialReview')) expect(c.payment).toBe(c.totalCost);
    for (const c of cases.filter((c) => c.outlier === 'ungrouped')) expect(Math.abs(centsOf(c.payment) - centsOf(Number(c.totalCost) * 0.7))).toBeLessThanOrEqual(1);
    const hospitals = csv(path.join(out, 'hospitals.csv'));
    expect(hospitals[0]).toEqual(['hospitalId', 'fund', 'level', 'cases', 'points', 'totalCost', 'caseValue', 'valueToCost', 'fundShareOfCost', 'prepaid', 'cleared', 'difference', 'fundPaymentToFundCost', 'balance', 'retainedSurplus', 'sharedOverspend', 'final', 'lowOutliers', 'highOutliers', 'specialReview', 'ungrouped']);
    expect(hospitals.slice(1).reduce((s, h) => s + centsOf(h[10]), 0)).toBe(1_700_000_000);
    for (const h of hospitals.slice(1)) expect(centsOf(h[10]) - centsOf(h[9])).toBe(centsOf(h[11]));
    expect(summary.prepayment.prepaid + summary.prepayment.yearEnd).toBeCloseTo(17_000_000, 2);
    expect(r.stderr).toMatch(/main: 1,500 cases paid 17,000,000\.00 yuan .* point value \d+\.\d{4} \(from the budget\)/);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('(DIP point value; year-start ');
    // comparison.csv: the case value (before any fund ratio) beside the DRG payment, both spending the same budget.
    const rows = csv(path.join(out, 'comparison.csv'));
    expect(rows[0]).toEqual(['hospitalId', 'level', 'cases', 'totalCost', 'payment_main', 'payment_drg', 'difference_drg', 'differencePercent_drg']);
    expect(rows.slice(1).reduce((s, row) => s + centsOf(row[4]), 0)).toBeGreaterThan(1_700_000_000 - 100);
  }, 60_000);

  it('judges a case against the year-start standard: a bigger budget moves the point value, not the classes', () => {
    const a = simulate('budget-a', {});
    const b = simulate('budget-b', { budget: 20_000_000 });
    expect(b.summary.settlementPointValue).toBeGreaterThan(a.summary.settlementPointValue);
    expect(b.summary.yearStartPointValue).toBe(a.summary.yearStartPointValue);
    expect(b.cases.map((c) => c.outlier)).toEqual(a.cases.map((c) => c.outlier));
  }, 60_000);

  it('compares like with like: a fund ratio changes the fund payment, not the case value', () => {
    const whole = simulate('ratio-1', {});
    const share = simulate('ratio-08', { budget: 13_600_000, fundRatio: 0.8 });
    expect(share.summary.totalPayment).toBe(13_600_000);
    expect(share.summary.totalCaseValue).toBeCloseTo(whole.summary.totalCaseValue, 0);
    const h1 = csv(path.join(whole.out, 'hospitals.csv')).slice(1);
    const h8 = csv(path.join(share.out, 'hospitals.csv')).slice(1);
    // fund payment ÷ the fund's share of cost is the same ratio as case value ÷ cost.
    h8.forEach((h, k) => expect(Number(h[12])).toBeCloseTo(Number(h1[k]![7]), 3));
  }, 60_000);

  it('approves a supplied special-review list under the cap and pays it by item', () => {
    const a = simulate('review-a', {});
    const candidates = a.cases.filter((c) => Number(c.ratio) > 2).map((c) => String(c.listId));
    const listed = [...candidates.slice(-2), 'NOT-A-CASE'];
    const b = simulate('review-b', { specialReview: { approved: listed } });
    expect(b.summary.specialReview).toMatchObject({ count: 2, listedUnknown: 1 });
    expect(b.cases.filter((c) => c.outlier === 'specialReview').map((c) => c.listId).sort()).toEqual(listed.slice(0, 2).sort());
  }, 60_000);

  it('budgets the employee and resident funds separately, each with its own point values', () => {
    const r = simulate('funds', { budget: undefined, funds: { employee: { budget: 9_000_000, fundRatio: 0.85 }, resident: { budget: 5_000_000, fundRatio: 0.65 } } });
    expect(r.summary.funds.map((f: { fund: string; cleared: number }) => [f.fund, f.cleared])).toEqual([['employee', 9_000_000], ['resident', 5_000_000]]);
    expect(r.summary.funds[0].settlementPointValue).not.toBe(r.summary.funds[1].settlementPointValue);
    expect(r.summary.totalPayment).toBe(14_000_000);
    expect(csv(path.join(r.out, 'hospitals.csv')).slice(1).map((h) => h[1])).toContain('resident');
  }, 60_000);

  it('uses a catalogue built by `dip build` and a given point value; refuses a missing one', () => {
    const catalog = path.join(dir, 'catalog.json');
    const build = cli('dip', 'build', '--cases', files[0]!, files[1]!, '--policy', policyFile('build', {}), '--output', catalog, '--threads', '1');
    expect(build.status, build.stderr).toBe(0);
    const r = simulate('given', { budget: undefined, pointValue: 10, catalog: 'catalog.json' });
    expect(r.summary).toMatchObject({ pointValue: 10, pointValueDerived: false, settlementPointValue: 10, budget: null, catalog: { source: 'file' } });
    const bad = cli('simulate', '--cases', ...files, '--policy', policyFile('missing', { catalog: 'nowhere.json' }), '--output', path.join(dir, 'missing'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/cannot read the DIP catalogue of the policy .*missing\.json: .*nowhere\.json does not exist/);
  }, 60_000);

  it('stops with a sentence when the reference years have no case', () => {
    const r = cli('simulate', '--cases', ...files, '--policy', policyFile('empty', { referenceYears: [2019] }), '--output', path.join(dir, 'empty'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/empty\.json: no case is discharged in its referenceYears 2019 \(the cases are discharged in \d{4}(–\d{4})?\), so there is nothing to derive the weights from\./);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
