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
 * - Counted procedures of a core packet: the sorted set (duplicates removed) of the case's
 *   surgery, intervention and therapeutic procedures; when it has none, its diagnostic ones;
 *   when it has none either, the empty set (a conservatively treated case, 保守治疗).
 * - Procedure class of a comprehensive packet (综合病种): `surgical` when the case has a surgery or
 *   intervention procedure (介入 is paid as an operation), else `therapeutic`, else `diagnostic`,
 *   else `conservative` (medical treatment only).
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

/** What the procedure list of a case amounts to under the DIP rules. */
export interface ProcedureReading {
  /** Sorted distinct counted procedures (see the module comment). */
  counted: string[];
  /** Whether `counted` are diagnostic procedures standing in for no treatment procedure. */
  diagnosticOnly: boolean;
  comprehensiveClass: ComprehensiveClass;
  /** Codes the class file does not list (never counted). */
  unclassified: string[];
}

/** Read a case's procedures (see the module comment for the rules). */
export function readProcedures(procedures: readonly string[], classes: ProcedureClasses): ProcedureReading {
  const treatment: string[] = [];
  const diagnostic: string[] = [];
  const unclassified: string[] = [];
  let surgical = false;
  for (const code of procedures) {
    const kind = classes.get(code);
    if (kind === undefined) unclassified.push(code);
    else if (kind === 'diagnostic') diagnostic.push(code);
    else {
      treatment.push(code);
      if (kind !== 'therapeutic') surgical = true;
    }
  }
  const diagnosticOnly = treatment.length === 0 && diagnostic.length > 0;
  const counted = sortedDistinct(treatment.length > 0 ? treatment : diagnostic);
  const comprehensiveClass: ComprehensiveClass = surgical ? 'surgical' : treatment.length > 0 ? 'therapeutic' : diagnostic.length > 0 ? 'diagnostic' : 'conservative';
  return { counted, diagnosticOnly, comprehensiveClass, unclassified };
}

function sortedDistinct(codes: string[]): string[] {
  if (codes.length < 2) return codes;
  return [...new Set(codes)].sort();
}

/** Core packet key: `K80.1/51.2200+51.2300`, or `K80.1/-` with no counted procedure. */
export function coreKey(dx4: string, counted: readonly string[]): string {
  return `${dx4}/${counted.length > 0 ? counted.join('+') : '-'}`;
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
