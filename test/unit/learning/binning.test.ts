import { describe, expect, it } from 'vitest';
import { binCategorical, binNumeric, codeWithSchema, numericCode, quantileEdges } from '../../../models/learning/binning.ts';

describe('binning', () => {
  it('gives each distinct value its own bin when there are few', () => {
    expect(quantileEdges([3, 1, 2, 2, 3, 1])).toEqual([2, 3]);
    const edges = [2, 3];
    // code 0 = missing, code 1 + #{edges ≤ x}
    expect([NaN, 0.5, 1, 2, 2.5, 3, 99].map((x) => numericCode(edges, x))).toEqual([0, 1, 1, 2, 2, 3, 3]);
  });

  it('makes at most maxBins roughly equal quantile bins', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000);
    const binned = binNumeric('x', values, { maxBins: 10 });
    expect(binned.schema.kind === 'numeric' && binned.schema.edges.length).toBe(9);
    const counts = new Array<number>(binned.nCodes).fill(0);
    for (const c of binned.codes) counts[c]!++;
    expect(counts[0]).toBe(0);
    for (const c of counts.slice(1)) expect(c).toBeGreaterThan(900);
  });

  it('records missing values and keeps them in code 0', () => {
    const binned = binNumeric('x', [1, NaN, 2]);
    expect(binned.schema).toMatchObject({ hasMissing: true, edges: [2] });
    expect([...binned.codes]).toEqual([1, 0, 2]);
  });

  it('codes categories by first appearance and unseen ones as C', () => {
    const binned = binCategorical({ name: 'cc', kind: 'categorical', values: ['MCC', 'none', 'MCC', 'CC'] });
    expect(binned.schema).toEqual({ name: 'cc', kind: 'categorical', categories: ['MCC', 'none', 'CC'] });
    expect([...binned.codes]).toEqual([0, 1, 0, 2]);
    expect([...codeWithSchema(binned.schema, { name: 'cc', kind: 'categorical', values: ['CC', 'new'] })]).toEqual([2, 3]);
  });
});
