/**
 * Benchmark input until the synthetic generator lands: N cases resampled from the 2 000 dev
 * cases with a seeded generator (each gets a unique listId and its secondary diagnoses in a
 * shuffled order), so every case is a real, valid record with a realistic code mix.
 */
import { readFileSync } from 'node:fs';
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
