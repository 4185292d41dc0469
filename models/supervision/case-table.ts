/**
 * Grouped cases in columns for screening: what every supervision rule reads, in typed arrays
 * (codes interned to indexes), so a million cases are screened with a few passes over flat
 * arrays and no per-case objects. Strings (list ids, patient ids, codes) are kept once each
 * for the evidence of the few cases that are flagged.
 *
 * A row is made from a valid settlement record by `caseRow`, which groups it (CHS-DRG, trace
 * off) and works out its complication level: the DRG it is in, the MCC/CC diagnoses that put it
 * there, and the DRG it would be in without them — what the upcoding rule compares against.
 */
import { caseSeverity, groupCase, indexRulePack, type AmbiguousMode, type GroupingInput, type Severity } from '../grouping/drg/grouper.ts';
import type { RulePack } from '../grouping/drg/pack.ts';
import type { SettlementRecord } from '../settlement/schema.ts';
import { intern } from '../intern.ts';

/** Complication level codes of `SupervisionCases.severity`. */
export const Level = { None: 0, Cc: 1, Mcc: 2 } as const;

/** What the rules need of one case (made by `caseRow`, or by hand in tests). */
export interface CaseRow {
  listId: string;
  hospitalId: string;
  hospitalLevel: number;
  /** Pseudonymised patient id, or null. */
  patientId: string | null;
  /** Day numbers since 1970-01-01 (UTC), or null when the record has no date. */
  admissionDay: number | null;
  dischargeDay: number | null;
  /** Year of discharge (0 when unknown). */
  year: number;
  lengthOfStay: number;
  /** 住院总费用 (NaN when absent). */
  cost: number;
  /** Drugs (western + herbal + patent) + materials, yuan (NaN when the record has no cost detail). */
  drugMaterialCost: number;
  dischargeDisposition: string;
  drg: string | null;
  adrg: string | null;
  mdc: string | null;
  severity: Severity;
  /** The counted diagnoses at the case's complication level (MCCs of an MCC case…), '' for none. */
  complications: string;
  /** The DRG of the same ADRG the case would be in without those diagnoses (null: the same DRG, or none). */
  lowerDrg: string | null;
}

export interface SupervisionCases {
  size: number;
  listIds: string[];
  hospitals: string[];
  hospital: Int32Array;
  level: Uint8Array;
  patients: string[];
  /** Index into `patients`, −1 when none. */
  patient: Int32Array;
  /** Day numbers; `noDay` when unknown. */
  admission: Int32Array;
  discharge: Int32Array;
  year: Int32Array;
  lengthOfStay: Int32Array;
  cost: Float64Array;
  drugMaterial: Float64Array;
  /** 离院方式 as a number (1…9). */
  disposition: Uint8Array;
  /** Code tables the index arrays point into (−1: none). */
  drgs: string[];
  adrgs: string[];
  mdcs: string[];
  drg: Int32Array;
  adrg: Int32Array;
  mdc: Int32Array;
  /** Level.None / Cc / Mcc. */
  severity: Uint8Array;
  lowerDrg: Int32Array;
  complications: string[];
}

export const noDay = -2147483648;

/** Appends rows, growing the arrays and interning codes. */
export class SupervisionTableBuilder {
  private capacity: number;
  private readonly index = { hospital: new Map<string, number>(), patient: new Map<string, number>(), drg: new Map<string, number>(), adrg: new Map<string, number>(), mdc: new Map<string, number>() };
  private t: SupervisionCases;

  constructor(capacity = 4096) {
    this.capacity = capacity;
    this.t = {
      size: 0,
      listIds: [],
      hospitals: [],
      hospital: new Int32Array(capacity),
      level: new Uint8Array(capacity),
      patients: [],
      patient: new Int32Array(capacity),
      admission: new Int32Array(capacity),
      discharge: new Int32Array(capacity),
      year: new Int32Array(capacity),
      lengthOfStay: new Int32Array(capacity),
      cost: new Float64Array(capacity),
      drugMaterial: new Float64Array(capacity),
      disposition: new Uint8Array(capacity),
      drgs: [],
      adrgs: [],
      mdcs: [],
      drg: new Int32Array(capacity),
      adrg: new Int32Array(capacity),
      mdc: new Int32Array(capacity),
      severity: new Uint8Array(capacity),
      lowerDrg: new Int32Array(capacity),
      complications: [],
    };
  }

  get size(): number {
    return this.t.size;
  }

