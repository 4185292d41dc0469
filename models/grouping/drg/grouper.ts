/**
 * The CHS-DRG grouper: a case → MDC → ADRG → DRG, by a compiled rule pack, with a trace in
 * words of every decision.
 *
 * Path (shared/docs/models.md §1): MDCs in the pack's order (MDCA, MDCP, MDCY, MDCZ, MDCM,
 * MDCN, then the others); inside an MDC the surgical ADRGs, then the procedural ones, then —
 * when the case has an operating-room procedure that none of them took — the MDC's ambiguous
 * group `xQY` (official) or, in fall-through mode, the medical ADRGs; an MDC none of whose
 * ADRGs takes the case passes it on to the next MDC. The DRG's 4th character comes from the
 * secondary diagnoses that are MCC/CC and not excluded by the principal diagnosis.
 *
 * The pack is indexed once (cached per pack object), so grouping a case is a handful of hash
 * lookups with no allocation beyond the result when no trace is asked for.
 */
import type { Adrg, Alternative, Condition, Mdc, RulePack } from './pack.ts';
import { clearSeverityMemo, indexCondition as indexLocalCondition, localHolds, localText, type GroupingInput, type LocalCondition, type SeverityTables } from './local-conditions.ts';

export type { GroupingInput };

/** `qy`: the scheme's own QY groups (official); `fallthrough`: no QY group, such cases go on to the medical ADRGs. */
export type AmbiguousMode = 'qy' | 'fallthrough';

export interface GroupOptions {
  /**
   * Ambiguous cases (歧义组 xQY). `qy` (default): the scheme's own rule — for the national
   * pack an operating-room principal procedure that no surgical ADRG takes goes to the MDC's QY
   * group; a local scheme has its own QY condition per MDC, or none. `fallthrough`: no QY
   * group; such cases go on to the medical ADRGs.
   */
  ambiguous?: AmbiguousMode;
  /** Build the trace (default true). Bulk runs that do not show it turn it off for speed. */
  trace?: boolean;
}

export type Severity = 'mcc' | 'cc' | 'none';

/** One step of the grouping trace: what was decided, in words, and the codes that decided it. */
export interface TraceStep {
  step: 'mdc' | 'adrg' | 'ambiguous' | 'severity' | 'drg' | 'ungroupable';
  text: string;
  codes?: string[];
}

export interface GroupResult {
  status: 'grouped' | 'ambiguous' | 'ungroupable';
  mdc: string | null;
  adrg: string | null;
  drg: string | null;
  severity?: Severity;
  trace: TraceStep[];
}

interface IndexedAlternative {
  conditions: IndexedCondition[];
  text: string;
}

interface IndexedAdrg {
  adrg: Adrg;
  alternatives: IndexedAlternative[];
  /** DRG code by severity. */
  drgFor: Record<Severity, string>;
  drgNames: Map<string, string>;
  /** Local schemes: the DRG splits in order (null: DRG by severity suffix), and the group when none holds. */
  splits: { code: string; name: string; alternatives: IndexedAlternative[] }[] | null;
  fallback: string | null;
}

type IndexedCondition =
  | { kind: 'principalDiagnosis' | 'principalProcedure' | 'anyProcedure' | 'anyDiagnosis'; set: Set<string> }
  | { kind: 'operatingRoomProcedure' | 'noOperatingRoomProcedure' }
  | { kind: 'ageDays' | 'birthWeight'; min: number; max: number }
  | { kind: 'local'; local: LocalCondition };

interface IndexedMdc {
  mdc: Mdc;
  principal: Set<string> | null;
  /** Open MDCs of the national text: a case none of whose procedures is in this set skips the MDC. */
  gate: Set<string> | null;
  /** Further entry conditions (local schemes). */
  entry: IndexedAlternative[] | null;
  /** When the entry rule is only "the principal procedure is in this set" (a local scheme's MDCA): checked inline. */
  entryProcedures: Set<string> | null;
  /** The QY rule: the national one, none, or the scheme's own condition. */
  qy: 'national' | false | IndexedAlternative[];
  bodySites: { name: string; set: Set<string> }[];
  /** Surgical and procedural ADRGs, keyed by the principal procedure. */
  surgical: Candidates;
  /** Medical ADRGs, keyed by the principal diagnosis. */
  medical: Candidates;
}

