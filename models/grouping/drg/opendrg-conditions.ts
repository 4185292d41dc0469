/**
 * OpenDRG condition expressions (the Python of an ADRG's `if`, a DRG split's `return`, an MDC's
 * entry test) → rule-pack conditions in disjunctive normal form: a list of alternatives, each a
 * list of conditions that must all hold. `True` is one empty alternative, `False` none.
 *
 * The forms understood are the ones OpenDRG generates: membership of the principal / any /
 * secondary diagnosis or procedure in a code list (`record.zdList[0] in adrg_zd`,
 * `intersect(record.ssList[1:],adrg_ss)`, `"1" in ss_matched`), `has_mcc` / `has_cc`, sex, age
 * (years or days), birth weight, stay, ICU hours, amount, discharge disposition, department and
 * list lengths, combined with `and` / `or` / `not` and chained comparisons. Anything else is an
 * {@link OpenDrgError} naming the file, line and expression — never a condition silently dropped.
 */
import type { ComparedField, CompareOp, Condition } from './pack.ts';
import { exprText, PySyntaxError, stringItems, type PyExpr } from './py-subset.ts';

/** A construct the compiler cannot translate (the file parsed, but what it says is outside the known shapes). */
export class OpenDrgError extends PySyntaxError {
  override name = 'OpenDrgError';
}

/** What names in a condition refer to. */
export interface ConditionScope {
  file: string;
  /** Code lists by variable name (the function's own, then the module's, then `SS_VALID`). */
  lists: ReadonlyMap<string, readonly string[]>;
  /** `ss_matched`: the procedure category → the procedures of that category. */
  categories?: ReadonlyMap<string, readonly string[]>;
  /** Index of a code list in the pack (interned). */
  listIndex(codes: readonly string[]): number;
}

export type Dnf = Condition[][];

const recordNumbers: Record<string, ComparedField> = {
  age: 'ageYears',
  ageDay: 'ageDays',
  weight: 'birthWeight',
  inHospitalTime: 'stay',
  icuHours: 'icuHours',
  amount: 'amount',
};

/** Translate a condition expression to DNF (`negate`: the expression under a `not`). */
export function toDnf(e: PyExpr, scope: ConditionScope, negate = false): Dnf {
  switch (e.kind) {
    case 'const':
      if (e.value === null) break;
      return e.value !== negate ? [[]] : [];
    case 'not':
      return toDnf(e.operand, scope, !negate);
    case 'bool': {
      const parts = e.values.map((v) => toDnf(v, scope, negate));
      // and (or a negated or): every part holds; or (or a negated and): some part holds.
      return (e.op === 'and') !== negate ? parts.reduce(product, [[]] as Dnf) : parts.flat();
    }
    case 'compare':
      if (e.ops.length > 1) {
        const pairs: PyExpr[] = e.ops.map((op, i) => ({ kind: 'compare', left: i === 0 ? e.left : e.rights[i - 1]!, ops: [op], rights: [e.rights[i]!], line: e.line }));
        return toDnf({ kind: 'bool', op: 'and', values: pairs, line: e.line }, scope, negate);
      }
      break;
  }
  const atom = atomOf(e, scope);
  if (atom === null) throw new OpenDrgError(scope.file, e.line, `cannot read the condition ${exprText(e)}`);
  if (atom === true || atom === false) return atom !== negate ? [[]] : [];
  return [[negate ? negated(atom, scope, e) : atom]];
}

function product(a: Dnf, b: Dnf): Dnf {
  const out: Dnf = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out;
}

const inverse: Record<CompareOp, CompareOp> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' };
const mirrored: Record<CompareOp, CompareOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

function negated(c: Condition, scope: ConditionScope, e: PyExpr): Condition {
  switch (c.kind) {
    case 'compare':
      return { ...c, op: inverse[c.op] };
    case 'sex':
      return { kind: 'sex', sex: c.sex === 'M' ? 'F' : 'M' };
    case 'operatingRoomProcedure':
    case 'noOperatingRoomProcedure':
    case 'ageDays':
    case 'birthWeight':
      throw new OpenDrgError(scope.file, e.line, `cannot negate the condition ${exprText(e)}`);
    default: {
      const out = { ...c };
      if (c.negated) delete out.negated;
      else out.negated = true;
      return out as Condition;
    }
  }
}

/** `record.<field>` → the field name, else null. */
function recordField(e: PyExpr): string | null {
  return e.kind === 'attr' && e.value.kind === 'name' && e.value.id === 'record' ? e.attr : null;
}

type ListSource = 'principalDiagnosis' | 'anyDiagnosis' | 'secondaryDiagnosis' | 'principalProcedure' | 'anyProcedure' | 'secondaryProcedure';

/** `record.zdList`, `record.zdList[0]`, `record.zdList[1:]` (and the same for ssList). */
function recordCodes(e: PyExpr): ListSource | null {
  const base = (x: PyExpr): 'Diagnosis' | 'Procedure' | null => {
    const f = recordField(x);
    return f === 'zdList' ? 'Diagnosis' : f === 'ssList' ? 'Procedure' : null;
  };
  const direct = base(e);
  if (direct) return `any${direct}`;
  if (e.kind === 'index' && e.index.kind === 'num' && e.index.value === 0) {
    const b = base(e.value);
    return b ? `principal${b}` : null;
  }
  if (e.kind === 'slice' && e.lower?.kind === 'num' && e.lower.value === 1 && e.upper === null) {
    const b = base(e.value);
    return b ? `secondary${b}` : null;
  }
  return null;
}