  add(row: CaseRow): number {
    if (this.t.size === this.capacity) this.grow();
    const t = this.t;
    const i = t.size++;
    t.listIds.push(row.listId);
    t.hospital[i] = intern(this.index.hospital, t.hospitals, row.hospitalId);
    t.level[i] = row.hospitalLevel;
    t.patient[i] = row.patientId === null ? -1 : intern(this.index.patient, t.patients, row.patientId);
    t.admission[i] = row.admissionDay ?? noDay;
    t.discharge[i] = row.dischargeDay ?? noDay;
    t.year[i] = row.year;
    t.lengthOfStay[i] = row.lengthOfStay;
    t.cost[i] = row.cost;
    t.drugMaterial[i] = row.drugMaterialCost;
    t.disposition[i] = Number(row.dischargeDisposition) || 0;
    t.drg[i] = row.drg === null ? -1 : intern(this.index.drg, t.drgs, row.drg);
    t.adrg[i] = row.adrg === null ? -1 : intern(this.index.adrg, t.adrgs, row.adrg);
    t.mdc[i] = row.mdc === null ? -1 : intern(this.index.mdc, t.mdcs, row.mdc);
    t.severity[i] = row.severity === 'mcc' ? Level.Mcc : row.severity === 'cc' ? Level.Cc : Level.None;
    t.lowerDrg[i] = row.lowerDrg === null ? -1 : intern(this.index.drg, t.drgs, row.lowerDrg);
    t.complications.push(row.complications);
    return i;
  }

  /**
   * Append the rows of a table built by another builder (a worker thread's block), in its order:
   * the same table as adding those rows one by one — codes are interned here in the order the
   * rows first use them, so the indexes are the ones sequential adds would give.
   */
  append(block: SupervisionCases): void {
    const n = block.size;
    while (this.t.size + n > this.capacity) this.grow();
    const t = this.t;
    const at = t.size;
    t.size += n;
    for (let i = 0; i < n; i++) t.listIds.push(block.listIds[i]!);
    for (let i = 0; i < n; i++) t.complications.push(block.complications[i]!);
    t.level.set(block.level, at);
    t.admission.set(block.admission, at);
    t.discharge.set(block.discharge, at);
    t.year.set(block.year, at);
    t.lengthOfStay.set(block.lengthOfStay, at);
    t.cost.set(block.cost, at);
    t.drugMaterial.set(block.drugMaterial, at);
    t.disposition.set(block.disposition, at);
    t.severity.set(block.severity, at);
    const hospital = remapper(this.index.hospital, t.hospitals, block.hospitals);
    const patient = remapper(this.index.patient, t.patients, block.patients);
    const drg = remapper(this.index.drg, t.drgs, block.drgs);
    const adrg = remapper(this.index.adrg, t.adrgs, block.adrgs);
    const mdc = remapper(this.index.mdc, t.mdcs, block.mdcs);
    for (let i = 0; i < n; i++) {
      const j = at + i;
      t.hospital[j] = hospital(block.hospital[i]!);
      t.patient[j] = patient(block.patient[i]!);
      // A row's DRG is interned before its lower DRG, as `add` does.
      t.drg[j] = drg(block.drg[i]!);
      t.adrg[j] = adrg(block.adrg[i]!);
      t.mdc[j] = mdc(block.mdc[i]!);
      t.lowerDrg[j] = drg(block.lowerDrg[i]!);
    }
  }

  /** The table, arrays cut to size. The builder must not be used afterwards. */
  finish(): SupervisionCases {
    const t = this.t;
    const n = t.size;
    return {
      ...t,
      hospital: t.hospital.slice(0, n),
      level: t.level.slice(0, n),
      patient: t.patient.slice(0, n),
      admission: t.admission.slice(0, n),
      discharge: t.discharge.slice(0, n),
      year: t.year.slice(0, n),
      lengthOfStay: t.lengthOfStay.slice(0, n),
      cost: t.cost.slice(0, n),
      drugMaterial: t.drugMaterial.slice(0, n),
      disposition: t.disposition.slice(0, n),
      drg: t.drg.slice(0, n),
      adrg: t.adrg.slice(0, n),
      mdc: t.mdc.slice(0, n),
      severity: t.severity.slice(0, n),
      lowerDrg: t.lowerDrg.slice(0, n),
    };
  }

  private grow(): void {
    const n = this.capacity * 2;
    const t = this.t;
    const g = <A extends Int32Array | Uint8Array | Float64Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(n);
      b.set(a);
      return b;
    };
    Object.assign(t, {
      hospital: g(t.hospital), level: g(t.level), patient: g(t.patient), admission: g(t.admission), discharge: g(t.discharge), year: g(t.year),
      lengthOfStay: g(t.lengthOfStay), cost: g(t.cost), drugMaterial: g(t.drugMaterial), disposition: g(t.disposition), drg: g(t.drg), adrg: g(t.adrg),
      mdc: g(t.mdc), severity: g(t.severity), lowerDrg: g(t.lowerDrg),
    });
    this.capacity = n;
  }
}

/** A block's code index → this table's (−1 stays −1), interning each code when first met. */
function remapper(map: Map<string, number>, list: string[], codes: readonly string[]): (local: number) => number {
  const global = new Int32Array(codes.length).fill(-1);
  return (local) => {
    if (local < 0) return -1;
    let g = global[local]!;
    if (g === -1) g = global[local] = intern(map, list, codes[local]!);
    return g;
  };
}

/** The typed arrays of a table, to transfer from a worker thread. */
export function tableTransfer(t: SupervisionCases): ArrayBuffer[] {
  return [t.hospital, t.level, t.patient, t.admission, t.discharge, t.year, t.lengthOfStay, t.cost, t.drugMaterial, t.disposition, t.drg, t.adrg, t.mdc, t.severity, t.lowerDrg].map((a) => a.buffer as ArrayBuffer);
}

