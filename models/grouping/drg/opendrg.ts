/**
 * The OpenDRG scheme compiler: an OpenDRG scheme directory (national CHS-DRG 1.0/1.1 or a
 * city's local scheme, as generated Python plus `DATA/*.dat` tables) → the same versioned rule
 * pack the NHSA text compiles to. The Python is read as data by `py-subset.ts` — never run.
 *
 * What is read: `Grouper.py` (the MDC order), `MDC/*.py` (each MDC's entry test, principal-
 * diagnosis table, ADRG order, its QY group and the MDCZ body-site rule), `ADRG/*.py` (code
 * lists, the entry condition, the DRG splits in order and the fallback group), `DRG/*.py` and
 * `DRG_EX/*.py` (split conditions), `DATA/MCC.dat`, `CC.dat`, `CCE.dat` (severity and
 * exclusion tables), `DRG.dat` (names) and `SS_VALID.dat` (operating-room procedures).
 * `Base.py`'s helpers (`has_mcc`, `has_cc`, `intersect`) have fixed meanings in the pack.
 *
 * A condition that cannot be read, a statement outside the known shapes, or an ADRG / DRG split
 * that is referenced but never defined is a {@link SchemeCompileError} naming file and line.
 */
import { assemblePack, SchemeCompileError, type CompileReport, type SchemeSources } from './compile.ts';
import { OpenDrgError, toDnf, type ConditionScope, type Dnf } from './opendrg-conditions.ts';
import type { Adrg, Alternative, Mdc, RulePack } from './pack.ts';
import { exprText, parsePython, PySyntaxError, stringItems, type PyExpr, type PyStmt } from './py-subset.ts';
import type { SourceNote } from './scheme-text.ts';

/** True when the files look like an OpenDRG scheme directory (`Grouper.py` and `MDC/*.py`). */
export function isOpenDrgSources(files: Record<string, string>): boolean {
  return 'Grouper.py' in files && Object.keys(files).some((f) => f.startsWith('MDC/') && f.endsWith('.py'));
}

/** `to_dict()` of OpenDRG's Reader: first token → the rest of the line (a BOM stays part of the first key, as in Python). */
function readDat(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (text === undefined) return out;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const space = line.indexOf(' ');
    out.set(space < 0 ? line : line.slice(0, space), space < 0 ? '' : line.slice(space + 1));
  }
  return out;
}

interface Compiler {
  sources: SchemeSources;
  notes: SourceNote[];
  listIndex(codes: readonly string[]): number;
  moduleLists: Map<string, readonly string[]>;
  parsed: Map<string, PyStmt[]>;
  /** DRG split functions by `module.function` (`MDCB_DRG.BB11_group`, `DRG_EX.BR21.group`), with their text. */
  splits: Map<string, { dnf: Dnf; text: string }>;
  usedSplits: Set<string>;
  drgNames: Map<string, string>;
}

