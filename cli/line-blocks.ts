/**
 * JSON Lines input cut into blocks of whole lines for worker threads: each block is a copy
 * with its own buffer (transferable) and the number of its first line, so workers report
 * line numbers as the single-threaded reader does. A UTF-8 BOM at the start is dropped.
 */
import { isAscii } from 'node:buffer';
import { open } from 'node:fs/promises';
import { parseJsonLine, type RawRecord } from '../models/settlement/readers.ts';

export interface LineBlock {
  /** A copy with its own ArrayBuffer, so it can be transferred to a worker. */
  bytes: Uint8Array<ArrayBuffer>;
  firstLine: number;
}

export async function* lineBlocks(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<LineBlock> {
  let line = 1;
  const empty = Buffer.alloc(0);
  let carry: Buffer = empty;
  let first = true;
  /** The carried-over bytes and `bytes` as one block with its own buffer (one copy). */
  const block = (bytes: Uint8Array): LineBlock => {
    const out = new Uint8Array(carry.length + bytes.length);
    out.set(carry);
    out.set(bytes, carry.length);
    carry = empty;
    const result = { bytes: out, firstLine: line };
    line += countLines(out);
    return result;
  };
  for await (const chunk of source) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (first) {
      // The BOM test needs the first three bytes, which a tiny first chunk may not hold.
      if (carry.length + bytes.length < 3) {
        carry = Buffer.concat([carry, bytes]);
        continue;
      }
      if (carry.length > 0) {
        bytes = Buffer.concat([carry, bytes]);
        carry = empty;
      }
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      first = false;
    }
    const cut = bytes.lastIndexOf(10);
    if (cut === -1) {
      carry = Buffer.concat([carry, bytes]);
      continue;
    }
    const rest = Buffer.from(bytes.subarray(cut + 1));
    yield block(bytes.subarray(0, cut + 1));
    carry = rest;
  }
  if (carry.length > 0) yield block(empty);
}

/**
 * The blocks of a JSON Lines file read straight into their own buffers (about `size` bytes
 * each): the carried-over part line is the only copy, where `lineBlocks` over a read stream
 * copies every byte once more (and runs the stream's machinery) — ~0.2 s of the main thread's CPU per
 * 200 MB. `onRead` is told the bytes of each read (for a progress bar). Same blocks otherwise:
 * whole lines, a UTF-8 BOM at the start dropped, a last line without a newline kept.
 */
export async function* fileLineBlocks(file: string, onRead?: (bytes: number) => void, size = 1 << 20): AsyncGenerator<LineBlock> {
  const handle = await open(file, 'r');
  let line = 1;
  let carry: Uint8Array = new Uint8Array(0);
  let first = true;
  const block = (buffer: Buffer, start: number, end: number): LineBlock => {
    const bytes = new Uint8Array(buffer.buffer as ArrayBuffer, start, end - start);
    const result = { bytes, firstLine: line };
    line += countLines(bytes);
    return result;
  };
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafeSlow(carry.length + size);
      buffer.set(carry);
      const { bytesRead } = await handle.read(buffer, carry.length, size, null);
      onRead?.(bytesRead);
      const end = carry.length + bytesRead;
      let start = 0;
      // The BOM test needs the first three bytes (a read of fewer holds a newline or ends the file).
      if (first && (end >= 3 || bytesRead === 0 || buffer.subarray(0, end).includes(10))) {
        first = false;
        if (end >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3;
      }
      if (bytesRead === 0) {
        if (end > start) yield block(buffer, start, end);
        return;
      }
      const cut = buffer.lastIndexOf(10, end - 1);
      if (cut < start) {
        carry = buffer.subarray(start, end);
        continue;
      }
      // A copy: the block's buffer is transferred to a worker (and detached) once yielded.
      carry = new Uint8Array(buffer.subarray(cut + 1, end));
      yield block(buffer, start, cut + 1);
    }
  } finally {
    await handle.close();
  }
}

/** Lines in a block of UTF-8 bytes (a last line without a newline counts). */
export function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? n + 1 : n;
}

const decoder = new TextDecoder('utf-8');

/** A block's text: UTF-8 decoded, or — the same string, several times faster — copied byte for byte when it is all ASCII. */
function blockText(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isAscii(buffer) ? buffer.toString('latin1') : decoder.decode(bytes);
}

/** The raw records of a block (worker side): each line parsed as the single-threaded reader would, blank lines skipped. */
export function rawRecordsOfBlock({ bytes, firstLine }: LineBlock): RawRecord[] {
  const text = blockText(bytes);
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
