/**
 * The DIP grouper (models.md §2, the national specification's order): a valid settlement record →
 * its packet, score and auxiliary type, with a trace in words.
 *
 * 1. Exclusion list: a principal diagnosis on it → ungrouped.
 * 2. Rule packets: pre-grouped, then diagnosis-assisted (the catalogue's `rules`).
 * 3. Basic rule: merged diagnosis at 4 characters + principal procedure (+ related procedures):
 *    the core packet of the case's base whose related procedures are the largest subset of the
 *    case's own (`bestCore`; the exact key when it exists, the base alone when none fits).
 * 4. Comprehensive packet: category × class of the principal procedure (a cost tier when the
 *    packet has them and the case has a cost).
 * 5. Otherwise ungrouped (status `fallback`): the combination was below the threshold or above
 *    the CV cap, or unseen. The case carries the catch-all packet of its class for information;
 *    the payment pays it by item at the policy's `ungroupedShare`.
 * Then the auxiliary type (辅助分型): of the types the case meets, the one with the highest
 * coefficient (case score = score × coefficient); none → coefficient 1.
 *
 * The catalogue is indexed once per catalogue object (WeakMap), so grouping is a few Map lookups.
 */
import { bestPartialCore, coreMatcher, type CoreMatcher } from './build.ts';
import type { DipCatalog, Packet } from './catalog.ts';
import type { DipInput, DipReference } from './cases.ts';
import { ageBandIndex, auxiliaryTypes, baseKey, caseTypeMask, comprehensiveKey, coreKey, icuBandIndex, icuDays, readDipCodes, typingFlags, type DipCodes, type ProcedureClasses } from './codes.ts';
import { tierOfCost } from './tiers.ts';

export interface DipTraceStep {
  step: 'diagnosis' | 'procedures' | 'packet' | 'tier' | 'auxiliary' | 'fallback';
  text: string;
}

export interface DipGroupResult {
  /** `fallback`: ungrouped (no packet by the rules); paid by item at the policy's margin. */
  status: 'grouped' | 'fallback';
  /** The packet, or its cost tier (`K80/conservative#T2`); for an ungrouped case the catch-all of its class. */
  packet: string;
  kind: 'core' | 'comprehensive';
  /** Score of the packet or tier (before coefficients). */
  score: number;
  /** 基层病种: no hospital coefficient. */
  basic: boolean;
  /** A basic-rule core packet without procedure (conservative treatment): the level coefficient, never a per-packet one. */
  conservative: boolean;
  /** The auxiliary type and its coefficient; null when none applies. */
  auxiliary: { tier: string; rule: string; coefficient: number } | null;
  trace: DipTraceStep[];
}

/** What the grouper reads of a case. */
export interface DipCaseFacts {
  principalDiagnosis: string;
  procedures: readonly string[];
  /** `typingFlags` of the case. */
  flags: number;
  /** `ageBandIndex` of the case. */
  ageBand: number;
  /** Secondary diagnoses (only those a rule packet reads matter). */
  secondaryDiagnoses?: readonly string[] | undefined;
  /** `icuBandIndex` of the case's ICU days (−1 or absent: none). */
  icuBand?: number | undefined;
  totalCost?: number | undefined;
}

interface CatalogIndex {
  byId: Map<string, Packet>;
  matcher: CoreMatcher;
  packetOfKey: Map<string, number>;
  coreIds: string[];
  /** The packet of each core id (`byId` of `coreIds[i]`). */
  corePackets: Packet[];
  /** Per packet with cost tiers, the upper bounds of all but its last tier. */
  tierBounds: Map<Packet, number[]>;
  /** Per packet with auxiliary types, the `caseTypeMask` bit of each (in catalogue order). */
  typeBits: Map<Packet, Int32Array>;
}

const indexCache = new WeakMap<DipCatalog, CatalogIndex>();
const typeBit = new Map<string, number>(auxiliaryTypes.map((t, i) => [t.id, i]));

