/**
 * The code-level rules of DIP (shared/docs/models.md §2): how a case's diagnosis and procedures
 * become the key of its packet, and the case features the auxiliary catalogue (辅助目录) splits on.
 *
 * - Diagnosis at 4 characters: the ICD-10 code up to and including the first digit after the
 *   dot — `K80.100x002` → `K80.1`; a code with no digit after the dot keeps its category
 *   (`K80` → `K80`). The 3-character category is the part before the dot (`K80`).
 * - Procedure classes come from `icd9cm3-procedure-class.dat` (`code class` lines):
 *   手术 surgery, 介入治疗 intervention, 治疗性操作 therapeutic, 诊断性操作 diagnostic.
 *   A code the file does not list is *unclassified*: it never counts (it cannot be told from a
 *   drip or an X-ray) and the trace says so.
 * - A case's codes under the DIP rules (`readDipCodes`, models.md §2): exclusion lists, rule
 *   packets, merges (并项), then principal diagnosis at 4 characters + principal procedure (the
 *   record's first classified procedure) + related procedures (the other surgery, intervention
 *   and therapeutic ones; the catalogue keeps those that add ≥ 10 % to resource use).
 * - Procedure class of a comprehensive packet (综合病种): the class of the **principal** procedure:
 *   surgery or intervention → `surgical`, therapeutic → `therapeutic`, diagnostic →
 *   `diagnostic`, none → `conservative` (medical treatment).
 */
import type { Severity } from '../drg/grouper.ts';

export type ProcedureKind = 'surgery' | 'intervention' | 'therapeutic' | 'diagnostic';
export type ProcedureClasses = ReadonlyMap<string, ProcedureKind>;

/** The procedure class of a comprehensive packet, from the most to the least invasive. */
export const comprehensiveClasses = ['surgical', 'therapeutic', 'diagnostic', 'conservative'] as const;
export type ComprehensiveClass = (typeof comprehensiveClasses)[number];

const kindByLabel: Readonly<Record<string, ProcedureKind>> = { 手术: 'surgery', 介入治疗: 'intervention', 治疗性操作: 'therapeutic', 诊断性操作: 'diagnostic' };

/** Parse `code class` lines (blank lines, lines without a code and unknown classes are skipped). */
export function parseProcedureClasses(text: string): Map<string, ProcedureKind> {
  const out = new Map<string, ProcedureKind>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line.length === 0) continue;
    const parts = line.split(/\s+/);
    if (parts.length < 2) continue;
    const kind = kindByLabel[parts[1]!];
    if (kind) out.set(parts[0]!, kind);
  }
  return out;
}

/** `K80.100x002` → `K80.1` (the category plus the first character after the dot). */
export function diagnosis4(code: string): string {
  const dot = code.indexOf('.');
  if (dot === -1) return code.slice(0, 3);
  return dot + 1 < code.length ? code.slice(0, dot + 2) : code.slice(0, dot);
}

/** `K80.100x002` → `K80`. */
export function category3(code: string): string {
  const dot = code.indexOf('.');
  return dot === -1 ? code.slice(0, 3) : code.slice(0, dot);
}

/** The packet rules a catalogue carries (policy fields, models.md §2): exclusions, merges and rule packets. */
export interface PacketRules {
  exclusions: { diagnoses: readonly string[]; procedures: readonly string[] };
  merge: { diagnoses: Readonly<Record<string, string>>; procedures: Readonly<Record<string, string>> };
  rulePackets: readonly { id: string; stage: 'pre-grouped' | 'diagnosis-assisted'; diagnoses: readonly string[]; procedures?: readonly string[] | undefined; secondaryDiagnoses?: readonly string[] | undefined }[];
}

/** Every secondary-diagnosis prefix the rule packets read (a case's other secondary diagnoses never change its packet). */
export function secondaryPrefixesOf(rules: Pick<PacketRules, 'rulePackets'>): string[] {
  return [...new Set(rules.rulePackets.flatMap((r) => r.secondaryDiagnoses ?? []))].sort();
}

