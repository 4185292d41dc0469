/**
 * The conditions local schemes add to the rule pack (stay, disposition, ICU hours, department,
 * amount, sex, secondary diagnoses/procedures, MCC/CC as `has_mcc`/`has_cc` define them, and
 * negations), indexed once for the grouper: code lists as sets, fields and operators as small
 * integers, so evaluating one is a switch and a lookup.
 */
import type { ComparedField, CompareOp, Condition } from './pack.ts';

/** A secondary diagnosis's MCC and/or CC exclusion table (null: excluded by no principal). */
export interface SeverityLevel {
  mcc?: string | null;
  cc?: string | null;
}

/** Secondary diagnosis → exclusion table, and principal → the tables that exclude it. */
export interface SeverityTables {
  mcc: Map<string, string | null>;
  cc: Map<string, string | null>;
  /** Both at once: one lookup per secondary diagnosis (a `Map`, or the grouper's table read on demand). */
  levels: { get(code: string): SeverityLevel | undefined };
  /** Principal diagnosis → the exclusion tables holding it (undefined: none). */
  excludingTables: { get(code: string): ReadonlySet<string> | undefined };
}

/** The fields of a settlement record the grouper reads (the local-scheme fields only when a local scheme splits on them). */
export interface GroupingInput {
  sex: 'M' | 'F';
  ageYears: number;
  ageDays?: number | undefined;
  birthWeightGrams?: number | undefined;
  principalDiagnosis: string;
  secondaryDiagnoses: readonly string[];
  procedures: readonly string[];
  lengthOfStay?: number | undefined;
  dischargeDisposition?: string | undefined;
  department?: string | undefined;
  icuHours?: number | undefined;
  totalCost?: number | undefined;
}

export const enum Op {
  Lt,
  Le,
  Gt,
  Ge,
  Eq,
  Ne,
}
const opCode: Record<CompareOp, Op> = { '<': Op.Lt, '<=': Op.Le, '>': Op.Gt, '>=': Op.Ge, '==': Op.Eq, '!=': Op.Ne };

export type LocalCondition =
  | { kind: 'principalDiagnosis' | 'principalProcedure' | 'anyProcedure' | 'anyDiagnosis' | 'secondaryDiagnosis' | 'secondaryProcedure'; set: Set<string>; negated: boolean }
  | { kind: 'hasProcedure' | 'mcc' | 'cc'; negated: boolean }
  | { kind: 'sex'; sex: 'M' | 'F' }
  | { kind: 'compare'; field: ComparedField; op: Op; value: number; text: string }
  | { kind: 'present'; field: ComparedField; negated: boolean }
  | { kind: 'disposition' | 'department'; set: Set<string>; negated: boolean };

export function indexCondition(c: Condition, setOf: (list: number) => Set<string>): LocalCondition {
  switch (c.kind) {
    case 'principalDiagnosis':
    case 'principalProcedure':
    case 'anyProcedure':
    case 'anyDiagnosis':
    case 'secondaryDiagnosis':
    case 'secondaryProcedure':
      return { kind: c.kind, set: setOf(c.list), negated: c.negated === true };
    case 'hasProcedure':
    case 'mcc':
    case 'cc':
      return { kind: c.kind, negated: c.negated === true };
    case 'sex':
      return { kind: 'sex', sex: c.sex };
    case 'compare':
      return { kind: 'compare', field: c.field, op: opCode[c.op], value: c.value, text: `${c.op} ${c.value}` };
    case 'present':
      return { kind: 'present', field: c.field, negated: c.negated === true };
    case 'disposition':
    case 'department':
      return { kind: c.kind, set: new Set(c.codes), negated: c.negated === true };
    default:
      throw new Error(`the condition ${c.kind} is not a local-scheme condition`);
  }
}

/** A number of the case; undefined when it is not recorded (ICU hours not recorded count as 0). */
export function fieldValue(field: ComparedField, r: GroupingInput): number | undefined {
  switch (field) {
    case 'ageYears':
      return r.ageYears;
    case 'ageDays':
      return r.ageDays;
    case 'birthWeight':
      return r.birthWeightGrams;
    case 'stay':
      return r.lengthOfStay;
    case 'icuHours':
      return r.icuHours ?? 0;
    case 'amount':
      return r.totalCost;
    case 'diagnosisCount':
      return 1 + r.secondaryDiagnoses.length;
    case 'procedureCount':
      return r.procedures.length;
  }
}

