import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mergeScenario, parseScenario, presets, type ScenarioInput } from '../../../models/fund/scenario.ts';
import {
  alertFor,
  drawSinglePathShocks,
  projectPath,
  runStressTest,
  sweepScenario,
  sweepValues,
} from '../../../models/fund/stress-test.ts';
import { quantileSorted } from '../../../models/fund/statistics.ts';

/**
 * A two-year fund small enough to project by hand:
 * - income_m = 1000 members · 1000 yuan · W_m · 0.1 = 100 000 (wages flat: mean 0, sd 0)
 * - expenditure_m = 1000 · 0.12/12 · 10 000 · C_m · A_m · 0.5 = 50 000 · 1.06^m, because the cost
 *   index grows by (1 + g)^(1/12) = 1.06 a month when g = 1.06^12 − 1, and A_m = 1 (drift 0)
 * - reserve_{m+1} = reserve_m + 100 000 − 50 000 · 1.06^m (interest 0), reserve_0 = 100 000.
 */
const handFund: ScenarioInput = {
  seed: 3,
  paths: 5,
  years: 2,
  reserve: 100_000,
  members: 1000,
  memberGrowth: 0,
  contributionBase: 1000,
  contributionRate: 0.1,
  subsidyPerMonth: 0,
  wageGrowth: { mean: 0, sd: 0, ar: 0.5 },
  casesPerMemberYear: 0.12,
  costPerCase: 10_000,
  fundRatio: 0.5,
  costGrowth: { mean: 1.06 ** 12 - 1, sd: 0, ar: 0.5 },
  ageing: { share65: 0.2, drift: 0, costMultiple: 2 },
  epidemics: { ratePerYear: 0, costIncrease: 0.3, months: 3 },
  interestRate: 0,
};

const relClose = (actual: number, expected: number, tol = 1e-9) => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
};

describe('the deterministic projection (every sd and ratePerYear 0)', () => {
  it('matches the hand-computed two-year fund', () => {
    // Year 1: Σ income = 1 200 000, Σ expenditure = 50 000 · (1.06^12 − 1)/0.06 ≈ 843 497.06.
    const exp1 = (50_000 * (1.06 ** 12 - 1)) / 0.06;
    const reserve12 = 100_000 + 1_200_000 - exp1; // ≈ 456 502.94
    // Year 2: Σ expenditure = 1.06^12 · year 1's ≈ 1 697 281.81.
    const exp2 = exp1 * 1.06 ** 12;
    const reserve24 = reserve12 + 1_200_000 - exp2; // ≈ −40 778.87
    // Closing reserve after month 22: 100 000 + 23·100 000 − 50 000·(1.06^23 − 1)/0.06 ≈ 50 209 > 0,
    // after month 23 it is reserve24 < 0: depletion in month 23, i.e. year 2.
    expect(reserve24).toBeLessThan(0);
    expect(100_000 + 2_300_000 - (50_000 * (1.06 ** 23 - 1)) / 0.06).toBeGreaterThan(0);

    const path = projectPath(handFund, { wageZ: [], costZ: [], epidemicStarts: [] });
    relClose(path.expenditure[0]!, 50_000);
    relClose(path.expenditure[13]!, 50_000 * 1.06 ** 13);
    relClose(path.reserve[12]!, reserve12);
    relClose(path.reserve[24]!, reserve24);
    relClose(path.monthsOfReserve[0]!, reserve12 / (exp1 / 12)); // ≈ 6.494
    relClose(path.monthsOfReserve[1]!, reserve24 / (exp2 / 12)); // ≈ −0.288
    expect(path.deficit).toEqual([false, true]);
    expect(path.depletionMonth).toBe(23);

    const result = runStressTest(handFund);
    expect(result.paths).toBe(5);
    expect(result.seed).toBe(3);
    expect(result.elapsedMs).toBe(0);
    const [y1, y2] = result.years;
    expect(y1).toMatchObject({ year: 1, deficitProbability: 0, depletionProbability: 0, alert: 'target' });
    expect(y2).toMatchObject({ year: 2, deficitProbability: 1, depletionProbability: 1, alert: 'insufficient' });
    for (const q of Object.values(y1!.monthsOfReserve)) relClose(q, reserve12 / (exp1 / 12));
    for (const q of Object.values(y2!.monthsOfReserve)) relClose(q, reserve24 / (exp2 / 12));
    expect(result.depletionYear).toEqual({ '1': 0, '2': 1, never: 0 });
  });

  it('applies membership growth, ageing, subsidy and interest as written in §5', () => {
    const s = mergeScenario(handFund, {
      memberGrowth: 0.03,
      subsidyPerMonth: 2000,
      interestRate: 0.024,
      ageing: { share65: 0.2, drift: 0.012, costMultiple: 3 },
      wageGrowth: { mean: 0.05 },
    });
    const path = projectPath(s, { wageZ: [], costZ: [], epidemicStarts: [] });
    // Month 0: members 1000, A_0 = 1, W_0 = C_0 = 1.
    relClose(path.income[0]!, 100_000 + 2000);
    relClose(path.expenditure[0]!, 50_000);
    relClose(path.reserve[1]!, 100_000 * (1 + 0.024 / 12) + 102_000 - 50_000);
    // Month 12: members 1030, W_12 = 1.05, C_12 = 1.06^12, s_12 = 0.212, A_12 = (1 + 2·0.212)/(1 + 2·0.2).
    const a12 = (1 - 0.212 + 0.212 * 3) / (1 - 0.2 + 0.2 * 3);
    relClose(path.income[12]!, 1030 * 1000 * 1.05 * 0.1 + 2000);
    relClose(path.expenditure[12]!, ((1030 * 0.12) / 12) * 10_000 * 1.06 ** 12 * a12 * 0.5);
    // All paths of the Monte Carlo run equal this projection.
    const result = runStressTest(mergeScenario(s, { paths: 7 }));
    for (const [i, y] of result.years.entries()) {
      expect(new Set(Object.values(y.monthsOfReserve)).size).toBe(1);
      relClose(y.monthsOfReserve.p50, path.monthsOfReserve[i]!);
    }
  });

  it('adds overlapping epidemics, including across the year boundary', () => {
    const s = mergeScenario(handFund, { epidemics: { ratePerYear: 0, costIncrease: 0.25, months: 3 } });
    const path = projectPath(s, { wageZ: [], costZ: [], epidemicStarts: [10, 11] });
    const plain = projectPath(s, { wageZ: [], costZ: [], epidemicStarts: [] });
    const ratio = path.expenditure.map((e, m) => e / plain.expenditure[m]!);
    expect(ratio.slice(9, 15).map((r) => Math.round(r * 1e9) / 1e9)).toEqual([1, 1.25, 1.5, 1.5, 1.25, 1]);
  });
});