/** The secondary diagnoses of a case that some rule packet reads, sorted and distinct. */
export function ruleSecondaries(secondaryDiagnoses: readonly string[], prefixes: readonly string[]): string[] {
  if (prefixes.length === 0 || secondaryDiagnoses.length === 0) return [];
  return [...new Set(secondaryDiagnoses.filter((d) => startsWithAny(d, prefixes)))].sort();
}

export const noPacketRules: PacketRules = { exclusions: { diagnoses: [], procedures: [] }, merge: { diagnoses: {}, procedures: {} }, rulePackets: [] };

/** What a case's codes amount to under the DIP rules (see `readDipCodes`). */
export interface DipCodes {
  /** The principal diagnosis is on the exclusion list: the case is set aside (ungrouped). */
  excluded: boolean;
  /** The rule packet (pre-grouped, then diagnosis-assisted) the case falls in, or null. */
  rulePacket: string | null;
  /** Principal diagnosis at 4 characters after merging (并项), and its 3-character category. */
  diagnosis: string;
  category: string;
  /** 主要手术操作: the first classified, not excluded procedure of the record (after merging equivalents); null: none. */
  principal: string | null;
  /** Other distinct surgery, intervention and therapeutic procedures (sorted, merged, without the principal). */
  related: string[];
  /** Class of the principal procedure for the comprehensive packet. */
  procedureClass: ComprehensiveClass;
  /** Codes the class file does not list (never counted). */
  unclassified: string[];
}

const classOfKind: Record<ProcedureKind, ComprehensiveClass> = { surgery: 'surgical', intervention: 'surgical', therapeutic: 'therapeutic', diagnostic: 'diagnostic' };

function startsWithAny(code: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (code.startsWith(p)) return true;
  return false;
}

/** Packet rules compiled once per rules object: rule packets by stage, excluded procedures as a set. */
interface CompiledRules {
  /** The arrays compiled (a rules object whose lists were replaced is compiled again). */
  rulePackets: PacketRules['rulePackets'];
  excludedList: readonly string[];
  merge: PacketRules['merge'];
  /** The merges (并项) as maps; null when there are none. */
  mergeDiagnoses: ReadonlyMap<string, string> | null;
  mergeProcedures: ReadonlyMap<string, string> | null;
  excludedProcedures: ReadonlySet<string> | null;
  stages: readonly (readonly PacketRules['rulePackets'][number][])[];
}

const compiledRules = new WeakMap<PacketRules, CompiledRules>();

function compileRules(rules: PacketRules): CompiledRules {
  let c = compiledRules.get(rules);
  if (!c || c.rulePackets !== rules.rulePackets || c.excludedList !== rules.exclusions.procedures || c.merge !== rules.merge) {
    const stages = (['pre-grouped', 'diagnosis-assisted'] as const).map((stage) => rules.rulePackets.filter((r) => r.stage === stage)).filter((list) => list.length > 0);
    const asMap = (record: Readonly<Record<string, string>>) => {
      const entries = Object.entries(record);
      return entries.length > 0 ? new Map(entries) : null;
    };
    c = { rulePackets: rules.rulePackets, excludedList: rules.exclusions.procedures, merge: rules.merge, mergeDiagnoses: asMap(rules.merge.diagnoses), mergeProcedures: asMap(rules.merge.procedures), excludedProcedures: rules.exclusions.procedures.length > 0 ? new Set(rules.exclusions.procedures) : null, stages };
    compiledRules.set(rules, c);
  }
  return c;
}

function includesAny(codes: readonly string[], wanted: readonly string[]): boolean {
  for (const w of wanted) if (codes.includes(w)) return true;
  return false;
}

function anyStartsWithAny(codes: readonly string[], prefixes: readonly string[]): boolean {
  for (const d of codes) if (startsWithAny(d, prefixes)) return true;
  return false;
}

/**
 * Read a case's codes (models.md §2, in the specification's order): exclusion list → pre-grouped
 * packets → merges (并项) → diagnosis-assisted packets → the basic rule's principal diagnosis at
 * 4 characters, principal procedure and related procedures. A rule packet matches on the principal
 * diagnosis (prefix), and when it lists them, on one of its procedures and on one of its
 * secondary-diagnosis prefixes (diagnosis-assisted packets: principal + related diagnosis).
 * Runs once per case in the grouper: the rules are compiled once per rules object (`compileRules`).
 */
