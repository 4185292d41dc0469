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
 * lookups with no allocation beyond the result when no trace is asked for. The ADRGs of an MDC,
 * and the code lists only they use, are indexed when a case first enters the MDC: a command on a
 * few records indexes a few MDCs, not the ~100 000 codes of the whole scheme.
 */
import type { Adrg, Alternative, Condition, Mdc, RulePack } from './pack.ts';
import { allChecksHold, compileChecks, withoutListCheck, type Check, type IndexedCondition } from './checks.ts';
import { chooseSplit, splitTree, type SplitTree } from './split-tree.ts';
import { diagnosisTableFor, type DiagnosisTable } from './diagnosis-table.ts';
import { anyIn, clearSeverityMemo, indexCondition as indexLocalCondition, localText, useProcedureAnswers, type GroupingInput, type ListedAnswers, type SeverityLevel, type SeverityTables } from './local-conditions.ts';

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
  /** The conditions as the scheme states them (the trace describes these). */
  conditions: IndexedCondition[];
  /** The same conjunction compiled for evaluation: implied conditions dropped, cheap ones first. */
  checks: Check[];
  text: string;
}

interface IndexedAdrg {
  adrg: Adrg;
  /** `adrg.code`, read on the hot path from one object shape. */
  code: string;
  alternatives: IndexedAlternative[];
  /** DRG code by severity. */
  drgFor: Record<Severity, string>;
  drgNames: Map<string, string>;
  /** Local schemes: the DRG splits in order (null: DRG by severity suffix), and the group when none holds. */
  splits: { code: string; name: string; alternatives: IndexedAlternative[]; prefix: string }[] | null;
  /** The splits as a decision tree over the facts they read (null: none, or too many facts; then tested one by one). */
  splitTree: SplitTree | null;
  fallback: string | null;
  /** The fallback group's first three characters (the ADRG reported with it). */
  fallbackPrefix: string | null;
}

interface IndexedMdc {
  mdc: Mdc;
  /** Whether the MDC has a principal-diagnosis table (主诊表); false for one entered otherwise (MDCA). */
  principal: boolean;
  /** Open MDCs of the national text: a case none of whose procedures is in this set skips the MDC. */
  gate: Set<string> | null;
  /** Further entry conditions (local schemes). */
  entry: IndexedAlternative[] | null;
  /**
   * When the entry rule is only code-list membership — "the principal procedure is listed" (a
   * local scheme's MDCA) or "a diagnosis is listed" (Zhejiang's MDCY) — the union of its lists,
   * checked inline before anything else.
   */
  entryCodes: { on: 'principalProcedure' | 'anyDiagnosis'; set: Set<string>; prefixes: Uint8Array; firsts: number } | null;
  /** The QY rule: the national one, none, or the scheme's own condition. */
  qy: 'national' | false | IndexedAlternative[];
  bodySites: { name: string; set: Set<string> }[];
  /** The MDC's code and ambiguous group (歧义组), `xQY`, read here on the hot path rather than from the pack's MDC objects, whose shapes differ. */
  code: string;
  qyCode: string;
  /** MDCZ: how many body sites the diagnoses must cover. */
  minBodySites: number;
  /** Its place in the pack's MDC order (indexes the per-MDC slots of a code's facts). */
  position: number;
  /** The MDC's age limit (Infinity: none) and sex (null: either), read here rather than from the pack's MDC objects, whose shapes differ. */
  maxAgeYears: number;
  sex: 'M' | 'F' | null;
  /** The MDC's ADRGs, indexed when a case first enters it (`candidates ?? indexCandidates()`). */
  candidates: MdcCandidates | null;
  indexCandidates: () => MdcCandidates;
}

interface MdcCandidates {
  /** Surgical and procedural ADRGs, keyed by the principal procedure. */
  surgical: Candidates;
  /** Medical ADRGs, keyed by the principal diagnosis. */
  medical: Candidates;
  /**
   * Every ADRG is keyed (none open), and a case none of them takes leaves the MDC (no QY group
   * can take it): a case whose principal procedure and principal diagnosis key none of them
   * skips the MDC before its entry rule is evaluated.
   */
  keyedOnly: boolean;
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
    return sets.every((x) => x !== undefined) ? sets.map((x) => x!.set) : null;
  });
  // An ADRG found under a code of its one key list needs no test of that list again.
  keyed.forEach((sets, i) => {
    if (sets !== null && sets.every((set) => set === sets[0])) for (const alternative of adrgs[i]!.alternatives) alternative.checks = withoutListCheck(alternative.checks, sets[0]!);
  });
  // Code → the position of the one ADRG listing it, or the positions of several (ascending).
  const positions = new Map<string, number | number[]>();
  keyed.forEach((sets, i) => {
    if (sets === null) return;
    for (const set of sets) {
      for (const code of set) {
        const listed = positions.get(code);
        if (listed === undefined) positions.set(code, i);
        else if (typeof listed === 'number') {
          if (listed !== i) positions.set(code, [listed, i]);
        } else if (listed[listed.length - 1] !== i) listed.push(i);
      }
    }
  });
  // Each distinct set of positions becomes one list (shared), merged with the open ADRGs in the MDC's order.
  const open = adrgs.filter((_, i) => keyed[i] === null);
  const single = new Map<number, IndexedAdrg[]>();
  const shared = new Map<string, IndexedAdrg[]>();
  const byCode = new Map<string, IndexedAdrg[]>();
  for (const [code, listed] of positions) {
    let list: IndexedAdrg[] | undefined;
    if (typeof listed === 'number') {
      list = single.get(listed);
      if (list === undefined) single.set(listed, (list = adrgs.filter((_, i) => keyed[i] === null || i === listed)));
    } else {
      const key = listed.join(',');
      list = shared.get(key);
      if (list === undefined) {
        const members = new Set(listed);
        shared.set(key, (list = adrgs.filter((_, i) => keyed[i] === null || members.has(i))));
      }
    }
    byCode.set(code, list);
  }
  return { byCode, open };
}

