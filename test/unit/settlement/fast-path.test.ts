/**
 * The validator's hand-written shape check must accept exactly what the zod schema accepts, and
 * when it accepts a record as it is, that record (minus unknown fields) must be zod's output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costCategories, settlementFields, settlementRecordSchema } from '../../../models/settlement/schema.ts';
import { acceptsShape, Shape, validateRecord } from '../../../models/settlement/validate.ts';
import { baseRecord } from './helpers.ts';

/** Values that sit on the edges of the schema's rules, shared by every field. */
const edgeValues: unknown[] = [
  undefined, null, true, '', ' ', '\u00a0', 'M', 'F', 'm', '1', '2', '9', 'employee', 'resident',
  'K35.900', ' K35.900 ', 'K35.900\n', '\u3000K35', 'x'.repeat(40), 'x'.repeat(41), ' ' + 'x'.repeat(40) + ' ', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(129),
  'A-1', 'a_b.c', 'a b', 'é', '.', '..', '...', ' H-1 ', 'H#1', '../x', '2024-02-29', '2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '0099-12-31', '0100-01-01', '9999-12-31', '2024-1-01', '２０２４-01-01', ' 2024-01-01',
  0, -0, 1, 2, 3, 4, 28, 29, 99, 100, 150, 151, 365, 366, 3660, 3661, 10000, 10001, 20000, 20001, -1, 0.5, 1.5, 1e-9, 1e21, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2,
  [], ['K35.900'], [' K35.900'], [''], ['  '], [1], [null], ['x'.repeat(41)], Array.from({ length: 201 }, () => 'A'), Array.from({ length: 200 }, () => 'A'),
  {}, { bed: 1 }, { bed: -1 }, { bed: '1' }, { hotel: 1 }, { bed: 1, other: 0.5 }, { bed: NaN }, { bed: undefined }, JSON.parse('{"__proto__": 1, "bed": 2}') as unknown, Object.create(null) as unknown, new Date(0), [1, 2],
];

const edge = fc.constantFrom(...edgeValues);

/** Realistic values per field (numbers reach one past each bound), so that many generated records are accepted. */
const validValue: Record<string, fc.Arbitrary<unknown>> = {
  listId: fc.oneof({ weight: 9, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/) }, { weight: 1, arbitrary: fc.constantFrom('.', '..') }),
  hospitalId: fc.oneof(fc.stringMatching(/^ ?[A-Za-z0-9_-]{1,64} ?$/), fc.string({ minLength: 1, maxLength: 64 })),
  hospitalLevel: fc.constantFrom(1, 2, 3),
  insuranceType: fc.constantFrom('employee', 'resident'),
  patientId: fc.string({ minLength: 1, maxLength: 128 }),
  sex: fc.constantFrom('M', 'F', 1, 2, '1', '2'),
  ageYears: fc.integer({ min: -1, max: 151 }),
  ageDays: fc.integer({ min: -1, max: 366 }),
  birthWeightGrams: fc.integer({ min: 99, max: 10001 }),
  admissionWeightGrams: fc.integer({ min: 99, max: 20001 }),
  admissionDate: fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  dischargeDate: fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  lengthOfStay: fc.integer({ min: -1, max: 3661 }),
  dischargeDisposition: fc.constantFrom('1', '2', '3', '4', '5', '9'),
  codeEdition: fc.constantFrom('chs-2.0', 'gl-2.0', 'icd-11', ''),
  principalDiagnosis: fc.string({ minLength: 0, maxLength: 42 }),
  secondaryDiagnoses: fc.array(fc.string({ maxLength: 42 }), { maxLength: 4 }),
  procedures: fc.array(fc.string({ maxLength: 42 }), { maxLength: 4 }),
  ventilationHours: fc.double({ min: 0, max: 1e6, noNaN: true }),
  icuHours: fc.double({ min: 0, max: 1e6, noNaN: true }),
  department: fc.string({ maxLength: 66 }),
  totalCost: fc.double({ min: 0, max: 1e7, noNaN: true }),
  costs: fc.dictionary(fc.constantFrom(...costCategories, 'hotel'), fc.oneof(fc.double({ min: 0, max: 1e5, noNaN: true }), edge), { maxKeys: 4 }),
  fundPayment: fc.double({ min: 0, max: 1e7, noNaN: true }),
  selfPay: fc.double({ min: -1, max: 1e7, noNaN: true }),
  originalCodes: fc.record({
    edition: fc.constantFrom('gl-2.0', 'chs-2.0'),
    principalDiagnosis: fc.oneof(fc.string({ maxLength: 42 }), edge),
    secondaryDiagnoses: fc.array(fc.string({ maxLength: 42 }), { maxLength: 3 }),
    procedures: fc.oneof(fc.array(fc.string({ maxLength: 42 }), { maxLength: 3 }), edge),
    extra: fc.constant(1),
  }, { requiredKeys: ['secondaryDiagnoses'] }),
};

