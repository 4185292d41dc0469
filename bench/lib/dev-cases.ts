/**
 * Benchmark input until the synthetic generator lands: N cases resampled from the 2 000 dev
 * cases with a seeded generator (each gets a unique listId and its secondary diagnoses in a
 * shuffled order), so every case is a real, valid record with a realistic code mix.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { referencePath } from '../../lib/reference.ts';
import { createRandom } from '../../models/random.ts';

export type DevCase = Record<string, unknown> & { listId: string; secondaryDiagnoses: string[] };

/** The dev cases of a file under `reference/dev-cases/` (default: the 2 000 CHS-DRG 1.1 cases). */
export function readDevCases(file = 'chs-drg-1.1-cases.jsonl'): DevCase[] {
  return readFileSync(referencePath('dev-cases', ...file.split('/')), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DevCase);
}

/** Uniform draws in [0, 1) from the project's seeded generator (models/random.ts). */
function mulberry32(seed: number): () => number {
  const random = createRandom(seed);
  return () => random.uniform();
}

export function* resampledCases(n: number, seed = 1, file?: string): Generator<DevCase> {
  const base = readDevCases(file);
  const random = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    const c = base[Math.floor(random() * base.length)]!;
    const secondary = [...c.secondaryDiagnoses];
    for (let j = secondary.length - 1; j > 0; j--) {
      const k = Math.floor(random() * (j + 1));
      [secondary[j], secondary[k]] = [secondary[k]!, secondary[j]!];
    }
    yield { ...c, listId: `B${i.toString(36).padStart(7, '0')}`, secondaryDiagnoses: secondary };
  }
}

/**
 * Write `n` resampled cases (seed `seed`) as JSON Lines to `file`, unless it already holds them
 * (a stamp beside it records n and seed). Returns the file.
 */
export async function writeResampledCases(file: string, n: number, seed: number): Promise<string> {
  const stamp = `${file}.args.json`;
  const args = JSON.stringify({ n, seed });
  if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, 'utf8') === args) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file);
  let chunk: string[] = [];
  for (const c of resampledCases(n, seed)) {
    chunk.push(JSON.stringify(c));
    if (chunk.length === 10_000) {
      if (!stream.write(chunk.join('\n') + '\n')) await once(stream, 'drain');
      chunk = [];
    }
  }
  stream.end(chunk.length ? chunk.join('\n') + '\n' : '');
  await once(stream, 'finish');
  writeFileSync(stamp, args);
  return file;
}
