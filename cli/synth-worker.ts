/**
 * Worker thread of `payreform synth`: builds the same generator as the main thread from the
 * main thread's rule pack and template library, and renders chunk tasks into JSON Lines bytes
 * (handed back by transfer, its buffers handed back again once written).
 */
import { parentPort } from 'node:worker_threads';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import { createGenerator, type SynthOptions, type SyntheticGenerator } from '../models/synthetic/generate.ts';
import { createInjector, type InjectSpec, type Injector } from '../models/synthetic/inject.ts';
import type { TemplateLibrary } from '../models/synthetic/templates.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { renderChunk, type ChunkBuffers, type SynthChunk } from './synth-chunk.ts';

/**
 * Set-up, in two messages: first the main thread's rule pack (a copy arrives faster than reading
 * and checking the cached file again), then — once the main thread has built it — its template
 * library (building one per thread cost each ~0.5 s of CPU) with the options.
 */
export type SynthInit =
  | { pack: RulePack }
  | {
      library: TemplateLibrary;
      options: Omit<SynthOptions, 'relativeWeights'> & { relativeWeights: [string, number][] };
      /** Patterns to inject (`--inject`), or null. */
      inject?: InjectSpec | null;
    };

let pack: RulePack | null = null;

let generator: SyntheticGenerator | null = null;
let injector: Injector | null = null;

/** A chunk to render; `reuse` carries the buffers of a chunk the main thread has written, transferred back. */
export interface SynthTask {
  year: number;
  chunk: number;
  reuse?: ChunkBuffers;
}

serveTasks<SynthTask, SynthChunk, SynthInit>(
  parentPort!,
  ({ year, chunk, reuse }) => {
    if (!generator) throw new Error('payreform synth worker: a task arrived before the set-up');
    const result = renderChunk(generator, year, chunk, injector, reuse);
    return { result, transfer: [result.records.buffer, result.truth.buffer] };
  },
  (init) => {
    if ('pack' in init) {
      pack = init.pack;
      return;
    }
    if (!pack) throw new Error('payreform synth worker: the templates arrived before the rule pack');
    const { library, options, inject } = init;
    const synthOptions = { ...options, relativeWeights: new Map(options.relativeWeights) };
    generator = createGenerator(pack, library, synthOptions);
    injector = inject ? createInjector(pack, generator, synthOptions, inject) : null;
  },
);
