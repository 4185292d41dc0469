/**
 * The byte-level CSV reader behind `payreform cart`: the same rows as the string reader
 * (readCsvRows) for any text and any chunking, and numbers read from bytes exactly as Number()
 * reads the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvNumber, readCsvRows, scanCsvBytes, type CsvRow } from '../../../models/text/csv.ts';
import { decodeChunks } from '../../../models/text/lines.ts';

const encoder = new TextEncoder();

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

async function byteRows(bytes: Uint8Array, cuts: number[]): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  await scanCsvBytes(chunked(bytes, cuts), {
    bytesRow: (b, starts, ends, count, lineNumber) => rows.push({ lineNumber, fields: Array.from({ length: count }, (_, f) => decoder.decode(b.subarray(starts[f]!, ends[f]!))) }),
    textRow: (row) => rows.push(row),
  });
  return rows;
}

async function stringRows(bytes: Uint8Array): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of readCsvRows(decodeChunks((async function* () { yield bytes; })()))) rows.push(row);
  return rows;
}

describe('CSV on bytes', () => {
  it('gives the rows the string reader gives, however the input is cut', async () => {
    const piece = fc.constantFrom('a', '1', '-2.5', ',', '"', '""', '\n', '\r\n', ' ', 'é', '中', '\n\n', 'x,y', '\uFEFF');
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(400), { maxLength: 6 }), async (bom, pieces, cuts) => {
        const bytes = encoder.encode((bom ? '\uFEFF' : '') + pieces.join(''));
        expect(await byteRows(bytes, cuts)).toEqual(await stringRows(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('reads numbers from bytes exactly as Number() reads their text, and nothing else as a number', () => {
    const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '7', '9'), maxLength: 20 });
    const text = fc.oneof(
      fc.tuple(fc.constantFrom('', '-', '+'), digits, fc.constantFrom('', '.'), digits, fc.constantFrom('', 'e5', 'E-3', 'e', 'e+')).map((p) => p.join('')),
      fc.double({ noNaN: true }).map(String),
      fc.double({ min: 0, max: 1e7, noNaN: true }).map((v) => v.toFixed(2)),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        const value = parseCsvNumber(encoder.encode(t), 0, encoder.encode(t).length);
        if (NUMBER.test(t)) expect(Object.is(value, Number(t))).toBe(true);
        else expect(value).toBeNaN();
      }),
      { numRuns: 5_000 },
    );
    expect(parseCsvNumber(encoder.encode('x,0.1,y'), 2, 5)).toBe(0.1);
    expect(Object.is(parseCsvNumber(encoder.encode('-0.0'), 0, 4), -0)).toBe(true);
  });
});