describe('the Monte Carlo stress test', () => {
  const small = mergeScenario(presets.baseline, { paths: 2000 }) as ScenarioInput;

  it('gives the same numbers for the same seed and different ones for another', () => {
    const a = runStressTest(small);
    const b = runStressTest(small);
    const c = runStressTest(mergeScenario(small, { seed: 2 }));
    expect(b).toEqual(a);
    expect(c.years).not.toEqual(a.years);
  });

  it('measures time only by the clock passed in', () => {
    let now = 100;
    const result = runStressTest(mergeScenario(small, { paths: 10 }), { clock: () => (now += 5) });
    expect(result.elapsedMs).toBe(5);
  });

  it('runs path 0 of a one-path run exactly like the scalar reference with the same draws', () => {
    const one = mergeScenario(presets.epidemic, { paths: 1, seed: 9 });
    const shocks = drawSinglePathShocks(one);
    expect(shocks.epidemicStarts.length).toBeGreaterThan(0);
    const path = projectPath(one, shocks);
    const result = runStressTest(one);
    for (const [i, y] of result.years.entries()) relClose(y.monthsOfReserve.p50, path.monthsOfReserve[i]!, 1e-12);
    const depletedYear = path.depletionMonth < 0 ? 'never' : String(Math.floor(path.depletionMonth / 12) + 1);
    expect(result.depletionYear[depletedYear]).toBe(1);
  });

  it('reports the output shape of issue 6 with coherent probabilities', () => {
    const r = runStressTest(small);
    expect(Object.keys(r)).toEqual(['years', 'depletionYear', 'paths', 'seed', 'elapsedMs']);
    expect(Object.keys(r.depletionYear)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'never']);
    const total = Object.values(r.depletionYear).reduce((a, b) => a + b, 0);
    relClose(total, 1, 1e-12);
    let cumulative = 0;
    for (const y of r.years) {
      cumulative += r.depletionYear[String(y.year)]!;
      relClose(y.depletionProbability, cumulative, 1e-12);
      const q = y.monthsOfReserve;
      expect(q.p5 <= q.p25 && q.p25 <= q.p50 && q.p50 <= q.p75 && q.p75 <= q.p95).toBe(true);
      expect(y.alert).toBe(alertFor(q.p50, parseScenario(small).alerts));
    }
    // The baseline fund starts in the "high" band (≈ 12.7 months) and drifts down.
    expect(r.years[0]!.alert).toBe('high');
    expect(r.years[9]!.monthsOfReserve.p50).toBeLessThan(r.years[0]!.monthsOfReserve.p50);
  });

  it('property: a higher mean cost growth never lowers depletion or deficit probability (same seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 0.12, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        (seed, mean, bump, sd) => {
          const base = mergeScenario(presets.epidemic, { seed, paths: 300, years: 6, costGrowth: { mean, sd } });
          const low = runStressTest(base);
          const high = runStressTest(mergeScenario(base, { costGrowth: { mean: mean + bump } }));
          low.years.forEach((y, i) => {
            const h = high.years[i]!;
            expect(h.depletionProbability).toBeGreaterThanOrEqual(y.depletionProbability);
            expect(h.deficitProbability).toBeGreaterThanOrEqual(y.deficitProbability);
            expect(h.monthsOfReserve.p50).toBeLessThanOrEqual(y.monthsOfReserve.p50);
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('property: a larger reserve never raises depletion probability; percentiles stay ordered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 2e9, noNaN: true }), (seed, extra) => {
        const base = mergeScenario(presets['high-cost-growth'], { seed, paths: 300, years: 8 });
        const a = runStressTest(base);
        const b = runStressTest(mergeScenario(base, { reserve: 1.2e9 + extra }));
        b.years.forEach((y, i) => {
          expect(y.depletionProbability).toBeLessThanOrEqual(a.years[i]!.depletionProbability);
          const q = y.monthsOfReserve;
          expect([q.p5, q.p25, q.p50, q.p75, q.p95]).toEqual([q.p5, q.p25, q.p50, q.p75, q.p95].sort((u, v) => u - v));
        });
      }),
      { numRuns: 20 },
    );
  });
});

