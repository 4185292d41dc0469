/**
 * A histogram-based CART regression tree (least squares), deterministic and serialisable.
 *
 * Training:
 * - Features are binned once (`binning.ts`): numeric → quantile codes (missing = code 0, always on
 *   the low side), categorical → category codes.
 * - Each node keeps a histogram per feature and code of (W, S, N) = (Σw, Σw·y′, row count), with
 *   y′ = y − ȳ_w (centring keeps the sums well conditioned). The best split of a feature is found
 *   by one scan of prefix sums over its codes; the SSE decrease of a split is
 *     gain = SSE_node − SSE_L − SSE_R = S_L²/W_L + S_R²/W_R − S²/W.
 *   Numeric features split "code < c" (x < t, missing left); categorical features are ordered by
 *   their mean y at the node (Fisher 1958 / Breiman et al. 1984: for squared error the best binary
 *   partition of categories is a prefix of that order) and split at the best prefix.
 * - The child with fewer rows gets its histogram by a scan; the other one by subtraction from the
 *   parent's, so each level costs about n/2 × features histogram updates. Rows are partitioned
 *   in place in one Uint32Array of row indices (stable, so rows stay in memory order).
 * - A node becomes a leaf when: depth = maxDepth; it has fewer than 2 × minSamplesLeaf rows; its
 *   SSE is 0 (≤ 1e-12 × the root's SSE, the rounding noise of the centred sums); no split leaves ≥ minSamplesLeaf rows (and positive weight) on both sides; or the
 *   best gain is below `minGainRatio × SSE_node` — i.e. `minGainRatio` is the minimum *relative*
 *   reduction of the node's own weighted SSE, (SSE_node − SSE_L − SSE_R) / SSE_node, in [0, 1).
 * - Ties are broken by feature index, then by code (numeric) or prefix length (categorical): the
 *   first best candidate in that scan order wins, so training is deterministic. Gains within
 *   1e-10 × (S²/W + SSE_node) of each other — rounding of the same value — count as ties, so
 *   weighting rows instead of repeating them does not flip a choice.
 *
 * Cost: binning O(rows × features × log bins) + sorting a ≤ 200 000-row sample per numeric
 * feature; growing O(rows × features × depth) + O(nodes × features × bins).
 *
 * Node ids are pre-order indices into `nodes` (0 = root); leaf ids are 0 … L−1 in the same order.
 */
import * as z from 'zod';
import {
  binFeatures,
  categoryIndex,
  codeCount,
  codeWithSchema,
  DEFAULT_BIN_SAMPLE,
  DEFAULT_MAX_BINS,
  type BinnedFeature,
  type FeatureInput,
  type FeatureSchema,
} from './binning.ts';

export const CART_FORMAT = 'payreform-cart';
export const CART_VERSION = 1;

export interface CartOptions {
  /** Maximum depth (root = depth 0; 0 gives a single leaf). Default 6. */
  maxDepth?: number;
  /** Minimum number of rows in each leaf (a count, not a weight). Default 1. */
  minSamplesLeaf?: number;
  /** Minimum relative SSE reduction (SSE_node − SSE_L − SSE_R) / SSE_node of a split. Default 0. */
  minGainRatio?: number;
  /** Maximum number of value bins of a numeric feature. Default 255. */
  maxBins?: number;
  /** Rows sampled to find numeric quantile edges. Default 200 000. */
  binSampleSize?: number;
}

/** Statistics every node carries (weighted; `mean` and `sse` in target units). */
export interface NodeStats {
  depth: number;
  count: number;
  weight: number;
  mean: number;
  /** Σ w (y − mean)² of the node's rows. */
  sse: number;
}

export interface CartLeaf extends NodeStats {
  kind: 'leaf';
  /** Leaf id (0 … L−1, pre-order). */
  leaf: number;
}

export interface CartSplit extends NodeStats {
  kind: 'split';
  /** Index into the model's `features`. */
  feature: number;
  /** SSE reduction of the split: SSE − SSE_left − SSE_right. */
  gain: number;
  /** Node ids of the children. */
  left: number;
  right: number;
  /** Numeric split: x < threshold or missing → left, x ≥ threshold → right. null: missing → left, any number → right. */
  threshold?: number | null;
  /** Categorical split: the categories present at the node that go left / right. */
  leftCategories?: string[];
  rightCategories?: string[];
  /** Categorical split: categories absent at the node (or unseen in training) go left when true. */
  otherLeft?: boolean;
}

