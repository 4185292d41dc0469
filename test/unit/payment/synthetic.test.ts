/**
 * Weights recovered from synthetic data track the real table the generator was calibrated on
 * (issue 3: Pearson r ≥ 0.98 over DRGs with ≥ 30 cases).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePaymentTable, relativeWeights } from '../../../models/payment/payment-table.ts';
import { projectRoot, referencePath } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const tableFile = referencePath('payment-tables', 'linyi-2022.csv');

function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe.skipIf(!existsSync(path.join(projectRoot, 'cli', 'commands', 'synth.ts')))('weights from synthetic settlement lists', () => {
  it('track the city table they were calibrated on (Pearson r ≥ 0.98 over DRGs with ≥ 30 cases)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'payreform-synthetic-weights-'));
    execFileSync(process.execPath, [bin, 'synth', '--seed', '11', '--hospitals', '20', '--years', '2023,2024,2025', '--cases-per-year', '30000', '--payment-table', tableFile, '--output', dir], { stdio: 'ignore' });
    const policy = path.join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ method: 'drg', referenceYears: [2023, 2024], settlementYear: 2025, baseRate: 10_000, levelCoefficients: { '1': 0.9, '2': 1, '3': 1.1 } }));
    const out = path.join(dir, 'simulation');
    const files = [2023, 2024, 2025].map((y) => path.join(dir, `settlement-${y}.jsonl`));
    execFileSync(process.execPath, [bin, 'simulate', '--cases', ...files, '--policy', policy, '--output', out], { stdio: 'ignore' });
    const table = relativeWeights(parsePaymentTable('linyi-2022.csv', readFileSync(tableFile, 'utf8')));
    const x: number[] = [];
    const y: number[] = [];
    for (const line of readFileSync(path.join(out, 'groups.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [drg, cases, , rw] = line.split(',');
      const real = table.get(drg!);
      if (real === undefined || Number(cases) < 30) continue;
      x.push(real);
      y.push(Number(rw));
    }
    expect(x.length).toBeGreaterThan(200);
    expect(pearson(x, y)).toBeGreaterThanOrEqual(0.98);
  }, 120_000);
});
