import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeatureInput } from '../../../models/learning/binning.ts';
import { CartTree, trainCart, trainBinned, type CartModel } from '../../../models/learning/cart.ts';
import { binFeatures } from '../../../models/learning/binning.ts';
import { rSquared } from '../../../models/learning/quality.ts';

const num = (name: string, values: number[]): FeatureInput => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const cat = (name: string, values: string[]): FeatureInput => ({ name, kind: 'categorical', values });

describe('CART on a 6-row dataset (hand-computed)', () => {
  // y = 1, 2, 3, 10, 11, 12: mean 6.5, SSE 125.5. Best split x < 4: SSE 2 + 2, gain 121.5.
  // (x < 3 leaves {1,2} SSE 0.5 and {3,10,11,12} SSE 50: gain 75.)
  const features = [num('x', [1, 2, 3, 4, 5, 6])];
  const target = [1, 2, 3, 10, 11, 12];

  it('finds the best split and its SSEs', () => {
    const { tree, leafOfRow } = trainCart({ features, target }, { maxDepth: 1 });
    const [root, left, right] = tree.model.nodes;
    expect(root).toMatchObject({ kind: 'split', threshold: 4, count: 6, mean: 6.5, left: 1, right: 2 });
    expect(root!.sse).toBeCloseTo(125.5, 10);
    expect(root!.kind === 'split' && root!.gain).toBeCloseTo(121.5, 10);
    expect(left).toMatchObject({ kind: 'leaf', leaf: 0, count: 3, mean: 2 });
    expect(left!.sse).toBeCloseTo(2, 10);
    expect(right).toMatchObject({ kind: 'leaf', leaf: 1, count: 3, mean: 11 });
    expect([...leafOfRow]).toEqual([0, 0, 0, 1, 1, 1]);
    expect(tree.trainingR2).toBeCloseTo(1 - 4 / 125.5, 12);
    expect(tree.leaves().map((l) => l.rule)).toEqual(['x < 4', 'x ≥ 4']);
    expect(tree.predict({ x: 3.9 })).toBe(2);
    expect(tree.predict({ x: 4 })).toBe(11);
    expect(tree.predict({ x: '5' })).toBe(11);
  });

  it('breaks ties by the lower bin: {1,2,3} splits at x < 2 rather than x < 3 (both gain 1.5)', () => {
    const { tree } = trainCart({ features, target }, { maxDepth: 2 });
    const leftChild = tree.model.nodes[1]!;
    expect(leftChild).toMatchObject({ kind: 'split', threshold: 2 });
    expect(leftChild.kind === 'split' && leftChild.gain).toBeCloseTo(1.5, 10);
  });

  it('minGainRatio is the relative reduction of the node SSE', () => {
    // root: 121.5 / 125.5 ≈ 0.968; left child: 1.5 / 2 = 0.75
    expect(trainCart({ features, target }, { maxDepth: 2, minGainRatio: 0.97 }).tree.leafCount).toBe(1);
    expect(trainCart({ features, target }, { maxDepth: 2, minGainRatio: 0.8 }).tree.leafCount).toBe(2);
    expect(trainCart({ features, target }, { maxDepth: 2, minGainRatio: 0.7 }).tree.leafCount).toBeGreaterThan(2);
  });

  it('minSamplesLeaf counts rows', () => {
    const { tree } = trainCart({ features, target }, { maxDepth: 3, minSamplesLeaf: 3 });
    expect(tree.leaves().map((l) => l.count)).toEqual([3, 3]);
    expect(trainCart({ features, target }, { maxDepth: 3, minSamplesLeaf: 4 }).tree.leafCount).toBe(1);
  });
});

