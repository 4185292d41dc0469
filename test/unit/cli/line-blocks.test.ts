/** JSON Lines cut into blocks for worker threads: the same records, line numbers and text as the single-threaded reader, however the input is chunked. */
import { describe, expect, it } from 'vitest';
import { lineBlocks, rawRecordsOfBlock } from '../../../cli/line-blocks.ts';
import { readRecords, type RawRecord } from '../../../models/settlement/readers.ts';

const text = [
  '{"listId":"A1","department":"心血管内科"}',
  '',
  '{"listId":"A2"}\r',
  '{"listId": broken',
  '   ',
  '{"listId":"A3","note":"ascii only"}',
  '{"listId":"A4","note":"é"}',
].join('\n');
const bytes = new TextEncoder().encode(`\uFEFF${text}`);

async function* chunked(sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('lineBlocks and rawRecordsOfBlock', () => {
  it('give the records (values, errors, line numbers) the JSON Lines reader gives, for any chunking', async () => {
    const expected = (await collect(readRecords((async function* () { yield bytes; })(), 'jsonl'))).map(({ line, value, error }) => ({ line, value, error }));
    for (const sizes of [[1], [2, 3], [7], [40, 1, 13], [bytes.length]]) {
      const blocks = await collect(lineBlocks(chunked(sizes)));
      const joined = Buffer.concat(blocks.map((b) => b.bytes));
      expect(joined.toString('utf8')).toBe(text);
      const raws: RawRecord[] = blocks.flatMap((b) => rawRecordsOfBlock(b));
      expect(raws.map(({ line, value, error }) => ({ line, value, error }))).toEqual(expected);
    }
  });
});
