/**
 * The settlement record (医疗保障基金结算清单), one inpatient stay — the canonical case shape of
 * `shared/docs/settlement-record.md`. This zod schema is the contract: every interface (API
 * bodies, CLI files, stored cases) parses through it, types are inferred from it, and the
 * OpenAPI document is generated from it.
 *
 * Shape only lives here; rules that need reference data or several fields (codes exist,
 * dates agree with the stay, costs add up…) live in `validate.ts`.
 */
import * as z from 'zod';
import { codeEditions } from './code-map.ts';

/** The cost categories of 费用明细; when given they sum to `totalCost` (±0.01). */
export const costCategories = [
  'bed', 'consultation', 'exam', 'lab', 'treatment', 'surgery', 'nursing', 'materials',
  'westernDrugs', 'herbalDrugs', 'patentDrugs', 'generalCare', 'registration', 'other',
] as const;
export type CostCategory = (typeof costCategories)[number];

/** 离院方式: 1 ordered discharge, 2 transfer to hospital, 3 to community/township, 4 against advice, 5 death, 9 other. */
export const dischargeDispositions = ['1', '2', '3', '4', '5', '9'] as const;
export type DischargeDisposition = (typeof dischargeDispositions)[number];

const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date written YYYY-MM-DD', abort: true })
  .refine((value) => isRealDate(value), { error: 'is not a real calendar date', params: { code: 'invalid-format' } });

const money = z.number({ error: 'must be a number of yuan' }).finite().min(0, { error: 'must not be negative' });

/** An ICD-10 or ICD-9-CM-3 code as written in the medical-insurance 2.0 editions (existence is checked in validate.ts). */
const code = z.string({ error: 'must be a code string' }).trim().min(1, { error: 'must not be empty' }).max(40, { error: 'is longer than any code' });

