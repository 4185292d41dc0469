/** Rounding at the output boundary: amounts to the cent, other fractions to 4 decimals, whole numbers untouched. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundForOutput, roundTo, stringifyRounded } from '../../../models/text/round.ts';

describe('output rounding', () => {
  it('amounts by their name to the cent, ratios to 4 decimals, pricing figures to 6, inside objects and arrays', () => {
    const text = stringifyRounded({
      totalCost: 0.1 + 0.2, payment: 1234.5678, inGroupRate: 0.1 + 0.2, paymentToCost: 0.912345, weight: 1.23456789, cases: 3,
      nested: { budget: [1.005, 2.675], shares: [1 / 3] }, relativeWeights: { FM19: 2.14862649 }, hospitalCoefficients: { level: { 1: 1.0491334 } },
      settlementPointValue: 2.85243149, label: 'x', other: 0.123456,
    });
    expect(text).not.toMatch(/\d\.\d{7,}/);
    expect(JSON.parse(text)).toEqual({
      totalCost: 0.3, payment: 1234.57, inGroupRate: 0.3, paymentToCost: 0.9123, weight: 1.234568, cases: 3,
      nested: { budget: [1.01, 2.68], shares: [0.3333] }, relativeWeights: { FM19: 2.148626 }, hospitalCoefficients: { level: { 1: 1.049133 } },
      settlementPointValue: 2.852431, label: 'x', other: 0.1235,
    });
    expect(roundForOutput('balance', -2.345)).toBe(-2.35);
    expect(roundForOutput('x', Number.NaN)).toBeNaN();
  });

  it('never moves a value by more than half a unit of its last place', () => {
    fc.assert(fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.constantFrom(2, 4), (v, d) => {
      expect(Math.abs(roundTo(v, d) - v)).toBeLessThanOrEqual(0.5 * 10 ** -d + Math.abs(v) * 1e-12);
    }));
  });
});
