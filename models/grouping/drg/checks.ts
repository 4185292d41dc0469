/**
 * Conditions as the grouper evaluates them: every condition of a rule pack, national or local,
 * compiled into one object shape (`Check`), its kind, field and operator small integers, so
 * that testing a conjunction is a loop over same-shaped objects and one switch — no per-kind
 * object shapes for V8 to tell apart on the hot path. The trace describes the conditions as the
 * scheme states them (`IndexedCondition`); these are only evaluated.
 */
import type { ComparedField } from './pack.ts';
import { anyIn, compare, countedCc, countedMcc, fieldValue, principalProcedureListed, type GroupingInput, type LocalCondition, type SeverityTables } from './local-conditions.ts';

/** A condition with its code lists as sets (what the trace describes). */
export type IndexedCondition =
  | { kind: 'principalDiagnosis' | 'principalProcedure' | 'anyProcedure' | 'anyDiagnosis'; set: Set<string> }
  | { kind: 'operatingRoomProcedure' | 'noOperatingRoomProcedure' }
  | { kind: 'ageDays' | 'birthWeight'; min: number; max: number }
  | { kind: 'local'; local: LocalCondition };

const enum Kind {
  PrincipalDiagnosis,
  PrincipalProcedure,
  AnyProcedure,
  SecondaryProcedure,
  AnyDiagnosis,
  SecondaryDiagnosis,
  HasProcedure,
  Mcc,
  Cc,
  Sex,
  Compare,
  Present,
  Disposition,
  Department,
  OperatingRoom,
  NoOperatingRoom,
  AgeDays,
  BirthWeight,
}

const fieldIndex: Record<ComparedField, number> = { ageYears: 0, ageDays: 1, birthWeight: 2, stay: 3, icuHours: 4, amount: 5, diagnosisCount: 6, procedureCount: 7 };
const fieldOf: ComparedField[] = ['ageYears', 'ageDays', 'birthWeight', 'stay', 'icuHours', 'amount', 'diagnosisCount', 'procedureCount'];

/** One compiled condition. Every instance has every field (unused ones neutral), so the evaluator sees one shape. */
export class Check {
  constructor(
    readonly kind: Kind,
    readonly negated: boolean,
    readonly set: Set<string> | null,
    /** Compare/present: the field (index into `fieldOf`); sex: 0 male, 1 female. */
    readonly field: number,
    /** Compare: the operator (local-conditions `Op`). */
    readonly op: number,
    /** Compare: the bound; age in days / birth weight: the lower bound. */
    readonly value: number,
    /** Age in days / birth weight: the upper bound. */
    readonly max: number,
  ) {}
}

const localKinds: Record<LocalCondition['kind'], Kind> = {
  principalDiagnosis: Kind.PrincipalDiagnosis,
  principalProcedure: Kind.PrincipalProcedure,
  anyProcedure: Kind.AnyProcedure,
  secondaryProcedure: Kind.SecondaryProcedure,
  anyDiagnosis: Kind.AnyDiagnosis,
  secondaryDiagnosis: Kind.SecondaryDiagnosis,
  hasProcedure: Kind.HasProcedure,
  mcc: Kind.Mcc,
  cc: Kind.Cc,
  sex: Kind.Sex,
  compare: Kind.Compare,
  present: Kind.Present,
  disposition: Kind.Disposition,
  department: Kind.Department,
};

function toCheck(c: IndexedCondition): Check {
  switch (c.kind) {
    case 'principalDiagnosis':
      return new Check(Kind.PrincipalDiagnosis, false, c.set, 0, 0, 0, 0);
    case 'principalProcedure':
      return new Check(Kind.PrincipalProcedure, false, c.set, 0, 0, 0, 0);
    case 'anyProcedure':
      return new Check(Kind.AnyProcedure, false, c.set, 0, 0, 0, 0);
    case 'anyDiagnosis':
      return new Check(Kind.AnyDiagnosis, false, c.set, 0, 0, 0, 0);
    case 'operatingRoomProcedure':
      return new Check(Kind.OperatingRoom, false, null, 0, 0, 0, 0);
    case 'noOperatingRoomProcedure':
      return new Check(Kind.NoOperatingRoom, false, null, 0, 0, 0, 0);
    case 'ageDays':
      return new Check(Kind.AgeDays, false, null, 0, 0, c.min, c.max);
    case 'birthWeight':
      return new Check(Kind.BirthWeight, false, null, 0, 0, c.min, c.max);
    case 'local': {
      const l = c.local;
      const kind = localKinds[l.kind];
      switch (l.kind) {
        case 'sex':
          return new Check(kind, false, null, l.sex === 'M' ? 0 : 1, 0, 0, 0);
        case 'compare':
          return new Check(kind, false, null, fieldIndex[l.field], l.op, l.value, 0);
        case 'present':
          return new Check(kind, l.negated, null, fieldIndex[l.field], 0, 0, 0);
        case 'hasProcedure':
        case 'mcc':
        case 'cc':
          return new Check(kind, l.negated, null, 0, 0, 0, 0);
        default:
          return new Check(kind, l.negated, l.set, 0, 0, 0, 0);
      }
    }
  }
}

