/** Synthetic settlement lists (issue 3): records per second for one year of 1M cases, end to end (CLI, files written). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot, referencePath } from '../lib/reference.ts';
import type { Figure } from './run.ts';

export async function run(): Promise<Figure[]> {
  const out = path.join(projectRoot, 'bench', 'out', 'synth-1m');
  const N = 1_000_000;
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'payreform.mjs'), 'synth', '--seed', '1', '--hospitals', '200', '--years', '2025', '--cases-per-year', String(N), '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    rates.push(N / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  return [{ name: 'synth, 1M records of one year (CLI wall clock incl. start-up, median of 3)', value: Math.round(rates[1]!), unit: 'records/s', target: { op: '>=', value: 200_000 }, note: `runs ${rates.map((r) => Math.round(r / 1000) + 'k').join(', ')}; worker threads = cores` }];
}
