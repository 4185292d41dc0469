/** DIP point values, outlier classes, special review and the balance rule on hand-computed fixtures. */
import { describe, expect, it } from 'vitest';
import { deriveHospitalCoefficients } from '../../../models/grouping/dip/coefficients.ts';
import { byItemValue, caseScore, classifyDipCases, settleBalance, settlementPointValue, yearStartPointValue } from '../../../models/payment/dip.ts';
import { Outlier, selectSpecialReview } from '../../../models/payment/outliers.ts';

const f64 = (...x: number[]) => Float64Array.from(x);

describe('DIP point values', () => {
  it('derives the year-start point value Σ w C / Σ w S, with trimming and a best-value interval', () => {
    // Year A (weight 1): costs 1000 + 3000, scores 100 + 200 → C 4000, S 300.
    // Year B (weight 2): cost 2000, score 100. PV = (4000 + 2 × 2000) / (300 + 2 × 100) = 8000 / 500 = 16.
    const years = [
      { cost: f64(1000, 3000), score: f64(100, 200), weight: 1 },
      { cost: f64(2000, 500), score: f64(100, NaN), weight: 2 }, // the ungrouped case (NaN) is left out
    ];
    expect(yearStartPointValue(years, [0, 1])).toEqual({ value: 16, derived: 16, cases: 3, trimmed: 0 });
    expect(yearStartPointValue(years, [0, 1], [12, 15]).value).toBe(15);
    // Cost per point 10, 20, 30, 100: trimming [0.25, 0.75] drops one at each end → (2000 + 3000) / 200 = 25.
    const trimmed = yearStartPointValue([{ cost: f64(1000, 2000, 3000, 10_000), score: f64(100, 100, 100, 100), weight: 1 }], [0.25, 0.75]);
    expect(trimmed).toEqual({ value: 25, derived: 25, cases: 2, trimmed: 2 });
  });

  it('takes the best-value interval (优值区间, one-dimensional): the hospitals at or below the region\'s per-point value', () => {
    // Year A (weight 1): hospitals 0, 1, 2 cost 1000, 3000, 1600 for 100 points each.
    // Year B (weight 2): hospital 0 costs 2400 for 200 points.
    // Per point: hospital 0 (1000 + 4800) / (100 + 400) = 11.6, hospital 1 30, hospital 2 16;
    // region (5600 + 4800) / (300 + 400) = 14.857… → only hospital 0 is kept: 11.6.
    const years = [
      { cost: f64(1000, 3000, 1600), score: f64(100, 100, 100), weight: 1, hospital: Int32Array.of(0, 1, 2) },
      { cost: f64(2400), score: f64(200), weight: 2, hospital: Int32Array.of(0) },
    ];
    const best = yearStartPointValue(years, [0, 1], undefined, true);
    expect(best.value).toBeCloseTo(11.6, 12);
    expect(best.bestValueHospitals).toEqual({ kept: 1, of: 3 });
    expect(yearStartPointValue(years, [0, 1]).value).toBeCloseTo(10_400 / 700, 12);
  });

  it('settles (budget ÷ fund ratio − by-item values) ÷ points', () => {
    // 900 / 0.9 = 1000; 200 paid by item; 400 points → 2 yuan per point.
    expect(settlementPointValue(900, 0.9, 400, 200)).toBeCloseTo(2, 12);
    expect(() => settlementPointValue(100, 1, 400, 150)).toThrow(/already cost 150\.00 yuan/);
  });

  it('multiplies the case score by the hospital and auxiliary coefficients', () => {
    expect(caseScore(1000, 1.2, 1.5)).toBeCloseTo(1800, 12);
    expect(caseScore(1000, undefined, null)).toBe(1000);
  });
});

