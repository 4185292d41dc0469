import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadCodeSets } from '../../../lib/codesets.ts';
import { referenceAvailable, referencePath } from '../../../lib/reference.ts';
import { daysBetween } from '../../../models/settlement/schema.ts';
import { normaliseInput, validateRecord, type Problem, type Validation, type ValidationMode } from '../../../models/settlement/validate.ts';
import { baseRecord, miniCodeSets } from './helpers.ts';

const codeSets = miniCodeSets();

function check(changes: Record<string, unknown>, mode: ValidationMode = 'group'): Validation {
  return validateRecord({ ...baseRecord(), ...changes }, { mode, codeSets });
}

function errorsOf(v: Validation): Problem[] {
  return v.ok ? [] : v.errors;
}

/** The single error of a validation, asserting there is exactly one. */
function onlyError(v: Validation): Problem {
  const errors = errorsOf(v);
  expect(errors, JSON.stringify(v)).toHaveLength(1);
  return errors[0]!;
}

describe('validateRecord: the base record', () => {
  it('is valid in both modes, without warnings, and comes back unchanged', () => {
    for (const mode of ['group', 'ingest'] as const) {
      const v = check({}, mode);
      expect(v).toEqual({ ok: true, record: baseRecord(), warnings: [] });
    }
  });
});

describe('validateRecord: shape', () => {
  it('reports every shape problem, each naming the path and the value', () => {
    const v = check({ ageYears: 200, sex: 'X', secondaryDiagnoses: ['E11.900', 7], costs: { bed: -1 }, listId: 'L 1' });
    expect(v.ok).toBe(false);
    expect(errorsOf(v)).toEqual([
      { code: 'invalid-format', path: 'listId', message: 'listId "L 1" must be 1–64 characters of letters, digits, "_", "." or "-".' },
      { code: 'invalid-value', path: 'sex', message: 'sex "X" must be "M" or "F" (or 1 / 2).' },
      { code: 'out-of-range', path: 'ageYears', message: 'ageYears 200 must be from 0 to 150.' },
      { code: 'invalid-type', path: 'secondaryDiagnoses[1]', message: 'secondaryDiagnoses[1] 7 must be a code string.' },
      { code: 'out-of-range', path: 'costs.bed', message: 'costs.bed -1 must not be negative.' },
    ]);
    expect(v.ok || v.listId).toBe('L 1');
  });

  it('says a missing required field is required, and what it is', () => {
    const record = baseRecord();
    delete record.principalDiagnosis;
    delete record.listId;
    const v = validateRecord(record, { mode: 'group' });
    expect(errorsOf(v)).toEqual([
      { code: 'required', path: 'listId', message: 'listId is required: the settlement list serial number, 清单流水号.' },
      { code: 'required', path: 'principalDiagnosis', message: 'principalDiagnosis is required: the ICD-10 principal diagnosis, 主要诊断.' },
    ]);
    expect(v.ok || v.listId).toBeUndefined();
  });

  it('names an unknown cost category', () => {
    expect(onlyError(check({ costs: { bed: 8000, hotel: 0 } }))).toEqual({
      code: 'unknown-field', path: 'costs.hotel',
      message: expect.stringMatching(/^costs\.hotel is not a cost category; the categories are bed, consultation/),
    });
  });

  it('gives one sentence for a badly written date and another for an impossible one', () => {
    expect(onlyError(check({ admissionDate: '2024/03/01' })).message).toBe('admissionDate "2024/03/01" must be a date written YYYY-MM-DD.');
    expect(onlyError(check({ admissionDate: '2023-02-29' })).message).toBe('admissionDate "2023-02-29" is not a real calendar date.');
  });

  it('rejects something that is not an object', () => {
    for (const raw of [null, 5, 'x', [baseRecord()]]) {
      const v = validateRecord(raw, { mode: 'group' });
      expect(v.ok).toBe(false);
      expect(errorsOf(v)[0]!.message).toMatch(/^The record .* is not an object of settlement-record fields\.$/);
    }
  });

  it('trims codes as the schema does', () => {
    const v = check({ principalDiagnosis: ' K35.900 ', procedures: ['47.0900\t'] });
    expect(v.ok && v.record.principalDiagnosis).toBe('K35.900');
    expect(v.ok && v.record.procedures).toEqual(['47.0900']);
  });
});

