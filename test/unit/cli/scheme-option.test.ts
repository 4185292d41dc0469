/**
 * `--scheme` on every grouping command: an OpenDRG directory, or the compiled pack of the same
 * scheme, groups alike; each command names the scheme and pack hash it used; local codes
 * (`HJ1B`, `FQY`) are priced from a city table and screened like national ones.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, referencePath } from '../../../lib/reference.ts';
import { loadScheme, schemeIdentity } from '../../../lib/scheme.ts';
import { loadCodeSets } from '../../../lib/codesets.ts';
import { groupCase } from '../../../models/grouping/drg/grouper.ts';
import { caseRow } from '../../../models/supervision/case-table.ts';
import { validateRecord } from '../../../models/settlement/validate.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-scheme-'));
const suzhouDir = referencePath('local-schemes', 'suzhou_2023');
const pack = path.join(dir, 'suzhou.pack.json');
const cases = path.join(dir, 'cases.jsonl');
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const lines = readFileSync(referencePath('dev-cases', 'local-schemes', 'cases.jsonl'), 'utf8').trim().split('\n').slice(0, 1200);

beforeAll(() => {
  // The dev cases carry no dates: half are discharged in 2024 (the reference year), half in 2025.
  writeFileSync(cases, lines.map((l, i) => JSON.stringify({ ...JSON.parse(l), dischargeDate: i % 2 === 0 ? '2024-06-30' : '2025-06-30', hospitalLevel: 3 })).join('\n') + '\n');
  const compiled = cli('compile-scheme', '--scheme', suzhouDir, '--output', pack);
  expect(compiled.status, compiled.stderr).toBe(0);
});

describe('--scheme', () => {
  it('group: the directory and its compiled pack give the same groups, and the summary names the scheme and pack hash', () => {
    const byDir = cli('group', '--input', cases, '--scheme', suzhouDir, '--threads', '1');
    const byPack = cli('group', '--input', cases, '--scheme', pack, '--threads', '1');
    expect(byDir.status, byDir.stderr).toBe(0);
    expect(byPack.stdout).toBe(byDir.stdout);
    const hash = schemeIdentity(loadScheme(suzhouDir)).packHash;
    for (const run of [byDir, byPack]) expect(run.stderr).toContain(`under scheme suzhou_2023 (pack ${hash.slice(0, 12)})`);
    expect(byDir.stdout).toMatch(/"drg":"[A-Z]{2}\d[A-Z]"/);
  });

  it('simulate: local groups priced from the city\'s own table, the scheme named in summary.json', () => {
    const policy = path.join(dir, 'suzhou-policy.json');
    writeFileSync(policy, JSON.stringify({ name: 'suzhou', scheme: 'suzhou_2023', method: 'drg', referenceYears: [2024], settlementYear: 2025, baseRate: 10_000, weightsTable: referencePath('payment-tables', 'suzhou-2023.csv') }));
    const out = path.join(dir, 'simulate');
    const run = cli('simulate', '--cases', cases, '--policy', policy, '--output', out, '--scheme', pack, '--threads', '1');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('grouped under scheme suzhou_2023');
    expect(run.stderr).not.toContain('warning');
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.groupedBy).toEqual(schemeIdentity(loadScheme(pack)));
    expect(summary.weights.source).toMatchObject({ table: 'suzhou-2023.csv', column: 'RW' });
    const priced = readFileSync(path.join(out, 'cases.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { drg: string | null; rw: number | null });
    const local = priced.filter((c) => c.drg !== null && /^[A-Z]{2}\d[A-Z]$/.test(c.drg));
    expect(local.length).toBeGreaterThan(10);
    expect(local.filter((c) => c.rw !== null).length).toBeGreaterThan(local.length / 2);
    const bad = cli('simulate', '--cases', cases, '--policy', policy, '--output', path.join(dir, 'bad'), '--ambiguous', 'maybe');
    expect(bad.status).toBe(2);
    // The policy was written for Suzhou's groups: grouping under the national text says so.
    const national = cli('simulate', '--cases', cases, '--policy', policy, '--output', path.join(dir, 'national'), '--threads', '1');
    expect(national.status, national.stderr).toBe(0);
    expect(national.stderr).toContain(`warning: the policy ${policy} names the scheme suzhou_2023, but the cases are grouped under chs-drg-1.1`);
  });

  it('monitor, drg design and dip build run under a local scheme and name it', () => {
    const flags = path.join(dir, 'flags.jsonl');
    const hospitals = path.join(dir, 'hospitals.json');
    const monitor = cli('monitor', '--cases', cases, '--output', flags, '--hospitals', hospitals, '--scheme', suzhouDir);
    expect(monitor.status, monitor.stderr).toBe(0);
    expect(monitor.stderr).toContain('grouped under scheme suzhou_2023');
    expect(JSON.parse(readFileSync(hospitals, 'utf8')).groupedBy.scheme).toBe('suzhou_2023');
    const design = cli('drg', 'design', '--cases', cases, '--output', path.join(dir, 'design'), '--min-cases', '20', '--scheme', pack);
    expect(design.status, design.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'design', 'proposals.json'), 'utf8')).groupedBy.scheme).toBe('suzhou_2023');
    expect(readFileSync(path.join(dir, 'design', 'proposals.md'), 'utf8')).toContain('Cases grouped under scheme suzhou_2023');
    const policy = path.join(dir, 'dip-policy.json');
    writeFileSync(policy, JSON.stringify({ referenceYears: [2024, 2025], coreThreshold: 2 }));
    const dip = cli('dip', 'build', '--cases', cases, '--policy', policy, '--output', path.join(dir, 'catalog.json'), '--scheme', pack);
    expect(dip.status, dip.stderr).toBe(0);
    expect(dip.stderr).toContain('severity by scheme suzhou_2023');
  });
});

describe('screening under a local scheme', () => {
  it('a case split by MCC/CC in a local group gets its level and the group it would have without those diagnoses', () => {
    const suzhou = loadScheme(suzhouDir);
    const codeSets = loadCodeSets();
    let withLower = 0;
    for (const line of lines) {
      const v = validateRecord({ ...JSON.parse(line), dischargeDate: '2025-06-30' }, { mode: 'group', codeSets });
      if (!v.ok) continue;
      const row = caseRow(v.record, suzhou);
      if (row.lowerDrg === null) continue;
      withLower++;
      expect(row.severity).not.toBe('none');
      const without = groupCase(suzhou, { ...v.record, secondaryDiagnoses: v.record.secondaryDiagnoses.filter((d) => !row.complications.split(',').includes(d)) }, { trace: false });
      expect(without.drg).toBe(row.lowerDrg);
      expect(without.adrg).toBe(row.adrg);
    }
    expect(withLower).toBeGreaterThan(5);
  });
});
