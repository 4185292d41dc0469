/**
 * Feature binning for the histogram CART: every feature is turned once into small integer codes
 * (Uint8Array up to 256 codes, Uint16Array beyond), and the split search works on per-code
 * histograms instead of sorted values.
 *
 * Numeric feature with edges t_1 < … < t_{B−1} (the *bin edges*, each the smallest training value
 * of its bin):
 *   code(x) = 0                        when x is missing (NaN, null, undefined, ''),
 *   code(x) = 1 + #{ j : t_j ≤ x }     otherwise (1 … B).
 * So code c ≥ 2 holds t_{c−1} ≤ x < t_c, and a split "code < c" reads "x < t_{c−1}" — a threshold
 * that is an actual data value, which keeps rules readable ("age ≥ 65"). Missing values sort
 * below every number, so they always go with the low side of a split.
 *
 * Edges are quantiles of the training values (by row count, not weight): when a feature has at
 * most `maxBins` distinct values each value gets its own bin (exact splits, like a sort-based
 * CART); otherwise bins of about n / maxBins rows, a heavy value keeping a bin to itself.
 * Beyond `sampleSize` rows the quantiles come from an evenly strided sample.
 *
 * Categorical feature with categories [a_0, …, a_{C−1}]: code(a_k) = k. Categories are listed in
 * order of first appearance (or as given). An unseen category gets code C at prediction time.
 */

/** A numeric feature's schema as persisted with a model. */
export interface NumericFeatureSchema {
  name: string;
  kind: 'numeric';
  /** Ascending bin edges t_1 … t_{B−1}; code(x) = 1 + #{ t_j ≤ x }, 0 for missing. */
  edges: number[];
  /** Whether the training data had missing values in this feature. */
  hasMissing: boolean;
}

/** A categorical feature's schema as persisted with a model. */
export interface CategoricalFeatureSchema {
  name: string;
  kind: 'categorical';
  /** Category labels; code(categories[k]) = k. */
  categories: string[];
}

export type FeatureSchema = NumericFeatureSchema | CategoricalFeatureSchema;

/** A feature column given to training or batch prediction. */
export type FeatureInput =
  /** Numbers; NaN is missing. */
  | { name: string; kind: 'numeric'; values: ArrayLike<number> }
  /** Category labels, one per row. */
  | { name: string; kind: 'categorical'; values: ArrayLike<string> }
  /** Pre-coded categories: `codes[i]` indexes `categories` (the fast path for large data). */
  | { name: string; kind: 'categorical'; codes: ArrayLike<number>; categories: readonly string[] };

/** A binned column: its schema, the code of each row and the number of codes. */
export interface BinnedFeature {
  schema: FeatureSchema;
  codes: Uint8Array | Uint16Array;
  /** Number of distinct codes (numeric: B + 1 including the missing code 0; categorical: C). */
  nCodes: number;
}

export interface BinningOptions {
  /** Maximum number of value bins of a numeric feature (≤ 255 keeps codes in a Uint8Array). Default 255. */
  maxBins?: number;
  /** Rows used to find quantile edges; larger inputs are sampled evenly. Default 200 000. */
  sampleSize?: number;
}

export const DEFAULT_MAX_BINS = 255;
export const DEFAULT_BIN_SAMPLE = 200_000;
/** Most categories a categorical feature may have (codes must fit a Uint16Array). */
export const MAX_CATEGORIES = 65_535;

/** The number of codes a feature schema defines. */
export function codeCount(schema: FeatureSchema): number {
  return schema.kind === 'numeric' ? schema.edges.length + 2 : schema.categories.length;
}

/** The code array type that holds `nCodes` codes. */
export function allocateCodes(n: number, nCodes: number): Uint8Array | Uint16Array {
  return nCodes <= 256 ? new Uint8Array(n) : new Uint16Array(n);
}

/**
 * Quantile bin edges of the (finite) values: ascending data values t_j, each the smallest value of
 * its bin, at most maxBins − 1 of them. Distinct values ≤ maxBins → one bin per value.
 */
export function quantileEdges(values: ArrayLike<number>, maxBins = DEFAULT_MAX_BINS, sampleSize = DEFAULT_BIN_SAMPLE): number[] {
  if (!(maxBins >= 2)) throw new Error(`maxBins must be at least 2, got ${maxBins}`);
  const n = values.length;
  const take = Math.min(n, Math.max(1, sampleSize));
  const sample = new Float64Array(take);
  let m = 0;
  for (let k = 0; k < take; k++) {
    const x = values[take === n ? k : Math.floor((k * n) / take)]!;
    if (Number.isFinite(x)) sample[m++] = x;
  }
  const sorted = sample.subarray(0, m).sort();
  if (m === 0) return [];
  // Distinct values and their counts.
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < m; i++) {
    const x = sorted[i]!;
    if (distinct.length > 0 && distinct[distinct.length - 1] === x) counts[counts.length - 1]!++;
    else {
      distinct.push(x);
      counts.push(1);
    }
  }
  if (distinct.length <= maxBins) return distinct.slice(1);
  // Greedy quantile bins: close a bin once the cumulative count reaches the next k·m/maxBins.
  const edges: number[] = [];
  let cumulative = 0;
  let bins = 1;
  for (let d = 0; d < distinct.length; d++) {
    if (d > 0 && cumulative >= (bins * m) / maxBins && bins < maxBins) {
      edges.push(distinct[d]!);
      bins++;
    }
    cumulative += counts[d]!;
  }
  return edges;
}

