/**
 * Validation of one settlement record: the zod shape of `schema.ts`, then the rules that need
 * reference data or several fields (codes exist, grey codes, dates and stay agree, newborn data,
 * costs add up, dates in a plausible range, ingest-only required fields). Every problem is data:
 * a code from `models/problem.ts`, the field path, and a sentence naming the field and the value;
 * every problem is reported, not only the first. Problems are built only on the failure path.
 *
 * Speed: this runs on every case of a CLI run (target ≥ 500 000 records/s here), so the shape is
 * first checked by a hand-written fast path (`acceptsShape`) that accepts exactly what the zod
 * schema accepts; zod runs only when that check fails (to word the errors) or when a value needs
 * zod's normalisation (trimmed codes). The two are kept in agreement by a property test.
 * No closures or regexes are allocated per record.
 */
import { codeOfIssue, formatPath, valueAt, type Problem, type ZodIssueLike } from '../problem.ts';
import type { CodeSets } from './codes.ts';
import { costCategories, daysBetween, dischargeDispositions, settlementFields, settlementRecordSchema, type SettlementRecord } from './schema.ts';
import { counted } from '../text/plural.ts';

/** One problem: a code, the field path (`secondaryDiagnoses[2]`, `costs.bed`, `''` for the record itself) and a sentence. */
export type { Problem } from '../problem.ts';

/** `ingest` (storing cases: strict) or `group` (grouping only: grey codes warn, fewer fields required). */
export type ValidationMode = 'ingest' | 'group';

export type Validation =
  | { ok: true; record: SettlementRecord; warnings: Problem[] }
  | { ok: false; errors: Problem[]; warnings: Problem[]; listId?: string };

export interface ValidateOptions {
  mode: ValidationMode;
  /** When given, codes must exist in these sets and grey codes are checked. */
  codeSets?: CodeSets;
  /**
   * Today (`YYYY-MM-DD`, the caller's clock): admission and discharge dates after today plus
   * `futureDateMarginDays` are refused. Default: the system clock's UTC date.
   */
  today?: string;
}

/** Admission and discharge dates before this are refused. */
export const earliestDate = '1900-01-01';
/** How far after today an admission or discharge date may be (a list prepared ahead of a planned discharge). */
export const futureDateMarginDays = 31;

type Obj = Record<string, unknown>;

const knownFields: ReadonlySet<string> = new Set<string>(settlementFields);
const costCategorySet: ReadonlySet<string> = new Set<string>(costCategories);
const dispositionSet: ReadonlySet<string> = new Set<string>(dischargeDispositions);
const listIdPattern = /^[A-Za-z0-9_.-]{1,64}$/;
/** `A`–`Z`, `a`–`z`, `0`–`9`, `_`, `-`: the characters of a hospitalId. */
const idChar = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') idChar[c.charCodeAt(0)] = 1;

/** Fields required in `ingest` mode only, with what they are. */
const ingestRequired = [
  ['hospitalId', 'the designated medical institution code, 定点医疗机构代码'],
  ['admissionDate', 'the admission date, 入院日期'],
  ['dischargeDate', 'the discharge date, 出院日期'],
  ['totalCost', 'the total cost in yuan, 住院总费用'],
] as const;

/** What each always-required field is, for "is required" sentences. */
const fieldMeaning: Readonly<Record<string, string>> = {
  listId: 'the settlement list serial number, 清单流水号',
  sex: '"M" or "F", 性别',
  ageYears: 'the age in whole years, 年龄',
  lengthOfStay: 'the length of stay in days, 实际住院天数',
  dischargeDisposition: 'the discharge disposition 1, 2, 3, 4, 5 or 9, 离院方式',
  principalDiagnosis: 'the ICD-10 principal diagnosis, 主要诊断',
  secondaryDiagnoses: 'the list of other diagnoses, may be empty, 其他诊断',
  procedures: 'the list of procedures, may be empty, 手术及操作',
};

