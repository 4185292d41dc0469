/**
 * The DIP catalogue builder (models.md §2, the national DIP specification): cases in columns
 * (`cases.ts`) + a catalogue policy → the catalogue document (`catalog.ts`). Steps:
 *
 * 1. Reference cases: discharged in a reference year, with a cost, principal diagnosis not on the
 *    exclusion list. Each distinct codes key is read once (`readDipCodes`): rule packet, merged
 *    diagnosis, principal procedure, related procedures, class of the principal procedure.
 * 2. Related procedures that count (`significantRelated`): within a diagnosis + principal
 *    procedure base, related procedure r counts when the cases with r cost on average ≥
 *    (1 + relatedProcedureShare) × the cases without it (costs relative to their year's mean).
 *    A case's core key = base + the counting related procedures it has.
 * 3. Core threshold (`coverageByThreshold`): the policy's, else the largest t ≤ maxCoreThreshold
 *    whose core packets (rule packets + keys with ≥ t cases, each case in the core packet of its
 *    base whose related procedures are the largest subset of its own) cover ≥ coverageTarget.
 * 4. Comprehensive packets: the other cases by category × class of the principal procedure.
 *    Price level M_y (all-case trimmed mean per year); c' = c × M_newest / M_y. A comprehensive
 *    combination with < t cases or CV(c') > comprehensiveMaxCv is dropped: its cases are
 *    ungrouped (paid by item at the policy's margin).
 * 5. Cost tiers (k-means, `tiers.ts`) of comprehensive packets only with `costTiers`.
 * 6. Scores: per unit and year the trimmed mean m_{i,y}; M_y over every reference case (the
 *    ungrouped ones as one more group);
 *      score_i = scoreScale × Σ_y w_y (m_{i,y} / M_y) / Σ_y w_y   (years in which i has cases).
 * 7. Auxiliary typing (`auxiliaryTyping`) of core packets with ≥ auxiliaryMinCases cases; learned
 *    CART tiers only with `learnedTiers` (an analysis, never paid).
 * 8. Catch-all packets `*​/class`, `*​/*` describe the reference cases of each class (the grouper
 *    leaves a case that reaches them ungrouped). Quality: coverage, RIV, CV counts.
 */
import { fitAuxiliary, auxiliaryFeatures } from './auxiliary.ts';
import { catalogHead, type AuxiliaryTier, type AuxiliaryType, type CostTier, type DipCatalog, type Packet } from './catalog.ts';
import { intern } from '../../intern.ts';
import { splitCodesKey, type DipCaseTable } from './cases.ts';
import { itemScores } from './item-scores.ts';
import { auxiliaryTypes, baseKey, caseTypeMask, comprehensiveClasses, comprehensiveKey, coreKey, readDipCodes, type ComprehensiveClass, type DipCodes, type PacketRules } from './codes.ts';
import { resolveYears, type DipCatalogPolicy } from './policy.ts';
import { momentsByGroup, rivOf, trimmedByGroup } from './stats.ts';
import { costTiers } from './tiers.ts';
import { counted } from '../../text/plural.ts';
import { trimmedMeanSorted } from '../../payment/weights.ts';

/** A grouping unit under construction: a packet, or a cost tier of one. */
interface Unit {
  packet: number;
  tier: number | null;
}

interface PacketDraft {
  id: string;
  kind: 'core' | 'comprehensive';
  definition: Packet['definition'];
  units: number[];
  bounds: number[] | null;
}

/** The packet rules of a catalogue policy. */
export function packetRulesOf(policy: Pick<DipCatalogPolicy, 'exclusions' | 'merge' | 'rulePackets'>): PacketRules {
  return { exclusions: policy.exclusions, merge: policy.merge, rulePackets: policy.rulePackets };
}

