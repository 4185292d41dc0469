/**
 * Settlement records as JSON Lines bytes, written straight into a growing byte buffer — the
 * bulk output path of `payreform synth` (a million records, ≈ 660 bytes each).
 *
 * Why not `JSON.stringify`: on these records it costs more than making the record (most of it
 * in the shortest round-trip formatting of 20 money amounts), and the strings it returns, kept
 * until a chunk is written, fill the young generation and get copied by the GC. Here the
 * record's fields are written in the schema's order: ASCII strings character by character,
 * whole numbers digit by digit, and a money amount — a whole number of cents c — as
 * ⌊|c|/100⌋ "." cents without trailing zeros, which is exactly its shortest round-trip form
 * (what JSON.stringify writes). Anything else (a string that needs escaping or is not ASCII,
 * a number with more than two decimals) goes through `JSON.stringify`, so every value reads
 * back as the same value.
 */
import { costCategories, type SettlementRecord } from './schema.ts';

const utf8 = new TextEncoder();

/** A growable byte buffer of JSON text. */
export class JsonBytes {
  private bytes: Uint8Array<ArrayBuffer>;
  /** Bytes written so far. */
  length = 0;

  /** Start with `initialBytes` of room, or write into `buffer` (one recycled from an earlier, already written result). */
  constructor(initial: number | ArrayBuffer = 1 << 16) {
    this.bytes = typeof initial === 'number' ? new Uint8Array(Math.max(16, initial)) : new Uint8Array(initial);
  }

  /** The bytes written (a view of the internal buffer: take it when done writing). */
  result(): Uint8Array<ArrayBuffer> {
    return this.bytes.subarray(0, this.length);
  }

  /** JSON text that is known to be ASCII (punctuation, keys), copied as is. */
  ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < n; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Bytes that are already JSON (a key and its colon, encoded once). */
  raw(encoded: Uint8Array): void {
    this.reserve(encoded.length);
    this.bytes.set(encoded, this.length);
    this.length += encoded.length;
  }

  /** A JSON string: printable ASCII without `"` or `\` copied between quotes, anything else as JSON.stringify escapes it. */
  string(value: string): void {
    const n = value.length;
    this.reserve(n + 2);
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.json(JSON.stringify(value));
        return;
      }
      bytes[at++] = c;
    }
    bytes[at++] = 0x22;
    this.length = at;
  }

  /** `,"key":"value"` (the key already encoded), or nothing when the value is absent. */
  stringField(key: Uint8Array, value: string | undefined): void {
    if (value === undefined) return;
    this.raw(key);
    this.string(value);
  }

  /** `,"key":number` (the key already encoded), or nothing when the value is absent. */
  numberField(key: Uint8Array, value: number | undefined): void {
    if (value === undefined) return;
    this.raw(key);
    this.number(value);
  }

  /** A list of strings. */
  strings(values: readonly string[]): void {
    this.byte(0x5b);
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.byte(0x2c);
      this.string(values[i]!);
    }
    this.byte(0x5d);
  }

  /** A number as JSON.stringify writes it: whole numbers digit by digit, whole cents as yuan "." cents. */
  number(value: number): void {
    if (Number.isSafeInteger(value)) {
      if (value < 0) this.byte(0x2d);
      this.digits(value < 0 ? -value : value);
      return;
    }
    if (Number.isFinite(value) && Math.abs(value) < 1e13) {
      const cents = Math.round(value * 100);
      if (cents / 100 === value) {
        const absolute = cents < 0 ? -cents : cents;
        const whole = Math.floor(absolute / 100);
        const fraction = absolute - whole * 100; // 1…99: a whole amount took the integer path
        if (cents < 0) this.byte(0x2d);
        this.digits(whole);
        this.byte(0x2e);
        if (fraction % 10 === 0) this.byte(0x30 + fraction / 10);
        else {
          this.byte(0x30 + Math.floor(fraction / 10));
          this.byte(0x30 + (fraction % 10));
        }
        return;
      }
    }
    this.json(JSON.stringify(value));
  }

  /** One byte (a newline, a comma…). */
  byte(b: number): void {
    if (this.length === this.bytes.length) this.reserve(1);
    this.bytes[this.length++] = b;
  }

  /** Any JSON text, UTF-8 encoded. */
  json(text: string): void {
    this.reserve(text.length * 3);
    this.length += utf8.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = Math.max(16, this.bytes.length * 2);
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** The decimal digits of a whole number 0 ≤ n < 2^53. */
  private digits(n: number): void {
    let count = 1;
    for (let p = 10; p <= n; p *= 10) count++;
    this.reserve(count);
    const bytes = this.bytes;
    let at = this.length + count;
    this.length = at;
    do {
      const next = Math.floor(n / 10);
      bytes[--at] = 0x30 + (n - next * 10);
      n = next;
    } while (n > 0);
  }
}