export function readDipCodes(principalDiagnosis: string, procedures: readonly string[], classes: ProcedureClasses, rules: PacketRules, secondaryDiagnoses: readonly string[] = []): DipCodes {
  const compiled = compileRules(rules);
  const excluded = rules.exclusions.diagnoses.length > 0 && startsWithAny(principalDiagnosis, rules.exclusions.diagnoses);
  const skip = compiled.excludedProcedures;
  const kept = skip === null ? procedures : procedures.filter((c) => !skip.has(c));
  let rulePacket: string | null = null;
  if (!excluded) {
    stages: for (const stage of compiled.stages) {
      for (const r of stage) {
        if (startsWithAny(principalDiagnosis, r.diagnoses) && (!r.procedures || includesAny(kept, r.procedures)) && (!r.secondaryDiagnoses || anyStartsWithAny(secondaryDiagnoses, r.secondaryDiagnoses))) {
          rulePacket = r.id;
          break stages;
        }
      }
    }
  }
  const dx4 = diagnosis4(principalDiagnosis);
  const cat3 = category3(principalDiagnosis);
  const mergeDx = compiled.mergeDiagnoses;
  const mergeProcedures = compiled.mergeProcedures;
  const diagnosis = mergeDx === null ? dx4 : (mergeDx.get(dx4) ?? mergeDx.get(cat3) ?? dx4);
  let unclassified: string[] | null = null;
  let principal: string | null = null;
  let principalKind: ProcedureKind | null = null;
  let related: string[] | null = null;
  for (const raw of kept) {
    const kind = classes.get(raw);
    if (kind === undefined) {
      (unclassified ??= []).push(raw);
      continue;
    }
    const code = mergeProcedures === null ? raw : (mergeProcedures.get(raw) ?? raw);
    if (principal === null) {
      principal = code;
      principalKind = kind;
    } else if (kind !== 'diagnostic' && code !== principal) {
      if (related === null) related = [code];
      else if (!related.includes(code)) related.push(code);
    }
  }
  // Distinct strings sort to one order whatever their insertion order.
  if (related !== null && related.length > 1) related.sort();
  return { excluded, rulePacket, diagnosis, category: category3(diagnosis), principal, related: related ?? [], procedureClass: principalKind ? classOfKind[principalKind] : 'conservative', unclassified: unclassified ?? [] };
}

/**
 * The most invasive class among all of a case's procedures (surgery or intervention anywhere →
 * `surgical`, …). Not the DIP packet rule (that takes the principal procedure's class, see
 * `readDipCodes`): the DRG split design (`split-design.ts`) uses it as a case feature.
 */
export function readProcedures(procedures: readonly string[], classes: ProcedureClasses): { comprehensiveClass: ComprehensiveClass } {
  let best: ComprehensiveClass = 'conservative';
  for (const code of procedures) {
    const kind = classes.get(code);
    if (kind === undefined) continue;
    const cls = classOfKind[kind];
    if (comprehensiveClasses.indexOf(cls) < comprehensiveClasses.indexOf(best)) best = cls;
  }
  return { comprehensiveClass: best };
}

/** Basic-rule packet base: `K80.1/51.2300` (diagnosis / principal procedure), `K80.1/-` with none. */
export function baseKey(diagnosis: string, principal: string | null): string {
  return `${diagnosis}/${principal ?? '-'}`;
}

/** Core packet key: the base, then `+` and the related procedures that count: `K80.1/51.2300+51.2200`. */
export function coreKey(base: string, related: readonly string[]): string {
  return related.length > 0 ? `${base}+${related.join('+')}` : base;
}

/** Comprehensive packet key: `K80/surgical`; `*` stands for every category (the catch-all packets). */
export function comprehensiveKey(cat3: string, cls: ComprehensiveClass): string {
  return `${cat3}/${cls}`;
}

/** Age bands of the auxiliary catalogue: 0–28 d, 29 d–1 y, 1–6, 7–17, 18–64, ≥ 65 years. */
export const ageBands = ['0–28 d', '29 d–1 y', '1–6 y', '7–17 y', '18–64 y', '≥ 65 y'] as const;
export type AgeBand = (typeof ageBands)[number];

