/** `payreform group` end to end: input order kept, broken lines reported and skipped over, exit codes. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, referencePath } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-group-'));
const devLines = readFileSync(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'), 'utf8').trim().split('\n');

describe('payreform group', () => {
  it('writes one line per input record in input order, reports a broken line with its number and goes on', () => {
    const input = path.join(dir, 'in.jsonl');
    const grey = { ...JSON.parse(devLines[2]!), listId: 'GREY-1', principalDiagnosis: 'A00.000' };
    const invalid = { ...JSON.parse(devLines[3]!), listId: 'BAD-1', ageYears: -4 };
    writeFileSync(input, [devLines[0], '{"listId": "broken"', JSON.stringify(grey), JSON.stringify(invalid), devLines[1]].join('\n') + '\n');
    const output = path.join(dir, 'out.jsonl');
    const run = spawnSync(process.execPath, [bin, 'group', '--input', input, '--output', output, '--ambiguous', 'fallthrough'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('line 2 is not valid JSON');
    expect(run.stderr).toMatch(/5 records: \d+ grouped, \d+ ambiguous, \d+ ungroupable, 2 invalid/);
    const rows = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.listId)).toEqual([JSON.parse(devLines[0]!).listId, null, 'GREY-1', 'BAD-1', JSON.parse(devLines[1]!).listId]);
    expect(rows[0]).toEqual({ listId: 'H7-000000', status: 'grouped', mdc: 'MDCC', adrg: 'CT1', drg: 'CT19' });
    expect(rows[1].status).toBe('invalid');
    expect(rows[2].warnings.map((w: { path: string }) => w.path)).toContain('principalDiagnosis');
    expect(rows[3].errors[0].path).toBe('ageYears');
  });

  it('adds the trace with --explain', () => {
    const input = path.join(dir, 'one.jsonl');
    writeFileSync(input, devLines[0] + '\n');
    const out = execFileSync(process.execPath, [bin, 'group', '--input', input, '--explain'], { encoding: 'utf8' });
    const row = JSON.parse(out);
    expect(row.trace.map((t: { step: string }) => t.step)).toEqual(['mdc', 'ambiguous']);
    expect(row).toMatchObject({ status: 'ambiguous', drg: 'CQY' });
  });

  it('stops with a clear message and a non-zero exit code when the input or the scheme is missing', () => {
    const missing = spawnSync(process.execPath, [bin, 'group', '--input', path.join(dir, 'nope.jsonl')], { encoding: 'utf8' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('does not exist');
    const input = path.join(dir, 'one.jsonl');
    const noScheme = spawnSync(process.execPath, [bin, 'group', '--input', input, '--scheme-dir', path.join(dir, 'no-scheme')], { encoding: 'utf8' });
    expect(noScheme.status).not.toBe(0);
    expect(noScheme.stderr).toContain('scheme directory');
    expect(noScheme.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('groups by a local scheme given as an OpenDRG directory or as the pack compile-scheme --scheme wrote, as OpenDRG does', () => {
    const scheme = referencePath('local-schemes', 'suzhou_2023');
    const pack = path.join(dir, 'suzhou.pack.json');
    const compiled = spawnSync(process.execPath, [bin, 'compile-scheme', '--scheme', scheme, '--output', pack], { encoding: 'utf8' });
    expect(compiled.status).toBe(0);
    expect(compiled.stderr).toContain('376 ADRGs');
    const input = path.join(dir, 'local.jsonl');
    const lines = readFileSync(referencePath('dev-cases', 'local-schemes', 'cases.jsonl'), 'utf8').trim().split('\n').slice(0, 40);
    writeFileSync(input, lines.join('\n') + '\n');
    const expected = readFileSync(referencePath('dev-cases', 'local-schemes', 'expected-suzhou_2023.jsonl'), 'utf8').trim().split('\n').slice(0, 40).map((l) => JSON.parse(l) as { status: string; drg: string | null });
    for (const given of [pack, scheme]) {
      const rows = execFileSync(process.execPath, [bin, 'group', '--input', input, '--scheme', given], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l) as { status: string; drg: string | null });
      expect(rows.map((r) => [r.status, r.drg])).toEqual(expected.map((e) => [e.status, e.drg]));
    }
  });
});
