/** `payreform simulate` with a `"method": "dip"` policy: the same files, the budget to the cent, DRG vs DIP compared, a given catalogue. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const fixtures = path.join(projectRoot, 'test', 'fixtures', 'payment');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-simulate-dip-'));
const cases = path.join(fixtures, 'cases.jsonl');
const dipPolicy = JSON.parse(readFileSync(path.join(fixtures, 'policy-dip.json'), 'utf8')) as Record<string, unknown>;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const csv = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
const jsonl = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const centsOf = (x: unknown) => Math.round(Number(x) * 100);

describe('payreform simulate with a DIP policy', () => {
  const output = path.join(dir, 'out');
  const run = cli('simulate', '--cases', cases, '--policy', path.join(fixtures, 'policy-dip.json'), '--compare', path.join(fixtures, 'policy-a.json'), '--output', output);

  it('writes the same files as a DRG policy, with packets as the groups and the point value as the rate', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(output).sort()).toEqual(['baseline', 'cases.jsonl', 'comparison.csv', 'groups.csv', 'hospitals.csv', 'report.html', 'summary.json']);
    expect(csv(path.join(output, 'hospitals.csv'))[0]).toEqual(['hospitalId', 'level', 'cases', 'cmi', 'totalCost', 'totalPayment', 'paymentToCost', 'surplus', 'lowOutliers', 'highOutliers', 'reviewOutliers']);
    expect(csv(path.join(output, 'groups.csv'))[0]).toEqual(['packet', 'cases', 'meanCost', 'score', 'cv']);
    const rows = jsonl(path.join(output, 'cases.jsonl'));
    expect(Object.keys(rows[0]!)).toEqual(['listId', 'hospitalId', 'packet', 'score', 'auxiliary', 'totalCost', 'standard', 'ratio', 'outlier', 'payment']);
    const packets = new Set(csv(path.join(output, 'groups.csv')).slice(1).map((r) => r[0]));
    for (const r of rows) expect(packets.has(String(r.packet)), String(r.packet)).toBe(true);
    const summary = JSON.parse(readFileSync(path.join(output, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ method: 'dip', budget: 1_300_000, totalPayment: 1_300_000, pointValueDerived: true, fundRatio: 1, cases: 120, catalog: { source: 'built', referenceYears: [2023, 2024] } });
    expect(summary.baseRate).toBeUndefined();
    for (const key of ['pointValue', 'budgetPointValue', 'settlementPointValue', 'riv']) expect(typeof summary[key]).toBe('number');
    expect(run.stderr).toMatch(/dip: 120 cases paid 1,300,000\.00 yuan .* point value \d+\.\d{4} \(from the budget\)/);
    const html = readFileSync(path.join(output, 'report.html'), 'utf8');
    expect(html).toContain('(DIP point value)');
    expect(html).toContain('Biggest winners and losers: baseline vs dip');
  });

  it('pays the budget to the cent: cases, hospitals and the summary agree; low-cost cases get their cost', () => {
    const rows = jsonl(path.join(output, 'cases.jsonl'));
    expect(rows).toHaveLength(120);
    expect(rows.reduce((s, c) => s + centsOf(c.payment), 0)).toBe(130_000_000);
    const hospitals = csv(path.join(output, 'hospitals.csv')).slice(1);
    expect(hospitals.reduce((s, h) => s + centsOf(h[5]), 0)).toBe(130_000_000);
    for (const c of rows.filter((c) => c.outlier === 'low')) expect(c.payment).toBe(c.totalCost);
    for (const c of rows.filter((c) => c.outlier === 'normal')) expect(Math.abs(centsOf(c.payment) - centsOf(c.standard))).toBeLessThanOrEqual(1);
  });

  it('compares DIP with DRG per hospital; the same budget makes the differences cancel', () => {
    const rows = csv(path.join(output, 'comparison.csv'));
    expect(rows[0]).toEqual(['hospitalId', 'level', 'cases', 'totalCost', 'payment_dip', 'payment_baseline', 'difference_baseline', 'differencePercent_baseline']);
    let difference = 0;
    for (const r of rows.slice(1)) {
      expect(centsOf(r[5]) - centsOf(r[4])).toBe(centsOf(r[6]));
      difference += centsOf(r[6]);
    }
    expect(difference).toBe(0);
    expect(JSON.parse(readFileSync(path.join(output, 'baseline', 'summary.json'), 'utf8'))).toMatchObject({ method: 'drg', totalPayment: 1_300_000 });
  });

  it('pays the fund share: budget = Σ fund payments, of which 90 % is prepaid', () => {
    const policy = path.join(dir, 'fund.json');
    writeFileSync(policy, JSON.stringify({ ...dipPolicy, name: 'fund', budget: 1_040_000, fundRatio: 0.8 }));
    const out = path.join(dir, 'fund');
    const r = cli('simulate', '--cases', cases, '--policy', policy, '--output', out);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ totalPayment: 1_040_000, totalCaseValue: 1_300_000, prepayment: { share: 0.9, prepaid: 936_000, yearEnd: 104_000 } });
    const rows = jsonl(path.join(out, 'cases.jsonl'));
    expect(rows.reduce((s, c) => s + centsOf(c.payment), 0)).toBe(104_000_000);
    for (const c of rows.filter((c) => c.outlier === 'low')) expect(Math.abs(centsOf(c.payment) - centsOf(Number(c.totalCost) * 0.8))).toBeLessThanOrEqual(1);
  });

  it('uses a catalogue built by `dip build` from the policy file, and a given point value', () => {
    const catalog = path.join(dir, 'catalog.json');
    const build = cli('dip', 'build', '--cases', cases, '--policy', path.join(fixtures, 'policy-dip.json'), '--output', catalog, '--threads', '1');
    expect(build.status, build.stderr).toBe(0);
    const policy = path.join(dir, 'given.json');
    writeFileSync(policy, JSON.stringify({ ...dipPolicy, name: 'given', budget: undefined, pointValue: 10, catalog: 'catalog.json' }));
    const out = path.join(dir, 'given');
    const r = cli('simulate', '--cases', cases, '--policy', policy, '--output', out);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ pointValue: 10, pointValueDerived: false, settlementPointValue: null, budget: null, catalog: { source: 'file' } });
    const missing = path.join(dir, 'missing.json');
    writeFileSync(missing, JSON.stringify({ ...dipPolicy, catalog: 'nowhere.json' }));
    const bad = cli('simulate', '--cases', cases, '--policy', missing, '--output', path.join(dir, 'missing'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/cannot read the DIP catalogue of the policy .*missing\.json: .*nowhere\.json does not exist/);
  });

  it('stops with a sentence when the reference years have no case', () => {
    const policy = path.join(dir, 'empty.json');
    writeFileSync(policy, JSON.stringify({ ...dipPolicy, referenceYears: [2019], yearWeights: undefined }));
    const r = cli('simulate', '--cases', cases, '--policy', policy, '--output', path.join(dir, 'empty'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/empty\.json: no reference case: none of the \d+ cases was discharged in 2019/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('carries the DIP fields through the worker threads: the same files as in-process', () => {
    // Workers start at 8 MiB of JSON Lines: the fixture ×90 with distinct listIds.
    const lines = readFileSync(cases, 'utf8').trim().split('\n');
    const big = path.join(dir, 'big.jsonl');
    writeFileSync(big, Array.from({ length: 90 }, (_, k) => lines.map((l) => l.replace('"listId": "', `"listId": "R${k}-`)).join('\n')).join('\n') + '\n');
    const policy = path.join(dir, 'big-policy.json');
    writeFileSync(policy, JSON.stringify({ ...dipPolicy, budget: 117_000_000 }));
    const outs = [1, 2].map((threads) => {
      const out = path.join(dir, `threads-${threads}`);
      const r = cli('simulate', '--cases', big, '--policy', policy, '--output', out, '--threads', String(threads));
      expect(r.status, r.stderr).toBe(0);
      return out;
    });
    for (const f of ['cases.jsonl', 'hospitals.csv', 'groups.csv']) expect(readFileSync(path.join(outs[1]!, f), 'utf8')).toBe(readFileSync(path.join(outs[0]!, f), 'utf8'));
    expect(JSON.parse(readFileSync(path.join(outs[1]!, 'summary.json'), 'utf8')).totalPayment).toBe(117_000_000);
  }, 30_000);
});