describe('categorical splits', () => {
  it('orders categories by mean target and finds the non-contiguous best partition', () => {
    // means a=10, b=1, c=11, d=2 (first-appearance order a,b,c,d): best split {b,d} | {a,c}.
    // root mean 6, SSE 164; after the split 1 + 1: gain 162.
    const features = [cat('k', ['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd'])];
    const target = [10, 1, 11, 2, 10, 1, 11, 2];
    const { tree } = trainCart({ features, target }, { maxDepth: 1 });
    const root = tree.model.nodes[0]!;
    expect(root).toMatchObject({ kind: 'split', leftCategories: ['b', 'd'], rightCategories: ['a', 'c'] });
    expect(root.kind === 'split' && root.gain).toBeCloseTo(162, 10);
    expect(tree.leaves().map((l) => l.rule)).toEqual(['k ∈ {b, d}', 'k ∈ {a, c}']);
    expect(tree.predict({ k: 'd' })).toBe(1.5);
    expect(tree.predict({ k: 'c' })).toBe(10.5);
  });

  it('sends unseen categories to the heavier side', () => {
    const features = [cat('cc', ['none', 'none', 'none', 'MCC'])];
    const { tree } = trainCart({ features, target: [1, 1, 1, 9] }, { maxDepth: 1 });
    expect(tree.leaves().map((l) => l.rule)).toEqual(['cc = none', 'cc = MCC']);
    expect(tree.predict({ cc: 'CC' })).toBe(1);
    expect(tree.leafId({ cc: 'CC' })).toBe(0);
  });
});

describe('rule text', () => {
  it('merges bounds on one feature into an interval and mixes in categorical clauses', () => {
    const age: number[] = [];
    const cc: string[] = [];
    const y: number[] = [];
    for (const a of [50, 70, 90]) {
      for (const c of ['none', 'MCC']) {
        for (let k = 0; k < 4; k++) {
          age.push(a);
          cc.push(c);
          y.push((a === 50 ? 1 : a === 70 ? 5 : 9) * (c === 'MCC' ? 100 : 10));
        }
      }
    }
    const { tree } = trainCart({ features: [num('age', age), cat('ccLevel', cc)], target: y }, { maxDepth: 3 });
    const rules = tree.leaves().map((l) => l.rule);
    expect(rules).toContain('ccLevel = MCC and 70 ≤ age < 90');
    expect(rules).toContain('ccLevel = none and age < 70');
    expect(rules).toContain('ccLevel = MCC and age ≥ 90');
    expect(rules).toHaveLength(6);
  });

  it('says when missing values go with the low side', () => {
    const { tree } = trainCart({ features: [num('weight', [NaN, NaN, 1000, 1500, 3000, 3500])], target: [5, 5, 5, 5, 1, 1] }, { maxDepth: 1 });
    expect(tree.leaves().map((l) => l.rule)).toEqual(['(weight < 3000 or weight missing)', 'weight ≥ 3000']);
    expect(tree.predict({ weight: null })).toBe(5);
    expect(tree.predict({})).toBe(5);
    expect(tree.predict({ weight: '' })).toBe(5);
  });

  it('reads "all rows" for a single leaf', () => {
    expect(trainCart({ features: [num('x', [1, 2])], target: [1, 2] }, { maxDepth: 0 }).tree.leaves()[0]!.rule).toBe('all rows');
  });
});

/** A random small dataset for property tests. */
const datasetArb = fc
  .integer({ min: 1, max: 150 })
  .chain((n) =>
    fc.record({
      x: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
      k: fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: n, maxLength: n }),
      y: fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: n, maxLength: n }),
      w: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
      maxDepth: fc.integer({ min: 0, max: 5 }),
      minSamplesLeaf: fc.integer({ min: 1, max: 20 }),
    }),
  );

