/**
 * Learning benchmarks (issue 5): our histogram CART against ml-cart and scikit-learn's
 * DecisionTreeRegressor on the same synthetic cases, and k-means on 100 000 rows (with
 * scikit-learn's KMeans, n_init 1, beside it when installed).
 *
 * Data: cost ~ 6 000 × age band × CC level × procedure class × (0.6 + 0.08 LOS) × hospital level ×
 * disposition × log-normal noise (σ 0.35), 8 features (3 categorical, 1 pure noise); held-out rows
 * from another seed. Every tree: depth 6, min leaf 100. Our tree gets categorical features as
 * categories; ml-cart and scikit-learn (no categorical support for trees) get their codes in
 * natural order (none < CC < MCC, …). Times are training only: binning included for ours, data
 * loading/conversion excluded for all. ml-cart is run at 2 000 / 5 000 / 10 000 rows only (its
 * regression training is quadratic in rows).
 *
 * Run: npx tsx bench/run.ts learning
 */
import { createRequire } from 'node:module';
import { trainCart } from '../models/learning/cart.ts';
import { fitKMeans } from '../models/learning/kmeans.ts';
import { rSquared } from '../models/learning/quality.ts';
import { featureInputs, label, rowMajor, runSklearn, seconds, sklearnAvailable, synthesise, type Cases } from './lib/learning-cases.ts';
import type { Figure } from './run.ts';

const MAX_DEPTH = 6;
const MIN_LEAF = 100;

interface MlCartRegression {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
}

