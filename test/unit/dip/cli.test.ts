/** `payreform dip build | group` and `payreform drg design` end to end on a small synthetic set. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDipCatalog } from '../../../models/grouping/dip/catalog.ts';
import { projectRoot, referencePath } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-dip-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const files = ['2024', '2025'].map((y) => path.join(dir, `settlement-${y}.jsonl`));

beforeAll(() => {
  const synth = cli('synth', '--seed', '5', '--hospitals', '4', '--years', '2024,2025', '--cases-per-year', '3000', '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', dir, '--threads', '1');
  expect(synth.status, synth.stderr).toBe(0);
  appendFileSync(files[1]!, '{"listId": broken\n');
  writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ method: 'dip', settlementYear: 2025, budget: 1e7 }));
});

describe('payreform dip', () => {
  it('builds a catalogue and groups every valid case into one of its packets, reporting the broken line', () => {
    const out = path.join(dir, 'catalog.json');
    const build = cli('dip', 'build', '--cases', ...files, '--policy', path.join(dir, 'policy.json'), '--output', out, '--threads', '1');
    expect(build.status, build.stderr).toBe(0);
    expect(build.stderr).toMatch(/6,001 records \(1 invalid\), 6,000 reference cases of 2024, 2025/);
    expect(build.stderr).toMatch(/line 3001 is not valid JSON/);
    const catalog = parseDipCatalog(JSON.parse(readFileSync(out, 'utf8')));
    // The threshold search: the largest t ≤ 15 whose core packets cover ≥ 85 % of the reference cases.
    expect(catalog.policy.coreThresholdSource).toBe('coverage');
    const t = catalog.policy.coreThreshold;
    expect(catalog.quality.coverageByThreshold[t - 1]).toBeGreaterThanOrEqual(0.85);
    if (t < 15) expect(catalog.quality.coverageByThreshold[t]).toBeLessThan(0.85);
    expect(catalog.quality.coreCoverage).toBeCloseTo(catalog.quality.coverageByThreshold[t - 1]!, 6);
    expect(catalog.yearWeights).toEqual([2, 7]);
    expect(build.stderr).toMatch(/core threshold \d+ cases \(the largest ≤ 15 covering ≥ 85 %\)/);
    const ids = new Set(catalog.packets.flatMap((p) => [p.id, ...(p.tiers ?? []).map((t) => t.id)]));

    const grouped = path.join(dir, 'grouped.jsonl');
    const group = cli('dip', 'group', '--catalog', out, '--input', files[1]!, '--output', grouped, '--threads', '1');
    expect(group.status, group.stderr).toBe(0);
    expect(group.stderr).toMatch(/3,001 records: \d+ in their packet, \d+ ungrouped \(paid by item\), 1 invalid/);
    const lines = readFileSync(grouped, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3001);
    expect(Object.keys(lines[0]!)).toEqual(['listId', 'status', 'packet', 'kind', 'score', 'auxiliary']);
    // The 2025 cases are reference cases: at least the core coverage of them is grouped.
    expect(lines.filter((l) => l.status === 'grouped').length / 3000).toBeGreaterThanOrEqual(0.85);
    for (const l of lines.slice(0, 3000)) expect(ids.has(l.packet as string)).toBe(true);
    expect(lines[3000]).toMatchObject({ status: 'invalid', packet: null });

    const explained = cli('dip', 'group', '--catalog', out, '--input', files[0]!, '--explain', '--threads', '1');
    const first = JSON.parse(explained.stdout.split('\n')[0]!) as { trace: { text: string }[] };
    expect(first.trace[0]!.text).toMatch(/^Principal diagnosis .+ at 4 characters/);
  });

  it('imports a published packet list and refuses a bad row with its line', () => {
    const list = path.join(dir, 'packets.csv');
    writeFileSync(list, 'diagnosis,principalProcedure,relatedProcedures,score,basic\nK80.1,51.2300,,1200,\nK80,surgical,,900,1\n');
    const out = path.join(dir, 'published.json');
    const run = cli('dip', 'import', '--packets', list, '--output', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/2 packets \(1 core, 1 comprehensive, 1 basic\)/);
    expect(parseDipCatalog(JSON.parse(readFileSync(out, 'utf8'))).packets.map((p) => p.id)).toEqual(['K80.1/51.2300', 'K80/surgical']);
    writeFileSync(list, 'diagnosis,principalProcedure,relatedProcedures,score\nK80.1,51.2300,,-3\n');
    const bad = cli('dip', 'import', '--packets', list, '--output', out);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('packets.csv line 2: score "-3" must be a positive number');
  });

  it('refuses a DRG policy with a sentence', () => {
    writeFileSync(path.join(dir, 'drg.json'), JSON.stringify({ method: 'drg' }));
    const run = cli('dip', 'build', '--cases', files[0]!, '--policy', path.join(dir, 'drg.json'), '--output', path.join(dir, 'x.json'));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('a DIP catalogue needs a policy with "method": "dip"');
  });
});

describe('payreform drg design', () => {
  it('writes proposals.json and proposals.md comparing the official split with a CART one', () => {
    const out = path.join(dir, 'design');
    const run = cli('drg', 'design', '--cases', ...files, '--output', out, '--min-cases', '25', '--min-group-cases', '5');
    expect(run.status, run.stderr).toBe(0);
    const design = JSON.parse(readFileSync(path.join(out, 'proposals.json'), 'utf8')) as { adrgsConsidered: number; proposals: { official: { riv: number }; proposed: { riv: number; groups: unknown[] } }[] };
    expect(design.adrgsConsidered).toBeGreaterThan(0);
    for (const p of design.proposals) {
      expect(p.proposed.groups.length).toBeLessThanOrEqual(4);
      expect(p.proposed.riv).toBeGreaterThanOrEqual(0);
    }
    expect(readFileSync(path.join(out, 'proposals.md'), 'utf8')).toMatch(/^# DRG split design/);
  });
});