interface PackIndex {
  mdcs: IndexedMdc[];
  /** MDCs without a principal-diagnosis table (MDCA; a local scheme's MDCY by any diagnosis), tried for every case. */
  openMdcs: IndexedMdc[];
  /** What the pack's tables say of a diagnosis code: the MDCs listing it, its exclusion tables, its MCC/CC level. */
  diagnoses: DiagnosisTable;
  /** The MDCs to try for a principal diagnosis, by the mask of MDCs whose table lists it: those, and the open ones, in the pack's order (one shared list per mask). */
  mdcsByMask: Map<number, IndexedMdc[]>;
  /** The open MDCs' bits. */
  openMask: number;
  operatingRoom: Set<string>;
  severity: SeverityTables;
  /** Secondary diagnosis → its MCC and/or CC exclusion table (null: excluded by nothing); one lookup per secondary. */
  severityOf: SeverityTables['levels'];
  /** Principal diagnosis → exclusion tables it belongs to (a principal can be in several). */
  excludingTables: SeverityTables['excludingTables'];
  /** One set per distinct list of exclusion tables (shared by the principals in the same tables). */
  exclusionSets: Map<readonly string[], ReadonlySet<string>>;
  /** What the grouper needs of a principal diagnosis, one lookup per case (filled as codes are seen). */
  principalFacts: Map<string, PrincipalFacts>;
  /** What the grouper needs of a principal procedure, one lookup per case (filled as codes are seen). */
  procedureFacts: Map<string, ProcedureFacts>;
}

/**
 * Everything the grouper looks up by a case's principal diagnosis, gathered under one key: the
 * MDCs to try, its exclusion tables, and per MDC (by position) the medical ADRGs keyed by it
 * (undefined: not looked up yet; null: none keyed, only the open ones). One hash lookup per case
 * instead of one per table and per MDC.
 */
interface PrincipalFacts {
  mdcs: IndexedMdc[];
  excluding: ReadonlySet<string> | undefined;
  medical: (IndexedAdrg[] | null | undefined)[];
  /** Bit i (the MDC at position i): whether `keys` holds the answer for that MDC yet; whether the code keys one of its medical ADRGs. Read in this object, not in `medical`, by the skip test that runs for every MDC a case meets. */
  keysKnown: number;
  keys: number;
}

/** The same for the principal procedure: whether it is an operating-room procedure, and per MDC the surgical ADRGs keyed by it. */
interface ProcedureFacts extends ListedAnswers {
  operatingRoom: boolean;
  surgical: (IndexedAdrg[] | null | undefined)[];
  /** Per MDC whose entry rule is "the principal procedure is listed": 0 not looked up yet, 1 listed, 2 not. */
  entersMdc: Uint8Array;
  /** As in {@link PrincipalFacts}, for the MDCs' surgical ADRGs. */
  keysKnown: number;
  keys: number;
}

/** At most this many codes' facts are kept per pack (the code sets have ~33 000 diagnoses and ~13 000 procedures); beyond it they start over, so a stream of unknown codes cannot grow memory without bound. */
const maxCodeFacts = 100_000;

function principalFactsOf(index: PackIndex, code: string): PrincipalFacts {
  let facts = index.principalFacts.get(code);
  if (facts === undefined) {
    if (index.principalFacts.size >= maxCodeFacts) index.principalFacts.clear();
    const listed = index.diagnoses.get(code);
    const mdcs = listed === undefined || listed.mdcMask === 0 ? index.openMdcs : mdcsForMask(index, listed.mdcMask);
    facts = { mdcs, excluding: listed === undefined ? undefined : exclusionSet(index, listed.excludedBy), medical: new Array<IndexedAdrg[] | null | undefined>(index.mdcs.length).fill(undefined), keysKnown: 0, keys: 0 };
    index.principalFacts.set(code, facts);
  }
  return facts;
}

/** The MDCs whose principal-diagnosis table lists a code (bits of `mask`) and the open ones, in the pack's order: one shared list per mask. */
function mdcsForMask(index: PackIndex, mask: number): IndexedMdc[] {
  let list = index.mdcsByMask.get(mask);
  if (list === undefined) {
    const all = mask | index.openMask;
    index.mdcsByMask.set(mask, (list = index.mdcs.filter((_, i) => (all & (1 << i)) !== 0)));
  }
  return list;
}

