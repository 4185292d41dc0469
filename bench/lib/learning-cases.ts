/**
 * Synthetic learning cases shared by the learning and ratio benches, and the scikit-learn runner
 * (bench/baselines/sklearn_learning.py under Debian's /usr/bin/python3).
 *
 * Data: cost ~ 6 000 × age band × CC level × procedure class × (0.6 + 0.08 LOS) × hospital level ×
 * disposition × log-normal noise (σ 0.35), 8 features (3 categorical, 1 pure noise).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureInput } from '../../models/learning/binning.ts';
import { createRandom } from '../../models/random.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * The Python the scikit-learn / pandas baselines run under: the first of `$PAYREFORM_PYTHON`,
 * Debian's `/usr/bin/python3` (where python3-sklearn and python3-pandas install) and `python3` on
 * PATH (often a pyenv Python without them) that imports both; `/usr/bin/python3` when none does
 * (then {@link sklearnAvailable} is false and the baselines are skipped with a line saying so).
 */
export const PYTHON = findPython();

function findPython(): string {
  const candidates = [process.env.PAYREFORM_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => c !== undefined && c !== '');
  return candidates.find((c) => spawnSync(c, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' }).status === 0) ?? '/usr/bin/python3';
}
const SCRIPT = path.join(here, '..', 'baselines', 'sklearn_learning.py');

/** Uniform draws in [0, 1) from the project's seeded generator (models/random.ts). */
function rng(seed: number): () => number {
  const random = createRandom(seed);
  return () => random.uniform();
}

const CC = ['none', 'CC', 'MCC'];
const PROC = ['conservative', 'diagnostic', 'therapeutic', 'surgical'];
const DISPOSITION = ['home', 'other', 'transfer', 'death'];
const SEX = ['F', 'M'];

export interface Cases {
  n: number;
  /** Feature codes/values column by column, as numbers (categoricals as codes). */
  columns: Float64Array[];
  names: string[];
  categorical: (string[] | null)[];
  cost: Float64Array;
}

/** Synthetic cases: see the module comment; the same (n, seed) always gives the same cases. */
export function synthesise(n: number, seed: number): Cases {
  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const age = new Float64Array(n);
  const cc = new Float64Array(n);
  const proc = new Float64Array(n);
  const los = new Float64Array(n);
  const sex = new Float64Array(n);
  const level = new Float64Array(n);
  const disposition = new Float64Array(n);
  const noise = new Float64Array(n);
  const cost = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = r() < 0.05 ? Math.floor(r() * 7) : Math.floor(r() * 95);
    const u = r();
    const c = u < 0.65 ? 0 : u < 0.88 ? 1 : 2;
    const v = r();
    const p = v < 0.4 ? 0 : v < 0.55 ? 1 : v < 0.75 ? 2 : 3;
    const l = 1 + Math.floor(-Math.log(1 - r()) * (4 + 2 * c + p));
    const h = 1 + Math.floor(r() * 3);
    const d = r();
    const disp = d < 0.9 ? 0 : d < 0.95 ? 1 : d < 0.98 ? 2 : 3;
    const ageMult = a < 1 ? 1.5 : a < 7 ? 0.8 : a < 18 ? 0.9 : a < 65 ? 1 : 1.3;
    const mult = ageMult * [1, 1.4, 2.2][c]! * [1, 1.3, 1.8, 3.5][p]! * (0.6 + 0.08 * l) * [0.8, 1, 1.25][h - 1]! * [1, 1.05, 1.2, 1.6][disp]!;
    age[i] = a;
    cc[i] = c;
    proc[i] = p;
    los[i] = l;
    sex[i] = r() < 0.5 ? 0 : 1;
    level[i] = h;
    disposition[i] = disp;
    noise[i] = r();
    cost[i] = 6000 * mult * Math.exp(0.35 * normal());
  }
  return {
    n,
    columns: [age, cc, proc, los, sex, level, disposition, noise],
    names: ['age', 'ccLevel', 'procClass', 'los', 'sex', 'hospitalLevel', 'disposition', 'noise'],
    categorical: [null, CC, PROC, null, SEX, null, DISPOSITION, null],
    cost,
  };
}

/** Our feature input: categorical columns as codes + category labels. */
export function featureInputs(cases: Cases): FeatureInput[] {
  return cases.columns.map((values, j) => {
    const categories = cases.categorical[j];
    const name = cases.names[j]!;
    return categories ? { name, kind: 'categorical', codes: values, categories } : { name, kind: 'numeric', values };
  });
}

/** Row-major copy of the feature columns (what ml-cart and numpy want). */
export function rowMajor(cases: Cases): Float64Array {
  const f = cases.columns.length;
  const out = new Float64Array(cases.n * f);
  for (let j = 0; j < f; j++) {
    const col = cases.columns[j]!;
    for (let i = 0; i < cases.n; i++) out[i * f + j] = col[i]!;
  }
  return out;
}

export function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

export function label(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
}

/** True when {@link PYTHON} imports scikit-learn and pandas. */
export function sklearnAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' }).status === 0;
}

/** Run the scikit-learn script on files written to a temp dir; null when it fails. */
export function runSklearn(mode: 'tree' | 'kmeans', files: Record<string, Float64Array>, meta: Record<string, number>): Record<string, number> | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'payreform-bench-'));
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, `${name}.f64`), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
    const result = spawnSync(PYTHON, [SCRIPT, mode, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (result.status !== 0) {
      process.stderr.write(`scikit-learn ${mode} baseline failed: ${result.stderr}\n`);
      return null;
    }
    return JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, number>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


/**
 * Write `cases` as the numeric CSV `payreform cart` and pandas read (categoricals as their codes,
 * cost in yuan to the fen, the noise feature to 6 decimals): header, then one row per case.
 */
export async function writeCasesCsv(file: string, cases: Cases): Promise<void> {
  const stream = createWriteStream(file);
  stream.write([...cases.names, 'cost'].join(',') + '\n');
  const f = cases.columns.length;
  let chunk = '';
  for (let i = 0; i < cases.n; i++) {
    let line = '';
    for (let j = 0; j < f; j++) line += (j === f - 1 ? cases.columns[j]![i]!.toFixed(6) : String(cases.columns[j]![i]!)) + ',';
    chunk += line + cases.cost[i]!.toFixed(2) + '\n';
    if (chunk.length > 1 << 16) {
      if (!stream.write(chunk)) await once(stream, 'drain');
      chunk = '';
    }
  }
  stream.end(chunk);
  await once(stream, 'finish');
}