/** Age band index: 0 when ageYears = 0 and ageDays ≤ 28, 1 for the rest of the first year, then by years. */
export function ageBandIndex(ageYears: number, ageDays: number | undefined): number {
  if (ageYears <= 0) return ageDays !== undefined && ageDays <= 28 ? 0 : 1;
  if (ageYears <= 6) return 2;
  if (ageYears <= 17) return 3;
  if (ageYears <= 64) return 4;
  return 5;
}

/**
 * Days in intensive care (监护病房住院天数) from the settlement list's ICU hours: every begun day
 * counts (25 h → 2 days), 0 when none or not recorded. Capped at 65 535.
 */
export function icuDays(hours: number | undefined): number {
  return hours !== undefined && hours > 0 ? Math.min(65_535, Math.ceil(hours / 24 - 1e-9)) : 0;
}

/** ICU-day bands of the auxiliary typing: 2–7, 8–14, 15–30, ≥ 31 days (−1: fewer than 2 days). */
export const icuBands = ['2–7 d', '8–14 d', '15–30 d', '≥ 31 d'] as const;

export function icuBandIndex(days: number): number {
  return days < 2 ? -1 : days <= 7 ? 0 : days <= 14 ? 1 : days <= 30 ? 2 : 3;
}

/** Discharge outcome of the auxiliary catalogue: death (离院方式 5), transfer (2, 3), other (1, 4, 9). */
export const outcomes = ['other', 'death', 'transfer'] as const;
export type Outcome = (typeof outcomes)[number];

export function outcomeIndex(disposition: string): number {
  return disposition === '5' ? 1 : disposition === '2' || disposition === '3' ? 2 : 0;
}

/** Severity levels (CCI proxy: the MCC/CC level of the DRG pack's lists, with exclusions). */
export const severities = ['none', 'cc', 'mcc'] as const;

export function severityIndex(s: Severity): number {
  return s === 'mcc' ? 2 : s === 'cc' ? 1 : 0;
}

/**
 * Case facts the auxiliary typing (辅助分型, models.md §2) reads, as bits. The diagnosis lists are
 * our reading of the specification's words (it names the conditions, not the codes):
 * - failure / shock / sepsis: R57 shock, A40–A41 sepsis, R65.1, J96 respiratory failure,
 *   N17–N19 renal failure, I50 heart failure, K72 hepatic failure, I46 cardiac arrest, D65 DIC;
 * - vital-organ lesion / infection: I21–I22 myocardial infarction, I60–I64 stroke, J12–J18
 *   pneumonia, K65 peritonitis, G00–G04 meningitis / encephalitis, I33 endocarditis, K75.0 liver abscess;
 * - metastasis: a secondary malignant neoplasm C77–C79 of another category than the principal;
 * - malignant principal diagnosis: C00–C97.
 */
export const TypeFlag = { Death: 1, Metastasis: 2, Failure: 4, VitalOrgan: 8, LongStay: 16, DrugHeavy: 32, TreatmentHeavy: 64, Malignant: 128 } as const;

const failurePrefixes = ['R57', 'A40', 'A41', 'R65.1', 'J96', 'N17', 'N18', 'N19', 'I50', 'K72', 'I46', 'D65'];
const vitalOrganPrefixes = ['I21', 'I22', 'I60', 'I61', 'I62', 'I63', 'I64', 'J12', 'J13', 'J14', 'J15', 'J16', 'J17', 'J18', 'K65', 'G00', 'G01', 'G02', 'G03', 'G04', 'I33', 'K75.0'];