/** The exclusion tables holding a principal, as a set (undefined: none), shared by the principals in the same tables. */
function exclusionSet(index: PackIndex, tables: readonly string[]): ReadonlySet<string> | undefined {
  if (tables.length === 0) return undefined;
  let set = index.exclusionSets.get(tables);
  if (set === undefined) index.exclusionSets.set(tables, (set = new Set(tables)));
  return set;
}

function procedureFactsOf(index: PackIndex, code: string): ProcedureFacts {
  let facts = index.procedureFacts.get(code);
  if (facts === undefined) {
    if (index.procedureFacts.size >= maxCodeFacts) index.procedureFacts.clear();
    facts = { operatingRoom: index.operatingRoom.has(code), surgical: new Array<IndexedAdrg[] | null | undefined>(index.mdcs.length).fill(undefined), entersMdc: new Uint8Array(index.mdcs.length), listA: null, inA: false, listB: null, inB: false, keysKnown: 0, keys: 0 };
    index.procedureFacts.set(code, facts);
  }
  return facts;
}

/** The MDC's medical ADRGs a case with this principal diagnosis could match (keyed by it, else the open ones). */
function medicalFor(facts: PrincipalFacts, entry: IndexedMdc, adrgs: MdcCandidates, code: string): IndexedAdrg[] {
  let list = facts.medical[entry.position];
  if (list === undefined) list = facts.medical[entry.position] = adrgs.medical.byCode.get(code) ?? null;
  return list ?? adrgs.medical.open;
}

/** The MDC's surgical ADRGs a case with this principal procedure could match (keyed by it, else the open ones). */
function surgicalFor(facts: ProcedureFacts | null, entry: IndexedMdc, adrgs: MdcCandidates, code: string | undefined): IndexedAdrg[] {
  if (facts === null) return adrgs.surgical.open;
  let list = facts.surgical[entry.position];
  if (list === undefined) list = facts.surgical[entry.position] = adrgs.surgical.byCode.get(code!) ?? null;
  return list ?? adrgs.surgical.open;
}

const indexCache = new WeakMap<RulePack, PackIndex>();

/**
 * Secondary diagnosis → its MCC and/or CC exclusion table, read from the pack's diagnosis table
 * when a code is first asked (a start that groups a few cases reads a few codes, not the
 * ~21 000 of the tables) and remembered, codes in neither table too. Codes with the same pair share one
 * (never mutated) entry. At most 100 000 codes are remembered; beyond, it starts over.
 */
class SeverityLevels {
  private readonly seen = new Map<string, SeverityLevel | null>();
  private readonly shared = new Map<string, SeverityLevel>();

  constructor(private readonly diagnoses: DiagnosisTable) {}

  get(code: string): SeverityLevel | undefined {
    let entry = this.seen.get(code);
    if (entry === undefined) {
      if (this.seen.size >= maxCodeFacts) this.seen.clear();
      const listed = this.diagnoses.get(code);
      const mcc = listed?.mcc;
      const cc = listed?.cc;
      entry = mcc === undefined && cc === undefined ? null : this.entryFor(mcc, cc);
      this.seen.set(code, entry);
    }
    return entry ?? undefined;
  }

  private entryFor(mcc: string | null | undefined, cc: string | null | undefined): SeverityLevel {
    const marker = (table: string | null | undefined) => (table === undefined ? '\u0001' : table === null ? '\u0002' : table);
    const key = `${marker(mcc)}\0${marker(cc)}`;
    let entry = this.shared.get(key);
    if (entry === undefined) {
      if (mcc === undefined) entry = { cc: cc! };
      else {
        entry = { mcc };
        if (cc !== undefined) entry.cc = cc;
      }
      this.shared.set(key, entry);
    }
    return entry;
  }
}