/** NHSA input gives sex as 1 (male) / 2 (female), as a number or a string: map those to M / F. Everything else is left as it is (a copy is made only when sex changes). */
export function normaliseInput(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const sex = raw.sex;
  const mapped = sex === 1 || sex === '1' ? 'M' : sex === 2 || sex === '2' ? 'F' : undefined;
  return mapped === undefined ? raw : { ...raw, sex: mapped };
}

/**
 * Validate one raw record (as parsed from JSON/CSV). Shape problems are reported first, all of
 * them; the cross-field and reference rules run only on a record whose shape is right.
 */
export function validateRecord(raw: unknown, options: ValidateOptions): Validation {
  const input = normaliseInput(raw);
  const warnings: Problem[] = [];
  const unknown = isObject(input) ? unknownFieldWarnings(input, warnings) : false;
  let record: SettlementRecord;
  const fast = isObject(input) ? acceptsShape(input) : Shape.Rejected;
  if (fast === Shape.Accepted) {
    record = (unknown ? stripUnknown(input as Obj) : input) as SettlementRecord;
  } else {
    const parsed = settlementRecordSchema.safeParse(input);
    if (!parsed.success) {
      const errors = parsed.error.issues.flatMap((issue) => issueProblems(issue, input));
      return failure(errors, warnings, input);
    }
    record = parsed.data;
  }
  const errors = checkRules(record, options, warnings);
  if (errors !== null) return failure(errors, warnings, input);
  return { ok: true, record, warnings };
}

function failure(errors: Problem[], warnings: Problem[], input: unknown): Validation {
  const listId = isObject(input) && typeof input.listId === 'string' && input.listId.length > 0 ? input.listId : undefined;
  return listId === undefined ? { ok: false, errors, warnings } : { ok: false, errors, warnings, listId };
}

// ---------------------------------------------------------------------------------------------
// Rules beyond shape

/** Run every cross-field / reference rule; errors (null when none) are returned, warnings pushed. */
function checkRules(r: SettlementRecord, options: ValidateOptions, warnings: Problem[]): Problem[] | null {
  let errors: Problem[] | null = null;
  if (options.codeSets) errors = checkCodes(r, options.codeSets, options.mode, warnings, errors);
  if (r.admissionDate !== undefined || r.dischargeDate !== undefined) {
    const latest = latestDate(options.today);
    if (r.admissionDate !== undefined) errors = add(errors, checkDateRange('admissionDate', r.admissionDate, latest));
    if (r.dischargeDate !== undefined) errors = add(errors, checkDateRange('dischargeDate', r.dischargeDate, latest));
  }
  errors = add(errors, checkDischargeOrder(r));
  errors = add(errors, checkLengthOfStay(r));
  errors = add(errors, checkAgeDays(r));
  errors = add(errors, checkBirthWeight(r));
  errors = add(errors, checkCostsSum(r));
  errors = add(errors, checkPaidWithinCost(r));
  if (options.mode === 'ingest') errors = checkIngestRequired(r, errors);
  checkDuplicates(r, warnings);
  return errors;
}

/** Append `problem` (when there is one) to `errors`, creating the list on first use. */
function add(errors: Problem[] | null, problem: Problem | null): Problem[] | null {
  if (problem === null) return errors;
  if (errors === null) return [problem];
  errors.push(problem);
  return errors;
}

/**
 * Codes must exist in the ICD-10 / ICD-9-CM-3 medical-insurance 2.0 code sets; a grey code (灰码)
 * as principal diagnosis or principal (first) procedure is an error at ingest and a warning when
 * only grouping (the case is still grouped).
 */