/** Build the catalogue. `builtAt` is passed in (models stay deterministic). */
export function buildDipCatalog(table: DipCaseTable, policy: DipCatalogPolicy, builtAt: string): DipCatalog {
  const years = resolveYears(policy, distinctYears(table.year));
  const yearIndex = new Map(years.years.map((y, i) => [y, i]));
  const Y = years.years.length;
  const rules = packetRulesOf(policy);
  const codes: DipCodes[] = table.codesKeys.map((key) => {
    const c = splitCodesKey(key);
    return keptCodes(readDipCodes(c.principalDiagnosis, c.procedures, c.classes, rules, c.secondaryDiagnoses));
  });

  // 1. Reference rows.
  const picked: number[] = [];
  const excluded = { noCost: 0, outsideYears: 0, diagnosis: 0 };
  for (let i = 0; i < table.size; i++) {
    if (!yearIndex.has(table.year[i]!)) excluded.outsideYears++;
    else if (!(table.cost[i]! >= 0)) excluded.noCost++;
    else if (codes[table.codes[i]!]!.excluded) excluded.diagnosis++;
    else picked.push(i);
  }
  const rows = Int32Array.from(picked);
  const n = rows.length;
  if (n === 0) throw new Error(`no reference case: none of the ${counted(table.size, 'case')} was discharged in ${years.years.join(', ')} with a cost and a principal diagnosis off the exclusion list`);
  const yearOf = new Int32Array(n);
  const cost = new Float64Array(n);
  const codeOf = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    yearOf[k] = yearIndex.get(table.year[i]!)!;
    cost[k] = table.cost[i]!;
    codeOf[k] = table.codes[i]!;
  }

  // 2. Core keys: base + the related procedures that count.
  const relative = relativeCosts(cost, yearOf, Y);
  const significant = significantRelated(codes, codeOf, relative, policy.relatedProcedureShare);
  const keyOfCode = codes.map((c) => (c.rulePacket !== null ? null : coreKey(baseKey(c.diagnosis, c.principal), c.related.filter((r) => significant.get(baseKey(c.diagnosis, c.principal))?.has(r)))));
  // Cases per codes entry, then per key (whole counts: the order of the additions does not matter).
  const casesOfCode = new Int32Array(codes.length);
  for (let k = 0; k < n; k++) casesOfCode[codeOf[k]!]!++;
  const keyCount = new Map<string, number>();
  const ruleCount = new Map<string, number>();
  codes.forEach((c, j) => {
    const cases = casesOfCode[j]!;
    if (cases === 0) return;
    if (c.rulePacket !== null) ruleCount.set(c.rulePacket, (ruleCount.get(c.rulePacket) ?? 0) + cases);
    else keyCount.set(keyOfCode[j]!, (keyCount.get(keyOfCode[j]!) ?? 0) + cases);
  });

  // 3. Threshold.
  const coverage = coverageByThreshold(keyCount, ruleCount, n, policy.maxCoreThreshold);
  let threshold = policy.coreThreshold;
  const thresholdSource = threshold === undefined ? 'coverage' : 'policy';
  if (threshold === undefined) {
    threshold = 1;
    for (let t = policy.maxCoreThreshold; t >= 1; t--) {
      if (coverage[t - 1]! >= policy.coverageTarget) {
        threshold = t;
        break;
      }
    }
  }
  const t = threshold;
  const minTier = policy.minTierCases ?? t;

  // Core packets: rule packets in policy order, then basic-rule keys in key order.
  const packets: PacketDraft[] = [];
  const packetOfKey = new Map<string, number>();
  for (const rule of policy.rulePackets) {
    if (!ruleCount.has(rule.id) || packetOfKey.has(rule.id)) continue;
    packetOfKey.set(rule.id, packets.length);
    const secondary = rule.secondaryDiagnoses ? ` and a secondary diagnosis in ${rule.secondaryDiagnoses.join(', ')}` : '';
    packets.push({ id: rule.id, kind: 'core', definition: { kind: 'core', stage: rule.stage, diagnoses: rule.diagnoses, procedures: rule.procedures ?? null, ...(rule.secondaryDiagnoses ? { secondaryDiagnoses: rule.secondaryDiagnoses } : {}), text: rule.text ?? `${rule.stage} packet: principal diagnosis in ${rule.diagnoses.join(', ')}${rule.procedures ? ` with ${rule.procedures.join(' or ')}` : ''}${secondary}` }, units: [], bounds: null });
  }
  const coreKeys = [...keyCount].filter(([, c]) => c >= t).map(([k]) => k).sort(cmp);
  for (const key of coreKeys) {
    packetOfKey.set(key, packets.length);
    packets.push(draftCore(key));
  }
  const matcher = coreMatcher(coreKeys);
  const coreOfCode = codes.map((c, j) => (c.rulePacket !== null ? packetOfKey.get(c.rulePacket) ?? -1 : bestCore(matcher, baseKey(c.diagnosis, c.principal), keyOfCode[j]!, packetOfKey)));

  // 4. Comprehensive packets (first pass: every combination).
  const compIndex = new Map<string, number>();
  const compKeys: string[] = [];
  const compOfRow = new Int32Array(n).fill(-1);
  const packetOfRow = new Int32Array(n);
  // Comprehensive combination of each codes entry, interned at its first row (−1: not yet).
  const compOfCode = new Int32Array(codes.length).fill(-1);
  let coreCases = 0;
  for (let k = 0; k < n; k++) {
    const j = codeOf[k]!;
    const p = coreOfCode[j]!;
    if (p >= 0) {
      packetOfRow[k] = p;
      coreCases++;
      continue;
    }
    if (compOfCode[j]! < 0) compOfCode[j] = intern(compIndex, compKeys, comprehensiveKey(codes[j]!.category, codes[j]!.procedureClass));
    compOfRow[k] = compOfCode[j]!;
  }
  const compOrder = compKeys.map((_, c) => c).sort((a, b) => cmp(compKeys[a]!, compKeys[b]!));
  const firstPacketOfComp = new Int32Array(compKeys.length);
  compOrder.forEach((c, j) => (firstPacketOfComp[c] = packets.length + j));
  for (let k = 0; k < n; k++) if (compOfRow[k]! >= 0) packetOfRow[k] = firstPacketOfComp[compOfRow[k]!]!;
  const draftsWithComp = packets.concat(compOrder.map((c) => draftComprehensive(compKeys[c]!)));

  // Price level from every reference case.
  const firstLevel = allCaseMeans(packetOfRow, draftsWithComp.length, yearOf, Y, cost, policy.trim);
  const priceLevel = firstLevel.map((m) => firstLevel[Y - 1]! / m);
  const adjusted = new Float64Array(n);
  for (let k = 0; k < n; k++) adjusted[k] = cost[k]! * priceLevel[yearOf[k]!]!;

  // Drop comprehensive combinations below the threshold or above the CV cap.
  const firstMoments = momentsByGroup(packetOfRow, draftsWithComp.length, adjusted);
  const keepPacket = draftsWithComp.map((d, p) => d.kind === 'core' || (firstMoments.count[p]! >= t && !(firstMoments.cv[p]! > policy.comprehensiveMaxCv)));
  const dropped = keepPacket.filter((k) => !k).length;
  let next = 0;
  const renumber = Int32Array.from(keepPacket, (k) => (k ? next++ : -1));
  const all = draftsWithComp.filter((_, p) => keepPacket[p]);
  let ungroupedCases = 0;
  for (let k = 0; k < n; k++) {
    packetOfRow[k] = renumber[packetOfRow[k]!]!;
    if (packetOfRow[k]! < 0) ungroupedCases++;
  }

  // 5. Cost tiers (opt-in) and units.
  const packetMoments = momentsByGroup(packetOfRow, all.length, adjusted);
  const rowsOfPacket = bucketRows(packetOfRow, all.length);
  const units: Unit[] = [];
  const unitOfRow = new Int32Array(n).fill(-1);
  all.forEach((p, index) => {
    const members = rowsOfPacket[index]!;
    const tiering = policy.costTiers && p.kind === 'comprehensive' && packetMoments.cv[index]! > policy.targetCv ? costTiers(gather(adjusted, members), { targetCv: policy.targetCv, maxTiers: policy.maxTiers, minTierCases: minTier, seed: policy.seed }) : null;
    if (!tiering) {
      p.units = [units.length];
      units.push({ packet: index, tier: null });
      for (const k of members) unitOfRow[k] = p.units[0]!;
      return;
    }
    p.bounds = tiering.bounds;
    const first = units.length;
    p.units = Array.from({ length: tiering.bounds.length + 1 }, (_, j) => first + j);
    for (let j = 0; j <= tiering.bounds.length; j++) units.push({ packet: index, tier: j });
    for (let j = 0; j < members.length; j++) unitOfRow[members[j]!] = first + tiering.tierOf[j]!;
  });

  // 6. Scores.
  const U = units.length;
  // M_y over every reference case: the ungrouped ones form one more group (U) for it.
  const unitOrUngrouped = Int32Array.from(unitOfRow, (u) => (u < 0 ? U : u));
  const unitStats = trimmedByGroup(yearGroups(unitOrUngrouped, Y, yearOf), (U + 1) * Y, cost, policy.trim);
  const M = yearMeans(unitStats, U + 1, Y);
  const scoreOf = (stats: { count: Int32Array; mean: Float64Array }, g: number) => score(stats, g, Y, M, years.weights, policy.scoreScale);
  const packetStats = trimmedByGroup(yearGroups(packetOfRow, Y, yearOf), all.length * Y, cost, policy.trim);
  const unitMoments = momentsByGroup(unitOfRow, U, adjusted);

  const drugScores = itemScores(packetOfRow, all.length, yearOf, years.weights, gather(table.drugCost, rows));
  const materialScores = itemScores(packetOfRow, all.length, yearOf, years.weights, gather(table.materialCost, rows));

  // 7. Auxiliary typing; learned tiers.
  const flags = gather8(table.flags, rows);
  const ageBand = gather8(table.ageBand, rows);
  const icuBand = gather8(table.icuBand, rows);
  const binned = policy.learnedTiers ? auxiliaryFeatures(gather8(table.severity, rows), ageBand, gather8(table.outcome, rows)) : null;
  const leafGroup = new Int32Array(n).fill(-1);
  let leafGroups = 0;
  let withAuxiliary = 0;
  const basic = new Set(policy.basicPackets);
  const out: Packet[] = all.map((p, index) => {
    const members = rowsOfPacket[index]!;
    const packet: Packet = { id: p.id, kind: p.kind, definition: p.definition, basic: basic.has(p.id), score: round2(scoreOf(packetStats, index)), cases: members.length, meanCost: round2(packetMoments.mean[index]!), cv: round4(packetMoments.cv[index]!) };
    if (Number.isFinite(drugScores[index]!)) packet.drugScore = round4(drugScores[index]!);
    if (Number.isFinite(materialScores[index]!)) packet.materialScore = round4(materialScores[index]!);
    if (p.bounds) {
      const bounds = p.bounds;
      packet.tiers = p.units.map((u, j): CostTier => ({
        id: `${p.id}#T${j + 1}`,
        lowerCost: j === 0 ? null : round2(bounds[j - 1]!),
        upperCost: j === bounds.length ? null : round2(bounds[j]!),
        score: round2(scoreOf(unitStats, u)),
        cases: unitMoments.count[u]!,
        meanCost: round2(unitMoments.mean[u]!),
        cv: round4(unitMoments.cv[u]!),
      }));
      for (const k of members) leafGroup[k] = leafGroups + unitOfRow[k]! - p.units[0]!;
      leafGroups += p.units.length;
      return packet;
    }
    const typing = p.kind === 'core' && members.length >= policy.auxiliaryMinCases ? auxiliaryTyping(p.id, members, adjusted, flags, ageBand, icuBand, packetMoments.mean[index]!, policy.trim, minTier, policy.auxiliaryCvReduction) : null;
    if (typing) {
      withAuxiliary++;
      packet.auxiliary = typing.types;
      packet.cvWithAuxiliary = round4(typing.cvWithin);
      for (let j = 0; j < members.length; j++) leafGroup[members[j]!] = leafGroups + typing.groupOf[j]!;
      leafGroups += typing.groups;
    } else {
      for (const k of members) leafGroup[k] = leafGroups;
      leafGroups++;
    }
    if (binned) {
      const fit = fitAuxiliary(binned, adjusted, members, { maxDepth: policy.auxiliaryMaxDepth, minTierCases: minTier, cvReduction: policy.auxiliaryCvReduction });
      if (fit) packet.learnedTiers = learnedTiers(p.id, fit, members, adjusted, policy.trim);
    }
    return packet;
  });

  // 8. Catch-all packets; quality.
  out.push(...catchAllPackets(codes, codeOf, yearOf, Y, cost, adjusted, M, years.weights, policy));
  const riv = rivOf(unitMoments, unitOfRow, adjusted);
  const rivAux = rivOf(momentsByGroup(leafGroup, leafGroups, adjusted), leafGroup, adjusted);
  let cvBelowHalf = 0;
  let cvAboveOne = 0;
  for (let u = 0; u < U; u++) {
    if (unitMoments.cv[u]! < 0.5) cvBelowHalf++;
    if (unitMoments.cv[u]! > 1) cvAboveOne++;
  }
  const comprehensive = all.filter((p) => p.kind === 'comprehensive');
  return {
    ...catalogHead(policy, { coreThreshold: t, coreThresholdSource: thresholdSource, minTierCases: minTier, costTiers: policy.costTiers }),
    referenceYears: years.years,
    yearWeights: years.weights,
    allCaseMean: M.map(round2),
    priceLevel: priceLevel.map((x) => round6(x)),
    packets: out,
    quality: {
      cases: n,
      coreCases,
      coreCoverage: round6(coreCases / n),
      corePackets: all.length - comprehensive.length,
      comprehensivePackets: comprehensive.length,
      tieredPackets: comprehensive.filter((p) => p.bounds).length,
      packetsWithAuxiliary: withAuxiliary,
      units: U,
      riv: round6(riv),
      rivWithAuxiliary: round6(rivAux),
      cvBelowHalf,
      cvAboveOne,
      excluded,
      ungroupedCases,
      droppedComprehensive: dropped,
      coverageByThreshold: coverage.map(round6),
    },
    builtAt,
  };
}