/** Every condition of the pack, for checks that must see them all before any is indexed lazily. */
function* allConditions(pack: RulePack): Generator<Condition> {
  const alternatives = (list: Alternative[] | false | undefined) => (list ? list : []);
  for (const mdc of pack.mdcs) for (const a of [...alternatives(mdc.entry), ...alternatives(mdc.ambiguous)]) yield* a.conditions;
  for (const adrg of pack.adrgs) {
    for (const a of adrg.alternatives) yield* a.conditions;
    for (const d of adrg.drgs) for (const a of d.when ?? []) yield* a.conditions;
  }
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
  // Every list reference is checked now, so a broken pack fails before any case, not mid-run —
  // by its place only: a cached pack's lists are split into codes when first read.
  const checkList = (i: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= pack.lists.length) throw new Error(`rule pack refers to code list ${i}, which it does not have`);
  };
  const listOf = (i: number): readonly string[] => {
    const list = pack.lists[i];
    if (!list) throw new Error(`rule pack refers to code list ${i}, which it does not have`);
    return list;
  };
  for (const c of allConditions(pack)) if ('list' in c) checkList(c.list);
  for (const mdc of pack.mdcs) {
    if (mdc.principalDiagnoses !== undefined) checkList(mdc.principalDiagnoses);
    for (const site of mdc.bodySites ?? []) checkList(site.list);
  }
  if (pack.mdcs.length > 26) throw new Error(`rule pack has ${pack.mdcs.length} MDCs; a scheme has at most 26 (MDCA–MDCZ)`);
  // Code lists become sets when first used.
  const sets: (Set<string> | undefined)[] = [];
  const setOf = (i: number): Set<string> => (sets[i] ??= new Set(listOf(i)));
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
  const indexAlternatives = (alternatives: Alternative[]): IndexedAlternative[] =>
    alternatives.map((a) => {
      const conditions = a.conditions.map(indexCondition);
      return { conditions, checks: compileChecks(conditions), text: a.text };
    });
  const indexAdrg = (adrg: Adrg): IndexedAdrg => {
    const bySuffix = new Map(adrg.drgs.map((d) => [d.code[3]!, d.code]));
    const pick = (...suffixes: string[]) => suffixes.map((s) => bySuffix.get(s)).find((c) => c !== undefined) ?? adrg.drgs[0]!.code;
    const split = adrg.drgs.some((d) => d.when !== undefined);
    const drgFor: Record<Severity, string> = split || adrg.drgs.length === 0
      ? { mcc: '', cc: '', none: '' }
      : bySuffix.has('9')
        ? { mcc: bySuffix.get('9')!, cc: bySuffix.get('9')!, none: bySuffix.get('9')! }
        : { mcc: pick('1', '3', '5'), cc: pick('3', '5'), none: pick('5', '3', '1') };
    const splits = split || adrg.fallback !== undefined ? adrg.drgs.map((d) => ({ code: d.code, name: d.name, alternatives: indexAlternatives(d.when ?? [{ conditions: [], text: 'always' }]), prefix: d.code.slice(0, 3) })) : null;
    return {
      adrg,
      code: adrg.code,
      alternatives: indexAlternatives(adrg.alternatives),
      drgFor,
      drgNames: new Map(adrg.drgs.map((d) => [d.code, d.name])),
      splits,
      splitTree: splits === null ? null : splitTree(splits.map((s) => s.alternatives.map((a) => a.checks))),
      fallback: adrg.fallback ?? null,
      fallbackPrefix: adrg.fallback?.slice(0, 3) ?? null,
    };
  };
  const adrgsByMdc = new Map<string, Adrg[]>();
  for (const adrg of pack.adrgs) {
    if (!adrgsByMdc.has(adrg.mdc)) adrgsByMdc.set(adrg.mdc, []);
    adrgsByMdc.get(adrg.mdc)!.push(adrg);
  }
  const mdcs: IndexedMdc[] = pack.mdcs.map((mdc, position) => {
      const indexCandidates = (): MdcCandidates => {
        const adrgs = (adrgsByMdc.get(mdc.code) ?? []).map(indexAdrg);
        const surgical = buildCandidates(adrgs.filter((a) => a.adrg.kind !== 'medical'), 'principalProcedure');
        const medical = buildCandidates(adrgs.filter((a) => a.adrg.kind === 'medical'), 'principalDiagnosis');
        // A case no ADRG takes leaves the MDC unless a QY group can take it: the scheme's own QY rule, or the national one outside MDCA.
        const qyPossible = mdc.ambiguous === undefined ? mdc.code !== 'MDCA' : mdc.ambiguous !== false;
        return { surgical, medical, keyedOnly: surgical.open.length === 0 && medical.open.length === 0 && !qyPossible };
      };
      return {
        mdc,
        principal: mdc.principalDiagnoses !== undefined,
        gate: null,
        entry: mdc.entry ? indexAlternatives(mdc.entry) : null,
        entryCodes: entryCodeSet(mdc.entry, setOf),
        qy: mdc.ambiguous === undefined ? 'national' : mdc.ambiguous === false ? false : indexAlternatives(mdc.ambiguous),
        bodySites: (mdc.bodySites ?? []).map((s) => ({ name: s.name, set: setOf(s.list) })),
        code: mdc.code,
        qyCode: `${mdc.code[3]!}QY`,
        minBodySites: mdc.minBodySites ?? 2,
        position,
        maxAgeYears: mdc.maxAgeYears ?? Infinity,
        sex: mdc.sex ?? null,
        candidates: null,
        indexCandidates,
      };
    });
  const openMdcs: IndexedMdc[] = [];
  // National open MDCs (MDCA) are entered through their ADRGs: a case with none of the
  // procedures their conditions name skips them (one shared set, as they are all tried first).
  const openMdcProcedures = new Set<string>();
  for (const entry of mdcs) {
    if (entry.principal) continue;
    openMdcs.push(entry);
    if (entry.entry !== null) continue;
    entry.gate = openMdcProcedures;
    for (const adrg of pack.adrgs.filter((a) => a.mdc === entry.mdc.code)) {
      for (const alternative of adrg.alternatives) {
        for (const c of alternative.conditions) {
          if (c.kind === 'principalProcedure' || c.kind === 'anyProcedure') for (const code of listOf(c.list)) openMdcProcedures.add(code);
        }
      }
    }
  }
  // A principal diagnosis's MDCs: those whose table lists it (a bit mask, at most 26 MDCs, read
  // from the diagnosis table when the code is first seen) and the open ones, in the pack's order.
  let openMask = 0;
  mdcs.forEach((entry, i) => {
    if (!entry.principal) openMask |= 1 << i;
  });
  const diagnoses = diagnosisTableFor(pack);
  const levels = new SeverityLevels(diagnoses);
  const excludingTables: SeverityTables['excludingTables'] = { get: (code) => principalFactsOf(index, code).excluding };
  const index: PackIndex = {
    mdcs,
    openMdcs,
    diagnoses,
    mdcsByMask: new Map(),
    openMask,
    operatingRoom: setOf(pack.operatingRoomProcedures),
    severity: severityTables(pack, levels, excludingTables),
    severityOf: levels,
    excludingTables,
    exclusionSets: new Map(),
    principalFacts: new Map(),
    procedureFacts: new Map(),
  };
  indexCache.set(pack, index);
  lastPack = pack;
  lastIndex = index;
  return index;
}

