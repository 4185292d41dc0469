import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, vi } from 'vitest';
import { run as forecast } from '../../../cli/commands/forecast.ts';
import { run as stressTest, parseSweep } from '../../../cli/commands/stress-test.ts';
import { CliError } from '../../../lib/cli-error.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-fund-'));
const file = (name: string, content?: string) => {
  const p = path.join(dir, name);
  if (content !== undefined) writeFileSync(p, content);
  return p;
};

/** 40 months of a seasonal series with a trend, as a month,value CSV. */
const smallCsv = ['month,value', ...Array.from({ length: 40 }, (_, t) => {
  const month = `${2021 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
  const value = (1000 + 8 * t) * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 12)) * (1 + 0.01 * Math.cos(7 * t));
  return `${month},${value.toFixed(2)}`;
})].join('\n') + '\n';

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

async function cliError(fn: () => Promise<unknown>): Promise<CliError> {
  const error = await quietly(fn).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('payreform forecast (end to end)', () => {
  it('runs through bin/payreform.mjs on a small file and writes the document', async () => {
    const input = file('small.csv', smallCsv);
    const output = file('small.json');
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/payreform.mjs', 'forecast', '--input', input, '--horizon', '3', '--output', output], { cwd: root });
    expect(stdout).toMatch(/^wrote .*small\.json: ETS\(/);
    const report = JSON.parse(readFileSync(output, 'utf8'));
    expect(report.forecast.map((p: { month: string }) => p.month)).toEqual(['2024-05', '2024-06', '2024-07']);
    expect(report.backtest.mase).toBeLessThan(report.backtest.seasonalNaiveMase);
  });

  it('names the line of a bad row and checks its options', async () => {
    const bad = file('bad.csv', 'month,value\n2024-01,10\n2024-02,x\n');
    expect((await cliError(() => forecast(['--input', bad, '--horizon', '3']))).message).toBe(`${bad}: line 3: value "x" is not a number`);
    const short = file('short.csv', 'month,value\n2024-01,10\n2024-02,11\n');
    expect((await cliError(() => forecast(['--input', short, '--horizon', '3']))).message).toMatch(/2 months is too short; at least 24/);
    expect((await cliError(() => forecast(['--input', short]))).message).toBe('--horizon is required.');
    expect((await cliError(() => forecast(['--input', short, '--horizon', '0']))).exitCode).toBe(2);
    expect((await cliError(() => forecast(['--input', file('missing.csv'), '--horizon', '3']))).message).toMatch(/^cannot read .*missing\.csv: ENOENT/);
  });
});

describe('payreform stress-test', () => {
  it('runs a preset with file overrides and writes the JSON and the fan chart', async () => {
    const scenario = file('scenario.json', JSON.stringify({ paths: 500, years: 4, seed: 12 }));
    const output = file('stress.json');
    const chart = file('stress.svg');
    expect(await quietly(() => stressTest(['--preset', 'ageing', '--scenario', scenario, '--output', output, '--chart', chart]))).toBe(0);
    const result = JSON.parse(readFileSync(output, 'utf8'));
    expect(result.paths).toBe(500);
    expect(result.seed).toBe(12);
    expect(result.years).toHaveLength(4);
    const svg = readFileSync(chart, 'utf8');
    expect(svg).toMatch(/^<\?xml[^]*<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const label of ['Months of reserve', 'Year (end of)', 'insufficient (&lt; 3)', 'warning (3–6)', 'target (6–9)', 'excessive (&gt; 15)', 'median']) expect(svg).toContain(label);
    expect(svg.match(/<polygon /g)).toHaveLength(2);
  });

  it('writes a sweep table', async () => {
    const output = file('sweep.json');
    await quietly(() => stressTest(['--preset', 'baseline', '--paths', '300', '--sweep', 'costGrowth.mean=0.05:0.09:0.02', '--output', output]));
    const sweep = JSON.parse(readFileSync(output, 'utf8'));
    expect(sweep.parameter).toBe('costGrowth.mean');
    expect(sweep.rows.map((r: { value: number }) => r.value)).toEqual([0.05, 0.07, 0.09]);
    expect(sweep.rows[0].depletionProbability).toHaveLength(10);
  });

  it('explains bad input in sentences', async () => {
    const invalid = file('invalid.json', JSON.stringify({ paths: 10, costGrowth: { sd: -1 } }));
    const message = (await cliError(() => stressTest(['--preset', 'baseline', '--scenario', invalid]))).message;
    expect(message).toBe(`the scenario ${invalid} is invalid:\n  - costGrowth.sd must not be negative`);
    expect((await cliError(() => stressTest(['--preset', 'nope']))).message).toMatch(/unknown preset "nope"; the presets are baseline, ageing, high-cost-growth, epidemic/);
    expect((await cliError(() => stressTest([]))).exitCode).toBe(2);
    const broken = file('broken.json', '{ "paths": ');
    expect((await cliError(() => stressTest(['--scenario', broken]))).message).toMatch(/is not valid JSON/);
    expect(() => parseSweep('costGrowth.mean=0.1')).toThrow(/PATH=FROM:TO:STEP/);
    expect(() => parseSweep('costGrowth=0:1:0.5')).toThrow(/not a numeric scenario field/);
  });
});