function checkCodes(r: SettlementRecord, sets: CodeSets, mode: ValidationMode, warnings: Problem[], errors: Problem[] | null): Problem[] | null {
  if (!sets.diagnoses.has(r.principalDiagnosis)) (errors ??= []).push(notInCodeSet('principalDiagnosis', r.principalDiagnosis, 'ICD-10'));
  const secondary = r.secondaryDiagnoses;
  for (let i = 0; i < secondary.length; i++) {
    const code = secondary[i]!;
    if (!sets.diagnoses.has(code)) (errors ??= []).push(notInCodeSet(`secondaryDiagnoses[${i}]`, code, 'ICD-10'));
  }
  const procedures = r.procedures;
  for (let i = 0; i < procedures.length; i++) {
    const code = procedures[i]!;
    if (!sets.procedures.has(code)) (errors ??= []).push(notInCodeSet(`procedures[${i}]`, code, 'ICD-9-CM-3'));
  }
  const grey: Problem[] = [];
  if (sets.greyDiagnoses.has(r.principalDiagnosis)) grey.push(greyCode('principalDiagnosis', r.principalDiagnosis, 'principal diagnosis', mode));
  const first = procedures[0];
  if (first !== undefined && sets.greyProcedures.has(first)) grey.push(greyCode('procedures[0]', first, 'principal procedure', mode));
  if (grey.length > 0) {
    if (mode === 'ingest') (errors ??= []).push(...grey);
    else warnings.push(...grey);
  }
  return errors;
}

function notInCodeSet(path: string, code: string, edition: string): Problem {
  return { code: 'unknown-code', path, message: `${path} ${quote(code)} is not a code of the ${edition} medical-insurance 2.0 code set.` };
}

function greyCode(path: string, code: string, role: string, mode: ValidationMode): Problem {
  const consequence = mode === 'ingest' ? 'so the record is rejected' : 'the case is still grouped';
  return { code: 'grey-code', path, message: `${path} ${quote(code)} is a grey code (灰码), which must not be the ${role}; ${consequence}.` };
}

/**
 * Dates from 1900-01-01 to today plus `futureDateMarginDays`: a discharge in year 9999 is a
 * typing error, and accepted it would move every "latest month" (overview, supervision, forecast).
 */
function checkDateRange(field: 'admissionDate' | 'dischargeDate', date: string, latest: string): Problem | null {
  if (date >= earliestDate && date <= latest) return null;
  const bound = date < earliestDate ? `before ${earliestDate}` : `after ${latest} (today plus ${futureDateMarginDays} days)`;
  return { code: 'out-of-range', path: field, message: `${field} ${quote(date)} is ${bound}; it must be from ${earliestDate} to ${latest}.` };
}

let latestFor = '';
let latestDay = '';
let systemDay = '';
let systemDayUntil = 0;

/** Today plus the margin, for `today` (default: the system clock's UTC date, read at most once a second). */
function latestDate(today: string | undefined): string {
  let day = today;
  if (day === undefined) {
    const now = Date.now();
    if (now >= systemDayUntil) {
      systemDay = new Date(now).toISOString().slice(0, 10);
      systemDayUntil = now + 1000;
    }
    day = systemDay;
  }
  if (day !== latestFor) {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    latestDay = new Date(Date.UTC(y, m - 1, d + futureDateMarginDays)).toISOString().slice(0, 10);
    latestFor = day;
  }
  return latestDay;
}

/** 出院日期 ≥ 入院日期. */
function checkDischargeOrder(r: SettlementRecord): Problem | null {
  if (r.admissionDate === undefined || r.dischargeDate === undefined) return null;
  if (r.dischargeDate >= r.admissionDate) return null;
  return { code: 'inconsistent', path: 'dischargeDate', message: `dischargeDate ${quote(r.dischargeDate)} is before admissionDate ${quote(r.admissionDate)}.` };
}

/**
 * 实际住院天数 agrees with the dates (national rule): LOS = discharge − admission in days, and a
 * same-day stay counts as one day — both 0 and 1 are accepted for a same-day stay.
 */