export type CartNode = CartLeaf | CartSplit;

/** The persisted model: feature schema, options, nodes. */
export interface CartModel {
  format: typeof CART_FORMAT;
  version: typeof CART_VERSION;
  target: string;
  weight: string | null;
  features: FeatureSchema[];
  options: Required<Pick<CartOptions, 'maxDepth' | 'minSamplesLeaf' | 'minGainRatio' | 'maxBins'>>;
  nodes: CartNode[];
}

/** Training rows: feature columns, the target, optional weights, optionally a subset of rows. */
export interface CartTrainingData {
  features: readonly FeatureInput[];
  target: ArrayLike<number>;
  /** Non-negative frequency weights, one per row. */
  weights?: ArrayLike<number>;
  /** Names recorded in the model (default "target" / none). */
  targetName?: string;
  weightName?: string;
}

export interface CartTraining {
  tree: CartTree;
  /** Leaf id of each training row (aligned with `rows` when a subset was given). */
  leafOfRow: Int32Array;
}

/** Bin the features, then train (see `trainBinned` to bin once and train many trees). */
export function trainCart(data: CartTrainingData, options: CartOptions = {}): CartTraining {
  const binned = binFeatures(data.features, { maxBins: options.maxBins ?? DEFAULT_MAX_BINS, sampleSize: options.binSampleSize ?? DEFAULT_BIN_SAMPLE });
  return trainBinned(binned, data.target, { ...options, weights: data.weights, targetName: data.targetName, weightName: data.weightName });
}

/**
 * Train on already binned features. `rows` restricts training to a subset (e.g. the cases of one
 * DIP packet with features binned once for the whole year); the subset is gathered into compact
 * arrays first and `leafOfRow[k]` is then the leaf of `rows[k]`.
 */
export function trainBinned(
  binned: readonly BinnedFeature[],
  target: ArrayLike<number>,
  options: CartOptions & { weights?: ArrayLike<number>; rows?: ArrayLike<number>; targetName?: string; weightName?: string } = {},
): CartTraining {
  const maxDepth = options.maxDepth ?? 6;
  const minSamplesLeaf = Math.max(1, Math.floor(options.minSamplesLeaf ?? 1));
  const minGainRatio = options.minGainRatio ?? 0;
  if (!(Number.isInteger(maxDepth) && maxDepth >= 0)) throw new Error(`maxDepth must be a non-negative integer, got ${maxDepth}`);
  if (!(minGainRatio >= 0 && minGainRatio < 1)) throw new Error(`minGainRatio must be in [0, 1), got ${minGainRatio}`);
  const total = target.length;
  for (const f of binned) if (f.codes.length !== total) throw new Error(`feature "${f.schema.name}" has ${f.codes.length} rows, target has ${total}`);
  if (options.weights && options.weights.length !== total) throw new Error(`weights have ${options.weights.length} rows, target has ${total}`);

  // Gather the training rows into compact arrays.
  const subset = options.rows;
  const n = subset ? subset.length : total;
  const y = new Float64Array(n);
  const w = options.weights ? new Float64Array(n) : null;
  for (let k = 0; k < n; k++) {
    const r = subset ? subset[k]! : k;
    const v = target[r]!;
    if (!Number.isFinite(v)) throw new Error(`target of row ${r} is ${v}; every target must be a finite number`);
    y[k] = v;
    if (w) {
      const wr = options.weights![r]!;
      if (!(wr >= 0 && Number.isFinite(wr))) throw new Error(`weight of row ${r} is ${wr}; weights must be finite and ≥ 0`);
      w[k] = wr;
    }
  }
  const codes = binned.map((f) => {
    if (!subset) return f.codes;
    const c = f.nCodes <= 256 ? new Uint8Array(n) : new Uint16Array(n);
    for (let k = 0; k < n; k++) c[k] = f.codes[subset[k]!]!;
    return c;
  });
  // Centre the target on its weighted mean.
  let sw = 0;
  let sy = 0;
  for (let k = 0; k < n; k++) {
    const wk = w ? w[k]! : 1;
    sw += wk;
    sy += wk * y[k]!;
  }
  const yMean = sw > 0 ? sy / sw : 0;
  for (let k = 0; k < n; k++) y[k]! -= yMean;

  const F = binned.length;
  const nCodes = Int32Array.from(binned, (f) => f.nCodes);
  const offset = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) offset[f + 1] = offset[f]! + nCodes[f]!;
  const ctx: GrowContext = {
    F,
    codes,
    categorical: binned.map((f) => f.schema.kind === 'categorical'),
    nCodes,
    offset,
    totalCodes: offset[F]!,
    y,
    w,
    yMean,
    idx: new Uint32Array(n),
    scratch: new Uint32Array(n),
    gy: new Float64Array(n),
    gw: new Float64Array(n),
    maxDepth,
    minSamplesLeaf,
    minGainRatio,
    schemas: binned.map((f) => f.schema),
    nodes: [],
    leafRanges: [],
    pool: [],
    noise: 0,
  };
  for (let k = 0; k < n; k++) ctx.idx[k] = k;
  let rootHist: Float64Array | null = null;
  if (maxDepth > 0 && n >= 2 * minSamplesLeaf) {
    rootHist = histBuffer(ctx, 0);
    buildHist(ctx, 0, n, rootHist);
  }
  grow(ctx, 0, n, 0, rootHist);

  const leafOfRow = new Int32Array(n);
  ctx.leafRanges.forEach(([start, end], leaf) => {
    for (let i = start; i < end; i++) leafOfRow[ctx.idx[i]!] = leaf;
  });
  const model: CartModel = {
    format: CART_FORMAT,
    version: CART_VERSION,
    target: options.targetName ?? 'target',
    weight: options.weightName ?? null,
    features: binned.map((f) => f.schema),
    options: { maxDepth, minSamplesLeaf, minGainRatio, maxBins: options.maxBins ?? DEFAULT_MAX_BINS },
    nodes: ctx.nodes,
  };
  return { tree: new CartTree(model), leafOfRow };
}

