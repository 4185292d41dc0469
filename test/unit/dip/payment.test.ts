/** DIP pricing (models/payment/dip.ts): point values by hand, outlier classes, budget spent exactly. */
import { describe, expect, it } from 'vitest';
import { budgetPointValue, caseScore, dipRateSample, priceDipCases, settlementPointValue, solvePointValue } from '../../../models/payment/dip.ts';
import { Outlier } from '../../../models/payment/outliers.ts';

const policy = { levelCoefficients: { '1': 0.8, '2': 0.9, '3': 1 }, outliers: { low: 0.5, high: 2, review: 5 }, fundRatio: 0.8, prepayment: 0.9 };

describe('DIP pricing', () => {
  it('computes the budget and settlement point values of models.md §2', () => {
    // (1·1000 + 2·3000) / (1·100 + 2·200) = 7000 / 500.
    expect(budgetPointValue([{ totalCost: 1000, totalScore: 100, weight: 1 }, { totalCost: 3000, totalScore: 200, weight: 2 }])).toBe(14);
    const cases = { cost: Float64Array.of(10, 10), caseScore: Float64Array.of(caseScore(1000, 1.5), caseScore(500, null)), level: Uint8Array.of(3, 1) };
    const sample = dipRateSample(cases, policy);
    expect([...sample.unit]).toEqual([1500, 400]);
    // (1520 / 0.8) / 1900 = 1.
    expect(settlementPointValue(1520, 0.8, sample)).toBeCloseTo(1, 12);
  });

  it('prices normal, low, high and review cases at a point value', () => {
    const cases = { cost: Float64Array.of(1000, 300, 2500, 6000), caseScore: Float64Array.of(100, 100, 100, 100), level: Uint8Array.of(3, 3, 3, 3) };
    const priced = priceDipCases(cases, policy, { baseRate: 10, normalScale: 1 });
    expect([...priced.outlier]).toEqual([Outlier.Normal, Outlier.Low, Outlier.High, Outlier.Review]);
    expect([...priced.payment]).toEqual([1000, 300, 1500, 5000]);
    expect(priced.fund).toBeCloseTo(7800 * 0.8, 9);
    expect(priced.prepaid + priced.yearEnd).toBeCloseTo(priced.fund, 9);
  });

  it('solves the point value that spends the fund budget with the outlier rules', () => {
    const n = 500;
    const cases = { cost: Float64Array.from({ length: n }, (_, i) => 800 + ((i * 7919) % 900)), caseScore: Float64Array.from({ length: n }, (_, i) => 80 + (i % 5) * 10), level: Uint8Array.from({ length: n }, (_, i) => 1 + (i % 3)) };
    const budget = 0.8 * 0.95 * cases.cost.reduce((a, b) => a + b, 0);
    const rate = solvePointValue(dipRateSample(cases, policy), budget, policy);
    const priced = priceDipCases(cases, policy, rate);
    expect(priced.fund).toBeCloseTo(budget, 4);
  });
});