/** The severity tables local conditions read; the MCC and CC maps (for the trace only) are built when first read. */
function severityTables(pack: RulePack, levels: SeverityTables['levels'], excludingTables: SeverityTables['excludingTables']): SeverityTables {
  let mcc: Map<string, string | null> | undefined;
  let cc: Map<string, string | null> | undefined;
  return {
    get mcc() {
      return (mcc ??= new Map(Object.entries(pack.mcc)));
    },
    get cc() {
      return (cc ??= new Map(Object.entries(pack.cc)));
    },
    levels,
    excludingTables,
  };
}

/**
 * An MDC entry rule that is only code-list membership: every alternative is "the principal
 * procedure is listed" (with or without the implied "the case has a procedure"), or every one is
 * "a diagnosis is listed". Its lists' union decides entry with one lookup per code; null otherwise.
 */
function entryCodeSet(entry: Alternative[] | undefined, setOf: (i: number) => Set<string>): IndexedMdc['entryCodes'] {
  if (entry === undefined || entry.length === 0) return null;
  const lists: number[] = [];
  let on: 'principalProcedure' | 'anyDiagnosis' | null = null;
  for (const alternative of entry) {
    const listed = alternative.conditions.filter((c) => !(c.kind === 'hasProcedure' && !c.negated));
    const only = listed.length === 1 ? listed[0]! : null;
    if (only === null || !('list' in only) || only.negated || (only.kind !== 'principalProcedure' && only.kind !== 'anyDiagnosis')) return null;
    if (only.kind === 'anyDiagnosis' && listed.length !== alternative.conditions.length) return null;
    if (on !== null && on !== only.kind) return null;
    on = only.kind;
    lists.push(only.list);
  }
  const set = lists.length === 1 ? setOf(lists[0]!) : new Set(lists.flatMap((i) => [...setOf(i)]));
  return { on: on!, set, prefixes: prefixFilter(set), firsts: firstLetters(set) };
}

/** Whether the case's principal procedure or principal diagnosis is the key of one of the MDC's ADRGs. */
function keysAnAdrg(candidates: MdcCandidates, entry: IndexedMdc, principal: PrincipalFacts, procedure: ProcedureFacts | null, record: GroupingInput): boolean {
  const bit = 1 << entry.position;
  if (procedure !== null) {
    if ((procedure.keysKnown & bit) === 0) {
      procedure.keysKnown |= bit;
      if (surgicalFor(procedure, entry, candidates, record.procedures[0]) !== candidates.surgical.open) procedure.keys |= bit;
    }
    if ((procedure.keys & bit) !== 0) return true;
  }
  if ((principal.keysKnown & bit) === 0) {
    principal.keysKnown |= bit;
    if (candidates.medical.byCode.size > 0 && medicalFor(principal, entry, candidates, record.principalDiagnosis) !== candidates.medical.open) principal.keys |= bit;
  }
  return (principal.keys & bit) !== 0;
}

/** A code's first three characters hashed into a prefix filter's 65 536 slots (codes are ASCII; a shared slot only lets a code through to the set). */
function prefixOf(code: string): number {
  return ((code.charCodeAt(0) * 961 + code.charCodeAt(1) * 31 + code.charCodeAt(2)) | 0) & 0xffff;
}

/**
 * Which three-character prefixes a code list has: a code whose prefix is absent is not in the
 * list, known without hashing the code (HIV's B20–B24, Z21, … against every diagnosis of every case).
 */
function prefixFilter(set: Set<string>): Uint8Array {
  const filter = new Uint8Array(1 << 16);
  for (const code of set) filter[prefixOf(code)] = 1;
  return filter;
}

/**
 * The first letters of a code list's codes as bits (A = bit 0 … Z = bit 25), tested before the
 * prefix filter with no memory read: most diagnoses of a case start with a letter no HIV code
 * does. All bits set (no filtering) when a code starts with anything but a capital letter.
 */
function firstLetters(set: Set<string>): number {
  let bits = 0;
  for (const code of set) {
    const letter = code.charCodeAt(0) - 65;
    if (!(letter >= 0 && letter < 26)) return -1;
    bits |= 1 << letter;
  }
  return bits;
}

