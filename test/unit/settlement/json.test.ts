/**
 * The JSON Lines byte writer of `payreform synth` must write what JSON.stringify would: every
 * value reads back the same, numbers byte for byte, and no schema field is left out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes, settlementRecordJsonFields, writeSettlementRecordLine } from '../../../models/settlement/json.ts';
import { costCategories, settlementFields, type SettlementRecord } from '../../../models/settlement/schema.ts';
import { baseRecord } from './helpers.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function lineOf(record: SettlementRecord, initial?: number): string {
  const out = new JsonBytes(initial);
  writeSettlementRecordLine(out, record);
  return text(out.result());
}

/** Strings of every kind JSON must escape or encode: quotes, backslashes, controls, CJK, emoji, lone surrogates. */
const anyString = fc.string({ unit: fc.constantFrom('a', 'K', '.', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '中', '😀', '\ud800', '\udfff', ' ') });
const amount = fc.oneof(fc.integer({ min: 0, max: 10_000_000_00 }).map((c) => c / 100), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.constantFrom(0, 0.1, 0.07, 1e-7, 123.456, 5e-324, 1e21, 2 ** 53 + 2));

const record: fc.Arbitrary<SettlementRecord> = fc.record(
  {
    listId: anyString,
    hospitalId: anyString,
    hospitalLevel: fc.constantFrom(1 as const, 2 as const, 3 as const),
    insuranceType: fc.constantFrom('employee' as const, 'resident' as const),
    patientId: anyString,
    sex: fc.constantFrom('M' as const, 'F' as const),
    ageYears: fc.integer({ min: 0, max: 150 }),
    ageDays: fc.integer({ min: 0, max: 365 }),
    birthWeightGrams: fc.integer({ min: 100, max: 10_000 }),
    admissionWeightGrams: fc.integer({ min: 100, max: 20_000 }),
    admissionDate: anyString,
    dischargeDate: anyString,
    lengthOfStay: fc.integer({ min: 0, max: 3660 }),
    dischargeDisposition: fc.constantFrom('1' as const, '5' as const, '9' as const),
    principalDiagnosis: anyString,
    secondaryDiagnoses: fc.array(anyString, { maxLength: 5 }),
    procedures: fc.array(anyString, { maxLength: 5 }),
    ventilationHours: amount,
    icuHours: amount,
    department: anyString,
    totalCost: amount,
    costs: fc.dictionary(fc.constantFrom(...costCategories), amount),
    fundPayment: amount,
    selfPay: amount,
  },
  { requiredKeys: ['listId', 'sex', 'ageYears', 'lengthOfStay', 'dischargeDisposition', 'principalDiagnosis', 'secondaryDiagnoses', 'procedures'] },
);

describe('settlement records as JSON Lines bytes', () => {
  it('read back as the same record, one line each', () => {
    fc.assert(
      fc.property(record, fc.integer({ min: 1, max: 64 }), (r, initial) => {
        const line = lineOf(r, initial);
        expect(line.endsWith('\n')).toBe(true);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(r)));
      }),
      { numRuns: 500 },
    );
  });

  it('write every number byte for byte as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: -1e9, max: 1e9 }).map((c) => c / 100), fc.integer().map((c) => c / 10), fc.maxSafeInteger()), (x) => {
        const out = new JsonBytes(1);
        out.number(x);
        expect(text(out.result())).toBe(JSON.stringify(x));
      }),
      { numRuns: 5000 },
    );
    // Hand-checked cases: cents with a trailing zero, single cents, negative zero, the largest cents handled without JSON.stringify.
    for (const [x, written] of [[120.7, '120.7'], [0.05, '0.05'], [-0.5, '-0.5'], [-0, '0'], [99_999_999_999.99, '99999999999.99'], [1e21, '1e+21'], [NaN, 'null']] as const) {
      const out = new JsonBytes();
      out.number(x);
      expect(text(out.result())).toBe(written);
    }
  });

  it('write a synthetic-looking record exactly as JSON.stringify does when its fields are in the schema order', () => {
    const r = { ...baseRecord(), totalCost: 5580.31, costs: { bed: 675.56, herbalDrugs: 120.7, other: 4784.05 }, fundPayment: 4120.75, selfPay: 1459.56 } as SettlementRecord;
    const ordered = Object.fromEntries(settlementRecordJsonFields.filter((f) => r[f] !== undefined).map((f) => [f, r[f]]));
    expect(lineOf(r)).toBe(JSON.stringify(ordered) + '\n');
  });

  it('cover every field of the schema, in its order', () => {
    expect([...settlementRecordJsonFields]).toEqual(settlementFields);
  });

  it('keep writing into a recycled buffer, growing it when a chunk needs more', () => {
    const base = baseRecord() as SettlementRecord;
    const first = new JsonBytes(8);
    writeSettlementRecordLine(first, base);
    const reused = new JsonBytes(first.result().buffer);
    writeSettlementRecordLine(reused, base);
    writeSettlementRecordLine(reused, base);
    const lines = text(reused.result()).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(base)));
  });
});