interface GrowContext {
  F: number;
  codes: (Uint8Array | Uint16Array)[];
  categorical: boolean[];
  nCodes: Int32Array;
  /** Start of each feature's codes in a histogram (in code slots; 3 doubles per slot). */
  offset: Int32Array;
  totalCodes: number;
  y: Float64Array;
  w: Float64Array | null;
  yMean: number;
  idx: Uint32Array;
  scratch: Uint32Array;
  /** Gather buffers: the node's w·y′ and w in row order, so the per-feature scans read them contiguously. */
  gy: Float64Array;
  gw: Float64Array;
  maxDepth: number;
  minSamplesLeaf: number;
  minGainRatio: number;
  schemas: FeatureSchema[];
  nodes: CartNode[];
  leafRanges: [number, number][];
  /** Histogram buffers by depth, reused across the depth-first walk. */
  pool: Float64Array[];
  /** SSE and gain below this are rounding noise (1e-12 × root SSE). */
  noise: number;
}

function histBuffer(ctx: GrowContext, depth: number): Float64Array {
  let h = ctx.pool[depth];
  if (!h) {
    h = new Float64Array(3 * ctx.totalCodes);
    ctx.pool[depth] = h;
  }
  return h;
}

/** Fill `hist` with (W, S, N) per feature and code over idx[start, end). */
function buildHist(ctx: GrowContext, start: number, end: number, hist: Float64Array): void {
  hist.fill(0);
  const { idx, y, w, gy, gw } = ctx;
  const m = end - start;
  if (w) {
    for (let i = 0; i < m; i++) {
      const r = idx[start + i]!;
      const wr = w[r]!;
      gw[i] = wr;
      gy[i] = wr * y[r]!;
    }
  } else {
    for (let i = 0; i < m; i++) gy[i] = y[idx[start + i]!]!;
  }
  for (let f = 0; f < ctx.F; f++) {
    const codes = ctx.codes[f]!;
    const base = 3 * ctx.offset[f]!;
    if (w) {
      for (let i = 0; i < m; i++) {
        const s = base + 3 * codes[idx[start + i]!]!;
        hist[s]! += gw[i]!;
        hist[s + 1]! += gy[i]!;
        hist[s + 2]! += 1;
      }
    } else {
      for (let i = 0; i < m; i++) {
        const s = base + 3 * codes[idx[start + i]!]!;
        hist[s + 1]! += gy[i]!;
        hist[s + 2]! += 1;
      }
    }
  }
  if (!w) for (let s = 0; s < hist.length; s += 3) hist[s] = hist[s + 2]!;
}