/**
 * The ADRGs a case could match, in the MDC's order, looked up by one code of the case (the
 * principal procedure or diagnosis): those that list the code in the condition every one of
 * their alternatives has on it, plus those that have no such condition ("open").
 */
interface Candidates {
  byCode: Map<string, IndexedAdrg[]>;
  open: IndexedAdrg[];
}

function buildCandidates(adrgs: IndexedAdrg[], kind: 'principalProcedure' | 'principalDiagnosis'): Candidates {
  const keyed = adrgs.map((a) => {
    const sets = a.alternatives.map((alt) => alt.conditions.find((c) => c.kind === kind) as { set: Set<string> } | undefined);
    return sets.every((x) => x !== undefined) ? new Set(sets.flatMap((x) => [...x!.set])) : null;
  });
  // Code → the positions of the ADRGs listing it; merged with the open ones, in the MDC's order.
  const positions = new Map<string, number[]>();
  keyed.forEach((k, i) => {
    if (k === null) return;
    for (const code of k) {
      const list = positions.get(code);
      if (list === undefined) positions.set(code, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  const open = adrgs.filter((_, i) => keyed[i] === null);
  const shared = new Map<string, IndexedAdrg[]>();
  const byCode = new Map<string, IndexedAdrg[]>();
  for (const [code, listed] of positions) {
    const key = listed.join(',');
    let list = shared.get(key);
    if (list === undefined) {
      const members = new Set(listed);
      list = adrgs.filter((_, i) => keyed[i] === null || members.has(i));
      shared.set(key, list);
    }
    byCode.set(code, list);
  }
  return { byCode, open };
}

interface PackIndex {
  mdcs: IndexedMdc[];
  /** MDCs without a principal-diagnosis table (MDCA; a local scheme's MDCY by any diagnosis), tried for every case. */
  openMdcs: IndexedMdc[];
  /** Principal diagnosis → the MDCs to try, in the pack's order: those whose table lists it, and the open ones. */
  mdcsByPrincipal: Map<string, IndexedMdc[]>;
  operatingRoom: Set<string>;
  severity: SeverityTables;
  /** Secondary diagnosis → its MCC and/or CC exclusion table (null: excluded by nothing); one lookup per secondary. */
  severityOf: Map<string, { mcc?: string | null; cc?: string | null }>;
  /** Principal diagnosis → exclusion tables it belongs to (a principal can be in several). */
  excludingTables: Map<string, Set<string>>;
}

const indexCache = new WeakMap<RulePack, PackIndex>();

function severityIndex(pack: RulePack): PackIndex['severityOf'] {
  const out: PackIndex['severityOf'] = new Map();
  for (const [code, table] of Object.entries(pack.mcc)) out.set(code, { mcc: table });
  for (const [code, table] of Object.entries(pack.cc)) {
    const entry = out.get(code);
    if (entry) entry.cc = table;
    else out.set(code, { cc: table });
  }
  return out;
}

/** The pack indexed last: a run groups every case by one pack, and this spares a WeakMap lookup per case. */
let lastPack: RulePack | null = null;
let lastIndex: PackIndex | null = null;

/** Index a rule pack for grouping (done once per pack; `groupCase` calls it). */
export function indexRulePack(pack: RulePack): PackIndex {
  if (pack === lastPack) return lastIndex!;
  const cached = indexCache.get(pack);
  if (cached) {
    lastPack = pack;
    lastIndex = cached;
    return cached;
  }
  const sets = pack.lists.map((list) => new Set(list));
  const setOf = (i: number): Set<string> => {
    const set = sets[i];
    if (!set) throw new Error(`rule pack refers to code list ${i}, which it does not have`);
    return set;
  };
  const indexCondition = (c: Condition): IndexedCondition => {
    switch (c.kind) {
      case 'principalDiagnosis':
      case 'principalProcedure':
      case 'anyProcedure':
      case 'anyDiagnosis':
        if (c.negated) return { kind: 'local', local: indexLocalCondition(c, setOf) };
        return { kind: c.kind, set: setOf(c.list) };
      case 'ageDays':
      case 'birthWeight':
        return { kind: c.kind, min: c.min ?? -Infinity, max: c.max ?? Infinity };
      case 'operatingRoomProcedure':
      case 'noOperatingRoomProcedure':
        return { kind: c.kind };
      default:
        return { kind: 'local', local: indexLocalCondition(c, setOf) };
    }
  };
  const indexAlternatives = (alternatives: Alternative[]): IndexedAlternative[] => alternatives.map((a) => ({ conditions: a.conditions.map(indexCondition), text: a.text }));
  const indexAdrg = (adrg: Adrg): IndexedAdrg => {
    const bySuffix = new Map(adrg.drgs.map((d) => [d.code[3]!, d.code]));
    const pick = (...suffixes: string[]) => suffixes.map((s) => bySuffix.get(s)).find((c) => c !== undefined) ?? adrg.drgs[0]!.code;
    const split = adrg.drgs.some((d) => d.when !== undefined);
    const drgFor: Record<Severity, string> = split || adrg.drgs.length === 0
      ? { mcc: '', cc: '', none: '' }
      : bySuffix.has('9')
        ? { mcc: bySuffix.get('9')!, cc: bySuffix.get('9')!, none: bySuffix.get('9')! }
        : { mcc: pick('1', '3', '5'), cc: pick('3', '5'), none: pick('5', '3', '1') };
    return {
      adrg,
      alternatives: indexAlternatives(adrg.alternatives),
      drgFor,
      drgNames: new Map(adrg.drgs.map((d) => [d.code, d.name])),
      splits: split || adrg.fallback !== undefined ? adrg.drgs.map((d) => ({ code: d.code, name: d.name, alternatives: indexAlternatives(d.when ?? [{ conditions: [], text: 'always' }]) })) : null,
      fallback: adrg.fallback ?? null,
    };
  };
  const adrgsByMdc = new Map<string, Adrg[]>();
  for (const adrg of pack.adrgs) {
    if (!adrgsByMdc.has(adrg.mdc)) adrgsByMdc.set(adrg.mdc, []);
    adrgsByMdc.get(adrg.mdc)!.push(adrg);
  }
  const excludingTables = new Map<string, Set<string>>();
  for (const [table, principals] of Object.entries(pack.exclusions)) {
    for (const code of principals) {
      if (!excludingTables.has(code)) excludingTables.set(code, new Set());
      excludingTables.get(code)!.add(table);
    }
  }
  const mdcs: IndexedMdc[] = pack.mdcs.map((mdc) => {
      const adrgs = (adrgsByMdc.get(mdc.code) ?? []).map(indexAdrg);
      return {
        mdc,
        principal: mdc.principalDiagnoses === undefined ? null : setOf(mdc.principalDiagnoses),
        gate: null,
        entry: mdc.entry ? indexAlternatives(mdc.entry) : null,
        entryProcedures: principalProcedureOnly(mdc.entry, setOf),
        qy: mdc.ambiguous === undefined ? 'national' : mdc.ambiguous === false ? false : indexAlternatives(mdc.ambiguous),
        bodySites: (mdc.bodySites ?? []).map((s) => ({ name: s.name, set: setOf(s.list) })),
        surgical: buildCandidates(adrgs.filter((a) => a.adrg.kind !== 'medical'), 'principalProcedure'),
        medical: buildCandidates(adrgs.filter((a) => a.adrg.kind === 'medical'), 'principalDiagnosis'),
      };
    });
  const openMdcs: IndexedMdc[] = [];
  // National open MDCs (MDCA) are entered through their ADRGs: a case with none of the
  // procedures their conditions name skips them (one shared set, as they are all tried first).
  const openMdcProcedures = new Set<string>();
  for (const entry of mdcs) {
    if (entry.principal !== null) continue;
    openMdcs.push(entry);
    if (entry.entry !== null) continue;
    entry.gate = openMdcProcedures;
    for (const adrg of pack.adrgs.filter((a) => a.mdc === entry.mdc.code)) {
      for (const alternative of adrg.alternatives) {
        for (const c of alternative.conditions) {
          if (c.kind === 'principalProcedure' || c.kind === 'anyProcedure') for (const code of setOf(c.list)) openMdcProcedures.add(code);
        }
      }
    }
  }
  const byPrincipal = new Map<string, IndexedMdc[]>();
  for (const entry of mdcs) {
    if (entry.principal === null) continue;
    for (const code of entry.principal) {
      if (!byPrincipal.has(code)) byPrincipal.set(code, []);
      byPrincipal.get(code)!.push(entry);
    }
  }
  // Each list in the pack's order, the open MDCs at their places (lists with the same members are shared).
  const position = new Map(mdcs.map((m, i) => [m, i]));
  const shared = new Map<string, IndexedMdc[]>();
  const mdcsByPrincipal = new Map<string, IndexedMdc[]>();
  for (const [code, tables] of byPrincipal) {
    // The open MDCs are the same for every code, so the tables alone name the list: merge and
    // sort once per distinct list, not once per code (tens of thousands, in every worker).
    const key = tables.map((m) => position.get(m)).join(',');
    let merged = shared.get(key);
    if (merged === undefined) {
      merged = [...openMdcs, ...tables].sort((a, b) => position.get(a)! - position.get(b)!);
      shared.set(key, merged);
    }
    mdcsByPrincipal.set(code, merged);
  }
  const levels = severityIndex(pack);
  const index: PackIndex = {
    mdcs,
    openMdcs,
    mdcsByPrincipal,
    operatingRoom: setOf(pack.operatingRoomProcedures),
    severity: {
      mcc: new Map(Object.entries(pack.mcc)),
      cc: new Map(Object.entries(pack.cc)),
      levels,
      excludingTables,
    },
    severityOf: levels,
    excludingTables,
  };
  indexCache.set(pack, index);
  lastPack = pack;
  lastIndex = index;
  return index;
}

function principalProcedureOnly(entry: Alternative[] | undefined, setOf: (i: number) => Set<string>): Set<string> | null {
  const only = entry?.length === 1 && entry[0]!.conditions.length === 1 ? entry[0]!.conditions[0]! : null;
  return only?.kind === 'principalProcedure' && !only.negated ? setOf(only.list) : null;
}

/** Group one case. The record must already be valid (see `validate.ts`). */
export function groupCase(pack: RulePack, record: GroupingInput, options: GroupOptions = {}): GroupResult {
  const index = indexRulePack(pack);
  clearSeverityMemo();
  const ambiguous = options.ambiguous ?? 'qy';
  const trace: TraceStep[] | null = options.trace === false ? null : [];
  const orProcedure = principalOperatingRoomProcedure(index, record.procedures);

  const candidates = index.mdcsByPrincipal.get(record.principalDiagnosis) ?? index.openMdcs;
  let gatePassed: boolean | null = null;
  for (let i = 0; i < candidates.length; i++) {
    const entry = candidates[i]!;
    if (entry.gate !== null) {
      if (gatePassed === null) {
        gatePassed = false;
        for (let p = 0; p < record.procedures.length && !gatePassed; p++) gatePassed = entry.gate.has(record.procedures[p]!);
      }
      if (!gatePassed) continue;
    }
    if (entry.entryProcedures !== null && trace === null && (record.procedures.length === 0 || !entry.entryProcedures.has(record.procedures[0]!))) continue;
    if (!entersMdc(entry, record, index, trace)) continue;
    const letter = entry.mdc.code[3]!;
    const surgical = record.procedures.length > 0 ? (entry.surgical.byCode.get(record.procedures[0]!) ?? entry.surgical.open) : entry.surgical.open;
    let chosen = firstMatch(surgical, record, index, orProcedure, trace);
    if (!chosen && entry.qy !== 'national' && ambiguous === 'qy') {
      // A local scheme's own QY rule (or none).
      const rule = entry.qy === false ? null : matchingAlternative(entry.qy, record, index, orProcedure);
      if (rule !== null) {
        trace?.push({ step: 'ambiguous', text: `No surgical ADRG of ${entry.mdc.code} takes the case and the scheme's ambiguous-group rule holds (${rule.text}): the case goes to ${letter}QY (歧义组).`, codes: record.procedures.filter((p) => index.operatingRoom.has(p)) });
        return { status: 'ambiguous', mdc: entry.mdc.code, adrg: `${letter}QY`, drg: `${letter}QY`, trace: trace ?? [] };
      }
    } else if (!chosen && orProcedure !== null && entry.mdc.code !== 'MDCA' && entry.qy === 'national') {
      if (ambiguous !== 'fallthrough') {
        trace?.push({ step: 'ambiguous', text: `Principal procedure ${orProcedure} is an operating-room procedure but matches no surgical ADRG of ${entry.mdc.code}: the case goes to the ambiguous group ${letter}QY (歧义组).`, codes: [orProcedure] });
        return { status: 'ambiguous', mdc: entry.mdc.code, adrg: `${letter}QY`, drg: `${letter}QY`, trace: trace ?? [] };
      }
      trace?.push({ step: 'ambiguous', text: `Principal procedure ${orProcedure} is an operating-room procedure but matches no surgical ADRG of ${entry.mdc.code}; fall-through mode sends the case on to the medical ADRGs.`, codes: [orProcedure] });
    }
    chosen ??= firstMatch(entry.medical.byCode.get(record.principalDiagnosis) ?? entry.medical.open, record, index, orProcedure, trace);
    if (!chosen) {
      trace?.push({ step: 'mdc', text: `No ADRG of ${entry.mdc.code} takes the case; the next MDC is tried.` });
      continue;
    }
    if (chosen.splits !== null) {
      const drg = picked.drg!;
      trace?.push({ step: 'drg', text: picked.text });
      return { status: 'grouped', mdc: entry.mdc.code, adrg: drg.slice(0, 3), drg, trace: trace ?? [] };
    }
    const severity = caseSeverity(index, record, trace);
    const drg = chosen.drgFor[severity];
    trace?.push({ step: 'drg', text: `DRG ${drg} ${chosen.drgNames.get(drg) ?? ''}: ${drgReason(drg, severity)}.`.replace('  ', ' ') });
    return { status: 'grouped', mdc: entry.mdc.code, adrg: chosen.adrg.code, drg, severity, trace: trace ?? [] };
  }
  if (pack.retryEachOtherProcedure && record.procedures.length > 1) {
    for (let p = 1; p < record.procedures.length; p++) {
      const retried = groupCase(pack, { ...record, procedures: [record.procedures[p]!] }, options);
      if (retried.status === 'ungroupable') continue;
      if (trace) retried.trace.unshift(...trace, { step: 'mdc', text: `No MDC takes the case with all its procedures; the scheme groups it again with procedure ${record.procedures[p]} alone (its other procedures one by one), and that takes.`, codes: [record.procedures[p]!] });
      return retried;
    }
  }
  trace?.push({ step: 'ungroupable', text: `No MDC takes principal diagnosis ${record.principalDiagnosis} for this patient: the case cannot be grouped (0000).`, codes: [record.principalDiagnosis] });
  return { status: 'ungroupable', mdc: null, adrg: null, drg: null, trace: trace ?? [] };
}

/**
 * The principal procedure (the first one, 主要手术操作) when it is an operating-room procedure.
 * "全部手术" clauses, "且无手术" and the ambiguous-group test all look at the principal
 * procedure: a diagnostic or therapeutic principal procedure does not make a surgical case.
 */
function principalOperatingRoomProcedure(index: PackIndex, procedures: readonly string[]): string | null {
  const principal = procedures[0];
  return principal !== undefined && index.operatingRoom.has(principal) ? principal : null;
}

function entersMdc(entry: IndexedMdc, record: GroupingInput, index: PackIndex, trace: TraceStep[] | null): boolean {
  const { mdc, principal } = entry;
  if (entry.entry !== null) {
    const rule = matchingAlternative(entry.entry, record, index, null);
    if (rule === null) {
      trace?.push({ step: 'mdc', text: `${mdc.code}'s entry rule does not hold (${entry.entry[0]!.text}).` });
      return false;
    }
    if (principal === null) {
      trace?.push({ step: 'mdc', text: `${mdc.code}: its entry rule holds (${rule.text}).` });
      return true;
    }
  }
  if (principal === null) return true; // MDCA: entered through its ADRGs (candidates are already known to list the principal)
  if (mdc.maxAgeYears !== undefined && record.ageYears > mdc.maxAgeYears) {
    trace?.push({ step: 'mdc', text: `Principal diagnosis ${record.principalDiagnosis} is in the ${mdc.code} table, but ${mdc.code} takes patients under ${mdc.maxAgeYears + 1} year(s) and this one is ${record.ageYears}.`, codes: [record.principalDiagnosis] });
    return false;
  }
  if (mdc.sex && record.sex !== mdc.sex) {
    trace?.push({ step: 'mdc', text: `Principal diagnosis ${record.principalDiagnosis} is in the ${mdc.code} table, but ${mdc.code} is for ${mdc.sex === 'M' ? 'male' : 'female'} patients and this one is ${record.sex === 'M' ? 'male' : 'female'}.`, codes: [record.principalDiagnosis] });
    return false;
  }
  if (entry.bodySites.length > 0) {
    const sites: string[] = [];
    const codes: string[] = [];
    for (const site of entry.bodySites) {
      const hit = site.set.has(record.principalDiagnosis) ? record.principalDiagnosis : record.secondaryDiagnoses.find((d) => site.set.has(d));
      if (hit !== undefined) {
        sites.push(`${site.name} (${hit})`);
        codes.push(hit);
      }
    }
    const needed = mdc.minBodySites ?? 2;
    if (sites.length < needed) {
      trace?.push({ step: 'mdc', text: `Principal diagnosis ${record.principalDiagnosis} is in the ${mdc.code} table, but the diagnoses cover ${sites.length} body site(s) (${sites.join(', ') || 'none'}) and ${mdc.code} needs ${needed}.`, codes });
      return false;
    }
    trace?.push({ step: 'mdc', text: `${mdc.code} ${mdc.name}: principal diagnosis ${record.principalDiagnosis} is in its table and the diagnoses cover ${sites.length} body sites: ${sites.join(', ')}.`, codes });
    return true;
  }
  trace?.push({ step: 'mdc', text: `${mdc.code} ${mdc.name}: principal diagnosis ${record.principalDiagnosis} is in its principal-diagnosis table${mdc.sex ? ` and the patient is ${mdc.sex === 'M' ? 'male' : 'female'}` : ''}${mdc.maxAgeYears !== undefined ? ` and the patient is under ${mdc.maxAgeYears + 1} year(s) old` : ''}.`, codes: [record.principalDiagnosis] });
  return true;
}

/** The DRG a local scheme's split chose in the last `firstMatch` (grouping is synchronous, so one scratch object serves). */
const picked: { drg: string | null; text: string } = { drg: null, text: '' };

function firstMatch(adrgs: IndexedAdrg[], record: GroupingInput, index: PackIndex, orProcedure: string | null, trace: TraceStep[] | null): IndexedAdrg | null {
  for (const candidate of adrgs) {
    for (const alternative of candidate.alternatives) {
      if (!allHold(alternative.conditions, record, orProcedure, index)) continue;
      if (candidate.splits !== null && !pickSplit(candidate, record, index, orProcedure, trace !== null)) {
        trace?.push({ step: 'adrg', text: `ADRG ${candidate.adrg.code}: ${alternative.text} holds, but none of its DRG splits does and it has no group of its own; the next ADRG is tried.` });
        break;
      }
      if (trace) {
        const { adrg } = candidate;
        trace.push({ step: 'adrg', text: `ADRG ${adrg.code} ${adrg.name}: ${alternative.text} — ${describeMatch(alternative.conditions, record, orProcedure, index)}.`, codes: matchCodes(alternative.conditions, record, orProcedure) });
      }
      return candidate;
    }
  }
  return null;
}

/** A local scheme's DRG: the first split whose condition holds, else the ADRG's own group; false when neither. */
function pickSplit(candidate: IndexedAdrg, record: GroupingInput, index: PackIndex, orProcedure: string | null, explain: boolean): boolean {
  for (const split of candidate.splits!) {
    const rule = matchingAlternative(split.alternatives, record, index, orProcedure);
    if (rule === null) continue;
    picked.drg = split.code;
    if (explain) picked.text = `DRG ${split.code} ${split.name}: its split holds — ${rule.text}${rule.conditions.length > 0 ? ` (${describeMatch(rule.conditions, record, orProcedure, index)})` : ''}.`;
    return true;
  }
  if (candidate.fallback === null) return false;
  picked.drg = candidate.fallback;
  if (explain) picked.text = `Group ${candidate.fallback}: no DRG split of ${candidate.adrg.code} holds, so the case takes the ADRG's own group (${candidate.splits!.map((s) => s.code).join(', ')} tried).`;
  return true;
}

function matchingAlternative(alternatives: IndexedAlternative[], record: GroupingInput, index: PackIndex, orProcedure: string | null): IndexedAlternative | null {
  for (const alternative of alternatives) if (allHold(alternative.conditions, record, orProcedure, index)) return alternative;
  return null;
}

function allHold(conditions: IndexedCondition[], record: GroupingInput, orProcedure: string | null, index: PackIndex): boolean {
  for (let i = 0; i < conditions.length; i++) if (!holds(conditions[i]!, record, orProcedure, index)) return false;
  return true;
}

function holds(c: IndexedCondition, r: GroupingInput, orProcedure: string | null, index: PackIndex): boolean {
  switch (c.kind) {
    case 'local':
      return localHolds(c.local, r, index.severity);
    case 'principalDiagnosis':
      return c.set.has(r.principalDiagnosis);
    case 'principalProcedure':
      return r.procedures.length > 0 && c.set.has(r.procedures[0]!);
    case 'anyProcedure':
      for (const p of r.procedures) if (c.set.has(p)) return true;
      return false;
    case 'anyDiagnosis':
      if (c.set.has(r.principalDiagnosis)) return true;
      for (const d of r.secondaryDiagnoses) if (c.set.has(d)) return true;
      return false;
    case 'operatingRoomProcedure':
      return orProcedure !== null;
    case 'noOperatingRoomProcedure':
      return orProcedure === null;
    case 'ageDays': {
      const days = r.ageYears > 0 ? r.ageYears * 365 : (r.ageDays ?? -1);
      return days >= c.min && days <= c.max;
    }
    case 'birthWeight':
      return r.birthWeightGrams !== undefined && r.birthWeightGrams >= c.min && r.birthWeightGrams <= c.max;
  }
}

/** The codes (or values) that satisfied each condition, for the trace. */
function matchCodes(conditions: IndexedCondition[], r: GroupingInput, orProcedure: string | null): string[] {
  const out: string[] = [];
  for (const c of conditions) {
    if (c.kind === 'principalDiagnosis') out.push(r.principalDiagnosis);
    else if (c.kind === 'principalProcedure') out.push(r.procedures[0]!);
    else if (c.kind === 'anyProcedure') out.push(r.procedures.find((p) => c.set.has(p))!);
    else if (c.kind === 'anyDiagnosis') out.push(c.set.has(r.principalDiagnosis) ? r.principalDiagnosis : r.secondaryDiagnoses.find((d) => c.set.has(d))!);
    else if (c.kind === 'operatingRoomProcedure' && orProcedure) out.push(orProcedure);
  }
  return [...new Set(out)];
}

function describeMatch(conditions: IndexedCondition[], r: GroupingInput, orProcedure: string | null, index: PackIndex): string {
  return conditions
    .map((c) => {
      switch (c.kind) {
        case 'local':
          return localText(c.local, r, index.severity);
        case 'principalDiagnosis':
          return `principal diagnosis ${r.principalDiagnosis} is listed`;
        case 'principalProcedure':
          return `principal procedure ${r.procedures[0]} is listed`;
        case 'anyProcedure':
          return `procedure ${r.procedures.find((p) => c.set.has(p))} is listed`;
        case 'anyDiagnosis':
          return `diagnosis ${c.set.has(r.principalDiagnosis) ? r.principalDiagnosis : r.secondaryDiagnoses.find((d) => c.set.has(d))} is listed`;
        case 'operatingRoomProcedure':
          return `principal procedure ${orProcedure} is an operating-room procedure`;
        case 'noOperatingRoomProcedure':
          return 'the principal procedure is not an operating-room procedure';
        case 'ageDays':
          return `age ${r.ageYears > 0 ? `${r.ageYears} years` : `${r.ageDays} days`} is within ${rangeText(c.min, c.max, ' days')}`;
        case 'birthWeight':
          return `birth weight ${r.birthWeightGrams} g is within ${rangeText(c.min, c.max, ' g')}`;
      }
    })
    .join(', ');
}

function rangeText(min: number, max: number, unit: string): string {
  if (min === -Infinity) return `≤ ${max}${unit}`;
  if (max === Infinity) return `≥ ${min}${unit}`;
  return `${min}–${max}${unit}`;
}

/**
 * The case's complication level: `mcc` if a secondary diagnosis is an MCC whose exclusion
 * table does not contain the principal diagnosis, else `cc` likewise, else `none`. An MCC that
 * the principal excludes does not count as a CC either (it is excluded, not downgraded).
 */
export function caseSeverity(index: PackIndex, record: GroupingInput, trace: TraceStep[] | null): Severity {
  const excluding = index.excludingTables.get(record.principalDiagnosis);
  let severity: Severity = 'none';
  for (const dx of record.secondaryDiagnoses) {
    if (dx === record.principalDiagnosis) continue;
    const level = countedLevel(index, dx, excluding, record.principalDiagnosis, trace);
    if (level === 'mcc') {
      severity = 'mcc';
      if (trace === null) break;
    } else if (level === 'cc' && severity === 'none') {
      severity = 'cc';
    }
  }
  return severity;
}

/** The level at which a secondary diagnosis counts: MCC, else CC, unless its exclusion table holds the principal. */
function countedLevel(index: PackIndex, dx: string, excluding: Set<string> | undefined, principal: string, trace: TraceStep[] | null): Severity {
  const entry = index.severityOf.get(dx);
  if (entry === undefined) return 'none';
  const mccTable = entry.mcc;
  if (mccTable !== undefined) {
    if (mccTable === null || !excluding?.has(mccTable)) {
      trace?.push({ step: 'severity', text: `Secondary diagnosis ${dx} is an MCC (严重并发症或合并症)${mccTable === null ? ' that no principal diagnosis excludes' : ` and the principal diagnosis is not in its exclusion table ${mccTable}`}: it counts.`, codes: [dx] });
      return 'mcc';
    }
    trace?.push({ step: 'severity', text: `Secondary diagnosis ${dx} is an MCC (严重并发症或合并症) of exclusion table ${mccTable}, and the principal diagnosis ${principal} is in that table: it does not count.`, codes: [dx, principal] });
  }
  const ccTable = entry.cc;
  if (ccTable !== undefined) {
    if (ccTable === null || !excluding?.has(ccTable)) {
      trace?.push({ step: 'severity', text: `Secondary diagnosis ${dx} is a CC (并发症或合并症)${ccTable === null ? ' that no principal diagnosis excludes' : ` and the principal diagnosis is not in its exclusion table ${ccTable}`}: it counts.`, codes: [dx] });
      return 'cc';
    }
    trace?.push({ step: 'severity', text: `Secondary diagnosis ${dx} is a CC (并发症或合并症) of exclusion table ${ccTable}, and the principal diagnosis ${principal} is in that table: it does not count.`, codes: [dx, principal] });
  }
  return 'none';
}

function drgReason(drg: string, severity: Severity): string {
  const suffix = drg[3];
  if (suffix === '9') return 'this ADRG is not split by complications';
  const has = severity === 'mcc' ? 'an MCC' : severity === 'cc' ? 'a CC' : 'no MCC or CC';
  const groupMeans = suffix === '1' ? 'with MCC' : suffix === '3' ? 'with CC' : 'without CC or MCC';
  return `the case has ${has}, and the group for it is "${groupMeans}"`;
}
