/**
 * Supervision (issue 8): precision and recall per rule on injected synthetic data, and the
 * screening throughput on 1M cases on one core.
 *
 * - Accuracy: `synth --seed 1 --hospitals 20 --years 2024,2025 --cases-per-year 50000 --inject …`
 *   then `monitor`; flags are scored against the truth labels (models/supervision/evaluate.ts).
 * - Throughput: `synth` of 1M cases (2 years × 500 000, 100 hospitals, injected), then
 *   `monitor` three times, one thread: the screening stage alone (rules on the grouped table:
 *   the figure the ≥ 1M cases/minute target is about) and end to end (read JSONL, validate,
 *   group, screen, write flags; wall clock incl. start-up). Medians of 3.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateFlags } from '../models/supervision/evaluate.ts';
import type { Flag } from '../models/supervision/flags.ts';
import { ruleIds } from '../models/supervision/rule-set.ts';
import { projectRoot, referencePath } from '../lib/reference.ts';
import type { Figure } from './run.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const out = path.join(projectRoot, 'bench', 'out');
export const benchInjection = 'split-admission=0.01,upcoding=0.02,low-severity-admission=0.01,frequent-admission=0.01,high-cost=0.005,drug-share=0.01';

function synth(dir: string, hospitals: number, years: string, perYear: number): void {
  execFileSync(process.execPath, [bin, 'synth', '--seed', '1', '--hospitals', String(hospitals), '--years', years, '--cases-per-year', String(perYear), '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', dir, '--inject', benchInjection], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function monitor(dir: string, years: string[], flags: string): string {
  const run = spawnSync(process.execPath, [bin, 'monitor', '--cases', ...years.map((y) => path.join(dir, `settlement-${y}.jsonl`)), '--output', flags], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stderr;
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  // Accuracy on 100 000 cases.
  const small = path.join(out, 'supervision-100k');
  synth(small, 20, '2024,2025', 50_000);
  monitor(small, ['2024', '2025'], path.join(small, 'flags.jsonl'));
  const labels = new Map<string, string[]>();
  for (const y of ['2024', '2025']) {
    for (const l of readFileSync(path.join(small, `truth-${y}.jsonl`), 'utf8').split('\n')) {
      if (!l) continue;
      const t = JSON.parse(l) as { listId: string; patterns: string[] };
      if (t.patterns.length > 0) labels.set(t.listId, t.patterns);
    }
  }
  const hospitals = new Map((JSON.parse(readFileSync(path.join(small, 'truth-hospitals.json'), 'utf8')) as { hospitalId: string; patterns: string[] }[]).map((h) => [h.hospitalId, h.patterns]));
  const flags = readFileSync(path.join(small, 'flags.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Flag);
  const e = evaluateFlags(flags, labels, hospitals);
  for (const rule of ruleIds) {
    const s = e.cases[rule];
    figures.push({ name: `${rule}: case precision`, value: s.precision, unit: '', note: `${s.truePositives} of ${s.flagged} flagged cases injected` });
    figures.push({ name: `${rule}: case recall`, value: s.recall, unit: '', note: `${s.truePositives} of ${s.labelled} injected cases flagged` });
    const h = e.hospitals[rule];
    if (h) figures.push({ name: `${rule}: hospital precision / recall`, value: h.recall, unit: 'recall', note: `precision ${h.precision.toFixed(2)}; ${h.truePositives} of ${h.labelled} chosen hospitals flagged, ${h.flagged} flagged` });
  }
  // Throughput on 1M cases.
  const big = path.join(out, 'supervision-1m');
  synth(big, 100, '2024,2025', 500_000);
  const screening: number[] = [];
  const endToEnd: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const stderr = monitor(big, ['2024', '2025'], path.join(big, 'flags.jsonl'));
    endToEnd.push((1_000_000 / ((performance.now() - started) / 1000)) * 60);
    const m = /screened in ([\d.]+) s/.exec(stderr);
    if (m) screening.push((1_000_000 / Number(m[1])) * 60);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const runs = (xs: number[]) => xs.map((x) => `${(x / 1e6).toFixed(1)}M`).join(', ');
  figures.push({ name: 'screening, 1M grouped cases, all six rules + risk, one thread (median of 3)', value: Math.round(median(screening)), unit: 'cases/min', target: { op: '>=', value: 1_000_000 }, note: `runs ${runs(screening)}` });
  figures.push({ name: 'monitor CLI end to end, 1M cases (read, validate, group, screen, write; one thread, median of 3)', value: Math.round(median(endToEnd)), unit: 'cases/min', target: { op: '>=', value: 1_000_000 }, note: `runs ${runs(endToEnd)}` });
  return figures;
}