/** Compile an OpenDRG scheme directory's sources into a rule pack and its report. */
export function compileOpenDrg(sources: SchemeSources): { pack: RulePack; report: CompileReport } {
  const lists: string[][] = [];
  const interned = new Map<string, number>();
  // The same list object (SS_VALID, an MDC table) is referred to many times: intern it once.
  const byIdentity = new WeakMap<readonly string[], number>();
  const ssValid = [...readDat(sources.files['DATA/SS_VALID.dat']).keys()];
  const c: Compiler = {
    sources,
    notes: [],
    listIndex(codes) {
      const known = byIdentity.get(codes);
      if (known !== undefined) return known;
      const unique = [...new Set(codes)];
      const key = unique.join('\n');
      let index = interned.get(key);
      if (index === undefined) {
        index = lists.length;
        lists.push(unique);
        interned.set(key, index);
      }
      byIdentity.set(codes, index);
      return index;
    },
    moduleLists: new Map([['SS_VALID', ssValid]]),
    parsed: new Map(),
    splits: new Map(),
    usedSplits: new Set(),
    drgNames: readDat(sources.files['DATA/DRG.dat']),
  };
  if (sources.files['DATA/SS_VALID.dat'] === undefined) throw new SchemeCompileError(`${sources.scheme}: the scheme has no DATA/SS_VALID.dat (its operating-room procedures)`);
  try {
    readSplitModules(c);
    const order = readMdcOrder(c);
    const retry = readWrapper(c);
    const mdcs: Mdc[] = [];
    const adrgs: Adrg[] = [];
    for (const code of order) {
      const { mdc, members } = readMdc(c, code);
      mdcs.push(mdc);
      adrgs.push(...members);
    }
    for (const [name, split] of c.splits) {
      if (!c.usedSplits.has(name)) c.notes.push({ file: split.text.split(':')[0]!, line: Number(split.text.split(':')[1]), text: name, kind: 'not-a-rule', explanation: 'a split condition that no ADRG uses' });
    }
    const mcc = readDat(sources.files['DATA/MCC.dat']);
    const cc = readDat(sources.files['DATA/CC.dat']);
    const exclusions = new Map<string, string[]>();
    for (const [principal, table] of readDat(sources.files['DATA/CCE.dat'])) {
      if (table === '') continue; // `if cce and …`: an empty table excludes nothing
      if (!exclusions.has(table)) exclusions.set(table, []);
      exclusions.get(table)!.push(principal);
    }
    const { pack, report } = assemblePack(sources, 'opendrg', {
      mdcs,
      adrgs,
      lists,
      mcc: Object.fromEntries(mcc),
      cc: Object.fromEntries(cc),
      exclusions: Object.fromEntries(exclusions),
      operatingRoomProcedures: c.listIndex(ssValid),
    });
    if (retry) pack.retryEachOtherProcedure = true;
    return { pack, report: { ...report, notes: c.notes } };
  } catch (error) {
    if (error instanceof OpenDrgError || error instanceof PySyntaxError) throw new SchemeCompileError(`${sources.scheme}: ${error.message}`);
    throw error;
  }
}

function parsed(c: Compiler, file: string): PyStmt[] {
  let out = c.parsed.get(file);
  if (out) return out;
  const text = c.sources.files[file];
  if (text === undefined) throw new SchemeCompileError(`${c.sources.scheme}: the scheme has no ${file}`);
  out = parsePython(file, text);
  c.parsed.set(file, out);
  return out;
}

function fail(file: string, line: number, message: string): never {
  throw new OpenDrgError(file, line, message);
}

/** `def group(record):` of a module. */
function groupFunction(c: Compiler, file: string): PyStmt[] {
  const def = parsed(c, file).find((s) => s.kind === 'def' && s.name === 'group');
  if (!def || def.kind !== 'def') fail(file, 1, 'has no "def group(record):"');
  return def.body;
}

const isMessage = (s: PyStmt) => s.kind === 'expr' && s.value.kind === 'call' && s.value.func.kind === 'name' && (s.value.func.id === 'message' || s.value.func.id === 'output');

/** `result=X.group(record)` → X. */
function groupCallTarget(e: PyExpr): string | null {
  if (e.kind !== 'call' || e.args.length !== 1 || e.func.kind !== 'attr' || e.func.attr !== 'group' || e.func.value.kind !== 'name') return null;
  return e.func.value.id;
}

const isResultReturn = (s: PyStmt | undefined) =>
  s?.kind === 'if' && s.test.kind === 'name' && s.test.id === 'result' && s.orelse.length === 0 && s.body.length === 1 && s.body[0]!.kind === 'return' && s.body[0]!.value?.kind === 'name' && s.body[0]!.value.id === 'result';

function readMdcOrder(c: Compiler): string[] {
  const order: string[] = [];
  const body = groupFunction(c, 'Grouper.py');
  for (let i = 0; i < body.length; i++) {
    const s = body[i]!;
    if (s.kind === 'assign' && s.target.kind === 'name' && s.target.id === 'result') {
      const target = groupCallTarget(s.value);
      if (!target || !/^MDC[A-Z]$/.test(target) || !isResultReturn(body[i + 1])) fail('Grouper.py', s.line, `cannot read ${exprText(s.value)} as a step of the MDC order`);
      order.push(target);
      i++;
    } else if (isMessage(s) || (s.kind === 'return' && s.value?.kind === 'str')) {
      continue;
    } else fail('Grouper.py', s.line, 'a statement outside the MDC order');
  }
  if (order.length === 0) fail('Grouper.py', 1, 'names no MDC');
  return order;
}

/**
 * The scheme's wrapper class (`Grouper_<scheme>.py`, `def group(self,record)`): it calls the MDC
 * order and maps the result to a status; Zhejiang's also retries an ungroupable case with each
 * other procedure alone. Returns whether it retries.
 */