function indexCatalog(catalog: DipCatalog): CatalogIndex {
  let index = indexCache.get(catalog);
  if (!index) {
    const coreIds = catalog.packets.filter((p) => p.definition.kind === 'core' && p.definition.stage === 'basic').map((p) => p.id);
    const tierBounds = new Map<Packet, number[]>();
    const typeBits = new Map<Packet, Int32Array>();
    for (const p of catalog.packets) {
      if (p.tiers && p.tiers.length > 0) tierBounds.set(p, p.tiers.slice(0, -1).map((t) => t.upperCost!));
      if (p.auxiliary && p.auxiliary.length > 0) typeBits.set(p, Int32Array.from(p.auxiliary, (t) => typeBit.get(t.type)!));
    }
    const byId = new Map(catalog.packets.map((p) => [p.id, p]));
    index = { byId, matcher: coreMatcher(coreIds), packetOfKey: new Map(coreIds.map((id, i) => [id, i])), coreIds, corePackets: coreIds.map((id) => byId.get(id)!), tierBounds, typeBits };
    indexCache.set(catalog, index);
  }
  return index;
}

/** Group one valid record (see the module comment). */
export function groupDip(catalog: DipCatalog, record: DipInput, reference: DipReference, options: { trace?: boolean } = {}): DipGroupResult {
  return groupCase(catalog, record, reference.procedureClasses, options, recordTypeMask);
}

/** Group a case from its facts (the simulate path carries facts, not records). */
export function groupDipFacts(catalog: DipCatalog, facts: DipCaseFacts, classes: ProcedureClasses, options: { trace?: boolean } = {}): DipGroupResult {
  return groupCase(catalog, facts, classes, options, factsTypeMask);
}

/** What `groupCase` reads of a record or of its facts. */
type CaseCodes = Pick<DipCaseFacts, 'principalDiagnosis' | 'procedures' | 'secondaryDiagnoses' | 'totalCost'>;

/** The auxiliary types a case meets (`caseTypeMask`); read only when its packet has auxiliary types. */
function recordTypeMask(record: DipInput, costRatio: number): number {
  return caseTypeMask(typingFlags(record), ageBandIndex(record.ageYears, record.ageDays), costRatio, icuBandIndex(icuDays(record.icuHours)));
}

function factsTypeMask(facts: DipCaseFacts, costRatio: number): number {
  return caseTypeMask(facts.flags, facts.ageBand, costRatio, facts.icuBand ?? -1);
}

function groupCase<C extends CaseCodes>(catalog: DipCatalog, facts: C, classes: ProcedureClasses, options: { trace?: boolean }, typeMask: (c: C, costRatio: number) => number): DipGroupResult {
  const index = indexCatalog(catalog);
  const { byId } = index;
  const trace: DipTraceStep[] | null = options.trace === false ? null : [];
  const codes = readDipCodes(facts.principalDiagnosis, facts.procedures, classes, catalog.rules, facts.secondaryDiagnoses);
  if (trace) {
    trace.push({ step: 'diagnosis', text: `Principal diagnosis ${facts.principalDiagnosis}: ${codes.diagnosis} at 4 characters${codes.diagnosis.startsWith(facts.principalDiagnosis.slice(0, 3)) ? '' : ' (merged)'}, category ${codes.category}.` });
    trace.push({ step: 'procedures', text: proceduresText(codes) });
  }
  if (codes.excluded) return ungrouped(byId, codes, trace, () => `Principal diagnosis ${facts.principalDiagnosis} is on the exclusion list`);

  let packet: Packet | undefined;
  if (codes.rulePacket !== null) {
    packet = byId.get(codes.rulePacket);
    if (packet) trace?.push({ step: 'packet', text: `Rule packet ${packet.id} (${packet.definition.text}): score ${packet.score}.` });
    else trace?.push({ step: 'packet', text: `Rule packet ${codes.rulePacket} has no reference case in the catalogue: the basic rule applies.` });
  }
  const base = baseKey(codes.diagnosis, codes.principal);
  const key = coreKey(base, codes.related);
  if (!packet) {
    const p = index.packetOfKey.get(key) ?? bestPartialCore(index.matcher, base, codes.related, index.packetOfKey);
    if (p >= 0) {
      packet = index.corePackets[p]!;
      const how = packet.id === key ? 'exact match' : `related procedures matched in part: the core packet of ${base} with the most of them`;
      trace?.push({ step: 'packet', text: `Core packet ${packet.id} (${how}; ${packet.definition.text}): score ${packet.score}, built from ${packet.cases} reference cases.` });
    }
  }
  let id: string;
  let score: number;
  if (packet) {
    id = packet.id;
    score = packet.score;
  } else {
    const compKey = comprehensiveKey(codes.category, codes.procedureClass);
    packet = byId.get(compKey);
    if (!packet) return ungrouped(byId, codes, trace, () => `No core packet of ${base} fits and the comprehensive packet ${compKey} is not in the catalogue (below the threshold of ${catalog.policy.coreThreshold} cases, above the CV cap of ${catalog.policy.comprehensiveMaxCv}, or unseen)`);
    trace?.push({ step: 'packet', text: `No core packet of ${base} fits: comprehensive packet ${packet.id} (${packet.definition.text}), score ${packet.score}.` });
    id = packet.id;
    score = packet.score;
    if (packet.tiers && packet.tiers.length > 0) {
      const cost = facts.totalCost;
      if (cost === undefined || !Number.isFinite(cost)) {
        trace?.push({ step: 'tier', text: `Packet ${packet.id} has ${packet.tiers.length} cost tiers but the case has no total cost: the packet's own score ${packet.score} applies.` });
      } else {
        const bounds = index.tierBounds.get(packet)!;
        const tier = packet.tiers[tierOfCost(bounds, cost)]!;
        id = tier.id;
        score = tier.score;
        trace?.push({ step: 'tier', text: `Cost ${cost} yuan is in tier ${tier.id}: score ${tier.score}.` });
      }
    }
  }
  const bits = index.typeBits.get(packet);
  const auxiliary = bits ? pickType(packet, bits, typeMask(facts, facts.totalCost !== undefined && packet.meanCost > 0 ? facts.totalCost / packet.meanCost : NaN), trace) : null;
  const conservative = packet.definition.kind === 'core' && packet.definition.stage === 'basic' && packet.definition.principal === null;
  return { status: 'grouped', packet: id, kind: packet.kind, score, basic: packet.basic, conservative, auxiliary, trace: trace ?? [] };
}

