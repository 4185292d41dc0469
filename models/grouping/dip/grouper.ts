/**
 * The DIP grouper: a valid settlement record → its packet, score and auxiliary tier, with a trace
 * in words. Every valid case gets a packet; the path, in order:
 *
 * 1. Core packet `diagnosis4/counted procedures` when the catalogue has it → status `grouped`.
 * 2. Comprehensive packet `category3/class` when the catalogue has it → `grouped`. When the packet
 *    has cost tiers, the case's total cost picks its tier (cost in (lower, upper], in the
 *    catalogue's newest-reference-year yuan); a case without a cost gets the packet's own score.
 * 3. Fallback (status `fallback`): the catch-all packet of the case's procedure class `*​/class`
 *    (scored from every reference case of that class), else `*​/*` (every reference case): the
 *    category × class never occurred in the reference years, so the case is paid as the average
 *    case of its kind until the catalogue is rebuilt.
 * Then, when the packet has auxiliary tiers (辅助目录), the case's severity, age band and outcome
 * pick one (the tiers partition every combination, so exactly one matches): case score =
 * score × coefficient.
 *
 * The catalogue is indexed once per catalogue object (WeakMap), so grouping is a few Map lookups.
 */
import { meetsCondition } from './auxiliary.ts';
import type { DipCatalog, Packet } from './catalog.ts';
import type { DipInput, DipReference } from './cases.ts';
import { ageBandIndex, ageBands, category3, comprehensiveKey, coreKey, diagnosis4, outcomeIndex, outcomes, readProcedures, severityIndex, severities } from './codes.ts';
import { tierOfCost } from './tiers.ts';

export interface DipTraceStep {
  step: 'diagnosis' | 'procedures' | 'packet' | 'tier' | 'auxiliary' | 'fallback';
  text: string;
}

export interface DipGroupResult {
  status: 'grouped' | 'fallback';
  /** The packet, or its cost tier (`K80/conservative#T2`). */
  packet: string;
  kind: 'core' | 'comprehensive';
  /** Score of the packet or tier (before the auxiliary coefficient). */
  score: number;
  /** The auxiliary tier and its coefficient; null when the packet has none. */
  auxiliary: { tier: string; rule: string; coefficient: number } | null;
  trace: DipTraceStep[];
}

interface CatalogIndex {
  byId: Map<string, Packet>;
}

const indexCache = new WeakMap<DipCatalog, CatalogIndex>();

function indexCatalog(catalog: DipCatalog): CatalogIndex {
  let index = indexCache.get(catalog);
  if (!index) {
    index = { byId: new Map(catalog.packets.map((p) => [p.id, p])) };
    indexCache.set(catalog, index);
  }
  return index;
}