/** Whether an ICD-10 code is a malignant neoplasm (C00–C97). */
export function isMalignant(code: string): boolean {
  return code.charCodeAt(0) === 67 /* C */ && isDigit(code.charCodeAt(1)) && isDigit(code.charCodeAt(2));
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The failure and vital-organ bits of a secondary diagnosis, by its first 3 characters: the bits of
 * the 3-character prefixes, and the longer prefixes (`R65.1`, `K75.0`) to check in full.
 */
const flagsByCategory = (() => {
  const m = new Map<string, { flags: number; longer: { prefix: string; flag: number }[] }>();
  const add = (prefixes: readonly string[], flag: number) => {
    for (const prefix of prefixes) {
      const key = prefix.slice(0, 3);
      let e = m.get(key);
      if (!e) m.set(key, (e = { flags: 0, longer: [] }));
      if (prefix.length === 3) e.flags |= flag;
      else e.longer.push({ prefix, flag });
    }
  };
  add(failurePrefixes, TypeFlag.Failure);
  add(vitalOrganPrefixes, TypeFlag.VitalOrgan);
  return m;
})();

/** `C77`–`C79`: a secondary malignant neoplasm. */
function isSecondaryMalignant(code: string): boolean {
  const c = code.charCodeAt(2);
  return code.charCodeAt(0) === 67 /* C */ && code.charCodeAt(1) === 55 /* 7 */ && c >= 55 /* 7 */ && c <= 57 /* 9 */;
}

export interface TypingFacts {
  principalDiagnosis: string;
  secondaryDiagnoses: readonly string[];
  dischargeDisposition: string;
  lengthOfStay?: number | undefined;
  totalCost?: number | undefined;
  /** 费用明细: drugs (west + herbal + patent) and treatment (treatment + surgery) shares are read from it. */
  costs?: Partial<Record<string, number>> | undefined;
}

/** The typing bits of a case (see `TypeFlag`). */
export function typingFlags(r: TypingFacts): number {
  let f = 0;
  if (r.dischargeDisposition === '5') f |= TypeFlag.Death;
  for (const d of r.secondaryDiagnoses) {
    if (isSecondaryMalignant(d) && category3(d) !== category3(r.principalDiagnosis)) f |= TypeFlag.Metastasis;
    const e = flagsByCategory.get(d.slice(0, 3));
    if (e === undefined) continue;
    f |= e.flags;
    for (const l of e.longer) if (d.startsWith(l.prefix)) f |= l.flag;
  }
  if ((r.lengthOfStay ?? 0) > 3) f |= TypeFlag.LongStay;
  const total = r.totalCost;
  if (r.costs && total !== undefined && total > 0) {
    const c = r.costs;
    if ((c.westernDrugs ?? 0) + (c.herbalDrugs ?? 0) + (c.patentDrugs ?? 0) >= 0.5 * total) f |= TypeFlag.DrugHeavy;
    if ((c.treatment ?? 0) + (c.surgery ?? 0) >= 0.5 * total) f |= TypeFlag.TreatmentHeavy;
  }
  if (isMalignant(r.principalDiagnosis)) f |= TypeFlag.Malignant;
  return f;
}

/** The auxiliary types of the specification: tumour and non-tumour severity, age, ICU days (监护病房住院天数). */
export const auxiliaryTypes = [
  { id: 'tumour-death', dimension: 'tumour', rule: 'malignant tumour, died' },
  { id: 'tumour-treatment', dimension: 'tumour', rule: 'malignant tumour, cost ≥ 3× the packet standard with treatment ≥ 50 % of cost' },
  { id: 'tumour-drug', dimension: 'tumour', rule: 'malignant tumour, cost ≥ 3× the packet standard with drugs ≥ 50 % of cost' },
  { id: 'tumour-metastasis', dimension: 'tumour', rule: 'malignant tumour with metastasis of another category, stay > 3 days' },
  { id: 'tumour-failure', dimension: 'tumour', rule: 'malignant tumour with failure / shock / sepsis, stay > 3 days' },
  { id: 'tumour-vital-organ', dimension: 'tumour', rule: 'malignant tumour with a vital-organ lesion or infection, stay > 3 days' },
  { id: 'tumour-other', dimension: 'tumour', rule: 'malignant tumour, none of the above' },
  { id: 'death', dimension: 'severity', rule: 'died' },
  { id: 'severe', dimension: 'severity', rule: 'failure / shock / sepsis, stay > 3 days' },
  { id: 'moderate', dimension: 'severity', rule: 'vital-organ lesion or infection, stay > 3 days' },
  { id: 'mild', dimension: 'severity', rule: 'none of death, severe, moderate' },
  { id: 'age-0-28d', dimension: 'age', rule: 'age 0–28 days' },
  { id: 'age-29d-1y', dimension: 'age', rule: 'age 29 days – 1 year' },
  { id: 'age-1-6', dimension: 'age', rule: 'age 1–6 years' },
  { id: 'age-7-17', dimension: 'age', rule: 'age 7–17 years' },
  { id: 'age-65', dimension: 'age', rule: 'age ≥ 65 years' },
  { id: 'icu-2-7', dimension: 'icu', rule: '2–7 days in intensive care' },
  { id: 'icu-8-14', dimension: 'icu', rule: '8–14 days in intensive care' },
  { id: 'icu-15-30', dimension: 'icu', rule: '15–30 days in intensive care' },
  { id: 'icu-31', dimension: 'icu', rule: '31 days or more in intensive care' },
] as const;
export type AuxiliaryTypeId = (typeof auxiliaryTypes)[number]['id'];
const typeIndex = new Map<string, number>(auxiliaryTypes.map((t, i) => [t.id, i]));
const icuTypeOfBand = [typeIndex.get('icu-2-7')!, typeIndex.get('icu-8-14')!, typeIndex.get('icu-15-30')!, typeIndex.get('icu-31')!];
const ageTypeOfBand = [typeIndex.get('age-0-28d')!, typeIndex.get('age-29d-1y')!, typeIndex.get('age-1-6')!, typeIndex.get('age-7-17')!, -1, typeIndex.get('age-65')!];

/**
 * The types a case meets (indices into `auxiliaryTypes`, as a bit mask): every severity or tumour
 * type that applies (the "other" / "mild" type when none does), its age type and its ICU-day type
 * (`icuBandIndex` of its ICU days; −1: none). The payment takes the met type with the highest
 * coefficient. `costRatio` is the case's cost ÷ the packet's standard (mean cost).
 */
export function caseTypeMask(flags: number, ageBand: number, costRatio: number, icuBand = -1): number {
  const long = (flags & TypeFlag.LongStay) !== 0;
  let mask = 0;
  if (flags & TypeFlag.Malignant) {
    if (flags & TypeFlag.Death) mask |= typeBit.tumourDeath;
    if (costRatio >= 3 && flags & TypeFlag.TreatmentHeavy) mask |= typeBit.tumourTreatment;
    if (costRatio >= 3 && flags & TypeFlag.DrugHeavy) mask |= typeBit.tumourDrug;
    if (long && flags & TypeFlag.Metastasis) mask |= typeBit.tumourMetastasis;
    if (long && flags & TypeFlag.Failure) mask |= typeBit.tumourFailure;
    if (long && flags & TypeFlag.VitalOrgan) mask |= typeBit.tumourVitalOrgan;
    if (mask === 0) mask = typeBit.tumourOther;
  } else {
    if (flags & TypeFlag.Death) mask |= typeBit.death;
    if (long && flags & TypeFlag.Failure) mask |= typeBit.severe;
    if (long && flags & TypeFlag.VitalOrgan) mask |= typeBit.moderate;
    if (mask === 0) mask = typeBit.mild;
  }
  const age = ageTypeOfBand[ageBand] ?? -1;
  if (age >= 0) mask |= 1 << age;
  if (icuBand >= 0) mask |= 1 << icuTypeOfBand[icuBand]!;
  return mask;
}

/** The bit of each severity and tumour type in a `caseTypeMask`. */
const typeBit = (() => {
  const bit = (id: AuxiliaryTypeId) => 1 << typeIndex.get(id)!;
  return {
    tumourDeath: bit('tumour-death'),
    tumourTreatment: bit('tumour-treatment'),
    tumourDrug: bit('tumour-drug'),
    tumourMetastasis: bit('tumour-metastasis'),
    tumourFailure: bit('tumour-failure'),
    tumourVitalOrgan: bit('tumour-vital-organ'),
    tumourOther: bit('tumour-other'),
    death: bit('death'),
    severe: bit('severe'),
    moderate: bit('moderate'),
    mild: bit('mild'),
  };
})();
