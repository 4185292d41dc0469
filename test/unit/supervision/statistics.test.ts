/** The statistics under the hospital tests: exact tails, Benjamini–Hochberg, and FDR control in the upcoding test. */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../models/random.ts';
import { casesFromRows, type CaseRow } from '../../../models/supervision/case-table.ts';
import { parseRuleSet } from '../../../models/supervision/rule-set.ts';
import { screenCases } from '../../../models/supervision/screen.ts';
import { benjaminiHochberg, betaBinomialUpperTail, logGamma, normalUpperTail } from '../../../models/supervision/statistics.ts';
import { row } from './fixtures.ts';

describe('tails', () => {
  it('logGamma matches factorials and Γ(1/2)', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 10);
  });

  it('the binomial and beta-binomial upper tails match brute-force sums', () => {
    const choose = (n: number, k: number) => Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1));
    const binom = (x: number, n: number, p: number) => Array.from({ length: n - x + 1 }, (_, j) => choose(n, x + j) * p ** (x + j) * (1 - p) ** (n - x - j)).reduce((a, b) => a + b, 0);
    expect(betaBinomialUpperTail(7, 20, 0.2, 0)).toBeCloseTo(binom(7, 20, 0.2), 10);
    // Beta-binomial(n=10, α=2, β=3) by direct pmf.
    const beta = (a: number, b: number) => Math.exp(logGamma(a) + logGamma(b) - logGamma(a + b));
    const bb = (k: number) => (choose(10, k) * beta(k + 2, 10 - k + 3)) / beta(2, 3);
    const tail = [6, 7, 8, 9, 10].reduce((s, k) => s + bb(k), 0);
    expect(betaBinomialUpperTail(6, 10, 0.4, 1 / 6)).toBeCloseTo(tail, 10); // α+β = 1/ρ − 1 = 5
    expect(betaBinomialUpperTail(0, 10, 0.4, 0.1)).toBe(1);
    expect(betaBinomialUpperTail(11, 10, 0.4, 0.1)).toBe(0);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
  });
});

describe('Benjamini–Hochberg', () => {
  it('gives the step-up q-values', () => {
    // Sorted: 0.01, 0.03, 0.04, 0.5 → m·p/rank = 0.04, 0.06, 0.0533, 0.5 → running minimum from the top.
    const q = Array.from(benjaminiHochberg([0.01, 0.04, 0.03, 0.5]));
    [0.04, 0.16 / 3, 0.16 / 3, 0.5].forEach((x, i) => expect(q[i]).toBeCloseTo(x, 12));
  });

  it('controls the false-discovery rate of the upcoding hospital-ADRG test at its level', () => {
    // 30 hospitals of one level, 40 ADRGs; true rates vary by ADRG and a little by hospital
    // (overdispersion); 6 hospital-ADRG cells truly upcode (+35 points). Over 12 data sets the
    // mean share of false flags among the flagged cells stays under the FDR (5 %) with slack.
    const rules = parseRuleSet({ rules: { upcoding: { minExcess: 0 } } });
    let fdpSum = 0;
    let discoveries = 0;
    const runs = 12;
    for (let run = 0; run < runs; run++) {
      const r = createRandom(1234, run);
      const rows: CaseRow[] = [];
      const truth = new Set<string>();
      for (let a = 0; a < 40; a++) {
        const adrg = `E${String.fromCharCode(65 + (a % 26))}${Math.floor(a / 26) + 1}`;
        const base = 0.15 + 0.3 * r.uniform();
        for (let h = 0; h < 30; h++) {
          const hospital = `H${h}`;
          const upcodes = run % 2 === 0 ? h < 3 && a < 2 : h === 5 && a < 6;
          if (upcodes) truth.add(`${hospital}|${adrg}`);
          const rate = Math.min(0.95, base * Math.exp(0.1 * r.normal()) + (upcodes ? 0.35 : 0));
          const n = 20 + Math.floor(40 * r.uniform());
          for (let i = 0; i < n; i++) {
            const mcc = r.uniform() < rate;
            rows.push(row({ hospitalId: hospital, drg: `${adrg}${mcc ? 1 : 5}`, adrg, mdc: 'MDCE', patientId: null, cost: mcc ? 12_000 : 8000, severity: mcc ? 'mcc' : 'none', lowerDrg: mcc ? `${adrg}5` : null, complications: mcc ? 'J96.000' : '' }));
          }
        }
      }
      const flagged = screenCases(casesFromRows(rows), rules).flags.filter((f) => f.rule === 'upcoding' && f.listId === null && f.evidence.scope === 'adrg');
      const false_ = flagged.filter((f) => !truth.has(`${f.hospitalId}|${f.evidence.adrg}`)).length;
      discoveries += flagged.length;
      fdpSum += flagged.length > 0 ? false_ / flagged.length : 0;
    }
    expect(discoveries).toBeGreaterThan(runs); // the test has power
    expect(fdpSum / runs).toBeLessThanOrEqual(0.08);
  });
});