/** A field: usually a valid value, sometimes an edge value, sometimes absent. */
const fieldValue = (field: string): fc.Arbitrary<unknown> => fc.oneof({ weight: 6, arbitrary: validValue[field]! }, { weight: 1, arbitrary: edge });

const generatedRecord = fc
  .tuple(
    fc.record(Object.fromEntries(settlementFields.map((field) => [field, fieldValue(field)])), { requiredKeys: [] }),
    fc.dictionary(fc.constantFrom('extra', 'drg', 'constructor', 'toString', '__proto__'), fc.jsonValue(), { maxKeys: 2 }),
  )
  .map(([record, extra]) => ({ ...extra, ...record }) as Record<string, unknown>);

const REMOVE = Symbol('remove');

/** Mostly-valid records: the base record with one to three fields replaced or removed. */
const nearValidRecord = fc
  .array(
    fc.constantFrom(...settlementFields).chain((field) => fc.tuple(fc.constant(field), fc.oneof(fc.constant(REMOVE), edge, validValue[field]!))),
    { minLength: 1, maxLength: 3 },
  )
  .map((changes) => {
    const record = baseRecord();
    for (const [field, value] of changes) {
      if (value === REMOVE) delete record[field];
      else record[field] = value;
    }
    return record;
  });

function agree(record: Record<string, unknown>): void {
  const fast = acceptsShape(record);
  const zod = settlementRecordSchema.safeParse(record);
  expect(fast !== Shape.Rejected, JSON.stringify(record)).toBe(zod.success);
  if (fast === Shape.Accepted && zod.success) {
    const known = Object.fromEntries(settlementFields.filter((field) => field in record).map((field) => [field, record[field]]));
    expect(known).toEqual(zod.data);
  }
  const v = validateRecord(record, { mode: 'group' });
  if (v.ok && zod.success) expect(v.record).toEqual(zod.data);
}

describe('fast shape check vs zod', () => {
  it('agrees on generated records', () => {
    fc.assert(fc.property(generatedRecord, (record) => agree(record)), { numRuns: 5000 });
  });

  it('agrees on records one to three edits away from a valid one', () => {
    fc.assert(fc.property(nearValidRecord, (record) => agree(record)), { numRuns: 5000 });
  });

  it('agrees on every edge value in every field of the base record', () => {
    let accepted = 0;
    for (const field of settlementFields) {
      for (const value of edgeValues) {
        const record = { ...baseRecord(), [field]: value };
        agree(record);
        if (acceptsShape(record) !== Shape.Rejected) accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('agrees on anything at all', () => {
    fc.assert(fc.property(fc.anything(), (value) => {
      const fast = typeof value === 'object' && value !== null && !Array.isArray(value) ? acceptsShape(value as Record<string, unknown>) : Shape.Rejected;
      expect(fast !== Shape.Rejected).toBe(settlementRecordSchema.safeParse(value).success);
    }), { numRuns: 2000 });
  });
});