function toRows(cases: Cases): number[][] {
  const flat = rowMajor(cases);
  const f = cases.columns.length;
  return Array.from({ length: cases.n }, (_, i) => Array.from(flat.subarray(i * f, (i + 1) * f)));
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const sklearn = sklearnAvailable();
  if (!sklearn) process.stderr.write('scikit-learn not installed (apt-get install python3-sklearn): its baselines are skipped.\n');
  const test = synthesise(200_000, 999);
  const testInputs = featureInputs(test);
  // Warm-up so the first timed size does not pay for JIT compilation.
  const warm = synthesise(20_000, 7);
  trainCart({ features: featureInputs(warm), target: warm.cost }, { maxDepth: MAX_DEPTH, minSamplesLeaf: MIN_LEAF });

  // Our CART and scikit-learn at 10k / 100k / 1M rows.
  for (const n of [10_000, 100_000, 1_000_000]) {
    const train = synthesise(n, 1);
    const inputs = featureInputs(train);
    const t0 = performance.now();
    const { tree } = trainCart({ features: inputs, target: train.cost, targetName: 'cost' }, { maxDepth: MAX_DEPTH, minSamplesLeaf: MIN_LEAF });
    const ours = seconds(t0);
    const r2Train = tree.trainingR2;
    const r2Test = rSquared(test.cost, tree.predictColumns(testInputs));
    let sk: Record<string, number> | null = null;
    if (sklearn) {
      sk = runSklearn(
        'tree',
        { X_train: rowMajor(train), y_train: train.cost, X_test: rowMajor(test), y_test: test.cost },
        { train: n, test: test.n, features: train.columns.length, maxDepth: MAX_DEPTH, minSamplesLeaf: MIN_LEAF },
      );
    }
    const size = label(n);
    // The targets apply at 1M rows: faster than scikit-learn, R² within 0.01 of its R².
    const targeted = sk !== null && n === 1_000_000;
    figures.push({
      name: `CART ours ${size} rows × 8: train time`,
      value: ours,
      unit: 's',
      ...(targeted ? { target: { op: '<=' as const, value: Number(sk!.seconds!.toFixed(3)) } } : {}),
      note: `${tree.leafCount} leaves, binning included${targeted ? '; target = scikit-learn time' : ''}`,
    });
    figures.push({
      name: `CART ours ${size}: R² train / held-out`,
      value: r2Train,
      unit: '',
      ...(targeted ? { target: { op: '>=' as const, value: Number((sk!.r2Train! - 0.01).toFixed(4)) } } : {}),
      note: `train ${r2Train.toFixed(4)}, held-out ${r2Test.toFixed(4)}${targeted ? '; target = scikit-learn R² − 0.01' : ''}`,
    });
    if (sk) {
      figures.push({ name: `CART scikit-learn ${size}: train time`, value: sk.seconds!, unit: 's', note: `${sk.leaves} leaves` });
      figures.push({ name: `CART scikit-learn ${size}: R² train / held-out`, value: sk.r2Train!, unit: '', note: `train ${sk.r2Train!.toFixed(4)}, held-out ${sk.r2Test!.toFixed(4)}` });
    }
  }

  // ml-cart (quadratic in rows) at 2k / 5k / 10k, against ours on the same rows.
  const require = createRequire(import.meta.url);
  const { DecisionTreeRegression } = require('ml-cart') as { DecisionTreeRegression: new (options: object) => MlCartRegression };
  const mlTest = synthesise(20_000, 998);
  const mlTestRows = toRows(mlTest);
  for (const n of [2_000, 5_000, 10_000]) {
    const train = synthesise(n, 2);
    const rows = toRows(train);
    const y = Array.from(train.cost);
    // ml-cart's nearest option to min leaf 100: nodes with ≤ 100 rows are not split.
    const model = new DecisionTreeRegression({ maxDepth: MAX_DEPTH, minNumSamples: MIN_LEAF });
    const t0 = performance.now();
    model.train(rows, y);
    const time = seconds(t0);
    const r2Train = rSquared(train.cost, model.predict(rows));
    const r2Test = rSquared(mlTest.cost, model.predict(mlTestRows));
    const t1 = performance.now();
    const { tree } = trainCart({ features: featureInputs(train), target: train.cost }, { maxDepth: MAX_DEPTH, minSamplesLeaf: MIN_LEAF });
    const ours = seconds(t1);
    figures.push({ name: `CART ml-cart ${label(n)}: train time`, value: time, unit: 's', note: `ours ${ours.toFixed(3)} s on the same rows` });
    figures.push({
      name: `CART ml-cart ${label(n)}: R² train / held-out`,
      value: r2Train,
      unit: '',
      note: `train ${r2Train.toFixed(4)}, held-out ${r2Test.toFixed(4)}; ours ${tree.trainingR2.toFixed(4)} / ${rSquared(mlTest.cost, tree.predictColumns(featureInputs(mlTest))).toFixed(4)}`,
    });
  }

  // k-means: 100 000 and 1 000 000 rows × 4 (cost, LOS, age, hospital level), k = 20 (issue 5 names 1M).
  for (const rows of [100_000, 1_000_000]) {
    const km = synthesise(rows, 3);
    const kmRows = Array.from({ length: km.n }, (_, i) => [km.cost[i]!, km.columns[3]![i]!, km.columns[0]![i]!, km.columns[5]![i]!]);
    const t0 = performance.now();
    const fit = fitKMeans(kmRows, { k: 20, seed: 1, features: ['cost', 'los', 'age', 'hospitalLevel'] });
    const kmSeconds = seconds(t0);
    const inertia = fit.model.withinSS.reduce((a, b) => a + b, 0);
    let skKm: Record<string, number> | null = null;
    if (sklearn) {
      // The same z-scored rows, so inertias are comparable.
      const scaled = new Float64Array(km.n * 4);
      kmRows.forEach((row, i) => row.forEach((v, j) => (scaled[i * 4 + j] = (v - fit.model.scaling.mean[j]!) / fit.model.scaling.sd[j]!)));
      skKm = runSklearn('kmeans', { X_kmeans: scaled }, { rows: km.n, features: 4, k: 20 });
    }
    figures.push({
      name: `k-means ours ${label(rows)} × 4, k = 20: time`,
      value: kmSeconds,
      unit: 's',
      note: `${fit.model.iterations} iterations, inertia ${inertia.toFixed(0)} (z-scored)`,
    });
    if (skKm) {
      figures.push({
        name: `k-means scikit-learn ${label(rows)} × 4, k = 20 (n_init 1): time`,
        value: skKm.seconds!,
        unit: 's',
        note: `${skKm.iterations} iterations, inertia ${skKm.inertia!.toFixed(0)}`,
      });
    }
  }
  return figures;
}
