/** Hand-computed fixtures for each formula of models.md §1, §3, §4. */
import { describe, expect, it } from 'vitest';
import { solveBaseRate } from '../../../models/payment/base-rate.ts';
import { GroupStatus } from '../../../models/payment/cases.ts';
import { allocateCents, applyCents, roundHalfUpCents, roundPayments } from '../../../models/payment/cents.ts';
import { Outlier, outlierClass } from '../../../models/payment/outliers.ts';
import { caseMixIndex } from '../../../models/payment/price.ts';
import { simulatePolicy } from '../../../models/payment/simulate.ts';
import { collectWeightSample, deriveWeights, mergeWeightSamples, trimmedMean } from '../../../models/payment/weights.ts';
import { policy, table, type Row } from './helpers.ts';

describe('relative weights', () => {
  it('trims by nearest rank: ⌊n·2.5 %⌋ cases off each end', () => {
    const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(trimmedMean(oneTo(40), 0.025, 0.975)).toEqual({ mean: 20.5, kept: 38, sum: 779 }); // drops 1 and 40
    expect(trimmedMean(oneTo(39), 0.025, 0.975).kept).toBe(39); // fewer than 40 cases: nothing dropped
    expect(trimmedMean([...oneTo(79), 1e6], 0.025, 0.975)).toMatchObject({ kept: 76, mean: (3 + 78) / 2 }); // drops 1, 2 and 79, 1e6
    expect(trimmedMean([5, 1, 3], 0.1, 0.9).mean).toBe(3);
  });

  it('weights per-year relative weights by the year weights, over the years a group has cases', () => {
    const rows: Row[] = [
      // 2023: A mean 200, B mean 1200; M = 3000 / 5 = 600
      { year: 2023, drg: 'A', cost: 100 }, { year: 2023, drg: 'A', cost: 200 }, { year: 2023, drg: 'A', cost: 300 },
      { year: 2023, drg: 'B', cost: 1000 }, { year: 2023, drg: 'B', cost: 1400 },
      // 2024: A mean 240, B 1500, C 600; M = 2580 / 4 = 645
      { year: 2024, drg: 'A', cost: 220 }, { year: 2024, drg: 'A', cost: 260 }, { year: 2024, drg: 'B', cost: 1500 }, { year: 2024, drg: 'C', cost: 600 },
      // left out of the weights: stays ≤ 2 or ≥ 60 days, ungroupable, not a reference year
      { year: 2024, drg: 'A', cost: 99_999, los: 2 }, { year: 2024, drg: 'A', cost: 99_999, los: 60 }, { year: 2024, drg: null, cost: 5 }, { year: 2025, drg: 'A', cost: 7 },
    ];
    const p = policy({ referenceYears: [2023, 2024], yearWeights: [3, 7] });
    const w = deriveWeights(collectWeightSample(table(rows), p), p);
    expect(w.allCaseMean).toEqual([600, 645]);
    const rw = (d: string) => w.groups.get(d)!.relativeWeight;
    expect(rw('A')).toBeCloseTo((3 * (200 / 600) + 7 * (240 / 645)) / 10, 12);
    expect(rw('B')).toBeCloseTo((3 * (1200 / 600) + 7 * (1500 / 645)) / 10, 12);
    expect(rw('C')).toBeCloseTo(600 / 645, 12); // only in 2024: its weight alone
    expect(w.counts).toEqual({ cases: 12, excludedStays: 2, ungroupable: 1, ambiguousByItem: 0 });
    const a = w.groups.get('A')!;
    expect(a.cases).toBe(5);
    expect(a.meanCost).toBeCloseTo(216, 10);
    const sd = Math.sqrt([100, 200, 300, 220, 260].reduce((s, c) => s + (c - 216) ** 2, 0) / 5);
    expect(a.cv).toBeCloseTo(sd / 216, 12);
    // RIV over the weight population, models.md §4
    const all = [100, 200, 300, 1000, 1400, 220, 260, 1500, 600];
    const mean = all.reduce((s, c) => s + c, 0) / all.length;
    const within = [100, 200, 300, 220, 260].reduce((s, c) => s + (c - 216) ** 2, 0) + [1000, 1400, 1500].reduce((s, c) => s + (c - 1300) ** 2, 0);
    expect(w.quality.riv).toBeCloseTo(1 - within / all.reduce((s, c) => s + (c - mean) ** 2, 0), 12);
  });

  it('gives the same weights from merged partitions as from one table', () => {
    const rows: Row[] = Array.from({ length: 90 }, (_, i) => ({ year: 2023 + (i % 2), drg: ['A', 'B', 'C'][i % 3]!, cost: 1000 + ((i * 7919) % 5000) }));
    const p = policy({ referenceYears: [2023, 2024] });
    const whole = deriveWeights(collectWeightSample(table(rows), p), p);
    const parts = deriveWeights(mergeWeightSamples([collectWeightSample(table(rows.slice(0, 40)), p), collectWeightSample(table(rows.slice(40)), p)]), p);
    for (const [drg, g] of whole.groups) expect(parts.groups.get(drg)!.relativeWeight).toBeCloseTo(g.relativeWeight, 12);
  });
});