/** Group one valid record (see the module comment for the path and its fallbacks). */
export function groupDip(catalog: DipCatalog, record: DipInput, reference: DipReference, options: { trace?: boolean } = {}): DipGroupResult {
  const { byId } = indexCatalog(catalog);
  const trace: DipTraceStep[] | null = options.trace === false ? null : [];
  const dx4 = diagnosis4(record.principalDiagnosis);
  const cat3 = category3(record.principalDiagnosis);
  const reading = readProcedures(record.procedures, reference.procedureClasses);
  if (trace) {
    trace.push({ step: 'diagnosis', text: `Principal diagnosis ${record.principalDiagnosis}: ${dx4} at 4 characters, category ${cat3}.` });
    trace.push({ step: 'procedures', text: proceduresText(record.procedures, reading) });
  }
  const key = coreKey(dx4, reading.counted);
  let packet = byId.get(key);
  let status: DipGroupResult['status'] = 'grouped';
  if (packet) {
    trace?.push({ step: 'packet', text: `Core packet ${packet.id} (${packet.definition.text}): score ${packet.score}, built from ${packet.cases} reference cases.` });
  } else {
    const compKey = comprehensiveKey(cat3, reading.comprehensiveClass);
    packet = byId.get(compKey);
    if (packet) {
      trace?.push({ step: 'packet', text: `No core packet ${key} in the catalogue (fewer than ${catalog.policy.coreThreshold} reference cases): comprehensive packet ${packet.id} (${packet.definition.text}), score ${packet.score}.` });
    } else {
      status = 'fallback';
      packet = byId.get(comprehensiveKey('*', reading.comprehensiveClass)) ?? byId.get('*/*');
      if (!packet) throw new Error('the DIP catalogue has no catch-all packet */*: rebuild it with this version');
      trace?.push({ step: 'fallback', text: `Neither core packet ${key} nor comprehensive packet ${compKey} is in the catalogue (the reference years had no such case): catch-all packet ${packet.id}, score ${packet.score}.` });
    }
  }
  let id = packet.id;
  let score = packet.score;
  if (packet.tiers && packet.tiers.length > 0) {
    const cost = record.totalCost;
    if (cost === undefined || !Number.isFinite(cost)) {
      trace?.push({ step: 'tier', text: `Packet ${packet.id} has ${packet.tiers.length} cost tiers but the case has no total cost: the packet's own score ${packet.score} applies.` });
    } else {
      const bounds = packet.tiers.slice(0, -1).map((t) => t.upperCost!);
      const tier = packet.tiers[tierOfCost(bounds, cost)]!;
      id = tier.id;
      score = tier.score;
      trace?.push({ step: 'tier', text: `Cost ${cost} yuan is in tier ${tier.id} (${rangeText(tier.lowerCost, tier.upperCost)} yuan): score ${tier.score}.` });
    }
  }
  const auxiliary = packet.auxiliary ? pickAuxiliary(packet, record, reference, trace) : null;
  return { status, packet: id, kind: packet.kind, score, auxiliary, trace: trace ?? [] };
}

function pickAuxiliary(packet: Packet, record: DipInput, reference: DipReference, trace: DipTraceStep[] | null): DipGroupResult['auxiliary'] {
  const severity = severities[severityIndex(reference.severity(record))]!;
  const ageBand = ageBands[ageBandIndex(record.ageYears, record.ageDays)]!;
  const outcome = outcomes[outcomeIndex(record.dischargeDisposition)]!;
  const tier = packet.auxiliary!.find((t) => meetsCondition(t.when, severity, ageBand, outcome));
  if (!tier) {
    trace?.push({ step: 'auxiliary', text: `No auxiliary tier of ${packet.id} matches severity ${severity}, age ${ageBand}, outcome ${outcome}: coefficient 1.` });
    return null;
  }
  trace?.push({ step: 'auxiliary', text: `Auxiliary tier ${tier.id} (辅助目录: ${tier.rule}) — the case has severity ${severity}, age ${ageBand}, outcome ${outcome}: coefficient ${tier.coefficient}, case score ${round2(tier.coefficient * packet.score)}.` });
  return { tier: tier.id, rule: tier.rule, coefficient: tier.coefficient };
}

function proceduresText(procedures: readonly string[], reading: ReturnType<typeof readProcedures>): string {
  const unclassified = reading.unclassified.length > 0 ? ` Not in the procedure-class list, so not counted: ${reading.unclassified.join(', ')}.` : '';
  if (reading.counted.length === 0) return `${procedures.length === 0 ? 'No procedure' : 'No procedure that counts'}: conservative treatment (保守治疗).${unclassified}`;
  const what = reading.diagnosticOnly ? 'only diagnostic procedures, which then count' : 'surgery, intervention or therapeutic procedures count';
  return `Counted procedures ${reading.counted.join(' + ')} (${what}); comprehensive class ${reading.comprehensiveClass}.${unclassified}`;
}

function rangeText(lower: number | null, upper: number | null): string {
  if (lower === null) return `≤ ${upper}`;
  if (upper === null) return `> ${lower}`;
  return `${lower} < cost ≤ ${upper}`;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
