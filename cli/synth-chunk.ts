/**
 * One chunk of synthetic cases as JSON Lines bytes — shared by the in-process and worker paths.
 * Bytes, not strings: a worker hands them to the main thread by transfer (no copy), and the
 * main thread writes them to the file as they are.
 */
import type { SyntheticCase, SyntheticGenerator, SyntheticTruth } from '../models/synthetic/generate.ts';
import { synthChunkSize } from '../models/synthetic/generate.ts';
import type { Injector } from '../models/synthetic/inject.ts';
import { JsonBytes, writeSettlementRecordLine } from '../models/settlement/json.ts';

export interface SynthChunk {
  records: Uint8Array<ArrayBuffer>;
  truth: Uint8Array<ArrayBuffer>;
  count: number;
}

/** Bytes a synthetic record takes, a little over (so a chunk's buffer is rarely regrown). */
const recordBytes = 720;

/** Buffers of an earlier chunk that has been written, to render the next one into (no new allocation, no GC pressure). */
export interface ChunkBuffers {
  records: ArrayBuffer;
  truth: ArrayBuffer;
}

/** The buffers of a written chunk, for `renderChunk` to reuse. */
export function buffersOf(chunk: SynthChunk): ChunkBuffers {
  return { records: chunk.records.buffer, truth: chunk.truth.buffer };
}

/**
 * Chunk `chunk` of `year`, rendered into `reuse` when given. With an injector, the chunk's
 * cases go through it and each truth line gains `"patterns":[…]`.
 */
export function renderChunk(generator: SyntheticGenerator, year: number, chunk: number, injector?: Injector | null, reuse?: ChunkBuffers): SynthChunk {
  const records = new JsonBytes(reuse?.records ?? synthChunkSize * recordBytes);
  const truth = new JsonBytes(reuse?.truth ?? synthChunkSize * 64);
  let count = 0;
  const writeTruth = (t: SyntheticTruth, patterns?: readonly string[]) => {
    truth.ascii('{"listId":');
    truth.string(t.listId);
    truth.ascii(',"intendedDrg":');
    truth.string(t.intendedDrg);
    if (patterns) {
      truth.ascii(',"patterns":');
      truth.strings(patterns);
    }
    truth.ascii('}\n');
  };
  const cases: Iterable<SyntheticCase & { patterns?: readonly string[] }> = injector ? injector.apply(year, chunk, [...generator.chunk(year, chunk)]) : generator.chunk(year, chunk);
  for (const { record, truth: t, patterns } of cases) {
    writeSettlementRecordLine(records, record);
    writeTruth(t, patterns);
    count++;
  }
  return { records: records.result(), truth: truth.result(), count };
}