/**
 * A copy of `readDipCodes`' answer made here, so its own objects stay short-lived. The builder
 * keeps one per codes key; were they `readDipCodes`' own, V8 would see them all survive and
 * allocate every later one in the old generation (allocation-site pretenuring), so a process that
 * builds and then groups (simulate, the service, the bench) groups at half speed with 2× the GC.
 */
function keptCodes(c: DipCodes): DipCodes {
  return { excluded: c.excluded, rulePacket: c.rulePacket, diagnosis: c.diagnosis, category: c.category, principal: c.principal, related: c.related.slice(), procedureClass: c.procedureClass, unclassified: c.unclassified.slice() };
}

/** Cost relative to the mean cost of its year (untrimmed): comparable across reference years. */
function relativeCosts(cost: Float64Array, yearOf: Int32Array, Y: number): Float64Array {
  const sum = new Float64Array(Y);
  const count = new Int32Array(Y);
  for (let k = 0; k < cost.length; k++) {
    sum[yearOf[k]!]! += cost[k]!;
    count[yearOf[k]!]!++;
  }
  const out = new Float64Array(cost.length);
  for (let k = 0; k < cost.length; k++) {
    const m = sum[yearOf[k]!]! / count[yearOf[k]!]!;
    out[k] = m > 0 ? cost[k]! / m : 0;
  }
  return out;
}