function checkLengthOfStay(r: SettlementRecord): Problem | null {
  if (r.admissionDate === undefined || r.dischargeDate === undefined || r.dischargeDate < r.admissionDate) return null;
  const days = daysBetween(r.admissionDate, r.dischargeDate);
  const los = r.lengthOfStay;
  if (days === 0 ? los === 0 || los === 1 : los === days) return null;
  const span = `from admissionDate ${r.admissionDate} to dischargeDate ${r.dischargeDate}`;
  const expected = days === 0 ? `is a same-day stay, so lengthOfStay should be 1 (or 0)` : `is ${counted(days, 'day')}, so lengthOfStay should be ${days}`;
  return { code: 'inconsistent', path: 'lengthOfStay', message: `lengthOfStay ${los} does not agree with the dates: ${span} ${expected}.` };
}

/** 年龄不足1周岁的年龄(天) is required when ageYears is 0 (its range 0–365 is part of the shape). */
function checkAgeDays(r: SettlementRecord): Problem | null {
  if (r.ageYears !== 0 || r.ageDays !== undefined) return null;
  return { code: 'required', path: 'ageDays', message: 'ageDays is required when ageYears is 0: the age in days of a patient under one year (年龄不足1周岁的天数).' };
}

/** 新生儿出生体重 is required for a newborn: ageYears 0 and ageDays ≤ 28. */
function checkBirthWeight(r: SettlementRecord): Problem | null {
  if (r.ageYears !== 0 || r.ageDays === undefined || r.ageDays > 28 || r.birthWeightGrams !== undefined) return null;
  return { code: 'required', path: 'birthWeightGrams', message: `birthWeightGrams is required for a newborn (ageYears 0, ageDays ${r.ageDays} ≤ 28): the birth weight in grams (新生儿出生体重).` };
}

/** When cost categories are given (at least one) and totalCost is given, they sum to totalCost within ±0.01 yuan. */
function checkCostsSum(r: SettlementRecord): Problem | null {
  const costs = r.costs;
  if (costs === undefined || r.totalCost === undefined) return null;
  let sum = 0;
  let count = 0;
  for (const key in costs) {
    const value = costs[key as keyof typeof costs];
    if (value === undefined) continue;
    sum += value;
    count++;
  }
  if (count === 0 || Math.abs(sum - r.totalCost) <= 0.01 + 1e-9) return null;
  return { code: 'inconsistent', path: 'costs', message: `costs add up to ${sum.toFixed(2)} yuan but totalCost is ${r.totalCost.toFixed(2)} yuan; they must agree within 0.01 yuan.` };
}

/** The fund and the patient together pay at most the stay's cost: fundPayment + selfPay ≤ totalCost + 0.01 yuan. */
function checkPaidWithinCost(r: SettlementRecord): Problem | null {
  if (r.totalCost === undefined || (r.fundPayment === undefined && r.selfPay === undefined)) return null;
  const paid = (r.fundPayment ?? 0) + (r.selfPay ?? 0);
  if (paid <= r.totalCost + 0.01 + 1e-9) return null;
  const parts = `${r.fundPayment !== undefined ? `fundPayment ${r.fundPayment.toFixed(2)}` : ''}${r.fundPayment !== undefined && r.selfPay !== undefined ? ' + ' : ''}${r.selfPay !== undefined ? `selfPay ${r.selfPay.toFixed(2)}` : ''}`;
  return { code: 'inconsistent', path: r.fundPayment !== undefined ? 'fundPayment' : 'selfPay', message: `${parts} = ${paid.toFixed(2)} yuan is more than totalCost ${r.totalCost.toFixed(2)} yuan; together they may exceed it by at most 0.01 yuan.` };
}

/** At ingest hospitalId, admissionDate, dischargeDate and totalCost are required. */
function checkIngestRequired(r: SettlementRecord, errors: Problem[] | null): Problem[] | null {
  for (const [field, meaning] of ingestRequired) {
    if (r[field] === undefined) (errors ??= []).push({ code: 'required', path: field, message: `${field} is required at ingest: ${meaning}.` });
  }
  return errors;
}