/**
 * The fields `writeSettlementRecordLine` writes, in its order (the schema's). A test holds this
 * list to the schema, so a new field cannot be left out of the output unnoticed.
 */
export const settlementRecordJsonFields = [
  'listId', 'hospitalId', 'hospitalLevel', 'insuranceType', 'patientId', 'sex', 'ageYears', 'ageDays',
  'birthWeightGrams', 'admissionWeightGrams', 'admissionDate', 'dischargeDate', 'lengthOfStay',
  'dischargeDisposition', 'codeEdition', 'principalDiagnosis', 'secondaryDiagnoses', 'procedures', 'ventilationHours',
  'icuHours', 'department', 'totalCost', 'costs', 'fundPayment', 'selfPay', 'originalCodes',
] as const satisfies readonly (keyof SettlementRecord)[];

/** `,"listId":` … for each field, encoded once (constant keys are half a record's bytes). */
const fieldKey = Object.fromEntries(settlementRecordJsonFields.map((field) => [field, utf8.encode(`,"${field}":`)])) as Record<(typeof settlementRecordJsonFields)[number], Uint8Array>;
/** `"bed":` … for each cost category. */
const costKeys = costCategories.map((c) => utf8.encode(`"${c}":`));

/** Append one settlement record as a JSON line, fields in the schema's order, absent ones left out. */
export function writeSettlementRecordLine(out: JsonBytes, r: SettlementRecord): void {
  out.ascii('{"listId":');
  out.string(r.listId);
  out.stringField(fieldKey.hospitalId, r.hospitalId);
  out.numberField(fieldKey.hospitalLevel, r.hospitalLevel);
  out.stringField(fieldKey.insuranceType, r.insuranceType);
  out.stringField(fieldKey.patientId, r.patientId);
  out.stringField(fieldKey.sex, r.sex);
  out.numberField(fieldKey.ageYears, r.ageYears);
  out.numberField(fieldKey.ageDays, r.ageDays);
  out.numberField(fieldKey.birthWeightGrams, r.birthWeightGrams);
  out.numberField(fieldKey.admissionWeightGrams, r.admissionWeightGrams);
  out.stringField(fieldKey.admissionDate, r.admissionDate);
  out.stringField(fieldKey.dischargeDate, r.dischargeDate);
  out.numberField(fieldKey.lengthOfStay, r.lengthOfStay);
  out.stringField(fieldKey.dischargeDisposition, r.dischargeDisposition);
  out.stringField(fieldKey.codeEdition, r.codeEdition);
  out.stringField(fieldKey.principalDiagnosis, r.principalDiagnosis);
  out.raw(fieldKey.secondaryDiagnoses);
  out.strings(r.secondaryDiagnoses);
  out.raw(fieldKey.procedures);
  out.strings(r.procedures);
  out.numberField(fieldKey.ventilationHours, r.ventilationHours);
  out.numberField(fieldKey.icuHours, r.icuHours);
  out.stringField(fieldKey.department, r.department);
  out.numberField(fieldKey.totalCost, r.totalCost);
  if (r.costs !== undefined) {
    out.ascii(',"costs":{');
    let first = true;
    for (let i = 0; i < costCategories.length; i++) {
      const amount = r.costs[costCategories[i]!];
      if (amount === undefined) continue;
      if (!first) out.byte(0x2c);
      out.raw(costKeys[i]!);
      out.number(amount);
      first = false;
    }
    out.byte(0x7d);
  }
  out.numberField(fieldKey.fundPayment, r.fundPayment);
  out.numberField(fieldKey.selfPay, r.selfPay);
  if (r.originalCodes !== undefined) {
    out.raw(fieldKey.originalCodes);
    out.raw(utf8.encode(JSON.stringify(r.originalCodes)));
  }
  out.ascii('}\n');
}