describe('payment of each outlier class', () => {
  // One reference group G with RW exactly 1; base rate 10 000; coefficients 0.9 / 1 / 1.1.
  const reference: Row[] = [{ year: 2024, drg: 'G', cost: 10_000 }, { year: 2024, drg: 'G', cost: 10_000 }];
  const settlement: [Row, string | null, number][] = [
    [{ year: 2025, drg: 'G', cost: 4000, level: 2 }, 'low', 4000], // ratio 0.4: at cost
    [{ year: 2025, drg: 'G', cost: 5000, level: 2 }, 'normal', 10_000], // ratio 0.5 exactly: normal
    [{ year: 2025, drg: 'G', cost: 20_000, level: 2 }, 'normal', 10_000], // ratio 2 exactly: normal
    [{ year: 2025, drg: 'G', cost: 25_000, level: 2 }, 'high', 15_000], // ratio 2.5: RW × (ratio − 1) × rate
    [{ year: 2025, drg: 'G', cost: 60_000, level: 2 }, 'review', 50_000], // ratio 6: flagged, paid like high
    [{ year: 2025, drg: 'G', cost: 12_100, level: 3, hospital: 'H3' }, 'normal', 11_000], // standard 11 000
    [{ year: 2025, drg: 'G', cost: 30_000, level: 1, hospital: 'H0' }, 'high', 21_000], // standard 9 000, ratio 3.33
    [{ year: 2025, drg: null, cost: 777.77, level: 2 }, null, 777.77], // ungroupable: by item
    [{ year: 2025, drg: 'ZZ19', cost: 1234.56, level: 2 }, null, 1234.56], // no reference weight: by item
  ];
  // No special-review cap here (1000 ‰), so the ratio-6 case keeps its flag; the 5 ‰ default is tested below.
  const p = policy({ levelCoefficients: { '1': 0.9, '2': 1, '3': 1.1 }, specialReview: { capPerMille: 1000 } });
  const result = simulatePolicy(table([...reference, ...settlement.map((s) => s[0])]), p);

  it('pays low at cost, normal the standard, high and review cost − standard, the rest by item', () => {
    const names = ['normal', 'low', 'high', 'review', null];
    settlement.forEach(([, cls, payment], k) => {
      expect(names[result.priced.outlier[k]!], `case ${k}`).toBe(cls);
      expect(result.cents[k], `case ${k}`).toBe(Math.round(payment * 100));
    });
    expect(result.totals.outliers).toEqual({ normal: 3, low: 1, high: 2, review: 1, byItem: 2 });
  });

  it('keeps special-review flags under the regional 5 ‰ cap: with 9 cases none stays flagged, the payment is the same', () => {
    const capped = simulatePolicy(table([...reference, ...settlement.map((s) => s[0])]), policy({ levelCoefficients: { '1': 0.9, '2': 1, '3': 1.1 } }));
    expect(capped.totals.outliers).toEqual({ normal: 3, low: 1, high: 3, review: 0, byItem: 2 });
    expect(Array.from(capped.cents)).toEqual(Array.from(result.cents));
  });

  it('computes CMI per hospital over its DRG-priced cases', () => {
    const h1 = result.hospitals.find((h) => h.hospitalId === 'H1')!;
    expect(h1).toMatchObject({ cases: 7, pricedCases: 5, low: 1, high: 1, review: 1, byItem: 2 });
    expect(caseMixIndex(h1)).toBe(1);
    expect(result.hospitals.map((h) => h.hospitalId)).toEqual(['H0', 'H1', 'H3']);
  });

  it('classifies by strict thresholds', () => {
    const t = { low: 0.5, high: 2, review: 5 };
    expect([0.49, 0.5, 2, 2.01, 5, 5.01].map((r) => outlierClass(r, t))).toEqual([Outlier.Low, Outlier.Normal, Outlier.Normal, Outlier.High, Outlier.High, Outlier.Review]);
  });
});