/** A code list: a variable of the scope or a literal list of strings. */
function codeList(e: PyExpr, scope: ConditionScope): readonly string[] | null {
  if (e.kind === 'name') return scope.lists.get(e.id) ?? null;
  return stringItems(e);
}

function numberOf(e: PyExpr): number | null {
  if (e.kind === 'num') return e.value;
  if (e.kind === 'neg' && e.operand.kind === 'num') return -e.operand.value;
  return null;
}

/** A numeric quantity of the record: `record.age`, `int(record.age)`, `len(record.zdList)`. */
function numericField(e: PyExpr): ComparedField | null {
  const f = recordField(e);
  if (f !== null) return recordNumbers[f] ?? null;
  if (e.kind === 'call' && e.func.kind === 'name' && e.args.length === 1) {
    if (e.func.id === 'int' || e.func.id === 'float') return numericField(e.args[0]!);
    if (e.func.id === 'len') {
      const source = recordCodes(e.args[0]!);
      if (source === 'anyDiagnosis') return 'diagnosisCount';
      if (source === 'anyProcedure') return 'procedureCount';
    }
  }
  return null;
}

/** The sex of a `record.gender==…` constant (1/男 male, 2/女 female; numbers and strings alike). */
function sexOf(e: PyExpr): 'M' | 'F' | null {
  const v = e.kind === 'num' ? String(e.value) : e.kind === 'str' ? e.value : null;
  if (v === '1' || v === '男' || v === 'M') return 'M';
  if (v === '2' || v === '女' || v === 'F') return 'F';
  return null;
}

function atomOf(e: PyExpr, scope: ConditionScope): Condition | boolean | null {
  // Truth of a record field or call.
  if (recordField(e) === 'ssList') return { kind: 'hasProcedure' };
  if (recordField(e) === 'zdList') return true; // a valid record always has a principal diagnosis
  const truthy = numericField(e);
  if (truthy !== null) return { kind: 'compare', field: truthy, op: '!=', value: 0 };
  if (e.kind === 'call' && e.func.kind === 'name') {
    const name = e.func.id;
    if ((name === 'has_mcc' || name === 'has_cc') && e.args.length === 2 && recordCodes(e.args[0]!) === 'principalDiagnosis' && recordCodes(e.args[1]!) === 'secondaryDiagnosis') {
      return { kind: name === 'has_mcc' ? 'mcc' : 'cc' };
    }
    if (name === 'intersect' && e.args.length === 2) {
      const [a, b] = e.args as [PyExpr, PyExpr];
      const source = recordCodes(a) ?? recordCodes(b);
      const list = recordCodes(a) ? codeList(b, scope) : codeList(a, scope);
      if (source && list && !source.startsWith('principal')) return { kind: source as 'anyDiagnosis', list: scope.listIndex(list) };
    }
    return null;
  }
  if (e.kind !== 'compare' || e.ops.length !== 1) return null;
  const op = e.ops[0]!;
  const left = e.left;
  const right = e.rights[0]!;
  if (op === 'in' || op === 'not in') {
    const neg = op === 'not in' ? { negated: true as const } : {};
    const source = recordCodes(left);
    const list = codeList(right, scope);
    if (source && (source.startsWith('principal')) && list) return { kind: source, list: scope.listIndex(list), ...neg };
    // "96.0400" in record.ssList
    const target = recordCodes(right);
    if (left.kind === 'str' && (target === 'anyProcedure' || target === 'anyDiagnosis' || target === 'secondaryDiagnosis' || target === 'secondaryProcedure')) {
      return { kind: target, list: scope.listIndex([left.value]), ...neg };
    }
    // "1" in ss_matched: some procedure of category 1
    if (left.kind === 'str' && right.kind === 'name' && right.id === 'ss_matched' && scope.categories) {
      return { kind: 'anyProcedure', list: scope.listIndex(scope.categories.get(left.value) ?? []), ...neg };
    }
    const field = recordField(left);
    if ((field === 'leavingType' || field === 'dept') && list) return { kind: field === 'dept' ? 'department' : 'disposition', codes: [...list], ...neg };
    return null;
  }
  // record.x == None / != None
  const leftField = recordField(left);
  if ((op === '==' || op === '!=') && right.kind === 'const' && right.value === null) {
    const field = leftField === null ? null : recordNumbers[leftField];
    if (field === undefined || field === null) return null;
    return op === '!=' ? { kind: 'present', field } : { kind: 'present', field, negated: true };
  }
  if (leftField === 'gender' && (op === '==' || op === '!=')) {
    const sex = sexOf(right);
    if (sex === null) return null;
    return { kind: 'sex', sex: op === '==' ? sex : sex === 'M' ? 'F' : 'M' };
  }
  if ((leftField === 'leavingType' || leftField === 'dept') && (op === '==' || op === '!=') && (right.kind === 'str' || right.kind === 'num')) {
    const code = right.kind === 'str' ? right.value : String(right.value);
    return { kind: leftField === 'dept' ? 'department' : 'disposition', codes: [code], ...(op === '!=' ? { negated: true as const } : {}) };
  }
  const lf = numericField(left);
  const rv = numberOf(right);
  if (lf !== null && rv !== null) return { kind: 'compare', field: lf, op: op as CompareOp, value: rv };
  const rf = numericField(right);
  const lv = numberOf(left);
  if (rf !== null && lv !== null) return { kind: 'compare', field: rf, op: mirrored[op as CompareOp], value: lv };
  return null;
}
