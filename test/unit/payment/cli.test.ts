/** `payreform simulate` end to end on a small fixture: the files, their exact headers, a sane comparison. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const fixtures = path.join(projectRoot, 'test', 'fixtures', 'payment');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-simulate-'));

const csv = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));

describe('payreform simulate', () => {
  const output = path.join(dir, 'out');
  const run = spawnSync(process.execPath, [bin, 'simulate', '--cases', path.join(fixtures, 'cases.jsonl'), '--policy', path.join(fixtures, 'policy-a.json'), '--compare', path.join(fixtures, 'policy-b.json'), '--output', output], { encoding: 'utf8' });

  it('writes the issue files, with exact headers, for each policy', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(output).sort()).toEqual(['cases.jsonl', 'comparison.csv', 'flat-levels', 'groups.csv', 'hospitals.csv', 'report.html', 'result.json', 'summary.json', 'summary.xlsx']);
    expect(readdirSync(path.join(output, 'flat-levels')).sort()).toEqual(['cases.jsonl', 'groups.csv', 'hospitals.csv', 'result.json', 'summary.json', 'summary.xlsx']);
    for (const d of [output, path.join(output, 'flat-levels')]) {
      expect(csv(path.join(d, 'hospitals.csv'))[0]).toEqual(['hospitalId', 'level', 'cases', 'cmi', 'totalCost', 'totalPayment', 'paymentToCost', 'surplus', 'lowOutliers', 'highOutliers', 'reviewOutliers']);
      expect(csv(path.join(d, 'groups.csv'))[0]).toEqual(['drg', 'cases', 'meanCost', 'rw', 'cv']);
      const first = JSON.parse(readFileSync(path.join(d, 'cases.jsonl'), 'utf8').split('\n')[0]!);
      expect(Object.keys(first)).toEqual(['listId', 'hospitalId', 'drg', 'rw', 'totalCost', 'standard', 'ratio', 'outlier', 'payment']);
    }
    expect(csv(path.join(output, 'comparison.csv'))[0]).toEqual(['hospitalId', 'level', 'cases', 'totalCost', 'payment_baseline', 'payment_flat-levels', 'difference_flat-levels', 'differencePercent_flat-levels']);
  });

  it('pays the budget to the cent, and the files agree with each other', () => {
    const summary = JSON.parse(readFileSync(path.join(output, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ scheme: 'chs-drg-1.1', method: 'drg', budget: 1_300_000, totalPayment: 1_300_000, cases: 120, input: { records: 362, rejected: 2 } });
    for (const key of ['baseRate', 'totalCost', 'inGroupRate', 'riv']) expect(typeof summary[key]).toBe('number');
    expect(Object.keys(summary.outliers)).toEqual(['normal', 'low', 'high', 'review', 'byItem']);
    const cases = readFileSync(path.join(output, 'cases.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(cases).toHaveLength(120);
    const cents = cases.reduce((s, c) => s + Math.round(c.payment * 100), 0);
    expect(cents).toBe(130_000_000);
    const hospitals = csv(path.join(output, 'hospitals.csv')).slice(1);
    expect(hospitals.reduce((s, h) => s + Math.round(Number(h[5]) * 100), 0)).toBe(130_000_000);
    expect(hospitals.reduce((s, h) => s + Number(h[2]), 0)).toBe(120);
    for (const c of cases.filter((c) => c.outlier === 'low')) expect(c.payment).toBe(c.totalCost);
  });

  it('compares: per hospital the payments under both policies and their difference', () => {
    const rows = csv(path.join(output, 'comparison.csv')).slice(1);
    expect(rows.length).toBe(6);
    let difference = 0;
    for (const r of rows) {
      const [a, b, d] = [Number(r[4]), Number(r[5]), Number(r[6])];
      expect(Math.round((b - a) * 100)).toBe(Math.round(d * 100));
      difference += Math.round(d * 100);
    }
    expect(difference).toBe(0); // same budget: the gains and losses cancel
    const html = readFileSync(path.join(output, 'report.html'), 'utf8');
    expect(html).toContain('Biggest winners and losers: flat-levels vs baseline');
    expect(html).toMatch(/<canvas id="payment-vs-cost" role="img" aria-label=/);
    expect(html).not.toMatch(/<script src=/); // self-contained
    expect(html.length).toBeGreaterThan(200_000); // Chart.js inlined
  });

  it('reports rejected records on stderr and goes on', () => {
    expect(run.stderr).toContain('rejected: line 11 (listId NOCOST): totalCost is required to pay a case');
    expect(run.stderr).toContain('rejected: line 21 is not valid JSON');
    expect(run.stderr).toMatch(/362 records: 360 accepted, 2 rejected/);
  });

  it('stops with one sentence on a bad policy or an unreachable budget', () => {
    const bad = spawnSync(process.execPath, [bin, 'simulate', '--cases', path.join(fixtures, 'cases.jsonl'), '--policy', path.join(fixtures, 'cases.jsonl'), '--output', path.join(dir, 'bad')], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/the policy .* is not valid JSON/);
    expect(existsSync(path.join(dir, 'bad', 'summary.json'))).toBe(false);
    const tiny = path.join(dir, 'tiny.json');
    writeFileSync(tiny, JSON.stringify({ ...JSON.parse(readFileSync(path.join(fixtures, 'policy-a.json'), 'utf8')), budget: 1_000_000 }));
    const unreachable = spawnSync(process.execPath, [bin, 'simulate', '--cases', path.join(fixtures, 'cases.jsonl'), '--policy', tiny, '--output', path.join(dir, 'tiny')], { encoding: 'utf8' });
    expect(unreachable.status).not.toBe(0);
    expect(unreachable.stderr).toMatch(/tiny\.json: no base rate reaches the budget: .* a budget far below the cost cannot be spent/);
    expect(unreachable.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