describe('base rate from the budget', () => {
  const reference: Row[] = [{ year: 2024, drg: 'G', cost: 10_000 }];
  it('solves budget = Σ outlier payments + rate × Σ RW of the others (hand-computed rate 10 000)', () => {
    // At r = 10 000: 8 000, 10 000, 12 000 normal (3r); 1 000 low (paid 1 000); 50 000 high (50 000 − r).
    // F(r) = 1 000 + 50 000 + 3r − r = 71 000 → r = 10 000.
    const costs = [8000, 10_000, 12_000, 1000, 50_000];
    const result = simulatePolicy(table([...reference, ...costs.map((cost) => ({ year: 2025, drg: 'G', cost }))]), policy({ baseRate: undefined, budget: 71_000 }));
    expect(result.rate.baseRate).toBeCloseTo(10_000, 6);
    expect(Array.from(result.cents)).toEqual([1_000_000, 1_000_000, 1_000_000, 100_000, 4_000_000]);
    expect(result.totals.paymentCents).toBe(7_100_000);
  });

  it('takes the root on the rising branch, not the one where nearly every case is a high outlier', () => {
    // F(r) for one case of cost c = 10 000 falls as c − r below r = 5 000, rises as r up to 20 000:
    // 9 000 is reached at r = 1 000 (a high outlier) and at r = 9 000 (normal). The policy is 9 000.
    const s = solveBaseRate({ cost: Float64Array.of(10_000), unit: Float64Array.of(1) }, 9000, { low: 0.5, high: 2, review: 5 });
    expect(s.baseRate).toBeCloseTo(9000, 6);
  });

  it('says when no base rate can spend the budget', () => {
    expect(() => solveBaseRate({ cost: Float64Array.of(10_000), unit: Float64Array.of(1) }, 30_000, { low: 0.5, high: 2, review: 5 })).toThrow(/no base rate reaches the budget: .* can be paid from about .* to about .* yuan .*, and 30000\.00 yuan were asked for .*far above the cost/);
  });

  it('counts by-item payments against the budget', () => {
    const result = simulatePolicy(table([...reference, { year: 2025, drg: 'G', cost: 10_000 }, { year: 2025, drg: null, cost: 500 }]), policy({ baseRate: undefined, budget: 12_500 }));
    expect(result.rate.baseRate).toBeCloseTo(12_000, 6);
    expect(result.totals.paymentCents).toBe(1_250_000);
  });
});

describe('to the cent', () => {
  it('rounds half-up on the decimal value', () => {
    expect([1.005, 2.675, 0.125, 0.124999, 1234.565].map(roundHalfUpCents)).toEqual([101, 268, 13, 12, 123457]);
  });

  it('gives leftover cents to the cases rounded down the most, then in case order; takes them from those rounded up the most', () => {
    const payments = Float64Array.of(1.004, 1.004, 1.006, 5);
    const eligible = (k: number) => k < 3; // the 4th is paid at cost
    const up = roundPayments(payments, eligible);
    expect(up.tally.cents).toBe(801);
    applyCents(up.cents, up.bin, allocateCents([up.tally], 802)[0]!);
    expect(Array.from(up.cents)).toEqual([101, 100, 101, 500]);
    const down = roundPayments(payments, eligible);
    applyCents(down.cents, down.bin, allocateCents([down.tally], 800)[0]!);
    expect(Array.from(down.cents)).toEqual([100, 100, 100, 500]);
  });

  it('allocates the same cents across partitions as in one', () => {
    const payments = Float64Array.from({ length: 50 }, (_, i) => 10 + ((i * 0.3791) % 1) / 7);
    const one = roundPayments(payments, () => true);
    const target = one.tally.cents + 17;
    applyCents(one.cents, one.bin, allocateCents([one.tally], target)[0]!);
    const a = roundPayments(payments.slice(0, 20), () => true);
    const b = roundPayments(payments.slice(20), () => true);
    const [pa, pb] = allocateCents([a.tally, b.tally], target);
    applyCents(a.cents, a.bin, pa!);
    applyCents(b.cents, b.bin, pb!);
    expect([...a.cents, ...b.cents]).toEqual(Array.from(one.cents));
  });

  it('treats QY groups as DRGs by default and pays them by item when the policy says so', () => {
    const rows: Row[] = [{ year: 2024, drg: 'G', cost: 10_000 }, { year: 2024, drg: 'BQY', cost: 20_000, status: GroupStatus.Ambiguous }, { year: 2025, drg: 'BQY', cost: 21_000, status: GroupStatus.Ambiguous }];
    const weighted = simulatePolicy(table(rows), policy());
    expect(weighted.weights.groups.get('BQY')!.relativeWeight).toBeCloseTo(20_000 / 15_000, 12);
    expect(weighted.priced.outlier[0]).toBe(Outlier.Normal);
    const byItem = simulatePolicy(table(rows), policy({ feeForService: { ambiguousGroups: true, share: 0.9 } }));
    expect(byItem.weights.groups.has('BQY')).toBe(false);
    expect(byItem.cents[0]).toBe(1_890_000);
  });
});