/**
 * Related procedures that count, per base (diagnosis / principal procedure): r counts when the
 * base's cases with r have a mean relative cost ≥ (1 + share) × that of its cases without r.
 */
export function significantRelated(codes: readonly DipCodes[], codeOf: Int32Array, relative: Float64Array, share: number): Map<string, Set<string>> {
  type Sum = { sum: number; n: number };
  const byBase = new Map<string, Sum & { related: Map<string, Sum> }>();
  // Per codes entry, resolved at its first row (so the maps fill in row order): its base's sums and
  // those of its related procedures. Sums still run over the rows in order.
  const baseOfCode: (Sum | null | undefined)[] = new Array(codes.length);
  const relatedOfCode: Sum[][] = new Array(codes.length);
  for (let k = 0; k < codeOf.length; k++) {
    const j = codeOf[k]!;
    let b = baseOfCode[j];
    if (b === undefined) {
      const c = codes[j]!;
      if (c.rulePacket !== null) b = null;
      else {
        const base = baseKey(c.diagnosis, c.principal);
        let entry = byBase.get(base);
        if (!entry) byBase.set(base, (entry = { sum: 0, n: 0, related: new Map() }));
        const related = entry.related;
        relatedOfCode[j] = c.related.map((r) => {
          let x = related.get(r);
          if (!x) related.set(r, (x = { sum: 0, n: 0 }));
          return x;
        });
        b = entry;
      }
      baseOfCode[j] = b;
    }
    if (b === null) continue;
    const rel = relative[k]!;
    b.sum += rel;
    b.n++;
    for (const x of relatedOfCode[j]!) {
      x.sum += rel;
      x.n++;
    }
  }
  const out = new Map<string, Set<string>>();
  for (const [base, b] of byBase) {
    const keep = new Set<string>();
    for (const [r, x] of b.related) {
      const without = b.n - x.n;
      if (without === 0) continue;
      const meanWith = x.sum / x.n;
      const meanWithout = (b.sum - x.sum) / without;
      if (meanWith >= (1 + share) * meanWithout - 1e-12) keep.add(r);
    }
    if (keep.size > 0) out.set(base, keep);
  }
  return out;
}