/** Whether a code may be on a list by its first letter and three-character prefix (then the list's set decides). */
function mayBeListed(code: string, firsts: number, prefixes: Uint8Array): boolean {
  const letter = code.charCodeAt(0) - 65;
  if (letter >= 0 && letter < 26 && (firsts & (1 << letter)) === 0) return false;
  return prefixes[prefixOf(code)] === 1;
}

/** Whether the case's principal procedure meets an MDC's "the principal procedure is listed" entry rule (remembered per code). */
function entersByProcedure(rule: NonNullable<IndexedMdc['entryCodes']>, entry: IndexedMdc, facts: ProcedureFacts | null, code: string | undefined): boolean {
  if (facts === null) return false;
  let known = facts.entersMdc[entry.position]!;
  if (known === 0) known = facts.entersMdc[entry.position] = rule.set.has(code!) ? 1 : 2;
  return known === 1;
}

/**
 * The case's last answer to a diagnosis-list entry rule: the diagnoses do not change when a
 * Zhejiang-style retry groups the case again with another procedure. `groupCase` forgets it.
 */
const diagnosisEntry: { rule: IndexedMdc['entryCodes']; enters: boolean } = { rule: null, enters: false };

/** Whether a diagnosis of the case is on an MDC's "a diagnosis is listed" entry rule's list. */
function entersByDiagnosis(rule: NonNullable<IndexedMdc['entryCodes']>, record: GroupingInput): boolean {
  if (diagnosisEntry.rule === rule) return diagnosisEntry.enters;
  const { prefixes, set, firsts } = rule;
  let enters = mayBeListed(record.principalDiagnosis, firsts, prefixes) && set.has(record.principalDiagnosis);
  const secondary = record.secondaryDiagnoses;
  for (let i = 0; i < secondary.length && !enters; i++) enters = mayBeListed(secondary[i]!, firsts, prefixes) && set.has(secondary[i]!);
  diagnosisEntry.rule = rule;
  diagnosisEntry.enters = enters;
  return enters;
}


/** The trace of a case grouped without one: one shared, frozen empty list instead of an allocation per case. */
const noTrace: TraceStep[] = Object.freeze([]) as unknown as TraceStep[];

/** Group one case. The record must already be valid (see `validate.ts`). */
export function groupCase(pack: RulePack, record: GroupingInput, options: GroupOptions = {}): GroupResult {
  const index = indexRulePack(pack);
  const principal = principalFactsOf(index, record.principalDiagnosis);
  clearSeverityMemo(principal.excluding);
  diagnosisEntry.rule = null;
  bodySitesMemo.sites = null;
  return groupByFacts(pack, index, record, principal, options);
}

/**
 * `groupCase` once the principal diagnosis's facts are known and the case's severity memo is
 * started: a retry with one procedure (Zhejiang's rule) keeps both, as neither depends on the
 * procedures.
 */
