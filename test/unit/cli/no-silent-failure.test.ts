/**
 * `payreform simulate` never reports success after doing nothing: `--compare b.json c.json` is two
 * policies (c.json is not read as cases), a file that is not a policy stops the run naming it, and a
 * policy whose settlement year holds no case stops with exit 2 and one sentence (never a NaN report).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';

afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-silent-'));
const cases = 'examples/settlement-lists-2025-03.jsonl';
const base = { method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 9865 };
const write = (name: string, value: unknown): string => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const a = write('a.json', { ...base, name: 'a' });
const b = write('b.json', { ...base, name: 'b', baseRate: 9000 });
const c = write('c.json', { ...base, name: 'c', baseRate: 11000 });

async function simulate(...args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const code = await main(['simulate', '--threads', '1', '--no-case-files', ...args]);
  return { code, err: err.join('') };
}

describe('payreform simulate --compare', () => {
  it('takes several policies after one flag: each is priced and compared', async () => {
    const output = path.join(dir, 'one-flag');
    const { code, err } = await simulate('--cases', cases, '--policy', a, '--compare', b, c, '--output', output);
    expect(code).toBe(0);
    expect(err).toContain('117 records: 117 accepted, 0 rejected');
    expect(readFileSync(path.join(output, 'comparison.csv'), 'utf8').split('\n')[0]).toContain('payment_a,payment_b,payment_c');
    expect(existsSync(path.join(output, 'c', 'summary.json'))).toBe(true);
  });

  it('takes each flag once as well, and several case files after --cases', async () => {
    const output = path.join(dir, 'repeated');
    const { code } = await simulate('--cases', cases, cases, '--policy', a, '--compare', b, '--compare', c, '--output', output);
    expect(code).toBe(0);
    expect(existsSync(path.join(output, 'b', 'summary.json')) && existsSync(path.join(output, 'c', 'summary.json'))).toBe(true);
  });

  it('a compared file that is not a policy stops the run naming it', async () => {
    const { code, err } = await simulate('--cases', cases, '--policy', a, '--compare', b, cases, '--output', path.join(dir, 'bad'));
    expect(code).not.toBe(0);
    expect(err).toContain(`the policy ${cases} is not valid JSON`);
  });
});

describe('a policy year without cases', () => {
  it('exits 2 with one sentence naming the policy and the year, and writes no report', async () => {
    const empty = write('2019.json', { ...base, referenceYears: [2019], settlementYear: 2019 });
    const output = path.join(dir, 'empty');
    const { code, err } = await simulate('--cases', cases, '--policy', empty, '--output', output);
    expect(code).toBe(2);
    expect(err).toContain(`payreform simulate: the policy ${empty}: no case is discharged in its settlementYear 2019 (the cases are discharged in 2025), so there is nothing to pay.`);
    expect(err).not.toContain('NaN');
    expect(existsSync(path.join(output, 'summary.json'))).toBe(false);
    const noReference = write('ref-2019.json', { ...base, referenceYears: [2019] });
    const second = await simulate('--cases', cases, '--policy', a, '--compare', noReference, '--output', output);
    expect(second.code).toBe(2);
    expect(second.err).toContain('no case is discharged in its referenceYears 2019');
  });
});