/** Core keys of each base with their related procedures, for the partial-match rule. */
export type CoreMatcher = Map<string, { key: string; related: string[] }[]>;

export function coreMatcher(keys: readonly string[]): CoreMatcher {
  const m: CoreMatcher = new Map();
  for (const key of keys) {
    const plus = key.indexOf('+');
    const base = plus === -1 ? key : key.slice(0, plus);
    const related = plus === -1 ? [] : key.slice(plus + 1).split('+');
    let list = m.get(base);
    if (!list) m.set(base, (list = []));
    list.push({ key, related });
  }
  return m;
}

/**
 * The core packet of a case (models.md §2): among the core keys of its base whose related
 * procedures are all among the case's, the one with the most; ties → the first key in order.
 * Returns the packet index, or −1 when the base has no core key the case fits.
 */
export function bestCore(matcher: CoreMatcher, base: string, key: string, packetOfKey: ReadonlyMap<string, number>): number {
  const exact = packetOfKey.get(key);
  if (exact !== undefined) return exact;
  const plus = key.indexOf('+');
  return bestPartialCore(matcher, base, plus === -1 ? [] : key.slice(plus + 1).split('+'), packetOfKey);
}

/**
 * `bestCore` for a case whose own key (base + `related`) is not a core key: no key string to
 * build or split, the related procedures compared as they are (a handful per case).
 */