/** A code repeated within the diagnosis list (principal + secondary) or the procedure list is a warning. */
function checkDuplicates(r: SettlementRecord, warnings: Problem[]): void {
  const secondary = r.secondaryDiagnoses;
  for (let i = 0; i < secondary.length; i++) {
    const code = secondary[i]!;
    if (code === r.principalDiagnosis) {
      warnings.push({ code: 'duplicate', path: `secondaryDiagnoses[${i}]`, message: `secondaryDiagnoses[${i}] ${quote(code)} repeats the principal diagnosis.` });
      continue;
    }
    const earlier = secondary.indexOf(code);
    if (earlier < i) warnings.push(repeated('secondaryDiagnoses', i, earlier, code));
  }
  const procedures = r.procedures;
  for (let i = 1; i < procedures.length; i++) {
    const earlier = procedures.indexOf(procedures[i]!);
    if (earlier < i) warnings.push(repeated('procedures', i, earlier, procedures[i]!));
  }
}

function repeated(list: string, i: number, earlier: number, code: string): Problem {
  return { code: 'duplicate', path: `${list}[${i}]`, message: `${list}[${i}] ${quote(code)} repeats ${list}[${earlier}].` };
}

// ---------------------------------------------------------------------------------------------
// Unknown fields

/** Push a warning for each field that is not part of the record; true when there was any. */
function unknownFieldWarnings(input: Obj, warnings: Problem[]): boolean {
  let any = false;
  for (const key in input) {
    if (knownFields.has(key)) continue;
    any = true;
    warnings.push({ code: 'unknown-field', path: key, message: `field ${quote(key)} is not part of the settlement record and was ignored.` });
  }
  return any;
}

