/** One chunk of synthetic cases as JSON Lines text — shared by the in-process and worker paths. */
import type { SyntheticGenerator } from '../models/synthetic/generate.ts';
import type { Injector } from '../models/synthetic/inject.ts';

export interface SynthChunk {
  records: string;
  truth: string;
  count: number;
}

/** With an injector, the chunk's cases go through it and each truth line gains `"patterns":[…]`. */
export function renderChunk(generator: SyntheticGenerator, year: number, chunk: number, injector?: Injector | null): SynthChunk {
  const records: string[] = [];
  const truth: string[] = [];
  if (injector) {
    for (const { record, truth: t, patterns } of injector.apply(year, chunk, [...generator.chunk(year, chunk)])) {
      records.push(JSON.stringify(record));
      truth.push(`{"listId":"${t.listId}","intendedDrg":"${t.intendedDrg}","patterns":${JSON.stringify(patterns)}}`);
    }
  } else {
    for (const { record, truth: t } of generator.chunk(year, chunk)) {
      records.push(JSON.stringify(record));
      truth.push(`{"listId":"${t.listId}","intendedDrg":"${t.intendedDrg}"}`);
    }
  }
  return { records: records.length > 0 ? records.join('\n') + '\n' : '', truth: truth.length > 0 ? truth.join('\n') + '\n' : '', count: records.length };
}