/** Build a table from rows (tests, small inputs). */
export function casesFromRows(rows: Iterable<CaseRow>): SupervisionCases {
  const builder = new SupervisionTableBuilder();
  for (const row of rows) builder.add(row);
  return builder.finish();
}

const dayCache = new Map<string, number>();

/** Day number (days since 1970-01-01 UTC) of a valid YYYY-MM-DD date, cached (dates repeat). */
export function dayNumber(date: string): number {
  let d = dayCache.get(date);
  if (d === undefined) {
    d = Math.round(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000);
    if (dayCache.size < 100_000) dayCache.set(date, d);
  }
  return d;
}

/** ISO date of a day number. */
export function isoDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** DRG by complication level for each ADRG of a pack — the grouper's 4th-character rule (cached per pack). */
const drgForCache = new WeakMap<RulePack, Map<string, Record<Severity, string>>>();

export function drgsByLevel(pack: RulePack): Map<string, Record<Severity, string>> {
  let map = drgForCache.get(pack);
  if (map) return map;
  map = new Map();
  for (const adrg of pack.adrgs) {
    const bySuffix = new Map(adrg.drgs.map((d) => [d.code[3]!, d.code]));
    const pick = (...suffixes: string[]) => suffixes.map((s) => bySuffix.get(s)).find((c) => c !== undefined) ?? adrg.drgs[0]!.code;
    const nine = bySuffix.get('9');
    map.set(adrg.code, nine ? { mcc: nine, cc: nine, none: nine } : { mcc: pick('1', '3', '5'), cc: pick('3', '5'), none: pick('5', '3', '1') });
  }
  drgForCache.set(pack, map);
  return map;
}

const drugCategories = ['westernDrugs', 'herbalDrugs', 'patentDrugs', 'materials'] as const;

/**
 * A valid settlement record → its screening row: grouped (trace off), its complication level,
 * the diagnoses at that level and the DRG it would have without them. Under the national text
 * the DRG follows the level by its 4th character (`drgsByLevel`); a local scheme's DRG splits
 * (`HJ1A`/`HJ1B`, age, stay…) have no such rule, so the case is grouped again without those
 * diagnoses.
 */
export function caseRow(record: SettlementRecord, pack: RulePack, ambiguous: AmbiguousMode = 'qy'): CaseRow {
  const grouped = groupCase(pack, record, { ambiguous, trace: false });
  const index = indexRulePack(pack);
  // A local split reports no severity; the case's MCC/CC level is the scheme's all the same.
  const severity: Severity = grouped.severity ?? (grouped.status === 'grouped' ? caseSeverity(index, record, null) : 'none');
  let complications = '';
  let lowerDrg: string | null = null;
  if (grouped.status === 'grouped' && severity !== 'none' && grouped.adrg !== null) {
    let below: Severity = 'none';
    const single: GroupingInput = { sex: record.sex, ageYears: record.ageYears, principalDiagnosis: record.principalDiagnosis, secondaryDiagnoses: [], procedures: [] };
    const atLevel = new Set<string>();
    for (const dx of record.secondaryDiagnoses) {
      (single.secondaryDiagnoses as string[])[0] = dx;
      const level = caseSeverity(index, single, null);
      if (level === severity) {
        complications += complications === '' ? dx : `,${dx}`;
        atLevel.add(dx);
      } else if (level === 'cc' && below === 'none') below = 'cc';
    }
    let lower: string | null;
    if (grouped.severity !== undefined) lower = drgsByLevel(pack).get(grouped.adrg)?.[below] ?? null;
    else {
      const without = groupCase(pack, { ...record, secondaryDiagnoses: record.secondaryDiagnoses.filter((dx) => !atLevel.has(dx)) }, { ambiguous, trace: false });
      lower = without.status === 'grouped' && without.adrg === grouped.adrg ? without.drg : null;
    }
    lowerDrg = lower !== null && lower !== grouped.drg ? lower : null;
  }
  let drugMaterialCost = NaN;
  if (record.costs) {
    drugMaterialCost = 0;
    for (const c of drugCategories) drugMaterialCost += record.costs[c] ?? 0;
  }
  return {
    listId: record.listId,
    hospitalId: record.hospitalId ?? '',
    hospitalLevel: record.hospitalLevel ?? 0,
    patientId: record.patientId ?? null,
    admissionDay: record.admissionDate ? dayNumber(record.admissionDate) : null,
    dischargeDay: record.dischargeDate ? dayNumber(record.dischargeDate) : null,
    year: record.dischargeDate ? Number(record.dischargeDate.slice(0, 4)) : 0,
    lengthOfStay: record.lengthOfStay,
    cost: record.totalCost ?? NaN,
    drugMaterialCost,
    dischargeDisposition: record.dischargeDisposition,
    drg: grouped.drg,
    adrg: grouped.adrg,
    mdc: grouped.mdc,
    severity,
    complications,
    lowerDrg,
  };
}