export function compare(v: number, op: Op, value: number): boolean {
  switch (op) {
    case Op.Lt:
      return v < value;
    case Op.Le:
      return v <= value;
    case Op.Gt:
      return v > value;
    case Op.Ge:
      return v >= value;
    case Op.Eq:
      return v === value;
    case Op.Ne:
      return v !== value;
  }
}

export function anyIn(set: Set<string>, codes: readonly string[], from: number): boolean {
  for (let i = from; i < codes.length; i++) if (set.has(codes[i]!)) return true;
  return false;
}

/** `has_mcc` / `has_cc`: some secondary diagnosis is in the table and its exclusion table is not the principal's. */
export function hasSeverity(table: Map<string, string | null>, r: GroupingInput, severity: SeverityTables): string | null {
  const excluding = severity.excludingTables.get(r.principalDiagnosis);
  for (const dx of r.secondaryDiagnoses) {
    const t = table.get(dx);
    if (t === undefined) continue;
    if (t === null || excluding === undefined || !excluding.has(t)) return dx;
  }
  return null;
}

/**
 * The case's has_mcc / has_cc, computed at most once per case: a scheme's splits ask them again
 * and again (x1: MCC, x3: MCC or CC, …). `groupCase` clears this at the start of every case.
 */
const memo: { mcc: boolean | undefined; cc: boolean | undefined; excluding: ReadonlySet<string> | undefined; procedure: ListedAnswers | null } = {
  mcc: undefined,
  cc: undefined,
  excluding: undefined,
  procedure: null,
};

/**
 * Answers to "is this code in that list", kept with a principal procedure's facts for the two
 * lists asked most (a scheme asks the same ones again and again: each medical ADRG of an OpenDRG
 * scheme tests "no valid surgical principal procedure" against one list).
 */
export interface ListedAnswers {
  listA: Set<string> | null;
  inA: boolean;
  listB: Set<string> | null;
  inB: boolean;
}

/**
 * Start a case: its has_mcc / has_cc not yet known; `excluding` is its principal diagnosis's
 * exclusion tables, already looked up.
 */
export function clearSeverityMemo(excluding: ReadonlySet<string> | undefined): void {
  memo.mcc = undefined;
  memo.cc = undefined;
  memo.excluding = excluding;
  memo.procedure = null;
}

/** The answers kept for the case's principal procedure (null: none, or the case has no procedure); set again when a retry changes it. */
export function useProcedureAnswers(answers: ListedAnswers | null): void {
  memo.procedure = answers;
}

/** Whether the case's principal procedure is in the list, from the answers kept for that code when there are. */
export function principalProcedureListed(set: Set<string>, r: GroupingInput): boolean {
  const answers = memo.procedure;
  if (answers === null) return r.procedures.length > 0 && set.has(r.procedures[0]!);
  if (answers.listA === set) return answers.inA;
  if (answers.listB === set) return answers.inB;
  const listed = r.procedures.length > 0 && set.has(r.procedures[0]!);
  if (answers.listA === null) {
    answers.listA = set;
    answers.inA = listed;
  } else if (answers.listB === null) {
    answers.listB = set;
    answers.inB = listed;
  }
  return listed;
}

/**
 * has_mcc, in one pass over the secondary diagnoses that stops at the first counted MCC (as
 * the national severity does); has_cc is recorded on the way, and is left unknown only when an
 * MCC stopped the pass before a CC was seen.
 */
function computeMcc(r: GroupingInput, severity: SeverityTables): void {
  const excluding = memo.excluding;
  let cc = false;
  const secondary = r.secondaryDiagnoses;
  for (let i = 0; i < secondary.length; i++) {
    const level = severity.levels.get(secondary[i]!);
    if (level === undefined) continue;
    const m = level.mcc;
    if (m !== undefined && (m === null || excluding === undefined || !excluding.has(m))) {
      memo.mcc = true;
      if (cc) memo.cc = true;
      return;
    }
    const c = level.cc;
    if (!cc && c !== undefined && (c === null || excluding === undefined || !excluding.has(c))) cc = true;
  }
  memo.mcc = false;
  memo.cc = cc;
}

