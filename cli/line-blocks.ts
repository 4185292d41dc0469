/**
 * JSON Lines input cut into blocks of whole lines for worker threads: each block is a copy
 * with its own buffer (transferable) and the number of its first line, so workers report
 * line numbers as the single-threaded reader does. A UTF-8 BOM at the start is dropped.
 */
import { parseJsonLine, type RawRecord } from '../models/settlement/readers.ts';

export interface LineBlock {
  /** A copy with its own ArrayBuffer, so it can be transferred to a worker. */
  bytes: Uint8Array<ArrayBuffer>;
  firstLine: number;
}

export async function* lineBlocks(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<LineBlock> {
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  const block = (bytes: Buffer): LineBlock => {
    const out = { bytes: new Uint8Array(bytes), firstLine: line };
    line += countLines(bytes);
    return out;
  };
  for await (const chunk of source) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    first = false;
    const text = carry.length > 0 ? Buffer.concat([carry, bytes]) : bytes;
    const cut = text.lastIndexOf(10);
    if (cut === -1) {
      carry = Buffer.from(text);
      continue;
    }
    carry = Buffer.from(text.subarray(cut + 1));
    yield block(text.subarray(0, cut + 1));
  }
  if (carry.length > 0) yield block(carry);
}

/** Lines in a block of UTF-8 bytes (a last line without a newline counts). */
export function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? n + 1 : n;
}

const decoder = new TextDecoder('utf-8');

/** The raw records of a block (worker side): each line parsed as the single-threaded reader would, blank lines skipped. */
export function rawRecordsOfBlock({ bytes, firstLine }: LineBlock): RawRecord[] {
  const text = decoder.decode(bytes);
  const raws: RawRecord[] = [];
  let start = 0;
  let line = firstLine;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = parseJsonLine(text.slice(start, end), line - 1, line);
    if (raw !== null) raws.push(raw);
    start = end + 1;
    line++;
  }
  return raws;
}