function readWrapper(c: Compiler): boolean {
  const file = Object.keys(c.sources.files).find((f) => /^Grouper_.+\.py$/.test(f));
  if (file === undefined) {
    c.notes.push({ file: 'Grouper_<scheme>.py', line: 0, text: '', kind: 'not-a-rule', explanation: 'no wrapper class: results are taken as Grouper.py returns them' });
    return false;
  }
  const cls = parsed(c, file).find((s) => s.kind === 'class');
  const method = cls?.kind === 'class' ? cls.body.find((s) => s.kind === 'def' && s.name === 'group') : undefined;
  if (method?.kind !== 'def') fail(file, cls?.line ?? 1, 'has no class with a "def group(self,record)" method');
  let retry = false;
  for (const s of method.body) {
    if (s.kind === 'assign' && exprText(s.target) === 'result' && exprText(s.value) === 'group(record)') continue;
    if (s.kind === 'expr' && s.value.kind === 'call' && s.value.func.kind === 'name' && s.value.func.id === 'output') continue;
    if (s.kind === 'if' && exprText(s.test) === 'result=="0000" and record.ssList and len(record.ssList)>1') {
      const loop = s.body[0];
      const text = loop?.kind === 'for' ? loop.body.map((x) => (x.kind === 'assign' ? `${exprText(x.target)}=${exprText(x.value)}` : x.kind === 'if' ? `if ${exprText(x.test)}: ${x.body.map((y) => y.kind).join(',')}` : x.kind)).join('; ') : '';
      if (s.body.length !== 1 || loop?.kind !== 'for' || exprText(loop.iter) !== 'record.ssList[1:]' || text !== `record=record._replace(ssList=[${loop.target}]); result=group(record); if result!="0000": break`) {
        fail(file, s.line, 'a retry of ungroupable cases outside the known shape (each other procedure alone)');
      }
      retry = true;
      continue;
    }
    if (s.kind === 'if' && exprText(s.test) === 'result=="0000"') continue; // result → status, as every OpenDRG scheme maps it
    fail(file, s.line, 'a statement outside the known shape of the wrapper class (group, optional retry, result → status)');
  }
  return retry;
}

/** Module-level split functions of `DRG/*.py` and `DRG_EX/*.py`. */
function readSplitModules(c: Compiler): void {
  for (const file of Object.keys(c.sources.files).sort()) {
    if (file.startsWith('DRG/') && file.endsWith('.py')) {
      const module = file.slice(4, -3);
      for (const s of parsed(c, file)) {
        if (s.kind === 'import') continue;
        if (s.kind !== 'def') fail(file, s.line, 'a statement outside a split function');
        c.splits.set(`${module}.${s.name}`, { dnf: predicate(c, file, s.body, new Map()), text: `${file}:${s.line}: ${s.name}: ${bodyText(s.body)}` });
      }
    } else if (file.startsWith('DRG_EX/') && file.endsWith('.py')) {
      const module = file.slice(7, -3);
      const body = groupFunction(c, file);
      const lists = localLists(c, file, body);
      c.splits.set(`${module}.group`, { dnf: predicate(c, file, body.filter((s) => !(s.kind === 'assign' && lists.has(assignName(s)!))), lists), text: `${file}: ${bodyText(body)}` });
    }
  }
}

function bodyText(body: PyStmt[]): string {
  const s = body.find((x) => x.kind === 'return' || x.kind === 'if');
  if (s?.kind === 'return') return `return ${s.value ? exprText(s.value) : ''}`;
  if (s?.kind === 'if') return `if ${exprText(s.test)}`;
  return '';
}

function assignName(s: PyStmt): string | null {
  return s.kind === 'assign' && s.target.kind === 'name' ? s.target.id : null;
}

/** The function's code-list variables (`adrg_zd=[…]`). */
function localLists(c: Compiler, file: string, body: PyStmt[]): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>(c.moduleLists);
  for (const s of body) {
    const name = assignName(s);
    if (name === null || s.kind !== 'assign') continue;
    const items = stringItems(s.value);
    if (items) out.set(name, items);
  }
  void file;
  return out;
}

function scopeOf(c: Compiler, file: string, lists: Map<string, readonly string[]>, categories?: Map<string, readonly string[]>): ConditionScope {
  const scope: ConditionScope = { file, lists, listIndex: (codes) => c.listIndex(codes) };
  if (categories) scope.categories = categories;
  return scope;
}

