/**
 * Inputs of the simulation benches: three years of `payreform synth` lists (weights from 2023–2024,
 * 2025 paid), generated once per size and kept under bench/out with the arguments that made them,
 * and the policies an analyst might compare.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, referencePath } from '../../lib/reference.ts';

export const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
export const years = [2023, 2024, 2025];

function synthArgs(perYear: number): string[] {
  return ['--seed', '1', '--hospitals', '200', '--years', years.join(','), '--cases-per-year', String(perYear), '--payment-table', referencePath('payment-tables', 'linyi-2022.csv')];
}

/** The synthetic lists (one file per year) of `perYear` cases each, in `dir`. */
export function synthInput(dir: string, perYear: number): string[] {
  const args = synthArgs(perYear);
  const stamp = path.join(dir, 'synth-args.json');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== JSON.stringify(args)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(process.execPath, [bin, 'synth', ...args, '--output', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(stamp, JSON.stringify(args));
  }
  return years.map((y) => path.join(dir, `settlement-${y}.jsonl`));
}

/** 20 policies an analyst might compare: budgets, level coefficients, thresholds, trims, year weights. */
export function policies(budget: number): object[] {
  const base = { method: 'drg', referenceYears: [2023, 2024], yearWeights: [3, 7], settlementYear: 2025, budget, levelCoefficients: { '1': 0.9, '2': 1, '3': 1.1 }, outliers: { low: 0.5, high: 2, review: 5 } };
  const out: object[] = [{ ...base, name: 'baseline' }];
  for (const f of [0.97, 0.99, 1.01, 1.03]) out.push({ ...base, name: `budget-${f}`, budget: Math.round(budget * f) });
  for (const [a, b, c] of [[1, 1, 1], [0.85, 1, 1.15], [0.95, 1, 1.05], [0.8, 0.95, 1.2]] as const) out.push({ ...base, name: `levels-${a}-${b}-${c}`, levelCoefficients: { '1': a, '2': b, '3': c } });
  for (const [low, high, review] of [[0.4, 2, 5], [0.6, 2, 5], [0.5, 2.5, 5], [0.5, 3, 6], [0.3, 3, 8]] as const) out.push({ ...base, name: `outliers-${low}-${high}-${review}`, outliers: { low, high, review } });
  for (const trim of [[0.01, 0.99], [0.05, 0.95], [0, 1]]) out.push({ ...base, name: `trim-${trim.join('-')}`, trim });
  out.push({ ...base, name: 'years-1-1', yearWeights: [1, 1] }, { ...base, name: 'newest-only', referenceYears: [2024], yearWeights: [1] }, { ...base, name: 'qy-by-item', feeForService: { ambiguousGroups: true, share: 1 } });
  return out.slice(0, 20);
}
