import { describe, it, expect } from 'vitest';
import { aliasTable, createRandom, drawAlias, randomFromState, seedState } from '../../../models/fund/random.ts';

describe('xoshiro128**', () => {
  it('matches the reference output from state {1, 2, 3, 4}', () => {
    const random = randomFromState(Uint32Array.from([1, 2, 3, 4]));
    const out = Array.from({ length: 6 }, () => random.nextUint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('gives the same numbers for the same seed and stream, different ones otherwise', () => {
    const a = createRandom(42, 1);
    const b = createRandom(42, 1);
    const c = createRandom(42, 2);
    const d = createRandom(43, 1);
    const draw = (r: ReturnType<typeof createRandom>) => Array.from({ length: 5 }, () => r.uniform());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(draw(d)).not.toEqual(first);
  });

  it('seeds from large safe integers and rejects others', () => {
    expect(seedState(Number.MAX_SAFE_INTEGER)).toHaveLength(4);
    expect(Array.from(seedState(2 ** 40))).not.toEqual(Array.from(seedState(0)));
    expect(() => seedState(-1)).toThrow(RangeError);
    expect(() => seedState(1.5)).toThrow(RangeError);
  });
});

describe('distributions', () => {
  const n = 200_000;

  it('uniform draws lie in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = createRandom(7);
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      sum += u;
      sumSq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    const mean = sum / n;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal draws have mean 0, variance 1, skewness 0 and the right tail mass', () => {
    const z = createRandom(11).fillNormal(new Float64Array(n));
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let beyond196 = 0;
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m3 += v * v * v;
      if (Math.abs(v) > 1.959964) beyond196++;
    }
    expect(Math.abs(m1 / n)).toBeLessThan(0.01);
    expect(Math.abs(m2 / n - 1)).toBeLessThan(0.015);
    expect(Math.abs(m3 / n)).toBeLessThan(0.03);
    expect(Math.abs(beyond196 / n - 0.05)).toBeLessThan(0.003);
  });

  it('Poisson draws have mean and variance λ, and P(0) = e^{−λ}', () => {
    for (const lambda of [0.2, 3]) {
      const r = createRandom(5);
      let sum = 0;
      let sumSq = 0;
      let zeros = 0;
      for (let i = 0; i < n; i++) {
        const k = r.poisson(lambda);
        sum += k;
        sumSq += k * k;
        if (k === 0) zeros++;
      }
      const mean = sum / n;
      expect(Math.abs(mean - lambda)).toBeLessThan(0.02 * Math.max(1, lambda));
      expect(Math.abs(sumSq / n - mean * mean - lambda)).toBeLessThan(0.04 * Math.max(1, lambda));
      expect(Math.abs(zeros / n - Math.exp(-lambda))).toBeLessThan(0.005);
    }
    expect(createRandom(1).poisson(0)).toBe(0);
  });

  it("Walker's alias method draws each index with probability w_i / Σw, and never a zero weight", () => {
    // Hand check: weights 1, 3, 0, 4 (Σ 8); the table's exact probability of each index is
    // (keep_i + Σ_{j: alias_j = i, j ≠ i} (1 − keep_j)) / n.
    const weights = [1, 3, 0, 4];
    const table = aliasTable(weights);
    const exact = weights.map((_, i) => weights.reduce((p, _w, j) => p + (j === i ? table.keep[j]! : 0) + (j !== i && table.alias[j] === i ? 1 - table.keep[j]! : 0), 0) / weights.length);
    exact.forEach((p, i) => expect(p).toBeCloseTo(weights[i]! / 8, 12));
    const r = createRandom(9);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[drawAlias(table, r.uniform())]!++;
    expect(counts[2]).toBe(0);
    counts.forEach((c, i) => expect(Math.abs(c / n - weights[i]! / 8)).toBeLessThan(0.005));
    expect(drawAlias(table, 0)).toBe(drawAlias(table, 0));
    expect(() => aliasTable([1, -1])).toThrow(/weight 1/);
    expect(() => aliasTable([0, 0])).toThrow(/positive sum/);
  });
});