/**
 * A predicate function's body: `return EXPR`, or `if EXPR: … return True` (falling off the end
 * is False), with message calls around.
 */
function predicate(c: Compiler, file: string, body: PyStmt[], lists: Map<string, readonly string[]>): Dnf {
  const scope = scopeOf(c, file, lists.size > 0 ? lists : new Map(c.moduleLists));
  const rest = body.filter((s) => !isMessage(s));
  const [first, second] = rest;
  if (first === undefined) fail(file, 1, 'an empty split function');
  if (rest.length === 1 && first.kind === 'return' && first.value) return toDnf(first.value, scope);
  if (first.kind === 'if' && first.orelse.length === 0 && (second === undefined || (second.kind === 'return' && (second.value === null || (second.value.kind === 'const' && second.value.value !== true)))) && rest.length <= 2) {
    const inner = first.body.filter((s) => !isMessage(s));
    if (inner.length === 1 && inner[0]!.kind === 'return' && inner[0]!.value?.kind === 'const' && inner[0]!.value.value === true) return toDnf(first.test, scope);
  }
  fail(file, rest[0]?.line ?? 1, 'a split function outside the known shapes ("return CONDITION" or "if CONDITION: return True")');
}

function alternatives(dnf: Dnf, text: string): Alternative[] {
  return dnf.map((conditions) => ({ conditions, text }));
}

function readMdc(c: Compiler, code: string): { mdc: Mdc; members: Adrg[] } {
  const file = `MDC/${code}.py`;
  const body = groupFunction(c, file);
  const lists = localLists(c, file, body);
  const scope = scopeOf(c, file, lists);
  const mdc: Mdc = { code, name: '', ambiguous: false };
  const members: Adrg[] = [];
  let kind: Adrg['kind'] = 'surgical';
  for (let i = 0; i < body.length; i++) {
    const s = body[i]!;
    if (isMessage(s) || (s.kind === 'assign' && lists.has(assignName(s)!))) continue;
    if (s.kind === 'if' && s.test.kind === 'not' && s.body.length === 1 && s.body[0]!.kind === 'return' && s.orelse.length === 0) {
      readMdcEntry(c, mdc, toDnf(s.test.operand, scope), `${file}:${s.line}: if not (${exprText(s.test.operand)})`, file, s.line);
      continue;
    }
    if (s.kind === 'assign' && assignName(s) === 'result') {
      const target = groupCallTarget(s.value);
      if (!target || !isResultReturn(body[i + 1])) fail(file, s.line, `cannot read ${exprText(s.value)} as an ADRG step`);
      members.push(readAdrg(c, target, code, kind));
      i++;
      continue;
    }
    if (s.kind === 'if' && returnsQy(s, code[3]!)) {
      const dnf = toDnf(s.test, scope);
      mdc.ambiguous = dnf.length === 0 ? false : alternatives(dnf, `${file}:${s.line}: if ${exprText(s.test)}: return '${code[3]}QY'`);
      kind = 'medical';
      continue;
    }
    if (s.kind === 'for' || assignName(s) === 'zd_map' || assignName(s) === 'type') {
      i = readBodySites(c, mdc, body, i, file, lists) - 1;
      continue;
    }
    fail(file, s.line, 'a statement outside the known shapes of an MDC (entry test, ADRG steps, QY group, body sites)');
  }
  return { mdc, members };
}

function returnsQy(s: PyStmt & { kind: 'if' }, letter: string): boolean {
  const r = s.body.filter((x) => !isMessage(x));
  return s.orelse.length === 0 && r.length === 1 && r[0]!.kind === 'return' && r[0]!.value?.kind === 'str' && r[0]!.value.value === `${letter}QY`;
}

/** The MDC's entry test: its principal-diagnosis table when it has one, the rest as entry conditions. */
function readMdcEntry(c: Compiler, mdc: Mdc, dnf: Dnf, text: string, file: string, line: number): void {
  if (dnf.length === 1) {
    const conditions = [...dnf[0]!];
    const table = conditions.findIndex((x) => x.kind === 'principalDiagnosis' && !x.negated);
    if (table >= 0) {
      mdc.principalDiagnoses = (conditions[table] as { list: number }).list;
      conditions.splice(table, 1);
    }
    const sex = conditions.findIndex((x) => x.kind === 'sex');
    if (sex >= 0) {
      mdc.sex = (conditions[sex] as { sex: 'M' | 'F' }).sex;
      conditions.splice(sex, 1);
    }
    // An MDC without a table is entered by its conditions alone, even none (`if not (True)`).
    if (conditions.length > 0 || mdc.principalDiagnoses === undefined) mdc.entry = [{ conditions, text }];
    return;
  }
  if (dnf.length === 0) fail(file, line, `${mdc.code}'s entry test can never hold`);
  mdc.entry = alternatives(dnf, text);
  void c;
}