/** Relative cost of a check: one lookup of a principal code or a field first, loops over the case's codes, then its MCC/CC. */
function cost(c: Check): number {
  switch (c.kind) {
    case Kind.AnyProcedure:
    case Kind.SecondaryProcedure:
    case Kind.AnyDiagnosis:
    case Kind.SecondaryDiagnosis:
      return 2;
    case Kind.Mcc:
    case Kind.Cc:
      return 3;
    default:
      return 0;
  }
}

/**
 * A conjunction as it is evaluated: "the case has a procedure" dropped where a listed principal
 * (or any) procedure already implies it, then the cheapest checks first (a conjunction of pure
 * tests holds or fails whatever the order).
 */
export function compileChecks(conditions: IndexedCondition[]): Check[] {
  const checks = conditions.map(toCheck);
  const impliesProcedure = checks.some((c) => !c.negated && (c.kind === Kind.PrincipalProcedure || c.kind === Kind.AnyProcedure || c.kind === Kind.SecondaryProcedure));
  const kept = checks.filter((c) => !(impliesProcedure && c.kind === Kind.HasProcedure && !c.negated));
  return kept.map((c, i) => [cost(c), i, c] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , c]) => c);
}

/** The checks without "the principal diagnosis/procedure is in `set`" (known to hold where the ADRG was found under that list's code). */
export function withoutListCheck(checks: Check[], set: Set<string>): Check[] {
  return checks.filter((c) => !(c.set === set && !c.negated && (c.kind === Kind.PrincipalDiagnosis || c.kind === Kind.PrincipalProcedure)));
}

/** Whether the fact a check tests holds for the case, its negation aside. */
export function factHolds(c: Check, r: GroupingInput, orProcedure: string | null, severity: SeverityTables): boolean {
  switch (c.kind) {
    case Kind.PrincipalDiagnosis:
      return c.set!.has(r.principalDiagnosis);
    case Kind.PrincipalProcedure:
      return principalProcedureListed(c.set!, r);
    case Kind.AnyProcedure:
      return anyIn(c.set!, r.procedures, 0);
    case Kind.SecondaryProcedure:
      return anyIn(c.set!, r.procedures, 1);
    case Kind.AnyDiagnosis:
      return c.set!.has(r.principalDiagnosis) || anyIn(c.set!, r.secondaryDiagnoses, 0);
    case Kind.SecondaryDiagnosis:
      return anyIn(c.set!, r.secondaryDiagnoses, 0);
    case Kind.HasProcedure:
      return r.procedures.length > 0;
    case Kind.Mcc:
      return countedMcc(r, severity);
    case Kind.Cc:
      return countedCc(r, severity);
    case Kind.Sex:
      return r.sex === (c.field === 0 ? 'M' : 'F');
    case Kind.Compare: {
      const v = fieldValue(fieldOf[c.field]!, r);
      return v !== undefined && compare(v, c.op, c.value);
    }
    case Kind.Present:
      return fieldValue(fieldOf[c.field]!, r) !== undefined;
    case Kind.Disposition:
      return r.dischargeDisposition !== undefined && c.set!.has(r.dischargeDisposition);
    case Kind.Department:
      return r.department !== undefined && c.set!.has(r.department);
    case Kind.OperatingRoom:
      return orProcedure !== null;
    case Kind.NoOperatingRoom:
      return orProcedure === null;
    case Kind.AgeDays: {
      const days = r.ageYears > 0 ? r.ageYears * 365 : (r.ageDays ?? -1);
      return days >= c.value && days <= c.max;
    }
    case Kind.BirthWeight:
      return r.birthWeightGrams !== undefined && r.birthWeightGrams >= c.value && r.birthWeightGrams <= c.max;
  }
}

/** Whether every check of a conjunction holds for the case (`orProcedure`: its principal procedure when that is an operating-room procedure). */
export function allChecksHold(checks: Check[], r: GroupingInput, orProcedure: string | null, severity: SeverityTables): boolean {
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    if (factHolds(c, r, orProcedure, severity) === c.negated) return false;
  }
  return true;
}
