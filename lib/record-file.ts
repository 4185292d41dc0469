/**
 * Settlement records of one file, in batches: the file streamed in 1 MB chunks through the
 * readers of `models/settlement/readers.ts`. A header that names no record fields stops the run
 * with one sentence naming the file (exit code 2), so a run over several files says which one.
 */
import { createReadStream } from 'node:fs';
import { detectFormat, HeaderError, readRecordBatches, type RawRecord, type RecordFormat } from '../models/settlement/readers.ts';
import { CliError } from './cli-error.ts';
import type { InputProgress } from './progress.ts';

/** The batches of `file`; with `progress`, its bytes count towards the run's percentage and time left. */
export async function* recordFileBatches(file: string, format: RecordFormat = detectFormat(file), progress?: InputProgress): AsyncGenerator<RawRecord[]> {
  try {
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    yield* readRecordBatches(progress ? progress.read(stream) : stream, format);
  } catch (error) {
    if (error instanceof HeaderError) throw new CliError(`${file}: ${error.message}`, 2);
    throw error;
  }
}
