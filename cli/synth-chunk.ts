/** One chunk of synthetic cases as JSON Lines text — shared by the in-process and worker paths. */
import type { SyntheticGenerator } from '../models/synthetic/generate.ts';

export interface SynthChunk {
  records: string;
  truth: string;
  count: number;
}

export function renderChunk(generator: SyntheticGenerator, year: number, chunk: number): SynthChunk {
  const records: string[] = [];
  const truth: string[] = [];
  for (const { record, truth: t } of generator.chunk(year, chunk)) {
    records.push(JSON.stringify(record));
    truth.push(`{"listId":"${t.listId}","intendedDrg":"${t.intendedDrg}"}`);
  }
  return { records: records.length > 0 ? records.join('\n') + '\n' : '', truth: truth.length > 0 ? truth.join('\n') + '\n' : '', count: records.length };
}