export function bestPartialCore(matcher: CoreMatcher, base: string, related: readonly string[], packetOfKey: ReadonlyMap<string, number>): number {
  const list = matcher.get(base);
  if (!list) return -1;
  let best: { key: string; related: string[] } | null = null;
  for (const c of list) {
    if (best && c.related.length <= best.related.length) continue;
    if (containsAll(related, c.related)) best = c;
  }
  return best ? packetOfKey.get(best.key)! : -1;
}

function containsAll(own: readonly string[], wanted: readonly string[]): boolean {
  for (const r of wanted) if (!own.includes(r)) return false;
  return true;
}

/** Core coverage at thresholds 1 … maxThreshold: (rule cases + cases whose key fits a key with ≥ t cases) / cases. */
export function coverageByThreshold(keyCount: ReadonlyMap<string, number>, ruleCount: ReadonlyMap<string, number>, cases: number, maxThreshold: number): number[] {
  let ruleCases = 0;
  for (const c of ruleCount.values()) ruleCases += c;
  const entries = [...keyCount].sort((a, b) => cmp(a[0], b[0]));
  const out: number[] = [];
  for (let t = 1; t <= maxThreshold; t++) {
    const coreKeys = entries.filter(([, c]) => c >= t).map(([k]) => k);
    const matcher = coreMatcher(coreKeys);
    const packetOfKey = new Map(coreKeys.map((k, i) => [k, i]));
    let covered = ruleCases;
    for (const [key, c] of entries) {
      const plus = key.indexOf('+');
      if (bestCore(matcher, plus === -1 ? key : key.slice(0, plus), key, packetOfKey) >= 0) covered += c;
    }
    out.push(cases > 0 ? covered / cases : NaN);
  }
  return out;
}

/**
 * Auxiliary typing of one core packet (models.md §2): coefficient of type j = trimmed mean of the
 * price-adjusted cost of the packet's cases meeting j ÷ that of the packet (m_j / M); types with
 * fewer than `minCases` cases are left out; each case takes its met type with the highest
 * coefficient (none: coefficient 1). Kept when it lowers the packet's CV by ≥ `reduction`.
 */
export function auxiliaryTyping(packetId: string, members: Int32Array, adjusted: Float64Array, flags: Uint8Array, ageBand: Uint8Array, icuBand: Uint8Array, standard: number, trim: readonly [number, number], minCases: number, reduction: number): { types: AuxiliaryType[]; groupOf: Int32Array; groups: number; cvWithin: number } | null {
  const m = members.length;
  const T = auxiliaryTypes.length;
  const mask = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const k = members[j]!;
    mask[j] = caseTypeMask(flags[k]!, ageBand[k]!, adjusted[k]! / standard, icuBand[k]! - 1);
  }
  const local = gather(adjusted, members);
  const packetMean = trimmedMeanSorted(local.slice().sort(), trim[0], trim[1]).mean;
  // Cases meeting each type, then the trimmed mean of each type met by ≥ minCases cases.
  const typeCount = new Int32Array(T);
  for (let j = 0; j < m; j++) for (let x = mask[j]!; x !== 0; x &= x - 1) typeCount[31 - Math.clz32(x & -x)]!++;
  const coefficient = new Float64Array(T).fill(NaN);
  const buffer = new Float64Array(m);
  for (let ty = 0; ty < T; ty++) {
    if (typeCount[ty]! < minCases || !(packetMean > 0)) continue;
    let fill = 0;
    for (let j = 0; j < m; j++) if ((mask[j]! >> ty) & 1) buffer[fill++] = local[j]!;
    coefficient[ty] = trimmedMeanSorted(buffer.subarray(0, fill).sort(), trim[0], trim[1]).mean / packetMean;
  }
  // Group T: no kept type (coefficient 1). Bits in ascending order: ties keep the first type.
  const groupOf = new Int32Array(m).fill(T);
  for (let j = 0; j < m; j++) {
    let best = -1;
    for (let x = mask[j]!; x !== 0; x &= x - 1) {
      const ty = 31 - Math.clz32(x & -x);
      if (coefficient[ty]! > (best < 0 ? -Infinity : coefficient[best]!)) best = ty;
    }
    if (best >= 0) groupOf[j] = best;
  }
  const whole = momentsByGroup(new Int32Array(m), 1, local);
  const byType = momentsByGroup(groupOf, T + 1, local);
  let within = 0;
  let used = 0;
  for (let ty = 0; ty < T; ty++) if (byType.count[ty]! > 0) used++;
  for (let g = 0; g <= T; g++) within += byType.ss[g]!;
  const cv = whole.cv[0]!;
  const cvWithin = Math.sqrt(within / m) / whole.mean[0]!;
  if (used === 0 || !(cv > 0) || 1 - cvWithin / cv < reduction) return null;
  const types: AuxiliaryType[] = [];
  for (let ty = 0; ty < T; ty++) {
    if (byType.count[ty]! === 0) continue;
    const def = auxiliaryTypes[ty]!;
    types.push({ id: `${packetId}#${def.id}`, type: def.id, dimension: def.dimension, rule: def.rule, coefficient: round4(coefficient[ty]!), cases: byType.count[ty]!, meanCost: round2(byType.mean[ty]!), cv: round4(byType.cv[ty]!) });
  }
  return { types, groupOf, groups: T + 1, cvWithin };
}

