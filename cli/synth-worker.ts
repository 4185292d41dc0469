/**
 * Worker thread of `payreform synth`: builds the same generator as the main thread (same seed,
 * so the same templates) and turns chunk tasks into JSON Lines text.
 */
import { parentPort } from 'node:worker_threads';
import { createGenerator, type SynthOptions, type SyntheticGenerator } from '../models/synthetic/generate.ts';
import { createInjector, type InjectSpec, type Injector } from '../models/synthetic/inject.ts';
import { loadCodeSets } from '../lib/codesets.ts';
import { rulePackForDir } from '../lib/scheme.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { renderChunk, type SynthChunk } from './synth-chunk.ts';

export interface SynthInit {
  schemeDir: string;
  options: Omit<SynthOptions, 'relativeWeights'> & { relativeWeights: [string, number][] };
  /** Patterns to inject (`--inject`), or null. */
  inject?: InjectSpec | null;
}

let generator: SyntheticGenerator | null = null;
let injector: Injector | null = null;

serveTasks<{ year: number; chunk: number }, SynthChunk, SynthInit>(
  parentPort!,
  ({ year, chunk }) => {
    if (!generator) throw new Error('payreform synth worker: a task arrived before the set-up');
    return { result: renderChunk(generator, year, chunk, injector) };
  },
  ({ schemeDir, options, inject }) => {
    const pack = rulePackForDir(schemeDir);
    const synthOptions = { ...options, relativeWeights: new Map(options.relativeWeights) };
    generator = createGenerator(pack, loadCodeSets(), synthOptions);
    injector = inject ? createInjector(pack, generator, synthOptions, inject) : null;
  },
);