describe('validateRecord: sex 1 / 2', () => {
  it('maps 1 and 2, as numbers or strings, to M and F', () => {
    expect((normaliseInput({ sex: 1 }) as { sex: string }).sex).toBe('M');
    expect((normaliseInput({ sex: '2' }) as { sex: string }).sex).toBe('F');
    const v = check({ sex: 2 });
    expect(v.ok && v.record.sex).toBe('F');
  });

  it('leaves everything else alone, including the input object', () => {
    const input = { sex: 'F', ageYears: '3' };
    expect(normaliseInput(input)).toBe(input);
    expect(normaliseInput(null)).toBeNull();
    const mapped = { sex: 1 };
    normaliseInput(mapped);
    expect(mapped.sex).toBe(1);
    expect(onlyError(check({ sex: 3 })).message).toBe('sex 3 must be "M" or "F" (or 1 / 2).');
  });
});

describe('validateRecord: codes', () => {
  it('requires every code to be in the code sets, naming its position', () => {
    const v = check({ principalDiagnosis: 'K35.999', secondaryDiagnoses: ['E11.900', 'A01.000', 'K35.9xx'], procedures: ['47.0900', '99.9999'] });
    expect(errorsOf(v)).toEqual([
      { code: 'unknown-code', path: 'principalDiagnosis', message: 'principalDiagnosis "K35.999" is not a code of the ICD-10 medical-insurance 2.0 code set.' },
      { code: 'unknown-code', path: 'secondaryDiagnoses[2]', message: 'secondaryDiagnoses[2] "K35.9xx" is not a code of the ICD-10 medical-insurance 2.0 code set.' },
      { code: 'unknown-code', path: 'procedures[1]', message: 'procedures[1] "99.9999" is not a code of the ICD-9-CM-3 medical-insurance 2.0 code set.' },
    ]);
  });

  it('does not check codes without code sets', () => {
    expect(validateRecord({ ...baseRecord(), principalDiagnosis: 'K35.999' }, { mode: 'group' }).ok).toBe(true);
  });

  it('rejects a grey principal diagnosis at ingest and only warns when grouping', () => {
    const ingest = check({ principalDiagnosis: 'Z95.200' }, 'ingest');
    expect(onlyError(ingest)).toEqual({ code: 'grey-code', path: 'principalDiagnosis', message: 'principalDiagnosis "Z95.200" is a grey code (灰码), which must not be the principal diagnosis; so the record is rejected.' });
    const group = check({ principalDiagnosis: 'Z95.200' }, 'group');
    expect(group.ok).toBe(true);
    expect(group.warnings).toEqual([{ code: 'grey-code', path: 'principalDiagnosis', message: 'principalDiagnosis "Z95.200" is a grey code (灰码), which must not be the principal diagnosis; the case is still grouped.' }]);
  });

  it('treats a grey code as principal procedure only when it is first', () => {
    expect(onlyError(check({ procedures: ['38.6800', '47.0900'] }, 'ingest')).path).toBe('procedures[0]');
    const group = check({ procedures: ['38.6800'] });
    expect(group.ok && group.warnings.map((w) => w.path)).toEqual(['procedures[0]']);
    expect(check({ procedures: ['47.0900', '38.6800'] }, 'ingest')).toMatchObject({ ok: true, warnings: [] });
    expect(check({ secondaryDiagnoses: ['Z95.200'] }, 'ingest')).toMatchObject({ ok: true, warnings: [] });
  });

  it('warns about codes repeated within a list', () => {
    const v = check({ secondaryDiagnoses: ['E11.900', 'A01.000', 'E11.900', 'K35.900'], procedures: ['47.0900', '47.0100', '47.0900'] });
    expect(v.ok).toBe(true);
    expect(v.warnings).toEqual([
      { code: 'duplicate', path: 'secondaryDiagnoses[2]', message: 'secondaryDiagnoses[2] "E11.900" repeats secondaryDiagnoses[0].' },
      { code: 'duplicate', path: 'secondaryDiagnoses[3]', message: 'secondaryDiagnoses[3] "K35.900" repeats the principal diagnosis.' },
      { code: 'duplicate', path: 'procedures[2]', message: 'procedures[2] "47.0900" repeats procedures[0].' },
    ]);
  });
});

describe('validateRecord: dates and length of stay', () => {
  it('requires discharge on or after admission', () => {
    expect(onlyError(check({ admissionDate: '2024-03-05', dischargeDate: '2024-03-01' }))).toEqual({
      code: 'inconsistent', path: 'dischargeDate',
      message: 'dischargeDate "2024-03-01" is before admissionDate "2024-03-05".',
    });
  });

  it('requires lengthOfStay = discharge − admission and says what was expected', () => {
    expect(onlyError(check({ lengthOfStay: 5 }))).toEqual({
      code: 'inconsistent', path: 'lengthOfStay',
      message: 'lengthOfStay 5 does not agree with the dates: from admissionDate 2024-03-01 to dischargeDate 2024-03-05 is 4 days, so lengthOfStay should be 4.',
    });
    expect(check({ admissionDate: '2024-02-28', dischargeDate: '2024-03-01', lengthOfStay: 2 }).ok).toBe(true); // leap year
  });

  it('accepts 0 or 1 for a same-day stay (national rule: it counts as one day)', () => {
    const sameDay = { admissionDate: '2024-03-01', dischargeDate: '2024-03-01' };
    expect(check({ ...sameDay, lengthOfStay: 0 }).ok).toBe(true);
    expect(check({ ...sameDay, lengthOfStay: 1 }).ok).toBe(true);
    expect(onlyError(check({ ...sameDay, lengthOfStay: 2 })).message).toMatch(/is a same-day stay, so lengthOfStay should be 1 \(or 0\)\.$/);
  });

  it('checks the stay only when both dates are given', () => {
    expect(check({ dischargeDate: undefined, lengthOfStay: 99 }).ok).toBe(true);
  });
});

