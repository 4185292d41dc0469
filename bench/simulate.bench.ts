/**
 * Payment simulation (issue 3): `payreform simulate` end to end on 1M synthetic cases (three
 * years of `payreform synth` output: weights from 2023–2024, 2025 paid), grouping included; and a
 * what-if of 20 policies over the same cases (grouped once, priced 20 times). Wall clock of the
 * CLI incl. process start-up, reading, validation, grouping, pricing and writing every file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, referencePath } from '../lib/reference.ts';
import type { Figure } from './run.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const years = [2023, 2024, 2025];
const perYear = 333_334;
const synthArgs = ['--seed', '1', '--hospitals', '200', '--years', years.join(','), '--cases-per-year', String(perYear), '--payment-table', referencePath('payment-tables', 'linyi-2022.csv')];

/** The synthetic input, generated once (kept in bench/out/simulate-synth with the arguments that made it). */
function synthInput(dir: string): string[] {
  const stamp = path.join(dir, 'synth-args.json');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== JSON.stringify(synthArgs)) {
    execFileSync(process.execPath, [bin, 'synth', ...synthArgs, '--output', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(stamp, JSON.stringify(synthArgs));
  }
  return years.map((y) => path.join(dir, `settlement-${y}.jsonl`));
}

/** 20 policies an analyst might compare: budgets, level coefficients, thresholds, trims, year weights. */
function policies(budget: number): object[] {
  const base = { method: 'drg', referenceYears: [2023, 2024], yearWeights: [3, 7], settlementYear: 2025, budget, levelCoefficients: { '1': 0.9, '2': 1, '3': 1.1 }, outliers: { low: 0.5, high: 2, review: 5 } };
  const out: object[] = [{ ...base, name: 'baseline' }];
  for (const f of [0.97, 0.99, 1.01, 1.03]) out.push({ ...base, name: `budget-${f}`, budget: Math.round(budget * f) });
  for (const [a, b, c] of [[1, 1, 1], [0.85, 1, 1.15], [0.95, 1, 1.05], [0.8, 0.95, 1.2]] as const) out.push({ ...base, name: `levels-${a}-${b}-${c}`, levelCoefficients: { '1': a, '2': b, '3': c } });
  for (const [low, high, review] of [[0.4, 2, 5], [0.6, 2, 5], [0.5, 2.5, 5], [0.5, 3, 6], [0.3, 3, 8]] as const) out.push({ ...base, name: `outliers-${low}-${high}-${review}`, outliers: { low, high, review } });
  for (const trim of [[0.01, 0.99], [0.05, 0.95], [0, 1]]) out.push({ ...base, name: `trim-${trim.join('-')}`, trim });
  out.push({ ...base, name: 'years-1-1', yearWeights: [1, 1] }, { ...base, name: 'newest-only', referenceYears: [2024], yearWeights: [1] }, { ...base, name: 'qy-by-item', feeForService: { ambiguousGroups: true, share: 1 } });
  return out.slice(0, 20);
}

function simulate(files: string[], policyFiles: string[], output: string, extra: string[] = []): { seconds: number; stderr: string } {
  const [first, ...others] = policyFiles;
  const started = performance.now();
  const run = spawnSync(process.execPath, [bin, 'simulate', '--cases', ...files, '--policy', first!, ...others.flatMap((p) => ['--compare', p]), '--output', output, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`payreform simulate failed: ${run.stderr}`);
  return { seconds, stderr: run.stderr };
}

export async function run(): Promise<Figure[]> {
  const out = path.join(projectRoot, 'bench', 'out');
  const files = synthInput(path.join(out, 'simulate-synth'));
  const policyDir = path.join(out, 'simulate-policies');
  mkdirSync(policyDir, { recursive: true });
  // A budget near the settlement year's cost (synth seed 1: ≈ 3.18e9 yuan): 0.9 of it.
  const list = policies(2_870_000_000);
  const policyFiles = list.map((p, i) => {
    const file = path.join(policyDir, `policy-${String(i + 1).padStart(2, '0')}.json`);
    writeFileSync(file, JSON.stringify(p, null, 2));
    return file;
  });
  const cases = perYear * years.length;

  const single = simulate(files, [policyFiles[0]!], path.join(out, 'simulate-1'));
  const whatIf = simulate(files, policyFiles, path.join(out, 'simulate-20'), ['--no-case-files']);
  const pricing = /pricing 20 policies ([\d.]+) s/.exec(whatIf.stderr)?.[1];
  const grouping = /reading and grouping ([\d.]+) s/.exec(single.stderr)?.[1];
  return [
    { name: 'simulate CLI end to end, 1M cases incl. grouping, 1 policy', value: Math.round(cases / single.seconds), unit: 'cases/s', target: { op: '>=', value: 100_000 }, note: `${single.seconds.toFixed(1)} s wall clock incl. start-up and every output file; reading + validation + grouping ${grouping} s` },
    { name: 'what-if: 20 policies over the same 1M cases (CLI, grouped once)', value: Number(whatIf.seconds.toFixed(1)), unit: 's', target: { op: '<=', value: 30 }, note: `pricing the 20 policies ${pricing} s (${pricing ? ((Number(pricing) / 20) * 1000).toFixed(0) : '?'} ms each); cases.jsonl written for the first policy only (--no-case-files)` },
  ];
}