describe('alerts and percentiles', () => {
  const t = { insufficientBelow: 3, warningBelow: 6, targetUpTo: 9, excessiveAbove: 15 };
  it('classifies months of reserve by the §5 thresholds', () => {
    expect([-1, 2.99, 3, 5.99, 6, 9, 9.01, 15, 15.01].map((m) => alertFor(m, t))).toEqual([
      'insufficient', 'insufficient', 'warning', 'warning', 'target', 'target', 'high', 'high', 'excessive',
    ]);
  });
  it('interpolates linearly between order statistics (type 7)', () => {
    const sorted = [1, 2, 3, 4, 10];
    expect(quantileSorted(sorted, 0.5)).toBe(3);
    expect(quantileSorted(sorted, 0.95)).toBeCloseTo(4 + 0.8 * 6, 12); // h = 3.8
    expect(quantileSorted(sorted, 0.05)).toBeCloseTo(1.2, 12); // h = 0.2
    expect(quantileSorted([7], 0.25)).toBe(7);
  });
});

describe('scenario sweeps', () => {
  it('builds the value grid without drift and rejects bad ranges', () => {
    expect(sweepValues(0.05, 0.1, 0.01)).toEqual([0.05, 0.06, 0.07, 0.08, 0.09, 0.1]);
    expect(sweepValues(1, 0, -0.5)).toEqual([1, 0.5, 0]);
    expect(() => sweepValues(0, 1, -1)).toThrow(RangeError);
    expect(() => sweepValues(0, 1, 0)).toThrow(RangeError);
  });

  it('tabulates depletion and deficit probability by year, rising with cost growth', () => {
    const base = mergeScenario(presets.baseline, { paths: 1000 });
    const sweep = sweepScenario(base, 'costGrowth.mean', [0.05, 0.07, 0.09]);
    expect(sweep.parameter).toBe('costGrowth.mean');
    expect(sweep.years).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sweep.rows.map((r) => r.value)).toEqual([0.05, 0.07, 0.09]);
    const lastYear = sweep.rows.map((r) => r.depletionProbability[9]!);
    expect(lastYear[0]!).toBeLessThan(lastYear[1]!);
    expect(lastYear[1]!).toBeLessThan(lastYear[2]!);
    // The middle row is the plain run of the scenario (same seed, same draws).
    const plain = runStressTest(base);
    expect(sweep.rows[1]!.depletionProbability).toEqual(plain.years.map((y) => y.depletionProbability));
    expect(sweep.rows[1]!.neverDepleted).toBe(plain.depletionYear.never);
  });
});
