/**
 * Payment simulation (issue 3): `payreform simulate` end to end on 1M synthetic cases (three
 * years of `payreform synth` output: weights from 2023–2024, 2025 paid), grouping included; and a
 * what-if of 20 policies over the same cases (grouped once, priced 20 times). Wall clock of the
 * CLI incl. process start-up, reading, validation, grouping, pricing and writing every file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../lib/reference.ts';
import { bin, policies, synthInput, years } from './lib/simulate-input.ts';
import type { Figure } from './run.ts';

const perYear = 333_334;

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
  const files = synthInput(path.join(out, 'simulate-synth'), perYear);
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