/** The record without unknown fields — what zod's default (strip) object parsing returns. */
function stripUnknown(input: Obj): Obj {
  const out: Obj = {};
  for (const field of settlementFields) if (field in input) out[field] = input[field];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fast shape check

/** Outcome of the fast shape check. `NeedsZod`: acceptable, but zod must build the output (trimming). */
export const Shape = { Rejected: 0, Accepted: 1, NeedsZod: 2 } as const;
export type Shape = (typeof Shape)[keyof typeof Shape];

/**
 * Accepts exactly what `settlementRecordSchema` accepts (a property test holds it to that).
 * `Accepted` means the input itself (minus unknown fields) is zod's output; `NeedsZod` means zod
 * would accept but normalise a value (surrounding whitespace of a code or hospitalId, a
 * `__proto__` cost key), so zod must produce the record.
 */
export function acceptsShape(o: Obj): Shape {
  let result: Shape = Shape.Accepted;
  const listId = o.listId;
  if (typeof listId !== 'string' || !listIdPattern.test(listId) || listId === '.' || listId === '..') return Shape.Rejected;
  const hospitalId = o.hospitalId;
  if (hospitalId !== undefined) {
    const s = idShape(hospitalId);
    if (s === Shape.Rejected) return s;
    if (s === Shape.NeedsZod) result = s;
  }
  const level = o.hospitalLevel;
  if (level !== undefined && level !== 1 && level !== 2 && level !== 3) return Shape.Rejected;
  const insurance = o.insuranceType;
  if (insurance !== undefined && insurance !== 'employee' && insurance !== 'resident') return Shape.Rejected;
  const patientId = o.patientId;
  if (patientId !== undefined && (typeof patientId !== 'string' || patientId.length < 1 || patientId.length > 128)) return Shape.Rejected;
  if (o.sex !== 'M' && o.sex !== 'F') return Shape.Rejected;
  if (!isInt(o.ageYears, 0, 150)) return Shape.Rejected;
  if (!optionalInt(o.ageDays, 0, 365) || !optionalInt(o.birthWeightGrams, 100, 10000) || !optionalInt(o.admissionWeightGrams, 100, 20000)) return Shape.Rejected;
  if (!optionalDate(o.admissionDate) || !optionalDate(o.dischargeDate)) return Shape.Rejected;
  if (!isInt(o.lengthOfStay, 0, 3660)) return Shape.Rejected;
  const disposition = o.dischargeDisposition;
  if (typeof disposition !== 'string' || !dispositionSet.has(disposition)) return Shape.Rejected;
  const edition = o.codeEdition;
  if (edition !== undefined && edition !== 'chs-2.0' && edition !== 'gl-2.0') return Shape.Rejected;
  const principal = trimmedString(o.principalDiagnosis, 1, 40);
  if (principal === Shape.Rejected) return principal;
  if (principal === Shape.NeedsZod) result = principal;
  const secondary = codeList(o.secondaryDiagnoses);
  if (secondary === Shape.Rejected) return secondary;
  if (secondary === Shape.NeedsZod) result = secondary;
  const procedures = codeList(o.procedures);
  if (procedures === Shape.Rejected) return procedures;
  if (procedures === Shape.NeedsZod) result = procedures;
  const hours = o.ventilationHours;
  if (hours !== undefined && !isMoney(hours)) return Shape.Rejected;
  const icuHours = o.icuHours;
  if (icuHours !== undefined && !isMoney(icuHours)) return Shape.Rejected;
  const department = o.department;
  if (department !== undefined && (typeof department !== 'string' || department.length > 64)) return Shape.Rejected;
  if (!optionalMoney(o.totalCost) || !optionalMoney(o.fundPayment) || !optionalMoney(o.selfPay)) return Shape.Rejected;
  const costs = o.costs;
  if (costs !== undefined) {
    const c = costsShape(costs);
    if (c === Shape.Rejected) return c;
    if (c === Shape.NeedsZod) result = c;
  }
  // The original codes of a mapped record (rare, non-ASCII possible): zod judges and builds them.
  if (o.originalCodes !== undefined) return originalCodesShape(o.originalCodes);
  return result;
}

const originalCodeKeys: ReadonlySet<string> = new Set(['edition', 'principalDiagnosis', 'secondaryDiagnoses', 'procedures']);

/** `originalCodes`, as the strict zod object judges it: accepted ones are always built by zod (the path is rare). */
function originalCodesShape(value: unknown): Shape {
  if (!isPlainObject(value)) return Shape.Rejected;
  for (const key in value) if (Object.hasOwn(value, key) && !originalCodeKeys.has(key)) return Shape.Rejected;
  for (const symbol of Object.getOwnPropertySymbols(value)) if (Object.prototype.propertyIsEnumerable.call(value, symbol)) return Shape.Rejected;
  if (value.edition !== 'gl-2.0') return Shape.Rejected;
  if (trimmedString(value.principalDiagnosis, 1, 40) === Shape.Rejected) return Shape.Rejected;
  if (codeList(value.secondaryDiagnoses) === Shape.Rejected || codeList(value.procedures) === Shape.Rejected) return Shape.Rejected;
  return Shape.NeedsZod;
}

/** A string that, trimmed (as zod's `.trim()` does), has a length in [min, max]. */
function trimmedString(value: unknown, min: number, max: number): Shape {
  if (typeof value !== 'string') return Shape.Rejected;
  const n = value.length;
  if (n > 0 && plainEdge(value.charCodeAt(0)) && plainEdge(value.charCodeAt(n - 1))) {
    return n >= min && n <= max ? Shape.Accepted : Shape.Rejected;
  }
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) return Shape.Rejected;
  return trimmed.length === n ? Shape.Accepted : Shape.NeedsZod;
}

/** A hospitalId: once trimmed, 1–64 characters of `A-Za-z0-9_-`. */
function idShape(value: unknown): Shape {
  const s = trimmedString(value, 1, 64);
  if (s === Shape.Rejected) return s;
  const id = s === Shape.Accepted ? (value as string) : (value as string).trim();
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 128 || idChar[c] === 0) return Shape.Rejected;
  }
  return s;
}