export const settlementRecordSchema = z.object({
  /** 清单流水号 — unique per hospital, the idempotency key. */
  listId: z.string({ error: 'must be a string: the settlement list serial number (清单流水号)' })
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1–64 characters of letters, digits, "_", "." or "-"' })
    .refine((id) => id !== '.' && id !== '..', { error: 'must not be "." or ".." (it names stored objects)', params: { code: 'invalid-format' } }),
  /** 定点医疗机构代码 — required for ingest, optional for grouping; letters, digits, `_` and `-` (it names partitions and keys). */
  hospitalId: z.string({ error: 'must be a string: the institution code' }).trim().min(1, { error: 'must not be empty' }).max(64, { error: 'must be at most 64 characters' })
    .regex(/^[A-Za-z0-9_-]*$/, { error: 'must be letters, digits, "_" or "-" only' }).optional(),
  /** 医院等级 — used by payment level coefficients. */
  hospitalLevel: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 1, 2 or 3' }).optional(),
  /** 职工医保 / 居民医保. */
  insuranceType: z.enum(['employee', 'resident'], { error: 'must be "employee" or "resident"' }).optional(),
  /** Insured person id — never stored in clear: pseudonymised (keyed HMAC) at ingest. */
  patientId: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' }).optional(),
  /** 性别; NHSA/CSV input may give 1 (male) / 2 (female), normalised before parsing. */
  sex: z.enum(['M', 'F'], { error: 'must be "M" or "F" (or 1 / 2)' }),
  /** 年龄 in whole years. */
  ageYears: z.number({ error: 'must be a whole number of years' }).int({ error: 'must be a whole number of years' }).min(0, { error: 'must be from 0 to 150' }).max(150, { error: 'must be from 0 to 150' }),
  /** 年龄不足1周岁的年龄(天) — required when ageYears is 0. */
  ageDays: z.number({ error: 'must be a whole number of days' }).int({ error: 'must be a whole number of days' }).min(0, { error: 'must be from 0 to 365' }).max(365, { error: 'must be from 0 to 365' }).optional(),
  /** 新生儿出生体重 (g) — required for newborns (≤ 28 days). */
  birthWeightGrams: z.number({ error: 'must be a whole number of grams' }).int({ error: 'must be a whole number of grams' }).min(100, { error: 'must be from 100 to 10000 grams' }).max(10000, { error: 'must be from 100 to 10000 grams' }).optional(),
  /** 新生儿入院体重 (g). */
  admissionWeightGrams: z.number({ error: 'must be a whole number of grams' }).int({ error: 'must be a whole number of grams' }).min(100, { error: 'must be from 100 to 20000 grams' }).max(20000, { error: 'must be from 100 to 20000 grams' }).optional(),
  /** 入院日期. */
  admissionDate: isoDate.optional(),
  /** 出院日期 (≥ admission). */
  dischargeDate: isoDate.optional(),
  /** 实际住院天数 — must agree with the dates when both are given. */
  lengthOfStay: z.number({ error: 'must be a whole number of days' }).int({ error: 'must be a whole number of days' }).min(0, { error: 'must not be negative' }).max(3660, { error: 'is longer than ten years' }),
  /** 离院方式. */
  dischargeDisposition: z.enum(dischargeDispositions, { error: 'must be one of 1, 2, 3, 4, 5, 9' }),
  /**
   * The edition of the record's codes: `chs-2.0` (医保版 2.0, the default) or `gl-2.0` (国临版:
   * ICD-10 clinical 2.0, ICD-9-CM-3 clinical 3.0), which the record path maps to the insurance
   * edition before validation (a mapped record says `chs-2.0` and keeps its `originalCodes`).
   */
  codeEdition: z.enum(codeEditions, { error: `must be ${codeEditions.map((e) => `"${e}"`).join(' or ')}` }).optional(),
  /** 主要诊断 (ICD-10 medical-insurance 2.0). */
  principalDiagnosis: code,
  /** 其他诊断, in list order. */
  secondaryDiagnoses: z.array(code, { error: 'must be a list of ICD-10 codes (may be empty)' }).max(200, { error: 'must list at most 200 codes' }),
  /** 手术及操作 (ICD-9-CM-3 medical-insurance 2.0); the first is the principal procedure (主要手术操作). */
  procedures: z.array(code, { error: 'must be a list of ICD-9-CM-3 codes (may be empty)' }).max(200, { error: 'must list at most 200 codes' }),
  /** 呼吸机使用时间 (hours). */
  ventilationHours: z.number({ error: 'must be a number of hours' }).finite().min(0, { error: 'must not be negative' }).optional(),
  /** 重症监护时长: hours in intensive care; some local DRG schemes split on it. */
  icuHours: z.number({ error: 'must be a number of hours' }).finite().min(0, { error: 'must not be negative' }).optional(),
  /** 科室. */
  department: z.string({ error: 'must be a string' }).max(64, { error: 'must be at most 64 characters' }).optional(),
  /** 住院总费用 (yuan). */
  totalCost: money.optional(),
  /** 费用明细 by category. */
  costs: z.partialRecord(z.enum(costCategories, { error: `must be one of ${costCategories.join(', ')}` }), money, { error: 'must be an object of cost category → yuan' }).optional(),
  /** 医保统筹基金支付. */
  fundPayment: money.optional(),
  /** 个人自付. */
  selfPay: money.optional(),
  /** The clinical-edition codes the record was sent with, kept beside the mapped ones (set by the mapping step). */
  originalCodes: z.object({
    edition: z.literal('gl-2.0', { error: 'must be "gl-2.0"' }),
    principalDiagnosis: code,
    secondaryDiagnoses: z.array(code, { error: 'must be a list of codes' }).max(200, { error: 'must list at most 200 codes' }),
    procedures: z.array(code, { error: 'must be a list of codes' }).max(200, { error: 'must list at most 200 codes' }),
  }, { error: 'must be the object of original codes the mapping step writes' }).strict().optional(),
});

/** A settlement record as parsed (fields absent from the input stay absent). */
export type SettlementRecord = z.infer<typeof settlementRecordSchema>;

/** The field names of the record, in documentation order. */
export const settlementFields = Object.keys(settlementRecordSchema.shape) as (keyof SettlementRecord)[];

function isRealDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Days between two valid YYYY-MM-DD dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/**
 * Days since 1970-01-01 of a valid YYYY-MM-DD date in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil): with March as the first month of the year y′ (January and
 * February count in y − 1), day = 146097·era + 365·yoe + ⌊yoe/4⌋ − ⌊yoe/100⌋ + ⌊(153·m′ + 2)/5⌋ + d − 1 − 719468.
 * Read digit by digit: twice as fast as Date.parse on every record validated.
 */
function dayNumber(date: string): number {
  const year = digitsAt(date, 0, 4);
  const month = digitsAt(date, 5, 2);
  const day = digitsAt(date, 8, 2);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

function digitsAt(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}
