import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCodeSets } from '../../../lib/codesets.ts';
import { referenceAvailable, referencePath } from '../../../lib/reference.ts';
import { detectFormat, HeaderError, JsonScanner, readRecordBatches, readRecords, type RawRecord, type RecordFormat } from '../../../models/settlement/readers.ts';
import { validateRecord } from '../../../models/settlement/validate.ts';
import { baseRecord, chunked, collect, fixtureDir, miniCodeSets, toCsv } from './helpers.ts';

function read(text: string, format: RecordFormat, sizes: number[] = [1 << 16]): Promise<RawRecord[]> {
  return collect(readRecords(chunked(text, sizes), format));
}

describe('JSON Lines', () => {
  it('reads one record a line, skips blank lines and reports a broken line with its number', async () => {
    const text = '{"a":1}\r\n\n  \n{"a":2\n{"a":3}';
    expect(await read(text, 'jsonl')).toEqual([
      { index: 0, line: 1, value: { a: 1 } },
      { index: 1, line: 4, error: expect.stringMatching(/^line 4 is not valid JSON: /) },
      { index: 2, line: 5, value: { a: 3 } },
    ]);
  });

  it('gives the same records whatever the chunking, a multi-byte character split included', async () => {
    const text = '\uFEFF{"name":"张三\\n"}\n{"x":"😀"}\n';
    const expected = [{ index: 0, line: 1, value: { name: '张三\n' } }, { index: 1, line: 2, value: { x: '😀' } }];
    for (const sizes of [[1], [2], [3, 1], [5, 7]]) expect(await read(text, 'jsonl', sizes)).toEqual(expected);
  });

  it('keeps accepted + rejected = input for a mixed file', async () => {
    const text = readFileSync(path.join(fixtureDir, 'mixed.jsonl'), 'utf8');
    const codeSets = loadCodeSets(path.join(fixtureDir, 'codes'));
    const items = await read(text, 'jsonl', [17]);
    const verdicts = items.map((item) => (item.error !== undefined ? 'broken' : validateRecord(item.value, { mode: 'group', codeSets }).ok ? 'ok' : 'invalid'));
    expect(items.map((item) => item.line)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(verdicts).toEqual(['ok', 'broken', 'ok', 'invalid', 'invalid', 'invalid', 'ok']);
    const nonBlankLines = text.split('\n').filter((line) => line.trim() !== '').length;
    expect(items).toHaveLength(nonBlankLines);
  });
});

describe('JSON (incremental)', () => {
  const records = [
    { listId: 'A', note: 'a "quoted" \\ back\\slash, [not] {a} bracket', list: [1, [2, { x: '}' }]] },
    { listId: 'B', name: '王五 😀 é', empty: {}, none: [] },
    { listId: 'C', esc: '\\"', u: '\u00e9\u4e2d' },
  ];
  const text = '\uFEFF  [\n' + records.map((r) => JSON.stringify(r, null, 2)).join(' ,\n') + '\n]\n';

  it('yields each element of a top-level array with the line it starts on', async () => {
    const items = await read(text, 'json');
    expect(items.map((item) => item.value)).toEqual(records);
    expect(items.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(items[0]!.line).toBe(2);
    expect(items[1]!.line).toBe(text.slice(0, text.indexOf('"B"')).split('\n').length - 1);
  });

  it('gives the same records for 1-byte chunks and for every split point (inside strings, escapes, UTF-8)', async () => {
    const whole = await read(text, 'json');
    expect(await read(text, 'json', [1])).toEqual(whole);
    const bytes = new TextEncoder().encode(text);
    for (let split = 1; split < bytes.length; split++) {
      const items = await collect(readRecords(chunked(bytes, [split, bytes.length]), 'json'));
      expect(items, `split at byte ${split}`).toEqual(whole);
    }
  });

  it('gives the same records for random chunkings of random records (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), fc.boolean(), async (values, sizes, asBytes) => {
        const json = JSON.stringify(values, null, asBytes ? 1 : 0);
        const items = await collect(readRecords(chunked(json, sizes, asBytes), 'json'));
        expect(items.map((item) => item.value)).toEqual(JSON.parse(json));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a single top-level object, and objects one after another, as records', async () => {
    expect((await read('{"listId":"A"}', 'json', [3])).map((item) => item.value)).toEqual([{ listId: 'A' }]);
    expect((await read('{"listId":"A"}\n{"listId":"B"}\n', 'json', [4])).map((item) => [item.line, item.value])).toEqual([[1, { listId: 'A' }], [2, { listId: 'B' }]]);
  });

  it('reports a broken element and goes on', async () => {
    const items = await read('[{"a":1},\n{"a":tru},\n{"a":3}, 7]', 'json', [2]);
    expect(items.map((item) => item.value)).toEqual([{ a: 1 }, undefined, { a: 3 }, 7]);
    expect(items[1]).toMatchObject({ index: 1, line: 2, error: expect.stringMatching(/^line 2: the record starting here is not valid JSON/) });
  });

  it('reports an unclosed array or record at the end of the input', async () => {
    expect((await read('[{"a":1}', 'json'))[1]).toMatchObject({ error: expect.stringMatching(/array is not closed/) });
    expect((await read('[{"a":1}, {"a":', 'json'))[1]).toMatchObject({ line: 1, error: expect.stringMatching(/not complete at the end of the input/) });
    expect(await read('[]', 'json')).toEqual([]);
  });

  it('scans in constant memory: only the element being read is kept', () => {
    const scanner = new JsonScanner();
    expect(scanner.push('[{"a":"' + 'x'.repeat(10))).toEqual([]);
    expect(scanner.push('"}, {"b"')).toEqual([{ index: 0, line: 1, value: { a: 'x'.repeat(10) } }]);
    expect(scanner.push(':2}]')).toEqual([{ index: 1, line: 1, value: { b: 2 } }]);
    expect(scanner.end()).toEqual([]);
  });
});

describe('CSV', () => {
  it('maps header names to fields: numbers, `|` lists, costs.<category>, sex 1/2', async () => {
    const csv = [
      'listId,sex,ageYears,lengthOfStay,dischargeDisposition,principalDiagnosis,secondaryDiagnoses,procedures,totalCost,costs.bed,costs.surgery',
      'C-1,1,34,4,1,K35.900,E11.900|A01.000,47.0900,100.5,40,60.5',
      'C-2,2,abc,4,9,K35.900,,,,,',
    ].join('\r\n');
    const items = await read(csv, 'csv', [7]);
    expect(items).toEqual([
      { index: 0, line: 2, value: { listId: 'C-1', sex: '1', ageYears: 34, lengthOfStay: 4, dischargeDisposition: '1', principalDiagnosis: 'K35.900', secondaryDiagnoses: ['E11.900', 'A01.000'], procedures: ['47.0900'], totalCost: 100.5, costs: { bed: 40, surgery: 60.5 } } },
      { index: 1, line: 3, value: { listId: 'C-2', sex: '2', ageYears: 'abc', lengthOfStay: 4, dischargeDisposition: '9', principalDiagnosis: 'K35.900', secondaryDiagnoses: [], procedures: [] } },
    ]);
    const first = validateRecord(items[0]!.value, { mode: 'group', codeSets: miniCodeSets() });
    expect(first).toMatchObject({ ok: true, record: { sex: 'M' }, warnings: [] });
    const second = validateRecord(items[1]!.value, { mode: 'group' });
    expect(second).toMatchObject({ ok: false, listId: 'C-2', errors: [{ path: 'ageYears', message: 'ageYears "abc" must be a whole number of years.' }] });
  });

  const required = 'principalDiagnosis,secondaryDiagnoses,procedures,ageYears,lengthOfStay,dischargeDisposition';
  const rest = { principalDiagnosis: 'K35.900', secondaryDiagnoses: [], procedures: [], ageYears: 1, lengthOfStay: 1, dischargeDisposition: '1' };

  it('reports a row with the wrong number of cells, naming the line, and goes on', async () => {
    const items = await read(`listId,sex,${required}\nA,M,K35.900,,,1,1,1\nB,F,K35.900,,,1,1,1,extra\n"C\nD",M,K35.900,,,1,1,1\n`, 'csv');
    expect(items).toEqual([
      { index: 0, line: 2, value: { listId: 'A', sex: 'M', ...rest } },
      { index: 1, line: 3, error: 'line 3 has 9 cells but the header has 8.' },
      { index: 2, line: 4, value: { listId: 'C\nD', sex: 'M', ...rest } },
    ]);
  });

  it('reports an unterminated quoted field', async () => {
    expect(await read(`listId,sex,${required}\nA,"M\n`, 'csv')).toEqual([{ index: 0, line: 2, error: 'line 2: a quoted field is not closed before the end of the input.' }]);
  });

  it('refuses a header with unknown or missing columns before any record, naming both lists and the likely field', async () => {
    const error = await read(`list_id,sex,principal_diagnosis,ward,secondaryDiagnoses,procedures,ageYears,lengthOfStay,dischargeDisposition\nA,M,K35.900,3B,,,1,1,1\n`, 'csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeaderError);
    const h = error as HeaderError;
    expect(h.unknownColumns).toEqual(['list_id', 'principal_diagnosis', 'ward']);
    expect(h.missingColumns).toEqual(['listId', 'principalDiagnosis']);
    expect(h.message).toBe('the header row has unknown columns list_id (did you mean listId?), principal_diagnosis (did you mean principalDiagnosis?), ward and no listId, principalDiagnosis columns; columns are the record\'s field names (costs as costs.<category>), as in the settlement record\'s documentation.');
  });

  it.runIf(referenceAvailable())('round-trips the dev cases', async () => {
    const records = readFileSync(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const items = await read(toCsv(records), 'csv', [4093]);
    expect(items.map((item) => item.value)).toEqual(records);
  });

  it('round-trips a full record with costs', async () => {
    const record = { ...baseRecord(), hospitalLevel: 3, insuranceType: 'resident', department: '普外科, 二病区', ventilationHours: 12.5 };
    const items = await read(toCsv([record]), 'csv');
    expect(items.map((item) => item.value)).toEqual([record]);
  });
});

describe('readRecordBatches', () => {
  it('gives the same records as readRecords, in non-empty batches, for every format', async () => {
    const inputs: [string, RecordFormat][] = [
      ['{"a":1}\n\n{"a":\n{"a":3}\n', 'jsonl'],
      ['[{"a":1}, {"a":2}, {"a":}]', 'json'],
      ['listId,sex,ageYears,lengthOfStay,dischargeDisposition,principalDiagnosis,secondaryDiagnoses,procedures\nA,M,1,1,1,X,,\nB\nC,F,1,1,1,X,,\n', 'csv'],
    ];
    for (const [text, format] of inputs) {
      const batches = await collect(readRecordBatches(chunked(text, [3]), format));
      expect(batches.every((batch) => batch.length > 0)).toBe(true);
      expect(batches.flat()).toEqual(await read(text, format, [5]));
      expect(batches.flat()).toHaveLength(3);
    }
  });
});

describe('detectFormat', () => {
  it('goes by extension first', () => {
    expect(detectFormat('cases.JSONL')).toBe('jsonl');
    expect(detectFormat('cases.ndjson', '[')).toBe('jsonl');
    expect(detectFormat('cases.json')).toBe('json');
    expect(detectFormat('/tmp/cases.csv')).toBe('csv');
  });

  it('else by content', () => {
    expect(detectFormat('-', '\uFEFF  [{"a":1}')).toBe('json');
    expect(detectFormat('-', '{"a":1}\n{"a":2}')).toBe('jsonl');
    expect(detectFormat('-', '{\n  "a": 1\n}')).toBe('json');
    expect(detectFormat('-', 'listId,sex\n')).toBe('csv');
    expect(detectFormat('stdin')).toBe('jsonl');
  });
});
