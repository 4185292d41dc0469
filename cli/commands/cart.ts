/**
 * `payreform cart`: train a CART regression tree on a CSV file (header row required) and write the
 * model as JSON. A thin adapter: CSV → feature columns → models/learning/cart.ts.
 *
 * Column kinds: a column listed in --categorical is categorical; otherwise a column is numeric when
 * its first non-empty value is a number, and then every other non-empty value must be one too
 * (else an error naming the line and column); columns whose first value is text are categorical.
 * Empty fields are missing values in numeric features and the category "" in categorical ones;
 * the target (and the weight) must be numbers on every line.
 */
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { numberOption, parseOptions, requireOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { inputProgress } from '../../lib/progress.ts';
import { trainCart } from '../../models/learning/cart.ts';
import type { FeatureInput } from '../../models/learning/binning.ts';
import { parseCsvNumber, scanCsvBytes } from '../../models/text/csv.ts';
import { counted } from '../../models/text/plural.ts';

const USAGE = `usage: payreform cart --input FILE.csv --target COLUMN [options]

  --input FILE            CSV with a header row
  --target COLUMN         numeric column to predict (e.g. cost)
  --categorical a,b       columns to treat as categorical (text columns are categorical anyway)
  --weight COLUMN         non-negative row weights
  --features a,b,c        feature columns (default: every column but target and weight)
  --max-depth N           maximum depth, root = 0 (default 6)
  --min-samples-leaf N    minimum rows per leaf (default 100)
  --min-gain-ratio X      minimum relative SSE reduction of a split, 0…1 (default 0)
  --max-bins N            quantile bins per numeric feature, 2…255 (default 255)
  --output FILE           write the model (JSON) here
  --rules                 print every leaf with its size, mean, CV and rule`;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** One CSV column accumulated while streaming. */
interface Column {
  name: string;
  /** Decided by the first non-empty value unless forced. */
  kind: 'pending' | 'numeric' | 'categorical';
  /** Empty values seen before the kind was decided. */
  pending: number;
  numbers: Float64Builder;
  codes: number[];
  categoryIndex: Map<string, number>;
  categories: string[];
}

function categoryCode(column: Column, label: string): number {
  let code = column.categoryIndex.get(label);
  if (code === undefined) {
    code = column.categories.length;
    column.categoryIndex.set(label, code);
    column.categories.push(label);
  }
  return code;
}

/** ASCII blanks: what String.prototype.trim removes below 0x80. */
function isBlank(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
function utf8(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/** The field being read, decoded to (trimmed) text only when something asks for its text. */
class FieldText {
  private source: Uint8Array | null = null;
  private start = 0;
  private end = 0;
  private decoded: string | null = null;

  bytes(source: Uint8Array, start: number, end: number): void {
    this.source = source;
    this.start = start;
    this.end = end;
    this.decoded = null;
  }

  string(text: string): void {
    this.source = null;
    this.decoded = text;
  }

  text(): string {
    this.decoded ??= utf8(this.source!, this.start, this.end).trim();
    return this.decoded;
  }
}

/** A growing column of numbers. */
class Float64Builder {
  private data = new Float64Array(1 << 14);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

function listOption(value: unknown): string[] {
  return typeof value === 'string' && value.trim() !== '' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      input: { type: 'string' },
      target: { type: 'string' },
      categorical: { type: 'string' },
      weight: { type: 'string' },
      features: { type: 'string' },
      'max-depth': { type: 'string' },
      'min-samples-leaf': { type: 'string' },
      'min-gain-ratio': { type: 'string' },
      'max-bins': { type: 'string' },
      output: { type: 'string' },
      rules: { type: 'boolean' },
    },
    USAGE,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const input = requireOption(values, 'input', USAGE);
  if (!existsSync(input)) throw new CliError(`cannot read the input: ${input} does not exist.`);
  const target = requireOption(values, 'target', USAGE);
  const weight = typeof values.weight === 'string' ? values.weight : null;
  const categorical = new Set(listOption(values.categorical));
  const maxDepth = numberOption(values, 'max-depth', 6);
  const minSamplesLeaf = numberOption(values, 'min-samples-leaf', 100);
  const minGainRatio = numberOption(values, 'min-gain-ratio', 0);
  const maxBins = numberOption(values, 'max-bins', 255);
  if (!(Number.isInteger(maxDepth) && maxDepth >= 0)) throw new CliError(`--max-depth must be a whole number ≥ 0, got ${maxDepth}.`, 2);
  if (!(Number.isInteger(minSamplesLeaf) && minSamplesLeaf >= 1)) throw new CliError(`--min-samples-leaf must be a whole number ≥ 1, got ${minSamplesLeaf}.`, 2);
  if (!(minGainRatio >= 0 && minGainRatio < 1)) throw new CliError(`--min-gain-ratio must be in [0, 1), got ${minGainRatio}.`, 2);
  if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= 255)) throw new CliError(`--max-bins must be a whole number in 2…255, got ${maxBins}.`, 2);
  if (categorical.has(target)) throw new CliError(`the target "${target}" cannot be categorical.`, 2);

  // Stream the CSV into columns: numbers straight from the bytes, text only where a value is text.
  const started = performance.now();
  const progress = inputProgress('reading', [input]);
  let header = null as string[] | null;
  let columns: Column[] = [];
  let targetIndex = -1;
  let weightIndex = -1;
  let rows = 0;

  const readHeader = (fields: string[]): void => {
    header = fields.map((f) => f.trim());
    const seen = new Set<string>();
    for (const name of header) {
      if (seen.has(name)) throw new CliError(`${input}: column "${name}" appears twice in the header.`);
      seen.add(name);
    }
    targetIndex = header.indexOf(target);
    if (targetIndex < 0) throw new CliError(`${input} has no column "${target}" (columns: ${header.join(', ')}).`, 2);
    if (weight !== null) {
      weightIndex = header.indexOf(weight);
      if (weightIndex < 0) throw new CliError(`${input} has no weight column "${weight}".`, 2);
    }
    for (const name of categorical) if (!seen.has(name)) throw new CliError(`--categorical names "${name}", which ${input} does not have.`, 2);
    columns = header.map((name, i) => ({
      name,
      kind: i === targetIndex || i === weightIndex ? 'numeric' : categorical.has(name) ? 'categorical' : 'pending',
      pending: 0,
      numbers: new Float64Builder(),
      codes: [],
      categoryIndex: new Map(),
      categories: [],
    }));
  };
  const checkWidth = (count: number, lineNumber: number): void => {
    if (count !== columns.length) throw new CliError(`${input} line ${lineNumber}: ${count} fields, but the header has ${columns.length}.`);
  };
  const endRow = (): void => {
    rows++;
  };
  /** One field: `value` is its number when it is one (else NaN), `field.text()` its trimmed text. */
  const field = new FieldText();
  const text = () => field.text();
  const addField = (i: number, value: number, lineNumber: number): void => {
    const column = columns[i]!;
    if (i === targetIndex || i === weightIndex) {
      if (Number.isNaN(value)) {
        const t = text();
        throw new CliError(`${input} line ${lineNumber}, column "${column.name}": ${t === '' ? 'empty' : `"${t}" is not a number`}; the ${i === targetIndex ? 'target' : 'weight'} must be a number on every line.`);
      }
      if (i === weightIndex && value < 0) throw new CliError(`${input} line ${lineNumber}, column "${column.name}": negative weight ${text()}.`);
      column.numbers.push(value);
      return;
    }
    if (column.kind === 'pending') {
      const t = Number.isNaN(value) ? text() : null;
      if (t === '') {
        column.pending++;
        return;
      }
      column.kind = t === null ? 'numeric' : 'categorical';
      if (column.kind === 'numeric') for (let k = 0; k < column.pending; k++) column.numbers.push(NaN);
      else for (let k = 0; k < column.pending; k++) column.codes.push(categoryCode(column, ''));
    }
    if (column.kind === 'numeric') {
      if (!Number.isNaN(value)) column.numbers.push(value);
      else if (text() === '') column.numbers.push(NaN);
      else {
        throw new CliError(
          `${input} line ${lineNumber}, column "${column.name}": "${text()}" is not a number, but the column's first value is numeric. ` +
            `Fix the value, or list the column in --categorical.`,
        );
      }
    } else {
      column.codes.push(categoryCode(column, text()));
    }
  };

  try {
    await scanCsvBytes(progress.read<Uint8Array>(createReadStream(input)), {
      bytesRow(bytes, starts, ends, count, lineNumber) {
        if (header === null) {
          readHeader(Array.from({ length: count }, (_, f) => utf8(bytes, starts[f]!, ends[f]!)));
          return;
        }
        checkWidth(count, lineNumber);
        for (let i = 0; i < count; i++) {
          let start = starts[i]!;
          let end = ends[i]!;
          while (start < end && isBlank(bytes[start]!)) start++;
          while (end > start && isBlank(bytes[end - 1]!)) end--;
          field.bytes(bytes, start, end);
          // Categorical values are labels (even "1"). Not a plain number in bytes (e.g. Unicode
          // blanks around it): the text decides, as for a quoted row.
          let value = NaN;
          if (columns[i]!.kind !== 'categorical') {
            value = parseCsvNumber(bytes, start, end);
            if (Number.isNaN(value)) {
              const t = text();
              if (NUMBER.test(t)) value = Number(t);
            }
          }
          addField(i, value, lineNumber);
        }
        endRow();
      },
      textRow(row) {
        if (row.error) throw new CliError(`${input} line ${row.lineNumber}: ${row.error}.`);
        if (header === null) {
          readHeader(row.fields);
          return;
        }
        checkWidth(row.fields.length, row.lineNumber);
        for (let i = 0; i < columns.length; i++) {
          const t = row.fields[i]!.trim();
          field.string(t);
          addField(i, NUMBER.test(t) ? Number(t) : NaN, row.lineNumber);
        }
        endRow();
      },
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new CliError(`cannot read ${input}: ${(error as Error).message}`);
    throw error;
  } finally {
    progress.finish();
  }
  if (header === null || rows === 0) throw new CliError(`${input} has no data rows.`);

  const wanted = listOption(values.features);
  for (const name of wanted) if (!header.includes(name)) throw new CliError(`--features names "${name}", which ${input} does not have.`, 2);
  const featureColumns = columns.filter((c, i) => i !== targetIndex && i !== weightIndex && (wanted.length === 0 || wanted.includes(c.name)));
  if (featureColumns.length === 0) throw new CliError('there are no feature columns to split on.', 2);
  const features: FeatureInput[] = featureColumns.map((c) => {
    if (c.kind === 'numeric') return { name: c.name, kind: 'numeric', values: c.numbers.finish() };
    if (c.kind === 'pending') return { name: c.name, kind: 'numeric', values: new Float64Array(rows).fill(NaN) };
    return { name: c.name, kind: 'categorical', codes: Uint32Array.from(c.codes), categories: c.categories };
  });
  const y = columns[targetIndex]!.numbers.finish();
  const w = weightIndex >= 0 ? columns[weightIndex]!.numbers.finish() : undefined;
  const readSeconds = (performance.now() - started) / 1000;
  const kinds = features.filter((f) => f.kind === 'categorical').map((f) => f.name);
  process.stdout.write(
    `read ${counted(rows, 'row')} × ${counted(features.length, 'feature')} in ${readSeconds.toFixed(2)} s` +
      `${kinds.length > 0 ? ` (categorical: ${kinds.join(', ')})` : ''}\n`,
  );

  const t0 = performance.now();
  let trained;
  try {
    trained = trainCart({ features, target: y, weights: w, targetName: target, weightName: weight ?? undefined }, { maxDepth, minSamplesLeaf, minGainRatio, maxBins });
  } catch (error) {
    throw new CliError(`training failed: ${(error as Error).message}`);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const { tree } = trained;
  const depth = Math.max(...tree.model.nodes.map((n) => n.depth));
  process.stdout.write(
    `trained in ${trainSeconds.toFixed(3)} s: ${counted(tree.leafCount, 'leaf', 'leaves')}, depth ${depth}, training R² = ${tree.trainingR2.toFixed(4)}\n`,
  );

  if (values.rules) {
    process.stdout.write(`\nleaf\tcases\tmean ${target}\tCV\trule\n`);
    for (const leaf of tree.leaves()) {
      process.stdout.write(`${leaf.leaf}\t${leaf.count}\t${leaf.mean.toFixed(2)}\t${leaf.cv.toFixed(3)}\t${leaf.rule}\n`);
    }
  }
  const output = typeof values.output === 'string' && values.output !== '' ? values.output : null;
  if (output !== null) {
    try {
      writeFileSync(output, JSON.stringify(tree.toJSON()) + '\n');
    } catch (error) {
      throw new CliError(`cannot write ${output}: ${(error as Error).message}`);
    }
    process.stdout.write(`model written to ${output}\n`);
  }
  return 0;
}
