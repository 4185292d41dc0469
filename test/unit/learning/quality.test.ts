import { describe, expect, it } from 'vitest';
import {
  coefficientOfVariation,
  groupingQuality,
  mean,
  reductionInVariance,
  rSquared,
  sampleVariance,
  standardDeviation,
  variance,
  weightedMean,
  weightedVariance,
} from '../../../models/learning/quality.ts';

describe('quality statistics (hand-computed)', () => {
  const xs = Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]);

  it('mean, population and sample variance, CV', () => {
    // mean 40/8 = 5; Σ(x−5)² = 9+1+1+1+0+0+4+16 = 32
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBe(4);
    expect(sampleVariance(xs)).toBeCloseTo(32 / 7, 12);
    expect(standardDeviation(xs)).toBe(2);
    expect(coefficientOfVariation(xs)).toBeCloseTo(0.4, 12);
  });

  it('weighted variants equal the duplicated rows', () => {
    // [1,3] with weights [3,1] ≡ [1,1,1,3]: mean 1.5, variance (3·0.25 + 2.25)/4 = 0.75
    expect(weightedMean([1, 3], [3, 1])).toBe(1.5);
    expect(weightedVariance([1, 3], [3, 1])).toBeCloseTo(0.75, 12);
    expect(coefficientOfVariation([1, 3], [3, 1])).toBeCloseTo(coefficientOfVariation([1, 1, 1, 3]), 12);
  });

  it('empty input and zero mean give NaN', () => {
    expect(mean([])).toBeNaN();
    expect(coefficientOfVariation([])).toBeNaN();
    expect(coefficientOfVariation([-1, 1])).toBeNaN();
    expect(sampleVariance([3])).toBeNaN();
  });

  it('RIV = 1 − within SS / total SS', () => {
    // total: mean 6.5, SS = 2·(5.5² + 4.5² + 3.5²) = 125.5; within: 2 + 2
    const values = Float64Array.from([1, 2, 3, 10, 11, 12]);
    const groups = Int32Array.from([0, 0, 0, 1, 1, 1]);
    expect(reductionInVariance(values, groups)).toBeCloseTo(1 - 4 / 125.5, 12);
    // arbitrary labels give the same answer
    expect(reductionInVariance(values, [-7, -7, -7, 1e9, 1e9, 1e9])).toBeCloseTo(1 - 4 / 125.5, 12);
    expect(reductionInVariance(values, [0, 1, 2, 3, 4, 5])).toBe(1);
    expect(reductionInVariance(values, [0, 0, 0, 0, 0, 0])).toBe(0);
    expect(reductionInVariance([5, 5], [0, 1])).toBeNaN();
  });

  it('R² of a perfect and of a mean prediction', () => {
    expect(rSquared([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(rSquared([1, 2, 3], [2, 2, 2])).toBe(0);
  });

  it('groupingQuality: per-group count, mean, CV and the CV < 0.5 / > 1 counts', () => {
    const values = [1, 2, 3, 10, 11, 12, 1, 1, 1, 21];
    const groups = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
    const q = groupingQuality(values, groups);
    expect(q.groups.map((g) => g.count)).toEqual([3, 3, 4]);
    expect(q.groups[0]!.mean).toBe(2);
    expect(q.groups[0]!.cv).toBeCloseTo(Math.sqrt(2 / 3) / 2, 12);
    // group 2: mean 6, deviations 25,25,25,225 → σ² = 75, CV = √75 / 6 ≈ 1.44
    expect(q.groups[2]!.cv).toBeCloseTo(Math.sqrt(75) / 6, 12);
    expect(q.cvBelowHalf).toBe(2);
    expect(q.cvAboveOne).toBe(1);
    expect(q.riv).toBeCloseTo(reductionInVariance(values, groups), 12);
  });
});