interface BestSplit {
  feature: number;
  gain: number;
  /** Numeric: rows with code < cut go left. */
  cut: number;
  /** Categorical: codes going left (present at the node). */
  leftCodes: number[] | null;
  rightCodes: number[] | null;
  leftWeight: number;
  rightWeight: number;
}

/** Best split of a node over every feature, from its histogram; null when none is admissible. */
function findBestSplit(ctx: GrowContext, hist: Float64Array, W: number, S: number, sse: number): BestSplit | null {
  const msl = ctx.minSamplesLeaf;
  const parentTerm = (S * S) / W;
  // Gains within rounding of each other are ties (kept by the first candidate in scan order):
  // a gain is a difference of terms of size ≤ parentTerm + sse, computed to ~1e-16 of that.
  const tie = 1e-10 * (parentTerm + sse);
  let best: BestSplit | null = null;
  let bestGain = 0;
  for (let f = 0; f < ctx.F; f++) {
    const base = 3 * ctx.offset[f]!;
    const K = ctx.nCodes[f]!;
    let N = 0;
    for (let c = 0; c < K; c++) N += hist[base + 3 * c + 2]!;
    if (!ctx.categorical[f]) {
      let wl = 0;
      let sl = 0;
      let nl = 0;
      for (let c = 0; c < K; c++) {
        const s = base + 3 * c;
        const nc = hist[s + 2]!;
        if (nc === 0) continue;
        if (nl >= msl && N - nl >= msl) {
          const wr = W - wl;
          if (wl > 0 && wr > 0) {
            const sr = S - sl;
            const gain = (sl * sl) / wl + (sr * sr) / wr - parentTerm;
            if (gain > bestGain + tie) {
              bestGain = gain;
              best = { feature: f, gain, cut: c, leftCodes: null, rightCodes: null, leftWeight: wl, rightWeight: wr };
            }
          }
        }
        wl += hist[s]!;
        sl += hist[s + 1]!;
        nl += nc;
      }
    } else {
      // Order the categories present at the node by mean y′ (ties by code), then scan prefixes.
      const present: number[] = [];
      const means: number[] = [];
      for (let c = 0; c < K; c++) {
        const s = base + 3 * c;
        if (hist[s + 2]! === 0) continue;
        present.push(c);
        means[c] = hist[s]! > 0 ? hist[s + 1]! / hist[s]! : 0;
      }
      if (present.length < 2) continue;
      present.sort((a, b) => means[a]! - means[b]! || a - b);
      let wl = 0;
      let sl = 0;
      let nl = 0;
      for (let k = 0; k < present.length - 1; k++) {
        const s = base + 3 * present[k]!;
        wl += hist[s]!;
        sl += hist[s + 1]!;
        nl += hist[s + 2]!;
        if (nl < msl || N - nl < msl) continue;
        const wr = W - wl;
        if (!(wl > 0 && wr > 0)) continue;
        const sr = S - sl;
        const gain = (sl * sl) / wl + (sr * sr) / wr - parentTerm;
        if (gain > bestGain + tie) {
          bestGain = gain;
          best = { feature: f, gain, cut: -1, leftCodes: present.slice(0, k + 1), rightCodes: present.slice(k + 1), leftWeight: wl, rightWeight: wr };
        }
      }
    }
  }
  return best;
}