describe('validateRecord: age and newborns', () => {
  const infant = { ageYears: 0, ageDays: 100 };

  it('requires ageDays when ageYears is 0', () => {
    expect(check(infant).ok).toBe(true);
    expect(onlyError(check({ ageYears: 0 }))).toEqual({ code: 'required', path: 'ageDays', message: expect.stringMatching(/^ageDays is required when ageYears is 0/) });
    expect(onlyError(check({ ...infant, ageDays: 366 })).message).toBe('ageDays 366 must be from 0 to 365.');
  });

  it('requires birthWeightGrams for a newborn of 28 days or less', () => {
    expect(onlyError(check({ ageYears: 0, ageDays: 28 }))).toEqual({ code: 'required', path: 'birthWeightGrams', message: expect.stringMatching(/^birthWeightGrams is required for a newborn \(ageYears 0, ageDays 28 ≤ 28\)/) });
    expect(check({ ageYears: 0, ageDays: 28, birthWeightGrams: 2400 }).ok).toBe(true);
    expect(check({ ageYears: 0, ageDays: 29 }).ok).toBe(true);
    expect(onlyError(check({ ageYears: 0, ageDays: 3, birthWeightGrams: 50 })).message).toBe('birthWeightGrams 50 must be from 100 to 10000 grams.');
  });
});

describe('validateRecord: costs', () => {
  it('requires the categories to sum to totalCost within 0.01 and gives both figures', () => {
    expect(check({ totalCost: 8000.01 }).ok).toBe(true);
    expect(onlyError(check({ totalCost: 8000.5 }))).toEqual({
      code: 'inconsistent', path: 'costs',
      message: 'costs add up to 8000.00 yuan but totalCost is 8000.50 yuan; they must agree within 0.01 yuan.',
    });
  });

  it('has nothing to compare without totalCost (grouping) or without categories', () => {
    expect(check({ totalCost: undefined }).ok).toBe(true);
    expect(check({ costs: {} }).ok).toBe(true);
  });
});

describe('validateRecord: ingest-only requirements', () => {
  it('requires hospitalId, the dates and totalCost at ingest only', () => {
    const bare = { hospitalId: undefined, admissionDate: undefined, dischargeDate: undefined, totalCost: undefined };
    expect(check(bare, 'group').ok).toBe(true);
    expect(errorsOf(check(bare, 'ingest')).map((p) => p.message)).toEqual([
      'hospitalId is required at ingest: the designated medical institution code, 定点医疗机构代码.',
      'admissionDate is required at ingest: the admission date, 入院日期.',
      'dischargeDate is required at ingest: the discharge date, 出院日期.',
      'totalCost is required at ingest: the total cost in yuan, 住院总费用.',
    ]);
  });
});

describe('validateRecord: unknown fields', () => {
  it('warns about each unknown field and leaves it out of the record', () => {
    const v = check({ patientName: '张三', drg: 'XX11' });
    expect(v.ok).toBe(true);
    expect(v.warnings).toEqual([
      { code: 'unknown-field', path: 'patientName', message: 'field "patientName" is not part of the settlement record and was ignored.' },
      { code: 'unknown-field', path: 'drg', message: 'field "drg" is not part of the settlement record and was ignored.' },
    ]);
    expect(v.ok && v.record).toEqual(baseRecord());
  });

  it('keeps the warnings on a rejected record', () => {
    const v = check({ ageYears: -1, extra: 1 });
    expect(v).toMatchObject({ ok: false, listId: 'L-0001', warnings: [{ path: 'extra' }] });
  });
});