/** A printable ASCII character other than space: never removed by `String.prototype.trim`. */
function plainEdge(c: number): boolean {
  return c > 32 && c < 127;
}

/** An array of at most 200 codes (strings 1–40 characters once trimmed). */
function codeList(value: unknown): Shape {
  if (!Array.isArray(value) || value.length > 200) return Shape.Rejected;
  let result: Shape = Shape.Accepted;
  for (let i = 0; i < value.length; i++) {
    const s = trimmedString(value[i], 1, 40);
    if (s === Shape.Rejected) return s;
    if (s === Shape.NeedsZod) result = s;
  }
  return result;
}

function isInt(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function optionalInt(value: unknown, min: number, max: number): boolean {
  return value === undefined || isInt(value, min, max);
}

/** A finite number ≥ 0 (zod 4's `z.number()` refuses NaN and ±Infinity). */
function isMoney(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function optionalMoney(value: unknown): boolean {
  return value === undefined || isMoney(value);
}

/** `YYYY-MM-DD` naming a real calendar date, judged as schema.ts does (via `Date.UTC`, so years 0000–0099 are refused). */
function optionalDate(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const y = digits(value, 0, 4);
  const m = digits(value, 5, 7);
  const d = digits(value, 8, 10);
  if (y < 100 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

/** The decimal number written by ASCII digits value[from..to), or -1 when a character is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** A plain object of cost category → money, as zod's `partialRecord` judges it. */
function costsShape(value: unknown): Shape {
  if (!isPlainObject(value)) return Shape.Rejected;
  let result: Shape = Shape.Accepted;
  // Own enumerable string keys by for-in (V8's enum cache: ~5× faster than Reflect.ownKeys with a
  // propertyIsEnumerable call per key, on every record); enumerable symbol keys are refused below.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === '__proto__') {
      result = Shape.NeedsZod; // zod leaves it out of the output
      continue;
    }
    if (!costCategorySet.has(key)) return Shape.Rejected;
    if (!isMoney(value[key])) return Shape.Rejected;
  }
  for (const symbol of Object.getOwnPropertySymbols(value)) if (Object.prototype.propertyIsEnumerable.call(value, symbol)) return Shape.Rejected;
  return result;
}

/** zod's `isPlainObject` (util.ts), so both judge the same objects plain. */
function isPlainObject(o: unknown): o is Obj {
  if (!isObject(o)) return false;
  const ctor: unknown = o.constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const proto: unknown = ctor.prototype;
  if (!isObject(proto)) return false;
  return Object.prototype.hasOwnProperty.call(proto, 'isPrototypeOf');
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// zod issues → problems

/** One Problem per zod issue (one per key for unrecognised cost categories). */
function issueProblems(issue: ZodIssueLike, input: unknown): Problem[] {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return issue.keys.map((key) => {
      const path = formatPath([...issue.path, key]);
      return { code: 'unknown-field', path, message: `${path} is not a cost category; the categories are ${costCategories.join(', ')}.` };
    });
  }
  const path = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  if (issue.path.length === 0) {
    return [{ code: 'invalid-type', path, message: `The record ${describe(value)} is not an object of settlement-record fields.` }];
  }
  const code = codeOfIssue(issue, value);
  if (code === 'required') {
    const meaning = issue.path.length === 1 ? fieldMeaning[String(issue.path[0])] : undefined;
    return [{ code, path, message: meaning ? `${path} is required: ${meaning}.` : `${path} is required.` }];
  }
  return [{ code, path, message: `${path} ${describe(value)} ${issue.message}.` }];
}

/** A short rendering of a value for a sentence: strings quoted, long values cut. */
function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return '(absent)';
  if (typeof value === 'object') {
    let text: string;
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
  return `(a ${typeof value})`;
}

function quote(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length > 62 ? `${quoted.slice(0, 58)}..."` : quoted;
}