/** Grow the subtree of idx[start, end) at `depth`; `hist` is its histogram (null when it cannot split). Returns its node id. */
function grow(ctx: GrowContext, start: number, end: number, depth: number, hist: Float64Array | null): number {
  const { idx, y, w } = ctx;
  // Node statistics in two passes (mean, then SSE).
  let W = 0;
  let S = 0;
  for (let i = start; i < end; i++) {
    const r = idx[i]!;
    const wr = w ? w[r]! : 1;
    W += wr;
    S += wr * y[r]!;
  }
  const m = W > 0 ? S / W : 0;
  let sse = 0;
  for (let i = start; i < end; i++) {
    const r = idx[i]!;
    const d = y[r]! - m;
    sse += (w ? w[r]! : 1) * d * d;
  }
  const stats: NodeStats = { depth, count: end - start, weight: W, mean: ctx.yMean + m, sse };
  const id = ctx.nodes.length;
  const leaf = (): number => {
    ctx.nodes.push({ kind: 'leaf', ...stats, leaf: ctx.leafRanges.length });
    ctx.leafRanges.push([start, end]);
    return id;
  };
  // Rounding noise floor: SSEs and gains below 1e-12 of the root's SSE count as 0.
  if (depth === 0) ctx.noise = 1e-12 * sse;
  if (hist === null || depth >= ctx.maxDepth || end - start < 2 * ctx.minSamplesLeaf || !(W > 0) || !(sse > ctx.noise)) return leaf();
  const best = findBestSplit(ctx, hist, W, S, sse);
  if (!best || best.gain <= ctx.noise || best.gain <= 1e-12 * sse || best.gain < ctx.minGainRatio * sse) return leaf();

  // Which codes go left.
  const f = best.feature;
  const K = ctx.nCodes[f]!;
  const goLeft = new Uint8Array(K);
  const schema = ctx.schemas[f]!;
  const split: CartSplit = { kind: 'split', ...stats, feature: f, gain: best.gain, left: -1, right: -1 };
  if (best.leftCodes && best.rightCodes && schema.kind === 'categorical') {
    const otherLeft = best.leftWeight >= best.rightWeight;
    goLeft.fill(otherLeft ? 1 : 0);
    for (const c of best.leftCodes) goLeft[c] = 1;
    for (const c of best.rightCodes) goLeft[c] = 0;
    split.leftCategories = [...best.leftCodes].sort((a, b) => a - b).map((c) => schema.categories[c]!);
    split.rightCategories = [...best.rightCodes].sort((a, b) => a - b).map((c) => schema.categories[c]!);
    split.otherLeft = otherLeft;
  } else if (schema.kind === 'numeric') {
    for (let c = 0; c < best.cut; c++) goLeft[c] = 1;
    split.threshold = best.cut >= 2 ? schema.edges[best.cut - 2]! : null;
  }
  ctx.nodes.push(split);

  // Stable in-place partition of idx[start, end).
  const codes = ctx.codes[f]!;
  const scratch = ctx.scratch;
  let l = start;
  let r = 0;
  for (let i = start; i < end; i++) {
    const row = idx[i]!;
    if (goLeft[codes[row]!] === 1) idx[l++] = row;
    else scratch[r++] = row;
  }
  idx.set(scratch.subarray(0, r), l);
  const mid = l;

  // Children's histograms: scan the smaller child, subtract it from the parent for the larger one.
  const nl = mid - start;
  const nr = end - mid;
  const childCanSplit = (count: number) => depth + 1 < ctx.maxDepth && count >= 2 * ctx.minSamplesLeaf;
  let leftHist: Float64Array | null = null;
  let rightHist: Float64Array | null = null;
  if (childCanSplit(nl) || childCanSplit(nr)) {
    const small = histBuffer(ctx, depth + 1);
    if (nl <= nr) buildHist(ctx, start, mid, small);
    else buildHist(ctx, mid, end, small);
    for (let s = 0; s < hist.length; s++) hist[s]! -= small[s]!;
    // Counts are exact; clear the rounding residue of weights and sums in emptied slots.
    for (let s = 0; s < hist.length; s += 3) {
      if (hist[s + 2] === 0) {
        hist[s] = 0;
        hist[s + 1] = 0;
      }
    }
    leftHist = nl <= nr ? small : hist;
    rightHist = nl <= nr ? hist : small;
    if (!childCanSplit(nl)) leftHist = null;
    if (!childCanSplit(nr)) rightHist = null;
  }
  split.left = grow(ctx, start, mid, depth + 1, leftHist);
  split.right = grow(ctx, mid, end, depth + 1, rightHist);
  return id;
}

/** A leaf with its rule path in words and its quality figures. */
export interface LeafSummary {
  leaf: number;
  node: number;
  count: number;
  weight: number;
  mean: number;
  /** Population CV of the leaf's training targets: √(sse / weight) / mean. */
  cv: number;
  /** The path from the root in words, e.g. "age ≥ 65 and ccLevel = MCC". */
  rule: string;
}

/** A value in a row given to `predict`: numbers for numeric features, labels for categorical ones. */
export type RowValue = string | number | null | undefined;
export type CartRow = Readonly<Record<string, RowValue>>;

/**
 * A trained tree: prediction on single rows or feature columns, leaf ids, rule text, JSON.
 * Construct from a model (`new CartTree(model)`) or from parsed JSON (`CartTree.fromJSON`).
 */