/** An ungrouped case: the catch-all packet of its class for information (`why` is only worded for a trace). */
function ungrouped(byId: ReadonlyMap<string, Packet>, codes: DipCodes, trace: DipTraceStep[] | null, why: () => string): DipGroupResult {
  const packet = byId.get(comprehensiveKey('*', codes.procedureClass)) ?? byId.get('*/*');
  trace?.push({ step: 'fallback', text: `${why()}: the case is ungrouped and paid by item at the policy's ungrouped share${packet ? ` (catch-all ${packet.id} shown for information, score ${packet.score})` : ''}.` });
  return { status: 'fallback', packet: packet?.id ?? '*/*', kind: 'comprehensive', score: packet?.score ?? NaN, basic: false, conservative: false, auxiliary: null, trace: trace ?? [] };
}

/** The met auxiliary type with the highest coefficient (ties: the first in the catalogue). */
function pickType(packet: Packet, bits: Int32Array, mask: number, trace: DipTraceStep[] | null): DipGroupResult['auxiliary'] {
  let best: NonNullable<Packet['auxiliary']>[number] | null = null;
  const types = packet.auxiliary!;
  for (let j = 0; j < types.length; j++) {
    const t = types[j]!;
    if ((mask >> bits[j]!) & 1 && (!best || t.coefficient > best.coefficient)) best = t;
  }
  if (!best) {
    trace?.push({ step: 'auxiliary', text: `No auxiliary type of ${packet.id} applies to the case: coefficient 1.` });
    return null;
  }
  trace?.push({ step: 'auxiliary', text: `Auxiliary type ${best.id} (辅助分型: ${best.rule}), the highest coefficient of the types the case meets: ${best.coefficient}.` });
  return { tier: best.id, rule: best.rule, coefficient: best.coefficient };
}

function proceduresText(codes: DipCodes): string {
  const unclassified = codes.unclassified.length > 0 ? ` Not in the procedure-class list, so not counted: ${codes.unclassified.join(', ')}.` : '';
  const rule = codes.rulePacket !== null ? ` Rule packet ${codes.rulePacket} applies.` : '';
  if (codes.principal === null) return `No classified procedure: conservative treatment (保守治疗).${rule}${unclassified}`;
  return `Principal procedure ${codes.principal}${codes.related.length > 0 ? `, related ${codes.related.join(' + ')}` : ''}; comprehensive class ${codes.procedureClass}.${rule}${unclassified}`;
}
