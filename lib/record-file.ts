/**
 * Settlement records of one file, in batches: the file streamed in 1 MB chunks through the
 * readers of `models/settlement/readers.ts`. A header that names no record fields stops the run
 * with one sentence naming the file (exit code 2), so a run over several files says which one.
 * `onBytes` (optional) hears the size of each chunk read, for a progress percentage.
 */
import { createReadStream } from 'node:fs';
import { detectFormat, HeaderError, readRecordBatches, type RawRecord, type RecordFormat } from '../models/settlement/readers.ts';
import { CliError } from './cli-error.ts';

export async function* recordFileBatches(file: string, format: RecordFormat = detectFormat(file), onBytes?: (bytes: number) => void): AsyncGenerator<RawRecord[]> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    yield* readRecordBatches(onBytes ? counted(stream, onBytes) : stream, format);
  } catch (error) {
    if (error instanceof HeaderError) throw new CliError(`${file}: ${error.message}`, 2);
    throw error;
  }
}

async function* counted(chunks: AsyncIterable<Buffer>, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    onBytes(chunk.length);
    yield chunk;
  }
}