describe('properties', () => {
  it('respects maxDepth and minSamplesLeaf, and its leaves partition the rows', () => {
    fc.assert(
      fc.property(datasetArb, fc.boolean(), (d, weighted) => {
        const features = [num('x', d.x), cat('k', d.k)];
        const { tree, leafOfRow } = trainCart({ features, target: d.y, weights: weighted ? d.w : undefined }, { maxDepth: d.maxDepth, minSamplesLeaf: d.minSamplesLeaf });
        const nodes = tree.model.nodes;
        for (const node of nodes) expect(node.depth).toBeLessThanOrEqual(d.maxDepth);
        const leaves = nodes.filter((n) => n.kind === 'leaf');
        if (leaves.length > 1) for (const leaf of leaves) expect(leaf.count).toBeGreaterThanOrEqual(d.minSamplesLeaf);
        expect(leaves.reduce((s, l) => s + l.count, 0)).toBe(d.y.length);
        // training leaf ids = batch leaf ids = single-row leaf ids
        expect([...tree.leafIdsOfColumns(features)]).toEqual([...leafOfRow]);
        d.x.forEach((x, i) => expect(tree.leafId({ x, k: d.k[i] })).toBe(leafOfRow[i]));
        if (!weighted) {
          const r2 = rSquared(d.y, tree.predictColumns(features));
          if (Number.isFinite(r2)) expect(tree.trainingR2).toBeCloseTo(r2, 8);
        }
      }),
      { numRuns: 150, seed: 20240501 },
    );
  });

  it('integer weights train the same tree as duplicated rows', () => {
    fc.assert(
      fc.property(datasetArb, (d) => {
        const w = d.w.map((v) => v + 1);
        const dup = { x: [] as number[], k: [] as string[], y: [] as number[] };
        d.x.forEach((x, i) => {
          for (let r = 0; r < w[i]!; r++) {
            dup.x.push(x);
            dup.k.push(d.k[i]!);
            dup.y.push(d.y[i]!);
          }
        });
        const a = trainCart({ features: [num('x', d.x), cat('k', d.k)], target: d.y, weights: w }, { maxDepth: d.maxDepth }).tree;
        const b = trainCart({ features: [num('x', dup.x), cat('k', dup.k)], target: dup.y }, { maxDepth: d.maxDepth }).tree;
        // Same admissible splits and the same gains up to rounding (near-equal gains count as ties).
        const shape = (t: CartTree) => t.model.nodes.map((n) => (n.kind === 'leaf' ? `leaf ${n.weight}` : `${n.feature}:${n.threshold ?? n.leftCategories?.join('|')} ${n.weight}`));
        expect(shape(a)).toEqual(shape(b));
        const dupFeatures = [num('x', dup.x), cat('k', dup.k)];
        const r2b = rSquared(dup.y, b.predictColumns(dupFeatures));
        if (Number.isFinite(r2b)) expect(rSquared(dup.y, a.predictColumns(dupFeatures))).toBeCloseTo(r2b, 8);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('is deterministic and round-trips through JSON with identical predictions', () => {
    fc.assert(
      fc.property(datasetArb, (d) => {
        const features = [num('x', d.x), cat('k', d.k)];
        const first = trainCart({ features, target: d.y }, { maxDepth: d.maxDepth, minSamplesLeaf: d.minSamplesLeaf }).tree;
        const second = trainCart({ features, target: d.y }, { maxDepth: d.maxDepth, minSamplesLeaf: d.minSamplesLeaf }).tree;
        expect(JSON.stringify(second.toJSON())).toBe(JSON.stringify(first.toJSON()));
        const loaded = CartTree.fromJSON(JSON.parse(JSON.stringify(first)));
        const probe = [...d.x.map((x, i) => ({ x, k: d.k[i] })), { x: null, k: 'zz' }, { x: 7.5, k: undefined }, { x: -1, k: 'a' }];
        for (const row of probe) {
          expect(loaded.predict(row)).toBe(first.predict(row));
          expect(loaded.leafId(row)).toBe(first.leafId(row));
        }
        expect(loaded.leaves()).toEqual(first.leaves());
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});

describe('training on a subset of pre-binned rows', () => {
  it('equals training on the gathered rows', () => {
    const x = Array.from({ length: 300 }, (_, i) => (i * 37) % 101);
    const y = x.map((v, i) => (v > 50 ? 100 : 10) + (i % 7));
    const binned = binFeatures([num('x', x)]);
    const rows = Uint32Array.from({ length: 150 }, (_, k) => 2 * k);
    const sub = trainBinned(binned, y, { rows, maxDepth: 2 });
    const direct = trainBinned(binFeatures([num('x', x)]).map((b) => ({ ...b, codes: Uint8Array.from(rows, (r) => b.codes[r]!) })), Array.from(rows, (r) => y[r]!), { maxDepth: 2 });
    expect(sub.tree.model.nodes).toEqual(direct.tree.model.nodes);
    expect([...sub.leafOfRow]).toEqual([...direct.leafOfRow]);
  });
});

describe('model loading', () => {
  it('rejects a document that is not a model', () => {
    expect(() => CartTree.fromJSON({ format: 'payreform-cart', version: 2 })).toThrow(/not a payreform-cart v1 model/);
    const { tree } = trainCart({ features: [num('x', [1, 2, 3, 4])], target: [1, 1, 5, 5] }, { maxDepth: 1 });
    const broken = structuredClone(tree.toJSON()) as CartModel;
    (broken.nodes[0] as { feature: number }).feature = 3;
    expect(() => CartTree.fromJSON(broken)).toThrow(/feature 3/);
  });
});