function groupByFacts(pack: RulePack, index: PackIndex, record: GroupingInput, principal: PrincipalFacts, options: GroupOptions): GroupResult {
  const principalProcedure = record.procedures.length > 0 ? record.procedures[0]! : undefined;
  const procedure = principalProcedure === undefined ? null : procedureFactsOf(index, principalProcedure);
  useProcedureAnswers(procedure);
  const ambiguous = options.ambiguous ?? 'qy';
  const trace: TraceStep[] | null = options.trace === false ? null : [];
  // The principal procedure (主要手术操作) when it is an operating-room procedure: "全部手术" clauses,
  // "且无手术" and the ambiguous-group test all look at it; a diagnostic or therapeutic principal
  // procedure does not make a surgical case.
  const orProcedure = procedure !== null && procedure.operatingRoom ? principalProcedure! : null;

  const candidates = principal.mdcs;
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
    // Without a trace, the cheapest test that can turn the case away goes first: whether any ADRG
    // is keyed by the case's principal codes (remembered per code), then the entry rule by code
    // lists (a diagnosis list behind its prefix filter reads every diagnosis of the case).
    const known = entry.candidates;
    const keyedOnly = known !== null && known.keyedOnly && entry.entry !== null && trace === null;
    const codes = trace === null ? entry.entryCodes : null;
    if (keyedOnly && !keysAnAdrg(known, entry, principal, procedure, record)) continue;
    if (codes !== null) {
      if (codes.on === 'anyDiagnosis' ? !entersByDiagnosis(codes, record) : !entersByProcedure(codes, entry, procedure, principalProcedure)) continue;
      if (entry.principal && !entersMdc(entry, record, index, trace, true)) continue;
    } else if (!entersMdc(entry, record, index, trace, false)) continue;
    const adrgs = entry.candidates ?? (entry.candidates = entry.indexCandidates());
    let chosen = firstMatch(surgicalFor(procedure, entry, adrgs, principalProcedure), record, index, orProcedure, trace);
    if (!chosen && entry.qy !== 'national' && ambiguous === 'qy') {
      // A local scheme's own QY rule (or none).
      const rule = entry.qy === false ? null : matchingAlternative(entry.qy, record, index, orProcedure);
      if (rule !== null) {
        trace?.push({ step: 'ambiguous', text: `No surgical ADRG of ${entry.mdc.code} takes the case and the scheme's ambiguous-group rule holds (${rule.text}): the case goes to ${entry.qyCode} (歧义组).`, codes: record.procedures.filter((p) => index.operatingRoom.has(p)) });
        return { status: 'ambiguous', mdc: entry.code, adrg: entry.qyCode, drg: entry.qyCode, trace: trace ?? noTrace };
      }
    } else if (!chosen && orProcedure !== null && entry.code !== 'MDCA' && entry.qy === 'national') {
      if (ambiguous !== 'fallthrough') {
        trace?.push({ step: 'ambiguous', text: `Principal procedure ${orProcedure} is an operating-room procedure but matches no surgical ADRG of ${entry.mdc.code}: the case goes to the ambiguous group ${entry.qyCode} (歧义组).`, codes: [orProcedure] });
        return { status: 'ambiguous', mdc: entry.code, adrg: entry.qyCode, drg: entry.qyCode, trace: trace ?? noTrace };
      }
      trace?.push({ step: 'ambiguous', text: `Principal procedure ${orProcedure} is an operating-room procedure but matches no surgical ADRG of ${entry.mdc.code}; fall-through mode sends the case on to the medical ADRGs.`, codes: [orProcedure] });
    }
    chosen ??= firstMatch(medicalFor(principal, entry, adrgs, record.principalDiagnosis), record, index, orProcedure, trace);
    if (!chosen) {
      trace?.push({ step: 'mdc', text: `No ADRG of ${entry.mdc.code} takes the case; the next MDC is tried.` });
      continue;
    }
    if (chosen.splits !== null) {
      trace?.push({ step: 'drg', text: picked.text });
      return { status: 'grouped', mdc: entry.code, adrg: picked.adrg, drg: picked.drg!, trace: trace ?? noTrace };
    }
    const severity = caseSeverity(index, record, trace, principal.excluding);
    const drg = chosen.drgFor[severity];
    trace?.push({ step: 'drg', text: `DRG ${drg} ${chosen.drgNames.get(drg) ?? ''}: ${drgReason(drg, severity)}.`.replace('  ', ' ') });
    return { status: 'grouped', mdc: entry.code, adrg: chosen.code, drg, severity, trace: trace ?? noTrace };
  }
  if (pack.retryEachOtherProcedure && record.procedures.length > 1) {
    for (let p = 1; p < record.procedures.length; p++) {
      const retried = groupByFacts(pack, index, withOnlyProcedure(record, record.procedures[p]!), principal, options);
      if (retried.status === 'ungroupable') continue;
      if (trace) retried.trace.unshift(...trace, { step: 'mdc', text: `No MDC takes the case with all its procedures; the scheme groups it again with procedure ${record.procedures[p]} alone (its other procedures one by one), and that takes.`, codes: [record.procedures[p]!] });
      return retried;
    }
  }
  trace?.push({ step: 'ungroupable', text: `No MDC takes principal diagnosis ${record.principalDiagnosis} for this patient: the case cannot be grouped (0000).`, codes: [record.principalDiagnosis] });
  return { status: 'ungroupable', mdc: null, adrg: null, drg: null, trace: trace ?? noTrace };
}

/**
 * The case with one procedure in place of its list, in one scratch record (grouping is
 * synchronous, and a retry never retries, so one serves every retry of every case): only the
 * fields grouping reads, not a copy of the whole record, and no allocation per retry.
 */
const retryRecord = {
  sex: 'M' as 'M' | 'F',
  ageYears: 0,
  ageDays: undefined as number | undefined,
  birthWeightGrams: undefined as number | undefined,
  principalDiagnosis: '',
  secondaryDiagnoses: [] as readonly string[],
  procedures: [''],
  lengthOfStay: undefined as number | undefined,
  dischargeDisposition: undefined as string | undefined,
  department: undefined as string | undefined,
  icuHours: undefined as number | undefined,
  totalCost: undefined as number | undefined,
} satisfies GroupingInput;

function withOnlyProcedure(r: GroupingInput, procedure: string): GroupingInput {
  retryRecord.sex = r.sex;
  retryRecord.ageYears = r.ageYears;
  retryRecord.ageDays = r.ageDays;
  retryRecord.birthWeightGrams = r.birthWeightGrams;
  retryRecord.principalDiagnosis = r.principalDiagnosis;
  retryRecord.secondaryDiagnoses = r.secondaryDiagnoses;
  retryRecord.procedures[0] = procedure;
  retryRecord.lengthOfStay = r.lengthOfStay;
  retryRecord.dischargeDisposition = r.dischargeDisposition;
  retryRecord.department = r.department;
  retryRecord.icuHours = r.icuHours;
  retryRecord.totalCost = r.totalCost;
  return retryRecord;
}