/** has_cc alone, when has_mcc's pass stopped before it was known. */
function computeCc(r: GroupingInput, severity: SeverityTables): void {
  const excluding = memo.excluding;
  const secondary = r.secondaryDiagnoses;
  for (let i = 0; i < secondary.length; i++) {
    const c = severity.levels.get(secondary[i]!)?.cc;
    if (c !== undefined && (c === null || excluding === undefined || !excluding.has(c))) {
      memo.cc = true;
      return;
    }
  }
  memo.cc = false;
}

/** The case's has_mcc (memoised per case). */
export function countedMcc(r: GroupingInput, severity: SeverityTables): boolean {
  if (memo.mcc === undefined) computeMcc(r, severity);
  return memo.mcc!;
}

/** The case's has_cc (memoised per case). */
export function countedCc(r: GroupingInput, severity: SeverityTables): boolean {
  if (memo.mcc === undefined) computeMcc(r, severity);
  if (memo.cc === undefined) computeCc(r, severity);
  return memo.cc!;
}

const fieldWords: Record<ComparedField, string> = {
  ageYears: 'age in years',
  ageDays: 'age in days',
  birthWeight: 'birth weight (g)',
  stay: 'length of stay (days)',
  icuHours: 'ICU hours',
  amount: 'total cost (yuan)',
  diagnosisCount: 'number of diagnoses',
  procedureCount: 'number of procedures',
};

/** The condition in words, with the case's value, for the trace. */
export function localText(c: LocalCondition, r: GroupingInput, severity: SeverityTables): string {
  const not = 'negated' in c && c.negated ? 'not ' : '';
  switch (c.kind) {
    case 'principalDiagnosis':
      return `principal diagnosis ${r.principalDiagnosis} is ${not}listed`;
    case 'principalProcedure':
      return `principal procedure ${r.procedures[0] ?? '(none)'} is ${not}listed`;
    case 'anyProcedure':
    case 'secondaryProcedure':
    case 'anyDiagnosis':
    case 'secondaryDiagnosis': {
      const codes = c.kind.endsWith('Procedure') ? r.procedures.slice(c.kind === 'secondaryProcedure' ? 1 : 0) : c.kind === 'anyDiagnosis' ? [r.principalDiagnosis, ...r.secondaryDiagnoses] : r.secondaryDiagnoses;
      const hit = codes.find((x) => c.set.has(x));
      const what = c.kind === 'secondaryProcedure' ? 'a procedure other than the principal' : c.kind === 'secondaryDiagnosis' ? 'a secondary diagnosis' : c.kind === 'anyDiagnosis' ? 'a diagnosis' : 'a procedure';
      return not ? `no ${what.replace(/^an? /, '')} is listed` : `${what} (${hit}) is listed`;
    }
    case 'hasProcedure':
      return not ? 'the case has no procedure' : 'the case has a procedure';
    case 'mcc':
    case 'cc': {
      const dx = hasSeverity(c.kind === 'mcc' ? severity.mcc : severity.cc, r, severity);
      const label = c.kind.toUpperCase();
      return dx !== null ? `secondary diagnosis ${dx} is an ${label} not excluded by the principal diagnosis` : `no secondary diagnosis is a counted ${label}`;
    }
    case 'sex':
      return `the patient is ${c.sex === 'M' ? 'male' : 'female'}`;
    case 'compare':
      return `${fieldWords[c.field]} ${fieldValue(c.field, r) ?? '(not recorded)'} ${c.text}`;
    case 'present':
      return `${fieldWords[c.field]} is ${not}recorded`;
    case 'disposition':
      return `discharge disposition ${r.dischargeDisposition ?? '(none)'} is ${not}in ${[...c.set].join('/')}`;
    case 'department':
      return `department ${r.department ?? '(none)'} is ${not}in ${[...c.set].join('/')}`;
  }
}
