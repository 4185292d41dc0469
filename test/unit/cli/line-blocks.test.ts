/** JSON Lines cut into blocks for worker threads: the same records, line numbers and text as the single-threaded reader, however the input is chunked. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileLineBlocks, lineBlocks, rawRecordsOfBlock } from '../../../cli/line-blocks.ts';
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

  it('fileLineBlocks reads a file into the same records, whatever the read size, with and without a BOM and a last newline', async () => {
    const expected = (await collect(readRecords((async function* () { yield bytes; })(), 'jsonl'))).map(({ line, value, error }) => ({ line, value, error }));
    const dir = mkdtempSync(path.join(tmpdir(), 'line-blocks-'));
    const files = { bom: bytes, plain: new TextEncoder().encode(text), newline: new TextEncoder().encode(`${text}\n`) };
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, `${name}.jsonl`);
      writeFileSync(file, content);
      for (const size of [1, 2, 5, 16, 1 << 20]) {
        let read = 0;
        const blocks = await collect(fileLineBlocks(file, (n) => (read += n), size));
        expect(read).toBe(content.length);
        // Each block is whole lines in a buffer of its own (transferable without touching the next).
        expect(new Set(blocks.map((b) => b.bytes.buffer)).size).toBe(blocks.length);
        expect(Buffer.concat(blocks.map((b) => b.bytes)).toString('utf8')).toBe(name === 'newline' ? `${text}\n` : text);
        const raws: RawRecord[] = blocks.flatMap((b) => rawRecordsOfBlock(b));
        expect(raws.map(({ line, value, error }) => ({ line, value, error }))).toEqual(expected);
      }
    }
    writeFileSync(path.join(dir, 'empty.jsonl'), '');
    expect(await collect(fileLineBlocks(path.join(dir, 'empty.jsonl')))).toEqual([]);
  });
});
