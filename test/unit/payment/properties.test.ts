/** Invariants of pricing (fast-check): budget to the cent, outlier classes, homogeneity, thresholds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BudgetError } from '../../../models/payment/base-rate.ts';
import { outlierClass, Outlier } from '../../../models/payment/outliers.ts';
import type { PaymentPolicyInput } from '../../../models/payment/policy.ts';
import { simulatePolicy, type PolicyResult } from '../../../models/payment/simulate.ts';
import { policy, table, type Row } from './helpers.ts';

const drg = fc.constantFrom('A', 'B', 'C', 'D');
const cost = fc.integer({ min: 10_000, max: 20_000_000 }).map((c) => c / 100); // 100.00 … 200 000.00 yuan
const reference = fc.array(fc.record({ year: fc.constant(2024), drg, cost }), { minLength: 4, maxLength: 60 });
const settlement = fc.array(
  fc.record({ year: fc.constant(2025), drg: fc.option(fc.constantFrom('A', 'B', 'C', 'D', 'Z'), { freq: 8 }), cost, hospital: fc.constantFrom('H1', 'H2', 'H3'), level: fc.integer({ min: 0, max: 3 }) }),
  { minLength: 1, maxLength: 60 },
);
const thresholds = fc.record({ low: fc.double({ min: 0, max: 1, noNaN: true }), high: fc.double({ min: 2, max: 6, noNaN: true }), extra: fc.double({ min: 0, max: 5, noNaN: true }) });
const coefficients = fc.record({ '1': fc.double({ min: 0.5, max: 1.5, noNaN: true }), '2': fc.double({ min: 0.5, max: 1.5, noNaN: true }), '3': fc.double({ min: 0.5, max: 1.5, noNaN: true }) });

/** Simulate, or null when the budget cannot be spent under these rules (a BudgetError says so). */
function tryRun(rows: Row[], input: Partial<PaymentPolicyInput>): PolicyResult | null {
  try {
    return simulatePolicy(table(rows), policy(input));
  } catch (error) {
    if (error instanceof BudgetError) return null;
    throw error;
  }
}

const settlementCost = (rows: Row[]) => rows.filter((r) => r.year === 2025).reduce((s, r) => s + r.cost, 0);

describe('payment invariants', () => {
  it('pays exactly the budget, to the cent, and every case follows its ratio and the thresholds', () => {
    fc.assert(
      fc.property(reference, settlement, thresholds, coefficients, fc.double({ min: 0.8, max: 1.2, noNaN: true }), (ref, set, t, levelCoefficients, share) => {
        const rows = [...ref, ...set];
        const budget = Math.round(settlementCost(rows) * share * 100) / 100;
        const r = tryRun(rows, { baseRate: undefined, budget, levelCoefficients, outliers: { low: t.low, high: t.high, review: t.high + t.extra }, specialReview: { capPerMille: 1000 } });
        fc.pre(r !== null);
        expect(r!.totals.paymentCents).toBe(Math.round(budget * 100));
        const { priced } = r!;
        for (let k = 0; k < priced.rows.length; k++) {
          if (priced.outlier[k] === Outlier.ByItem) continue;
          expect(priced.ratio[k]).toBe(rows[priced.rows[k]!]!.cost / priced.standard[k]!);
          expect(priced.outlier[k]).toBe(outlierClass(priced.ratio[k]!, r!.policy.outliers));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('scaling the budget and every cost by k scales every payment by k (up to cents)', () => {
    // Low outliers are paid at cost, so the budget alone cannot scale them; budget and costs
    // together (a change of currency unit, or uniform inflation with the budget following) do.
    // Powers of 2 keep every cost a whole number of cents and every ratio bit-identical.
    fc.assert(
      fc.property(reference, settlement, fc.constantFrom(2, 4, 8), fc.double({ min: 0.9, max: 1.1, noNaN: true }), (ref, set, k, share) => {
        const rows = [...ref, ...set];
        const budget = Math.round(settlementCost(rows) * share * 100) / 100;
        const a = tryRun(rows, { baseRate: undefined, budget });
        const b = tryRun(rows.map((r) => ({ ...r, cost: r.cost * k })), { baseRate: undefined, budget: budget * k });
        fc.pre(a !== null && b !== null);
        for (let i = 0; i < a!.cents.length; i++) expect(Math.abs(b!.cents[i]! - k * a!.cents[i]!)).toBeLessThanOrEqual(1.5 + 1.5 * k);
      }),
      { numRuns: 200 },
    );
  });

  it('without outlier classes, scaling the budget alone scales every payment', () => {
    fc.assert(
      fc.property(reference, settlement, fc.double({ min: 0.5, max: 2, noNaN: true }), (ref, set, k) => {
        // Every case DRG-priced: by-item cases are paid at cost whatever the budget, so they
        // would take a fixed part of it.
        const everyGroup = ['A', 'B', 'C', 'D'].map((d) => ({ year: 2024, drg: d, cost: 5000 }));
        const rows = [...everyGroup, ...ref, ...set.map((r) => ({ ...r, drg: r.drg === null || r.drg === 'Z' ? 'A' : r.drg }))];
        const outliers = { low: 0, high: 1e12, review: 1e12 };
        const budget = Math.round(settlementCost(rows) * 100) / 100;
        const a = tryRun(rows, { baseRate: undefined, budget, outliers });
        const b = tryRun(rows, { baseRate: undefined, budget: Math.round(budget * k * 100) / 100, outliers });
        fc.pre(a !== null && b !== null);
        for (let i = 0; i < a!.cents.length; i++) {
          expect(Math.abs(b!.cents[i]! - k * a!.cents[i]!)).toBeLessThanOrEqual(2 + 1.5 * k);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a higher high threshold never raises a payment (at a given base rate)', () => {
    fc.assert(
      fc.property(reference, settlement, fc.double({ min: 2, max: 5, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), fc.integer({ min: 1000, max: 40_000 }), (ref, set, high, raise, baseRate) => {
        const rows = [...ref, ...set];
        const review = high + raise + 1;
        const a = tryRun(rows, { baseRate, outliers: { low: 0.5, high, review } })!;
        const b = tryRun(rows, { baseRate, outliers: { low: 0.5, high: high + raise, review } })!;
        for (let i = 0; i < a.cents.length; i++) expect(b.cents[i]!).toBeLessThanOrEqual(a.cents[i]!);
      }),
      { numRuns: 200 },
    );
  });
});
