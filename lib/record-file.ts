/**
 * Settlement records of one file, in batches: the file streamed in 1 MB chunks through the
 * readers of `models/settlement/readers.ts`. A header that names no record fields stops the run
 * with one sentence naming the file (exit code 2), so a run over several files says which one.
 */
import { createReadStream } from 'node:fs';
import { detectFormat, HeaderError, readRecordBatches, type RawRecord, type RecordFormat } from '../models/settlement/readers.ts';
import { CliError } from './cli-error.ts';

export async function* recordFileBatches(file: string, format: RecordFormat = detectFormat(file)): AsyncGenerator<RawRecord[]> {
  try {
    yield* readRecordBatches(createReadStream(file, { highWaterMark: 1 << 20 }), format);
  } catch (error) {
    if (error instanceof HeaderError) throw new CliError(`${file}: ${error.message}`, 2);
    throw error;
  }
}