export class CartTree {
  readonly model: CartModel;
  /** Per node: feature index (−1 for a leaf), children, value, leaf id, numeric threshold. */
  private readonly feature: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float64Array;
  private readonly leafOf: Int32Array;
  private readonly threshold: Float64Array;
  /** Per split node: code → 1 when it goes left (categorical codes include the "unseen" code C). */
  private readonly goLeft: (Uint8Array | null)[];
  private readonly categoryMaps: (Map<string, number> | null)[];

  constructor(model: CartModel) {
    this.model = model;
    const count = model.nodes.length;
    this.feature = new Int32Array(count).fill(-1);
    this.left = new Int32Array(count).fill(-1);
    this.right = new Int32Array(count).fill(-1);
    this.value = new Float64Array(count);
    this.leafOf = new Int32Array(count).fill(-1);
    this.threshold = new Float64Array(count).fill(-Infinity);
    this.goLeft = new Array<Uint8Array | null>(count).fill(null);
    this.categoryMaps = model.features.map((s) => (s.kind === 'categorical' ? categoryIndex(s) : null));
    model.nodes.forEach((node, i) => {
      this.value[i] = node.mean;
      if (node.kind === 'leaf') {
        this.leafOf[i] = node.leaf;
        return;
      }
      const schema = model.features[node.feature];
      if (!schema) throw new Error(`node ${i} splits on feature ${node.feature}, which the model does not have`);
      if (!(node.left > i && node.left < count && node.right > i && node.right < count)) throw new Error(`node ${i} has children ${node.left}/${node.right} outside the tree`);
      this.feature[i] = node.feature;
      this.left[i] = node.left;
      this.right[i] = node.right;
      const K = codeCount(schema);
      if (schema.kind === 'numeric') {
        const t = node.threshold ?? null;
        this.threshold[i] = t === null ? -Infinity : t;
        // Code-level table for batch prediction: codes below the threshold's code go left.
        const table = new Uint8Array(K);
        const cut = t === null ? 1 : codeOfThreshold(schema.edges, t);
        for (let c = 0; c < Math.min(cut, K); c++) table[c] = 1;
        this.goLeft[i] = table;
      } else {
        const index = this.categoryMaps[node.feature]!;
        const table = new Uint8Array(K + 1).fill(node.otherLeft ? 1 : 0);
        for (const label of node.leftCategories ?? []) {
          const c = index.get(label);
          if (c !== undefined) table[c] = 1;
        }
        for (const label of node.rightCategories ?? []) {
          const c = index.get(label);
          if (c !== undefined) table[c] = 0;
        }
        this.goLeft[i] = table;
      }
    });
  }

  /** Parse and validate a model document (as written by `toJSON`). */
  static fromJSON(json: unknown): CartTree {
    const parsed = cartModelSchema.safeParse(json);
    if (!parsed.success) throw new Error(`not a ${CART_FORMAT} v${CART_VERSION} model: ${z.prettifyError(parsed.error)}`);
    return new CartTree(parsed.data as CartModel);
  }

  toJSON(): CartModel {
    return this.model;
  }

  get leafCount(): number {
    let n = 0;
    for (let i = 0; i < this.leafOf.length; i++) if (this.leafOf[i]! >= 0) n++;
    return n;
  }

  /** R² of the tree on its training rows: 1 − Σ_leaves SSE / SSE_root (= the RIV of its leaves). */
  get trainingR2(): number {
    const root = this.model.nodes[0];
    if (!root || !(root.sse > 0)) return NaN;
    let within = 0;
    for (const node of this.model.nodes) if (node.kind === 'leaf') within += node.sse;
    return 1 - within / root.sse;
  }

  /** Node id of the leaf a row falls in. */
  private nodeOf(row: CartRow): number {
    let i = 0;
    const features = this.model.features;
    for (;;) {
      const f = this.feature[i]!;
      if (f < 0) return i;
      const schema = features[f]!;
      const raw = row[schema.name];
      let left: boolean;
      if (schema.kind === 'numeric') {
        const x = toNumber(raw);
        left = Number.isNaN(x) || x < this.threshold[i]!;
      } else {
        const code = this.categoryMaps[f]!.get(raw === null || raw === undefined ? '' : String(raw));
        left = this.goLeft[i]![code ?? schema.categories.length] === 1;
      }
      i = left ? this.left[i]! : this.right[i]!;
    }
  }