/** Code of a numeric value under its schema: 0 missing, else 1 + #{ t_j ≤ x } (binary search). */
export function numericCode(edges: ArrayLike<number>, x: number): number {
  if (Number.isNaN(x)) return 0;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** Bin a numeric column: quantile edges from the data, then each row's code. */
export function binNumeric(name: string, values: ArrayLike<number>, options: BinningOptions = {}): BinnedFeature {
  const edges = quantileEdges(values, options.maxBins ?? DEFAULT_MAX_BINS, options.sampleSize ?? DEFAULT_BIN_SAMPLE);
  const schema: NumericFeatureSchema = { name, kind: 'numeric', edges, hasMissing: false };
  const { codes, missing } = codeNumeric(schema, values);
  schema.hasMissing = missing > 0;
  return { schema, codes, nCodes: codeCount(schema) };
}

/** Codes of a numeric column under an existing schema, and how many values were missing. */
export function codeNumeric(schema: NumericFeatureSchema, values: ArrayLike<number>): { codes: Uint8Array | Uint16Array; missing: number } {
  const edges = Float64Array.from(schema.edges);
  const n = values.length;
  const codes = allocateCodes(n, codeCount(schema));
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const c = numericCode(edges, values[i]!);
    if (c === 0) missing++;
    codes[i] = c;
  }
  return { codes, missing };
}

/** Bin a categorical column given as labels (categories in order of first appearance) or as codes. */
export function binCategorical(input: Extract<FeatureInput, { kind: 'categorical' }>): BinnedFeature {
  if ('codes' in input) {
    const categories = [...input.categories];
    if (categories.length > MAX_CATEGORIES) throw new Error(`feature "${input.name}" has ${categories.length} categories (at most ${MAX_CATEGORIES})`);
    const codes = allocateCodes(input.codes.length, categories.length);
    for (let i = 0; i < input.codes.length; i++) {
      const c = input.codes[i]!;
      if (!(Number.isInteger(c) && c >= 0 && c < categories.length)) throw new Error(`feature "${input.name}": row ${i} has category code ${c}, outside 0…${categories.length - 1}`);
      codes[i] = c;
    }
    return { schema: { name: input.name, kind: 'categorical', categories }, codes, nCodes: categories.length };
  }
  const index = new Map<string, number>();
  const categories: string[] = [];
  const raw = new Uint32Array(input.values.length);
  for (let i = 0; i < input.values.length; i++) {
    const label = input.values[i]!;
    let c = index.get(label);
    if (c === undefined) {
      c = categories.length;
      if (c >= MAX_CATEGORIES) throw new Error(`feature "${input.name}" has more than ${MAX_CATEGORIES} categories`);
      index.set(label, c);
      categories.push(label);
    }
    raw[i] = c;
  }
  const codes = allocateCodes(raw.length, categories.length);
  codes.set(raw);
  return { schema: { name: input.name, kind: 'categorical', categories }, codes, nCodes: categories.length };
}

/** Bin every feature column (all must have the same length). */
export function binFeatures(features: readonly FeatureInput[], options: BinningOptions = {}): BinnedFeature[] {
  const n = features.length > 0 ? inputLength(features[0]!) : 0;
  return features.map((f) => {
    if (inputLength(f) !== n) throw new Error(`feature "${f.name}" has ${inputLength(f)} rows, expected ${n}`);
    return f.kind === 'numeric' ? binNumeric(f.name, f.values, options) : binCategorical(f);
  });
}

/** Number of rows of a feature column. */
export function inputLength(f: FeatureInput): number {
  return 'codes' in f ? f.codes.length : f.values.length;
}

/**
 * Codes of new data under a trained schema (for batch prediction). Unseen categories get code C
 * (`categories.length`), which the tree sends to each split's default side.
 */
export function codeWithSchema(schema: FeatureSchema, input: FeatureInput): Uint8Array | Uint16Array | Uint32Array {
  if (schema.kind === 'numeric') {
    if (input.kind !== 'numeric') throw new Error(`feature "${schema.name}" is numeric in the model but categorical in the input`);
    return codeNumeric(schema, input.values).codes;
  }
  if (input.kind !== 'categorical') throw new Error(`feature "${schema.name}" is categorical in the model but numeric in the input`);
  const index = categoryIndex(schema);
  const unseen = schema.categories.length;
  const n = inputLength(input);
  const codes = schema.categories.length + 1 <= 256 ? new Uint8Array(n) : schema.categories.length + 1 <= 65_536 ? new Uint16Array(n) : new Uint32Array(n);
  if ('codes' in input) {
    const map = input.categories.map((label) => index.get(label) ?? unseen);
    for (let i = 0; i < n; i++) codes[i] = map[input.codes[i]!] ?? unseen;
  } else {
    for (let i = 0; i < n; i++) codes[i] = index.get(input.values[i]!) ?? unseen;
  }
  return codes;
}

/** Label → code map of a categorical schema. */
export function categoryIndex(schema: CategoricalFeatureSchema): Map<string, number> {
  return new Map(schema.categories.map((label, k) => [label, k]));
}