/** Whether the case enters the MDC (`entryChecked`: its entry rule is already known to hold). */
function entersMdc(entry: IndexedMdc, record: GroupingInput, index: PackIndex, trace: TraceStep[] | null, entryChecked: boolean): boolean {
  const { mdc, principal } = entry;
  if (entry.entry !== null && !entryChecked) {
    const rule = matchingAlternative(entry.entry, record, index, null);
    if (rule === null) {
      trace?.push({ step: 'mdc', text: `${mdc.code}'s entry rule does not hold (${entry.entry[0]!.text}).` });
      return false;
    }
    if (!principal) {
      trace?.push({ step: 'mdc', text: `${mdc.code}: its entry rule holds (${rule.text}).` });
      return true;
    }
  }
  if (!principal) return true; // MDCA: entered through its ADRGs (candidates are already known to list the principal)
  if (record.ageYears > entry.maxAgeYears) {
    trace?.push({ step: 'mdc', text: `Principal diagnosis ${record.principalDiagnosis} is in the ${mdc.code} table, but ${mdc.code} takes patients under ${entry.maxAgeYears + 1} year(s) and this one is ${record.ageYears}.`, codes: [record.principalDiagnosis] });
    return false;
  }
  if (entry.sex !== null && record.sex !== entry.sex) {
    trace?.push({ step: 'mdc', text: `Principal diagnosis ${record.principalDiagnosis} is in the ${mdc.code} table, but ${mdc.code} is for ${mdc.sex === 'M' ? 'male' : 'female'} patients and this one is ${record.sex === 'M' ? 'male' : 'female'}.`, codes: [record.principalDiagnosis] });
    return false;
  }
  if (entry.bodySites.length > 0) {
    const needed = entry.minBodySites;
    if (trace === null) return coversBodySites(entry.bodySites, record, needed);
    const sites: string[] = [];
    const codes: string[] = [];
    for (const site of entry.bodySites) {
      const hit = site.set.has(record.principalDiagnosis) ? record.principalDiagnosis : record.secondaryDiagnoses.find((d) => site.set.has(d));
      if (hit !== undefined) {
        sites.push(`${site.name} (${hit})`);
        codes.push(hit);
      }
    }
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

/** The case's last answer to a body-site rule (diagnoses only, so a retry with another procedure keeps it); `groupCase` forgets it. */
const bodySitesMemo: { sites: IndexedMdc['bodySites'] | null; covers: boolean } = { sites: null, covers: false };

/** Whether the case's diagnoses cover at least `needed` of the body sites (MDCZ, 多发严重创伤), stopping once they do. */
function coversBodySites(sites: IndexedMdc['bodySites'], record: GroupingInput, needed: number): boolean {
  if (bodySitesMemo.sites === sites) return bodySitesMemo.covers;
  let covered = 0;
  let covers = false;
  for (let i = 0; i < sites.length && !covers; i++) {
    const site = sites[i]!;
    if (site.set.has(record.principalDiagnosis) || anyIn(site.set, record.secondaryDiagnoses, 0)) covered++;
    covers = covered >= needed;
  }
  bodySitesMemo.sites = sites;
  bodySitesMemo.covers = covers;
  return covers;
}

/** The DRG a local scheme's split chose in the last `firstMatch` (grouping is synchronous, so one scratch object serves). */
const picked: { drg: string | null; adrg: string; text: string } = { drg: null, adrg: '', text: '' };

function firstMatch(adrgs: IndexedAdrg[], record: GroupingInput, index: PackIndex, orProcedure: string | null, trace: TraceStep[] | null): IndexedAdrg | null {
  for (const candidate of adrgs) {
    for (const alternative of candidate.alternatives) {
      if (!allChecksHold(alternative.checks, record, orProcedure, index.severity)) continue;
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
  if (!explain && candidate.splitTree !== null) {
    const chosen = chooseSplit(candidate.splitTree, record, orProcedure, index.severity);
    if (chosen >= 0) {
      const split = candidate.splits![chosen]!;
      picked.drg = split.code;
      picked.adrg = split.prefix;
      return true;
    }
  } else {
    for (const split of candidate.splits!) {
      const rule = matchingAlternative(split.alternatives, record, index, orProcedure);
      if (rule === null) continue;
      picked.drg = split.code;
      picked.adrg = split.prefix;
      if (explain) picked.text = `DRG ${split.code} ${split.name}: its split holds — ${rule.text}${rule.conditions.length > 0 ? ` (${describeMatch(rule.conditions, record, orProcedure, index)})` : ''}.`;
      return true;
    }
  }
  if (candidate.fallback === null) return false;
  picked.drg = candidate.fallback;
  picked.adrg = candidate.fallbackPrefix!;
  if (explain) picked.text = `Group ${candidate.fallback}: no DRG split of ${candidate.adrg.code} holds, so the case takes the ADRG's own group (${candidate.splits!.map((s) => s.code).join(', ')} tried).`;
  return true;
}

function matchingAlternative(alternatives: IndexedAlternative[], record: GroupingInput, index: PackIndex, orProcedure: string | null): IndexedAlternative | null {
  for (const alternative of alternatives) if (allChecksHold(alternative.checks, record, orProcedure, index.severity)) return alternative;
  return null;
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
export function caseSeverity(index: PackIndex, record: GroupingInput, trace: TraceStep[] | null, excluding = index.excludingTables.get(record.principalDiagnosis)): Severity {
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
function countedLevel(index: PackIndex, dx: string, excluding: ReadonlySet<string> | undefined, principal: string, trace: TraceStep[] | null): Severity {
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