function draftCore(key: string): PacketDraft {
  const slash = key.indexOf('/');
  const diagnosis = key.slice(0, slash);
  const [principalCode, ...related] = key.slice(slash + 1).split('+') as [string, ...string[]];
  const principal = principalCode === '-' ? null : principalCode;
  const text = principal === null ? `principal diagnosis ${diagnosis}, no procedure (conservative treatment)` : `principal diagnosis ${diagnosis}, principal procedure ${principal}${related.length > 0 ? ` with related procedure${related.length > 1 ? 's' : ''} ${related.join(' + ')}` : ''}`;
  return { id: key, kind: 'core', definition: { kind: 'core', stage: 'basic', diagnosis, principal, related, text }, units: [], bounds: null };
}

const classWords: Record<ComprehensiveClass | '*', string> = { surgical: 'principal procedure surgical (手术/介入)', therapeutic: 'principal procedure therapeutic (治疗性操作)', diagnostic: 'principal procedure diagnostic (诊断性操作)', conservative: 'conservative / medical (保守治疗)', '*': 'any treatment' };

function draftComprehensive(key: string): PacketDraft {
  const [category, cls] = key.split('/') as [string, ComprehensiveClass | '*'];
  const text = `${category === '*' ? 'any diagnosis' : `diagnosis category ${category}`}, ${classWords[cls]} — comprehensive packet (综合病种)`;
  return { id: key, kind: 'comprehensive', definition: { kind: 'comprehensive', category, procedureClass: cls, text }, units: [], bounds: null };
}

/** Group id × year → one id per (group, year) pair: g·Y + y (−1 stays −1). */
function yearGroups(group: Int32Array, Y: number, yearOf: Int32Array): Int32Array {
  const out = new Int32Array(group.length);
  for (let k = 0; k < group.length; k++) {
    const g = group[k]!;
    out[k] = g < 0 ? -1 : g * Y + yearOf[k]!;
  }
  return out;
}

/** M_y = Σ_g sum_{g,y} / Σ_g kept_{g,y} from trimmed (group, year) statistics. */
function yearMeans(stats: { kept: Int32Array; sum: Float64Array }, groups: number, Y: number): number[] {
  return Array.from({ length: Y }, (_, y) => {
    let sum = 0;
    let kept = 0;
    for (let g = 0; g < groups; g++) {
      sum += stats.sum[g * Y + y]!;
      kept += stats.kept[g * Y + y]!;
    }
    return sum / kept;
  });
}

function allCaseMeans(groupOfRow: Int32Array, groups: number, yearOf: Int32Array, Y: number, cost: Float64Array, trim: readonly [number, number]): number[] {
  const stats = trimmedByGroup(yearGroups(groupOfRow, Y, yearOf), groups * Y, cost, trim);
  return yearMeans(stats, groups, Y);
}

/** score_g = scale × Σ_y w_y (m_{g,y} / M_y) / Σ_y w_y over the years with cases. */
function score(stats: { count: Int32Array; mean: Float64Array }, g: number, Y: number, M: number[], weights: number[], scale: number): number {
  let weighted = 0;
  let weightSum = 0;
  for (let y = 0; y < Y; y++) {
    if (stats.count[g * Y + y]! === 0) continue;
    weighted += weights[y]! * (stats.mean[g * Y + y]! / M[y]!);
    weightSum += weights[y]!;
  }
  return weightSum > 0 ? (scale * weighted) / weightSum : NaN;
}