describe('validateRecord: hostile values', () => {
  const atToday = (changes: Record<string, unknown>, today: string, mode: ValidationMode = 'ingest'): Validation =>
    validateRecord({ ...baseRecord(), ...changes }, { mode, codeSets, today });

  it('refuses a discharge or admission date after today + 31 days, in both modes, with the field and out-of-range', () => {
    const far = { admissionDate: '9999-12-01', dischargeDate: '9999-12-05' };
    for (const mode of ['ingest', 'group'] as const) {
      const errors = errorsOf(atToday(far, '2026-12-04', mode));
      expect(errors.map((e) => [e.code, e.path])).toEqual([['out-of-range', 'admissionDate'], ['out-of-range', 'dischargeDate']]);
      expect(errors[1]!.message).toBe('dischargeDate "9999-12-05" is after 2027-01-04 (today plus 31 days); it must be from 1900-01-01 to 2027-01-04.');
    }
    // The margin: today + 31 days is accepted, + 32 is not (the clock is the caller's).
    expect(atToday({ admissionDate: '2027-01-03', dischargeDate: '2027-01-04', lengthOfStay: 1 }, '2026-12-04').ok).toBe(true);
    expect(onlyError(atToday({ admissionDate: '2027-01-04', dischargeDate: '2027-01-05', lengthOfStay: 1 }, '2026-12-04'))).toMatchObject({ code: 'out-of-range', path: 'dischargeDate' });
    expect(atToday({}, '2024-03-05').ok).toBe(true);
  });

  it('refuses dates before 1900', () => {
    const v = atToday({ admissionDate: '1899-12-27', dischargeDate: '1899-12-31' }, '2026-12-04');
    expect(errorsOf(v).map((e) => [e.code, e.path])).toEqual([['out-of-range', 'admissionDate'], ['out-of-range', 'dischargeDate']]);
    expect(errorsOf(v)[0]!.message).toMatch(/^admissionDate "1899-12-27" is before 1900-01-01/);
  });

  it('uses the system date when no clock is given', () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(check({ admissionDate: today, dischargeDate: today, lengthOfStay: 1 }).ok).toBe(true);
    expect(errorsOf(check({ dischargeDate: '9999-12-05', admissionDate: '9999-12-01' })).map((e) => e.code)).toEqual(['out-of-range', 'out-of-range']);
  });

  it('limits hospitalId to letters, digits, "_" and "-" (1–64 once trimmed)', () => {
    for (const bad of ['../HOSP', 'H 1', 'HOSP#1', 'H/1', '医院1', 'x'.repeat(65)]) {
      expect(onlyError(check({ hospitalId: bad })), bad).toMatchObject({ path: 'hospitalId', code: bad.length > 64 ? 'out-of-range' : 'invalid-format' });
    }
    expect(check({ hospitalId: ' H_0-1 ' })).toMatchObject({ ok: true, record: { hospitalId: 'H_0-1' } });
  });

  it('refuses the listIds "." and ".."', () => {
    expect(onlyError(check({ listId: '.' }))).toMatchObject({ code: 'invalid-format', path: 'listId' });
    expect(onlyError(check({ listId: '..' }))).toMatchObject({ code: 'invalid-format', path: 'listId' });
    expect(check({ listId: '...' }).ok).toBe(true);
  });

  it('refuses fundPayment + selfPay above totalCost (±0.01 yuan)', () => {
    expect(check({ fundPayment: 6000, selfPay: 2000.01 }).ok).toBe(true);
    expect(onlyError(check({ fundPayment: 6000, selfPay: 2000.02 }))).toEqual({
      code: 'inconsistent', path: 'fundPayment',
      message: 'fundPayment 6000.00 + selfPay 2000.02 = 8000.02 yuan is more than totalCost 8000.00 yuan; together they may exceed it by at most 0.01 yuan.',
    });
    expect(onlyError(check({ selfPay: 9000 }))).toMatchObject({ code: 'inconsistent', path: 'selfPay' });
    expect(check({ fundPayment: 9000, totalCost: undefined, costs: undefined }).ok).toBe(true);
  });
});

describe.runIf(referenceAvailable())('the dev cases', () => {
  it('all 2 000 validate in group mode with the real code sets', () => {
    const sets = loadCodeSets();
    const lines = readFileSync(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2000);
    const failures = lines.map((line) => validateRecord(JSON.parse(line), { mode: 'group', codeSets: sets })).filter((v) => !v.ok);
    expect(failures).toEqual([]);
  });
});

describe('daysBetween', () => {
  it('agrees with the calendar (Date.UTC) for any two dates from 0001 to 9999, leap years included', () => {
    const iso = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(iso, iso, (a, b) => {
        expect(daysBetween(a, b)).toBe(Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000));
      }),
      { numRuns: 2000 },
    );
    // Hand-checked: across 29 February of a leap year, of 2000 (leap) and of 1900 (not leap).
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2000-02-28', '2000-03-01')).toBe(2);
    expect(daysBetween('1900-02-28', '1900-03-01')).toBe(1);
    expect(daysBetween('2025-01-07', '2025-01-02')).toBe(-5);
  });
});
