/** Rounding at the output boundary: amounts to the cent, other fractions to 4 decimals, whole numbers untouched. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundForOutput, roundTo, stringifyRounded } from '../../../models/text/round.ts';

describe('output rounding', () => {
  it('amounts by their name to the cent, ratios to 4 decimals, inside objects and arrays', () => {
    const text = stringifyRounded({ totalCost: 0.1 + 0.2, payment: 1234.5678, inGroupRate: 0.1 + 0.2, weight: 1.234567, cases: 3, nested: { budget: [1.005, 2.675], shares: [1 / 3] }, label: 'x' });
    expect(text).not.toMatch(/\d\.\d{5,}/);
    expect(JSON.parse(text)).toEqual({ totalCost: 0.3, payment: 1234.57, inGroupRate: 0.3, weight: 1.2346, cases: 3, nested: { budget: [1.01, 2.68], shares: [0.3333] }, label: 'x' });
    expect(roundForOutput('balance', -2.345)).toBe(-2.35);
    expect(roundForOutput('x', Number.NaN)).toBeNaN();
  });

  it('never moves a value by more than half a unit of its last place', () => {
    fc.assert(fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.constantFrom(2, 4), (v, d) => {
      expect(Math.abs(roundTo(v, d) - v)).toBeLessThanOrEqual(0.5 * 10 ** -d + Math.abs(v) * 1e-12);
    }));
  });
});