/**
 * The MDCZ body-site rule: `mdc_zd` lists site headers (names ending in the marker, e.g. 创伤)
 * each followed by its codes; a code belongs to the last site listing it; the case needs
 * diagnoses in at least N+1 sites (`if len(types)<N: return ''`). Returns the index after it.
 */
function readBodySites(c: Compiler, mdc: Mdc, body: PyStmt[], start: number, file: string, lists: Map<string, readonly string[]>): number {
  let i = start;
  let marker: string | null = null;
  let source: readonly string[] | undefined;
  let min: number | null = null;
  const known = new Set(['zd_map', 'type', 'zd_matched', 'types']);
  for (; i < body.length; i++) {
    const s = body[i]!;
    if (s.kind === 'assign' && known.has(assignName(s) ?? '')) continue;
    if (s.kind === 'for' && s.iter.kind === 'name') {
      source = lists.get(s.iter.id);
      const test = s.body[0];
      if (test?.kind === 'if' && test.test.kind === 'call' && test.test.func.kind === 'attr' && test.test.func.attr === 'endswith' && test.test.args[0]?.kind === 'str') marker = test.test.args[0].value;
      continue;
    }
    if (s.kind === 'if' && s.test.kind === 'name' && s.test.id === 'zd_matched') {
      const inner = s.body.find((x) => x.kind === 'if');
      if (inner?.kind === 'if' && inner.test.kind === 'compare' && inner.test.ops[0] === '<' && inner.test.rights[0]?.kind === 'num') min = inner.test.rights[0].value;
      continue;
    }
    break;
  }
  if (marker === null || source === undefined || min === null) fail(file, body[start]!.line, 'a body-site rule outside the known shape (for x in mdc_zd: if x.endswith(…) … if len(types)<N)');
  const siteOf = new Map<string, string>();
  let site = '';
  for (const x of source) {
    if (x.endsWith(marker)) site = x;
    else siteOf.set(x, site);
  }
  const sites = new Map<string, string[]>();
  for (const [code, name] of siteOf) {
    if (!sites.has(name)) sites.set(name, []);
    sites.get(name)!.push(code);
  }
  mdc.bodySites = [...sites].map(([name, codes]) => ({ name, list: c.listIndex(codes) }));
  mdc.minBodySites = min;
  return i;
}