/** Row indices of each group, in row order. */
function bucketRows(group: Int32Array, groups: number): Int32Array[] {
  const count = new Int32Array(groups);
  for (let k = 0; k < group.length; k++) if (group[k]! >= 0) count[group[k]!]!++;
  const out = Array.from(count, (c) => new Int32Array(c));
  const fill = new Int32Array(groups);
  for (let k = 0; k < group.length; k++) {
    const g = group[k]!;
    if (g >= 0) out[g]![fill[g]!++] = k;
  }
  return out;
}

function learnedTiers(packetId: string, fit: NonNullable<ReturnType<typeof fitAuxiliary>>, members: Int32Array, adjusted: Float64Array, trim: readonly [number, number]): AuxiliaryTier[] {
  const T = fit.tiers.length;
  const packetMean = trimmedByGroup(new Int32Array(members.length), 1, adjusted, trim, members).mean[0]!;
  const tierStats = trimmedByGroup(fit.tierOfRow, T, adjusted, trim, members);
  const local = gather(adjusted, members);
  const moments = momentsByGroup(fit.tierOfRow, T, local);
  return fit.tiers.map((t, j) => ({
    id: `${packetId}#L${j + 1}`,
    rule: t.rule,
    when: t.when as AuxiliaryTier['when'],
    coefficient: round4(tierStats.mean[j]! / packetMean),
    cases: moments.count[j]!,
    meanCost: round2(moments.mean[j]!),
    cv: round4(moments.cv[j]!),
  }));
}

/** `*​/class` for every class of principal procedure with reference cases, and `*​/*`. */
function catchAllPackets(codes: readonly DipCodes[], codeOf: Int32Array, yearOf: Int32Array, Y: number, cost: Float64Array, adjusted: Float64Array, M: number[], weights: number[], policy: DipCatalogPolicy): Packet[] {
  const classIndex = new Map<string, number>(comprehensiveClasses.map((c, i) => [c, i]));
  const C = comprehensiveClasses.length;
  const n = codeOf.length;
  // Group C is "every case": rows are counted twice, once in their class and once in C.
  const group = new Int32Array(2 * n);
  const years = new Int32Array(2 * n);
  const costs = new Float64Array(2 * n);
  const adj = new Float64Array(2 * n);
  const classOfCode = Int32Array.from(codes, (c) => classIndex.get(c.procedureClass)!);
  for (let k = 0; k < n; k++) {
    group[2 * k] = classOfCode[codeOf[k]!]!;
    group[2 * k + 1] = C;
    years[2 * k] = years[2 * k + 1] = yearOf[k]!;
    costs[2 * k] = costs[2 * k + 1] = cost[k]!;
    adj[2 * k] = adj[2 * k + 1] = adjusted[k]!;
  }
  const stats = trimmedByGroup(yearGroups(group, Y, years), (C + 1) * Y, costs, policy.trim);
  const moments = momentsByGroup(group, C + 1, adj);
  const out: Packet[] = [];
  for (let g = 0; g <= C; g++) {
    if (moments.count[g]! === 0) continue;
    const draft = draftComprehensive(`*/${g === C ? '*' : comprehensiveClasses[g]!}`);
    out.push({ id: draft.id, kind: 'comprehensive', definition: draft.definition, basic: false, score: round2(score(stats, g, Y, M, weights, policy.scoreScale)), cases: moments.count[g]!, meanCost: round2(moments.mean[g]!), cv: round4(moments.cv[g]!) });
  }
  return out;
}

/** The distinct positive years of a column. */
function distinctYears(year: Int32Array): number[] {
  const seen = new Set<number>();
  let last = -1;
  for (let i = 0; i < year.length; i++) {
    const y = year[i]!;
    if (y !== last && y > 0) seen.add(y);
    last = y;
  }
  return [...seen];
}

function gather(values: Float64Array, index: ArrayLike<number>): Float64Array {
  const out = new Float64Array(index.length);
  for (let j = 0; j < index.length; j++) out[j] = values[index[j]!]!;
  return out;
}

function gather8(values: Uint8Array, index: Int32Array): Uint8Array {
  const out = new Uint8Array(index.length);
  for (let j = 0; j < index.length; j++) out[j] = values[index[j]!]!;
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
