/**
 * End to end: `payreform synth --inject` (labels, same bytes whatever the thread count) →
 * `payreform monitor` (flags file, summary, risk table) → precision/recall per rule against the
 * labels, with conservative floors (the measured figures are in the README).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateFlags, type Evaluation } from '../../../models/supervision/evaluate.ts';
import type { Flag } from '../../../models/supervision/flags.ts';
import { projectRoot, referencePath } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-monitor-'));
const inject = 'split-admission=0.01,upcoding=0.03,low-severity-admission=0.015,frequent-admission=0.01,high-cost=0.005,drug-share=0.01';
const synth = (out: string, threads: number) =>
  spawnSync(process.execPath, [bin, 'synth', '--seed', '5', '--hospitals', '10', '--years', '2025', '--cases-per-year', '30000', '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', out, '--threads', String(threads), '--inject', inject], { encoding: 'utf8' });
const monitor = (...args: string[]) => spawnSync(process.execPath, [bin, 'monitor', ...args], { encoding: 'utf8' });

let evaluation: Evaluation;
let flags: Flag[];
let stderr: string;

beforeAll(() => {
  const one = synth(path.join(dir, 'one'), 1);
  expect(one.status, one.stderr).toBe(0);
  const run = monitor('--cases', path.join(dir, 'one', 'settlement-2025.jsonl'), '--output', path.join(dir, 'flags.jsonl'), '--hospitals', path.join(dir, 'risk.json'));
  expect(run.status, run.stderr).toBe(0);
  stderr = run.stderr;
  flags = readFileSync(path.join(dir, 'flags.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Flag);
  const labels = new Map<string, string[]>();
  for (const l of readFileSync(path.join(dir, 'one', 'truth-2025.jsonl'), 'utf8').trim().split('\n')) {
    const t = JSON.parse(l) as { listId: string; patterns: string[] };
    if (t.patterns.length > 0) labels.set(t.listId, t.patterns);
  }
  const hospitals = new Map((JSON.parse(readFileSync(path.join(dir, 'one', 'truth-hospitals.json'), 'utf8')) as { hospitalId: string; patterns: string[] }[]).map((h) => [h.hospitalId, h.patterns]));
  evaluation = evaluateFlags(flags, labels, hospitals);
}, 120_000);

describe('payreform synth --inject', () => {
  it('labels the injected cases and hospitals, with the same bytes on two threads', () => {
    const two = synth(path.join(dir, 'two'), 2);
    expect(two.status, two.stderr).toBe(0);
    for (const file of ['settlement-2025.jsonl', 'truth-2025.jsonl', 'truth-hospitals.json']) {
      expect(readFileSync(path.join(dir, 'two', file), 'utf8')).toBe(readFileSync(path.join(dir, 'one', file), 'utf8'));
    }
    expect(evaluation.cases['split-admission'].labelled).toBeGreaterThan(200);
    expect(evaluation.cases.upcoding.labelled).toBeGreaterThan(400);
    expect(evaluation.hospitals.upcoding!.labelled).toBe(1);
  });

  it('refuses an unknown pattern with a sentence', () => {
    const run = spawnSync(process.execPath, [bin, 'synth', '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', path.join(dir, 'x'), '--inject', 'bribery=0.1'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown pattern "bribery"');
  });
});

describe('payreform monitor', () => {
  it('writes one line per flag in the documented shape, and a summary by rule and hospital', () => {
    for (const f of flags.slice(0, 200)) {
      expect(Object.keys(f)).toEqual(['rule', 'hospitalId', 'listId', 'score', 'evidence']);
      expect(f.score).toBeGreaterThan(0);
      expect(f.score).toBeLessThanOrEqual(1);
      expect(typeof f.evidence.reason).toBe('string');
    }
    expect(flags.some((f) => f.listId === null)).toBe(true);
    expect(stderr).toMatch(/30,000 records: 30,000 screened, 0 rejected/);
    expect(stderr).toMatch(/split-admission\s+\d+ cases/);
    expect(stderr).toMatch(/Hospitals by risk/);
    const risk = JSON.parse(readFileSync(path.join(dir, 'risk.json'), 'utf8')) as { hospitals: { hospitalId: string; risk: number; rank: number }[] };
    expect(risk.hospitals).toHaveLength(10);
    expect(risk.hospitals[0]!.rank).toBe(1);
  });

  it('finds the injected patterns (conservative floors on precision and recall)', () => {
    const c = evaluation.cases;
    expect(c['split-admission'].recall).toBeGreaterThanOrEqual(0.9);
    expect(c['split-admission'].precision).toBeGreaterThanOrEqual(0.8);
    expect(c['frequent-admission'].recall).toBeGreaterThanOrEqual(0.9);
    expect(c['high-cost'].recall).toBeGreaterThanOrEqual(0.9);
    expect(c['drug-share'].recall).toBeGreaterThanOrEqual(0.6);
    expect(c['drug-share'].precision).toBeGreaterThanOrEqual(0.8);
    expect(c['low-severity-admission'].recall).toBeGreaterThanOrEqual(0.8);
    expect(c.upcoding.precision).toBeGreaterThanOrEqual(0.4);
    expect(c.upcoding.recall).toBeGreaterThanOrEqual(0.1);
    for (const rule of ['upcoding', 'low-severity-admission', 'drug-share'] as const) expect(evaluation.hospitals[rule]!.recall, rule).toBe(1);
  });

  it('refuses a rule set with an unknown field, and a missing input, with sentences', () => {
    writeFileSync(path.join(dir, 'bad-rules.json'), JSON.stringify({ rules: { 'split-admission': { windowDay: 10 } } }));
    const bad = monitor('--cases', path.join(dir, 'one', 'settlement-2025.jsonl'), '--rules', path.join(dir, 'bad-rules.json'), '--output', path.join(dir, 'f.jsonl'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('rules.split-admission');
    const missing = monitor('--cases', path.join(dir, 'none.jsonl'), '--output', path.join(dir, 'f.jsonl'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('does not exist');
  });
});