function readAdrg(c: Compiler, module: string, mdc: string, kind: Adrg['kind']): Adrg {
  const file = `ADRG/${module}.py`;
  if (c.sources.files[file] === undefined) fail(`MDC/${mdc}.py`, 1, `ADRG ${module} is referenced but never defined (no ${file})`);
  const body = groupFunction(c, file);
  const lists = localLists(c, file, body);
  let categories: Map<string, readonly string[]> | undefined;
  let rule: (PyStmt & { kind: 'if' }) | null = null;
  for (const s of body) {
    if (isMessage(s) || (s.kind === 'assign' && lists.has(assignName(s)!))) continue;
    if (s.kind === 'assign' && assignName(s) === 'ss_matched') {
      categories = procedureCategories(s.value, lists, file, s.line);
      continue;
    }
    if (s.kind === 'if' && rule === null) {
      rule = s;
      continue;
    }
    // `return ''` after the rule: the ADRG does not take the case (as an else branch would say).
    if (s.kind === 'return' && rule !== null && (s.value === null || (s.value.kind === 'str' && s.value.value === '')) && s === body[body.length - 1]) continue;
    fail(file, s.line, 'a statement outside the known shapes of an ADRG (code lists, ss_matched, one if … else return "")');
  }
  if (!rule) fail(file, 1, 'has no entry condition');
  if (!(rule.orelse.length === 0 || (rule.orelse.length === 1 && rule.orelse[0]!.kind === 'return' && (rule.orelse[0]!.value === null || (rule.orelse[0]!.value.kind === 'str' && rule.orelse[0]!.value.value === ''))))) {
    fail(file, rule.line, 'the else branch of an ADRG must return ""');
  }
  const dnf = toDnf(rule.test, scopeOf(c, file, lists, categories));
  const drgs: Adrg['drgs'] = [];
  let fallback: string | null = null;
  const steps = rule.body.filter((s) => !isMessage(s));
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.kind === 'if' && s.orelse.length === 0 && s.body.length === 1 && s.body[0]!.kind === 'return' && s.body[0]!.value?.kind === 'str') {
      const drg = s.body[0]!.value.value;
      const name = splitName(s.test);
      if (name === null) fail(file, s.line, `cannot read ${exprText(s.test)} as a DRG split`);
      const split = c.splits.get(name);
      if (!split) fail(file, s.line, `the DRG split ${name} of ${drg} is referenced but never defined`);
      c.usedSplits.add(name);
      if (!/^[A-Z]{2}[0-9A-Z]{1,4}$/.test(drg)) fail(file, s.line, `"${drg}" is not a DRG code`);
      if (!c.drgNames.has(drg)) c.notes.push({ file, line: s.line, text: drg, kind: 'not-a-rule', explanation: `DRG ${drg} has no name in DATA/DRG.dat` });
      drgs.push({ code: drg, name: c.drgNames.get(drg) ?? '', when: alternatives(split.dnf, split.text) });
      continue;
    }
    if (s.kind === 'return' && i === steps.length - 1 && (s.value === null || s.value.kind === 'str')) {
      fallback = s.value === null || s.value.value === '' ? null : s.value.value;
      if (fallback !== null && !/^[A-Z]{2}[0-9A-Z]{1,4}$/.test(fallback)) fail(file, s.line, `"${fallback}" is not a group code`);
      continue;
    }
    fail(file, s.line, 'a statement outside the known shapes of an ADRG rule (if SPLIT(record): return "DRG" …, return "ADRG")');
  }
  const code = module;
  if (!/^[A-Z]{2}[0-9A-Z](_\d+)?$/.test(code)) fail(file, 1, `"${code}" is not an ADRG code`);
  const name = c.drgNames.get(drgs[0]?.code ?? '') ?? '';
  return { code, name, mdc, kind, alternatives: alternatives(dnf, `${file}:${rule.line}: if ${exprText(rule.test)}`), drgs, fallback };
}

/** `MDCB_DRG.BB11_group(record)` → `MDCB_DRG.BB11_group`; `BR21.group(record)` → `BR21.group`. */
function splitName(e: PyExpr): string | null {
  if (e.kind !== 'call' || e.args.length !== 1 || e.func.kind !== 'attr' || e.func.value.kind !== 'name') return null;
  return `${e.func.value.id}.${e.func.attr}`;
}

/**
 * `ss_matched=[adrg_ss1[adrg_ss.index(x)] for x in record.ssList if x in adrg_ss]`: each
 * procedure of `adrg_ss` carries the category at the same position of `adrg_ss1` (its first
 * listing counts, as `index` finds it). Returns category → procedures.
 */
function procedureCategories(e: PyExpr, lists: Map<string, readonly string[]>, file: string, line: number): Map<string, readonly string[]> {
  const shape = e.kind === 'listcomp' && e.elt.kind === 'index' && e.elt.value.kind === 'name' && e.elt.index.kind === 'call' && e.elt.index.func.kind === 'attr' && e.elt.index.func.attr === 'index' && e.elt.index.func.value.kind === 'name';
  if (!shape || e.kind !== 'listcomp' || e.elt.kind !== 'index' || e.elt.value.kind !== 'name' || e.elt.index.kind !== 'call' || e.elt.index.func.kind !== 'attr' || e.elt.index.func.value.kind !== 'name') {
    fail(file, line, `cannot read ${exprText(e)} as a procedure-category map`);
  }
  const codes = lists.get(e.elt.index.func.value.id);
  const cats = lists.get(e.elt.value.id);
  if (!codes || !cats || codes.length !== cats.length) fail(file, line, 'the procedure and category lists of ss_matched differ in length');
  const out = new Map<string, string[]>();
  const seen = new Set<string>();
  codes.forEach((code, i) => {
    if (seen.has(code)) return;
    seen.add(code);
    const cat = cats[i]!;
    if (!out.has(cat)) out.set(cat, []);
    out.get(cat)!.push(code);
  });
  return out;
}
