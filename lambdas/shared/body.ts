/**
 * Request bodies of settlement records, by Content-Type: a JSON array (or one object),
 * JSON Lines, or CSV (header = field names). The whole body must be well-formed in its format:
 * any item that cannot be read at all makes the request 400, naming the lines; records that
 * are readable but wrong are the validator's business (per-record rejections or 422).
 */
import { HeaderError, readRecordBatches, type RawRecord, type RecordFormat } from '../../models/settlement/readers.ts';
import { invalid, malformed, unsupportedMediaType } from './errors.ts';

export const recordMediaTypes: Record<string, RecordFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
  'text/csv': 'csv',
};

export function recordFormat(contentType: string | undefined): RecordFormat {
  const media = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const format = recordMediaTypes[media];
  if (!format) throw unsupportedMediaType(`Content-Type ${JSON.stringify(media)} is not accepted; send application/json (an array of records), application/x-ndjson (JSON Lines) or text/csv.`);
  return format;
}

/** Parse the body into raw records (not yet validated); 400 when the body is not well-formed. */
export async function parseRecords(body: string, format: RecordFormat): Promise<unknown[]> {
  if (body.trim() === '') throw malformed('The body is empty; send at least one settlement record.');
  if (format === 'json') {
    // The whole document must be JSON: a broken document is one 400, not a list of fragments.
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      throw malformed(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
    }
    return Array.isArray(value) ? value : [value];
  }
  const records: unknown[] = [];
  const broken: RawRecord[] = [];
  try {
    for await (const batch of readRecordBatches(single(body), format)) {
      for (const r of batch) {
        if (r.error !== undefined) broken.push(r);
        else records.push(r.value);
      }
    }
  } catch (error) {
    // A CSV header that names no settlement fields: every record would be wrong, so none is read.
    if (error instanceof HeaderError) throw invalid(`The CSV body cannot be read: ${error.message}`, [{ path: 'header', message: error.message }]);
    throw error;
  }
  if (broken.length > 0) {
    const what = format === 'csv' ? 'CSV' : 'JSON Lines';
    throw malformed(`The body is not well-formed ${what}: ${broken.length} item(s) could not be read, the first at line ${broken[0]!.line}.`, {
      problems: broken.slice(0, 20).map((r) => ({ path: `line ${r.line}`, message: r.error! })),
    });
  }
  if (format === 'csv' && records.length === 0) throw malformed('The CSV body has a header but no records.');
  return records;
}

async function* single(text: string): AsyncGenerator<string> {
  yield text;
}
