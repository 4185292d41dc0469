/** `payreform synth` end to end: the files it names, and the same bytes whatever the thread count. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, referencePath } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-synth-'));
const synth = (out: string, threads: number) =>
  spawnSync(process.execPath, [bin, 'synth', '--seed', '3', '--hospitals', '6', '--years', '2024,2025', '--cases-per-year', '30000', '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', out, '--threads', String(threads)], { encoding: 'utf8' });

describe('payreform synth', () => {
  it('writes settlement, truth and hospital files, identical with one thread or two', () => {
    const one = synth(path.join(dir, 'one'), 1);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/60,000 records for 2024, 2025 from 6 hospitals/);
    const two = synth(path.join(dir, 'two'), 2);
    expect(two.status, two.stderr).toBe(0);
    for (const file of ['settlement-2024.jsonl', 'settlement-2025.jsonl', 'truth-2025.jsonl', 'hospitals.json']) {
      expect(readFileSync(path.join(dir, 'two', file), 'utf8')).toBe(readFileSync(path.join(dir, 'one', file), 'utf8'));
    }
    const lines = readFileSync(path.join(dir, 'one', 'settlement-2025.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(30_000);
    expect(JSON.parse(readFileSync(path.join(dir, 'one', 'hospitals.json'), 'utf8'))).toHaveLength(6);
  });

  it('refuses a missing payment table with a sentence', () => {
    const run = spawnSync(process.execPath, [bin, 'synth', '--payment-table', path.join(dir, 'none.csv'), '--output', path.join(dir, 'x')], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('cannot read the payment table');
  });
});