  /** Predicted value (the leaf's weighted mean) of one row, e.g. `{ age: 70, ccLevel: 'MCC' }`. */
  predict(row: CartRow): number {
    return this.value[this.nodeOf(row)]!;
  }

  /** Leaf id (0 … L−1) of one row. */
  leafId(row: CartRow): number {
    return this.leafOf[this.nodeOf(row)]!;
  }

  /** Leaf node ids of feature columns (matched to the model's features by name). */
  private nodesOfColumns(columns: readonly FeatureInput[]): Int32Array {
    const byName = new Map(columns.map((c) => [c.name, c]));
    const coded = this.model.features.map((schema) => {
      const input = byName.get(schema.name);
      if (!input) throw new Error(`the input has no column "${schema.name}"`);
      return codeWithSchema(schema, input);
    });
    const n = coded.length > 0 ? coded[0]!.length : columns.length > 0 ? columnLength(columns[0]!) : 0;
    const out = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      let i = 0;
      for (;;) {
        const f = this.feature[i]!;
        if (f < 0) break;
        i = this.goLeft[i]![coded[f]![r]!] === 1 ? this.left[i]! : this.right[i]!;
      }
      out[r] = i;
    }
    return out;
  }

  /** Predictions for feature columns (same shape as training input). */
  predictColumns(columns: readonly FeatureInput[]): Float64Array {
    const nodes = this.nodesOfColumns(columns);
    const out = new Float64Array(nodes.length);
    for (let r = 0; r < nodes.length; r++) out[r] = this.value[nodes[r]!]!;
    return out;
  }

  /** Leaf ids for feature columns. */
  leafIdsOfColumns(columns: readonly FeatureInput[]): Int32Array {
    const nodes = this.nodesOfColumns(columns);
    for (let r = 0; r < nodes.length; r++) nodes[r] = this.leafOf[nodes[r]!]!;
    return nodes;
  }

  /** Predictions for many rows. */
  predictRows(rows: readonly CartRow[]): Float64Array {
    return Float64Array.from(rows, (row) => this.predict(row));
  }

  /** Every leaf with its rule in words, count, mean and CV, in leaf-id order. */
  leaves(): LeafSummary[] {
    const out: LeafSummary[] = [];
    const walk = (i: number, path: Condition[]) => {
      const node = this.model.nodes[i]!;
      if (node.kind === 'leaf') {
        out.push({
          leaf: node.leaf,
          node: i,
          count: node.count,
          weight: node.weight,
          mean: node.mean,
          cv: node.weight > 0 && node.mean !== 0 ? Math.sqrt(node.sse / node.weight) / node.mean : NaN,
          rule: ruleText(this.model.features, path),
        });
        return;
      }
      walk(node.left, [...path, { node, side: 'left' }]);
      walk(node.right, [...path, { node, side: 'right' }]);
    };
    if (this.model.nodes.length > 0) walk(0, []);
    return out.sort((a, b) => a.leaf - b.leaf);
  }

  /** The rule path of one leaf in words. */
  rule(leafId: number): string {
    const leaf = this.leaves().find((l) => l.leaf === leafId);
    if (!leaf) throw new Error(`the tree has no leaf ${leafId}`);
    return leaf.rule;
  }

  /** Share of the root SSE removed by each feature's splits (Σ gain / SSE_root), by feature name. */
  featureImportance(): Record<string, number> {
    const root = this.model.nodes[0];
    const out: Record<string, number> = Object.fromEntries(this.model.features.map((f) => [f.name, 0]));
    if (!root || !(root.sse > 0)) return out;
    for (const node of this.model.nodes) {
      if (node.kind === 'split') {
        const name = this.model.features[node.feature]!.name;
        out[name] = (out[name] ?? 0) + node.gain / root.sse;
      }
    }
    return out;
  }
}

function columnLength(c: FeatureInput): number {
  return 'codes' in c ? c.codes.length : c.values.length;
}

/** Code whose lower edge is the threshold t: 1 + #{ edges ≤ t } when t is an edge. */
function codeOfThreshold(edges: readonly number[], t: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  // Codes < cut hold values < t: the code of the first edge ≥ t is lo + 2 (edge j has code j + 2).
  return lo + 2;
}

function toNumber(raw: RowValue): number {
  if (typeof raw === 'number') return raw;
  if (raw === null || raw === undefined) return NaN;
  const text = raw.trim();
  return text === '' ? NaN : Number(text);
}