describe('DIP outlier classes and special review', () => {
  // Year-start point value 10, every score 100 → standard 1000.
  const cost = f64(400, 1000, 2500, 6000, 800);
  const score = f64(100, 100, 100, 100, NaN);
  const rules = (capPerMille: number) => ({ outliers: { low: 0.5, high: 2 }, specialReview: { threshold: 2, capPerMille } });

  it('classifies against the year-start standard: low score × ratio, high score × (ratio − 1)', () => {
    const c = classifyDipCases(cost, score, 10, rules(5));
    expect(Array.from(c.ratio.subarray(0, 4))).toEqual([0.4, 1, 2.5, 6]);
    expect(Number.isNaN(c.ratio[4]!)).toBe(true);
    expect(Array.from(c.outlier)).toEqual([Outlier.Low, Outlier.Normal, Outlier.High, Outlier.High, Outlier.ByItem]);
    // 100 × 0.4 = 40; 100; 100 × 1.5 = 150; 100 × 5 = 500; ungrouped 0.
    expect(Array.from(c.points)).toEqual([40, 100, 150, 500, 0]);
    // 5 discharges × 5 ‰ = 0.025 → no case can be approved.
    expect(c.specialReview).toMatchObject({ candidates: 2, cap: 0, count: 0 });
  });

  it('approves the costliest candidates up to the cap, or the listed ones, and pays them by item', () => {
    // Cap ⌊5 × 200 / 1000⌋ = 1: the ratio-6 case.
    const costliest = classifyDipCases(cost, score, 10, rules(200));
    expect(Array.from(costliest.outlier)).toEqual([Outlier.Low, Outlier.Normal, Outlier.High, Outlier.Review, Outlier.ByItem]);
    expect(costliest.points[3]).toBe(0);
    const listed = classifyDipCases(cost, score, 10, rules(200), Uint8Array.of(1, 0, 1, 0, 0));
    expect(Array.from(listed.outlier)).toEqual([Outlier.Low, Outlier.Normal, Outlier.Review, Outlier.High, Outlier.ByItem]);
    expect(listed.specialReview).toMatchObject({ count: 1, notCandidates: 1, overCap: 0 });
    expect(byItemValue(Outlier.Review, 2500, 0.7)).toBe(2500);
    expect(byItemValue(Outlier.ByItem, 800, 0.7)).toBeCloseTo(560, 12);
    expect(byItemValue(Outlier.Normal, 800, 0.7)).toBe(0);
  });

  it('caps special review at 5 ‰ of the region, costliest first (the DRG flags too)', () => {
    // 1000 discharges, 8 candidates → cap 5: ratios 9, 8, 7, 6, 5 are kept, 4, 3, 2.5 are not.
    const ratio = new Float64Array(1000).fill(1);
    [2.5, 9, 3, 8, 4, 7, 5, 6].forEach((r, i) => (ratio[i * 100] = r));
    const s = selectSpecialReview(ratio, (i) => ratio[i]! > 2, 1000, 5);
    expect(s).toMatchObject({ candidates: 8, cap: 5, count: 5 });
    expect([...ratio].filter((_, i) => s.approved[i] === 1).sort()).toEqual([5, 6, 7, 8, 9]);
  });
});

describe('DIP settlement', () => {
  it('keeps a surplus by the retention share and shares a reasonable overspend', () => {
    // Surplus 100, half kept: 1000 + 50.
    expect(settleBalance(1100, 1000, { surplusRetention: 0.5, overspendShare: 0.5, reasonableOverspend: 0.1 })).toEqual({ final: 1050, retained: 50, shared: 0 });
    // Overspend 150, reasonable up to 100 (10 % of 1000), half borne by the fund: 850 + 50.
    expect(settleBalance(850, 1000, { surplusRetention: 0.5, overspendShare: 0.5, reasonableOverspend: 0.1 })).toEqual({ final: 900, retained: 0, shared: 50 });
  });

  it('derives hospital coefficients: weighted level mean ÷ weighted city mean, per packet when enough cases', () => {
    // Year 0 (weight 1): level 1 costs 100, 100; level 3 400, 400 → city 250.
    // Year 1 (weight 2): level 1 200, 200; level 3 600, 600 → city 400.
    // c1 = (100 + 2 × 200) / (250 + 2 × 400) = 500 / 1050; c3 = (400 + 2 × 600) / 1050 = 1600 / 1050.
    const level = Uint8Array.of(1, 1, 3, 3, 1, 1, 3, 3, 1);
    const yearSlot = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1, 1);
    const cost = f64(100, 100, 400, 400, 200, 200, 600, 600, 999);
    // Packet 0: the first eight cases; packet 1: the last (one level-1 case, too few); it counts for level 1 too.
    const packet = Int32Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1);
    const c = deriveHospitalCoefficients({ level: level.subarray(0, 8), yearSlot: yearSlot.subarray(0, 8), cost: cost.subarray(0, 8), packet: packet.subarray(0, 8) }, 2, [1, 2], 2);
    expect(c.level[1]).toBeCloseTo(500 / 1050, 12);
    expect(c.level[3]).toBeCloseTo(1600 / 1050, 12);
    expect(c.level[2]).toBe(1);
    expect(c.packet[0 * 4 + 1]).toBeCloseTo(500 / 1050, 12);
    const withSmall = deriveHospitalCoefficients({ level, yearSlot, cost, packet }, 2, [1, 2], 2);
    expect(Number.isNaN(withSmall.packet[1 * 4 + 1]!)).toBe(true);
  });
});
