/**
 * `payreform compare-schemes` end to end on the dev cases of ../shared/reference/dev-cases/local-schemes/
 * (3 000 cases) under CHS-DRG 1.1 and Suzhou 2023 as OpenDRG publishes them. Our groupers agree
 * with OpenDRG's on every dev case (local-schemes.test.ts), so the transitions the command writes
 * must be exactly those counted from expected-chs_drg_11.jsonl and expected-suzhou_2023.jsonl.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, referencePath } from '../../../lib/reference.ts';
import { readCsvRows } from '../../../models/text/csv.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-compare-'));
const casesFile = referencePath('dev-cases', 'local-schemes', 'cases.jsonl');
const national = referencePath('local-schemes', 'chs_drg_11');
const suzhou = referencePath('local-schemes', 'suzhou_2023');

interface Expected {
  status: string;
  adrg: string;
  drg: string | null;
}
const expected = (scheme: string) => readFileSync(referencePath('dev-cases', 'local-schemes', `expected-${scheme}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Expected);
const cases = readFileSync(casesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { hospitalId: string; totalCost: number });

async function csv(file: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of readCsvRows(createReadStream(file, 'utf8'))) rows.push(row.fields);
  return rows;
}

const run = (args: string[]) => spawnSync(process.execPath, [bin, 'compare-schemes', ...args], { encoding: 'utf8' });

describe('payreform compare-schemes', () => {
  it('writes the DRG and ADRG transitions OpenDRG’s own groupers give, the schemes’ figures and the report', async () => {
    const out = path.join(dir, 'plain');
    const r = run(['--cases', casesFile, '--scheme', national, '--scheme', suzhou, '--output', out]);
    expect(r.stderr).toContain('3,000 records: 3,000 compared, 0 rejected');
    expect(r.status).toBe(0);

    // Counted from the expected files: a case's DRG group is (status, drg); its ADRG group is
    // (status, adrg), an ambiguous case's ADRG being its QY group and an ungroupable one none.
    const a = expected('chs_drg_11');
    const b = expected('suzhou_2023');
    const drgKey = (e: Expected) => `${e.status === 'ungroupable' ? '(ungroupable)' : e.drg}|${e.status}`;
    const adrgKey = (e: Expected) => `${e.status === 'ungroupable' ? '(ungroupable)' : e.status === 'ambiguous' ? e.drg : e.adrg}|${e.status}`;
    for (const [level, key] of [['drg', drgKey], ['adrg', adrgKey]] as const) {
      const counted = new Map<string, number>();
      a.forEach((e, i) => counted.set(`${key(e)}|${key(b[i]!)}`, (counted.get(`${key(e)}|${key(b[i]!)}`) ?? 0) + 1));
      const [header, ...rows] = await csv(path.join(out, `transitions-${level}.csv`));
      expect(header).toEqual([`${level.toUpperCase()} under chs_drg_11`, 'status under chs_drg_11', `${level.toUpperCase()} under suzhou_2023`, 'status under suzhou_2023', 'cases', 'share', 'changed']);
      const written = new Map(rows.map((row) => [row.slice(0, 4).join('|'), Number(row[4])]));
      expect(written).toEqual(counted);
      expect(rows.map((row) => Number(row[4]))).toEqual(rows.map((row) => Number(row[4])).sort((x, y) => y - x));
    }
    const changedDrg = a.filter((e, i) => drgKey(e) !== drgKey(b[i]!)).length;
    const changedAdrg = a.filter((e, i) => adrgKey(e) !== adrgKey(b[i]!)).length;
    expect(changedDrg).toBe(1682);
    expect(changedAdrg).toBe(678);
    expect(r.stderr).toContain(`${changedDrg.toLocaleString('en')} cases (${((100 * changedDrg) / 3000).toFixed(2)} %) change DRG, ${changedAdrg} (${((100 * changedAdrg) / 3000).toFixed(2)} %) change ADRG`);

    // In-group rate and RIV of Suzhou 2023, recomputed here from the expected groups and the cases' cost.
    const [, national11, suzhou23] = await csv(path.join(out, 'schemes.csv'));
    const grouped = (e: Expected[]) => e.filter((x) => x.status === 'grouped').length;
    expect(Number(national11![5])).toBeCloseTo(grouped(a) / 3000, 4);
    expect(Number(suzhou23![5])).toBeCloseTo(grouped(b) / 3000, 4);
    const byGroup = new Map<string, number[]>();
    b.forEach((e, i) => e.drg !== null && byGroup.set(e.drg, [...(byGroup.get(e.drg) ?? []), cases[i]!.totalCost]));
    const all = [...byGroup.values()].flat();
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const ss = (xs: number[]) => xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0);
    const riv = 1 - [...byGroup.values()].reduce((s, xs) => s + ss(xs), 0) / ss(all);
    expect(Number(suzhou23![11])).toBeCloseTo(riv, 4);
    expect(Number(suzhou23![6])).toBe(byGroup.size);

    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Largest flows between DRGs: chs_drg_11 → suzhou_2023');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const hospitals = await csv(path.join(out, 'hospitals.csv'));
    expect(hospitals[0]).toEqual(['hospital', 'cases', 'total cost', 'CMI under chs_drg_11', 'CMI under suzhou_2023']);
    expect(hospitals.slice(1).reduce((s, h) => s + Number(h[1]), 0)).toBe(3000);
  });

  it('with a budget policy prices each scheme’s cases: each pays the budget to the cent, and hospitals.csv has the changes', async () => {
    // The dev cases have no discharge date: the first half is dated in the reference year, the rest in the settlement year.
    const dated = path.join(dir, 'dated.jsonl');
    writeFileSync(dated, readFileSync(casesFile, 'utf8').trim().split('\n').map((l, i) => JSON.stringify({ ...JSON.parse(l), dischargeDate: i < 1500 ? '2024-06-30' : '2025-03-31' })).join('\n') + '\n');
    const policy = path.join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ name: 'budget', method: 'drg', referenceYears: [2024], settlementYear: 2025, budget: 20_000_000, outliers: { low: 0.4, high: 3, review: 6 } }));
    const out = path.join(dir, 'priced');
    const r = run(['--cases', dated, '--scheme', national, '--scheme', suzhou, '--policy', policy, '--output', out]);
    expect(r.status, r.stderr).toBe(0);
    const [header, ...rows] = await csv(path.join(out, 'hospitals.csv'));
    expect(header!.slice(5)).toEqual(['payment under chs_drg_11', 'payment under suzhou_2023', 'change', 'change share']);
    const cents = (k: number) => rows.reduce((s, row) => s + Math.round(Number(row[k]) * 100), 0);
    expect(cents(5)).toBe(2_000_000_000);
    expect(cents(6)).toBe(2_000_000_000);
    expect(cents(7)).toBe(0);
    expect(rows.some((row) => Number(row[7]) !== 0)).toBe(true);
    const [, a] = await csv(path.join(out, 'schemes.csv'));
    expect(a![8]).toBe('policy');
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('Payment change by hospital: suzhou_2023 − chs_drg_11');
  });

  it('refuses fewer than two schemes and names a scheme it cannot read (exit code 2)', () => {
    const one = run(['--cases', casesFile, '--scheme', national]);
    expect(one.status).toBe(2);
    expect(one.stderr).toContain('give exactly two schemes');
    const missing = path.join(dir, 'no-such-scheme');
    const bad = run(['--cases', casesFile, '--scheme', national, '--scheme', missing, '--output', path.join(dir, 'bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`cannot read the scheme ${missing}`);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