interface Condition {
  node: CartSplit;
  side: 'left' | 'right';
}

/** Format a threshold for rule text: at most 6 significant digits. */
export function formatThreshold(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return String(Number(x.toPrecision(6)));
}

/**
 * The conditions of a root-to-leaf path in words, one clause per feature in order of first use:
 * numeric bounds on the same feature merge into an interval ("65 ≤ age < 80"; "(x < 3 or x
 * missing)" when missing values went that way), and the last (narrowest) categorical condition of a
 * feature wins ("ccLevel = MCC", "ageBand ∈ {1–6, 7–17}"). The root-only tree reads "all rows".
 */
export function ruleText(features: readonly FeatureSchema[], path: readonly Condition[]): string {
  interface Clause {
    feature: number;
    lo: number | null;
    hi: number | null;
    missing: 'either' | 'only' | 'excluded';
    categories: string[] | null;
  }
  const clauses: Clause[] = [];
  const byFeature = new Map<number, Clause>();
  for (const { node, side } of path) {
    let clause = byFeature.get(node.feature);
    if (!clause) {
      clause = { feature: node.feature, lo: null, hi: null, missing: 'either', categories: null };
      byFeature.set(node.feature, clause);
      clauses.push(clause);
    }
    const schema = features[node.feature]!;
    if (schema.kind === 'numeric') {
      const t = node.threshold ?? null;
      if (t === null) clause.missing = side === 'left' ? 'only' : 'excluded';
      else if (side === 'left') clause.hi = clause.hi === null ? t : Math.min(clause.hi, t);
      else {
        clause.lo = clause.lo === null ? t : Math.max(clause.lo, t);
        clause.missing = 'excluded';
      }
    } else {
      clause.categories = side === 'left' ? node.leftCategories ?? [] : node.rightCategories ?? [];
    }
  }
  if (clauses.length === 0) return 'all rows';
  return clauses
    .map((c) => {
      const schema = features[c.feature]!;
      const name = schema.name;
      if (schema.kind === 'categorical') {
        const cats = c.categories ?? [];
        return cats.length === 1 ? `${name} = ${cats[0]}` : `${name} ∈ {${cats.join(', ')}}`;
      }
      if (c.missing === 'only') return `${name} missing`;
      let text: string;
      if (c.lo !== null && c.hi !== null) text = `${formatThreshold(c.lo)} ≤ ${name} < ${formatThreshold(c.hi)}`;
      else if (c.lo !== null) text = `${name} ≥ ${formatThreshold(c.lo)}`;
      else if (c.hi !== null) text = `${name} < ${formatThreshold(c.hi)}`;
      else text = `${name} present`;
      if (c.lo === null && c.hi !== null && c.missing === 'either' && schema.hasMissing) text = `(${text} or ${name} missing)`;
      return text;
    })
    .join(' and ');
}

const statsShape = {
  depth: z.number().int().nonnegative(),
  count: z.number().nonnegative(),
  weight: z.number(),
  mean: z.number(),
  sse: z.number(),
};

/** zod schema of a persisted model (`CartModel`). */
export const cartModelSchema = z.object({
  format: z.literal(CART_FORMAT),
  version: z.literal(CART_VERSION),
  target: z.string(),
  weight: z.string().nullable(),
  features: z.array(
    z.discriminatedUnion('kind', [
      z.object({ name: z.string(), kind: z.literal('numeric'), edges: z.array(z.number()), hasMissing: z.boolean() }),
      z.object({ name: z.string(), kind: z.literal('categorical'), categories: z.array(z.string()) }),
    ]),
  ),
  options: z.object({
    maxDepth: z.number().int().nonnegative(),
    minSamplesLeaf: z.number().int().positive(),
    minGainRatio: z.number().nonnegative(),
    maxBins: z.number().int().positive(),
  }),
  nodes: z
    .array(
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('leaf'), ...statsShape, leaf: z.number().int().nonnegative() }),
        z.object({
          kind: z.literal('split'),
          ...statsShape,
          feature: z.number().int().nonnegative(),
          gain: z.number(),
          left: z.number().int().positive(),
          right: z.number().int().positive(),
          threshold: z.number().nullable().optional(),
          leftCategories: z.array(z.string()).optional(),
          rightCategories: z.array(z.string()).optional(),
          otherLeft: z.boolean().optional(),
        }),
      ]),
    )
    .min(1),
});
