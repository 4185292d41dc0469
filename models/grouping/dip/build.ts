/**
 * The DIP catalogue builder (models.md §2): cases in columns (`cases.ts`) + a catalogue policy →
 * the catalogue document (`catalog.ts`). Steps:
 *
 * 1. Reference cases: discharged in a reference year, with a cost.
 * 2. Core packets: core keys (diagnosis at 4 characters × counted procedures) with ≥
 *    `coreThreshold` reference cases (all reference years together). Every other case goes to
 *    the comprehensive packet of its 3-character category × procedure class.
 * 3. Price level: M_y = all-case trimmed mean of year y over the packets' kept cases
 *    (M_y = Σ_i Σ_kept c / Σ_i n_kept); a cost c of year y at the newest year's level is
 *    c' = c × M_newest / M_y. CVs, cost tiers and auxiliary tiers use c', so cost inflation
 *    between the reference years does not pass for heterogeneity.
 * 4. Cost tiers (`tiers.ts`) of comprehensive packets with CV(c') > `targetCv`.
 * 5. Scores: per unit (core packet, untiered comprehensive packet, cost tier) and year the
 *    trimmed mean m_{i,y}; M_y again over the final units;
 *      score_i = scoreScale × Σ_y w_y (m_{i,y} / M_y) / Σ_y w_y   (years in which i has cases)
 *    — the relative value per year, weighted 1 : 2 : 7, as the DRG weights (payment/weights.ts).
 *    A tiered packet also gets its own score (used when a case has no cost to place it in a tier).
 * 6. Auxiliary tiers (`auxiliary.ts`) of every untiered unit; coefficient of a tier =
 *    trimmed mean of its c' / trimmed mean of the packet's c'.
 * 7. Catch-all packets `*​/class` (every reference case of the class) and `*​/*` (every reference
 *    case), for cases whose category × class no reference case had.
 * 8. Quality: core coverage = core cases / reference cases; RIV and CV counts over the units.
 */
import { fitAuxiliary, auxiliaryFeatures } from './auxiliary.ts';
import { DIP_CATALOG_FORMAT, DIP_CATALOG_VERSION, type AuxiliaryTier, type CostTier, type DipCatalog, type Packet } from './catalog.ts';
import type { DipCaseTable } from './cases.ts';
import { comprehensiveClasses, type ComprehensiveClass } from './codes.ts';
import { resolveYears, type DipCatalogPolicy } from './policy.ts';
import { momentsByGroup, rivOf, trimmedByGroup } from './stats.ts';
import { costTiers } from './tiers.ts';

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

/** Build the catalogue. `builtAt` is passed in (models stay deterministic). */
export function buildDipCatalog(table: DipCaseTable, policy: DipCatalogPolicy, builtAt: string): DipCatalog {
  const minTier = policy.minTierCases ?? policy.coreThreshold;
  const years = resolveYears(policy, distinctYears(table.year));
  const yearIndex = new Map(years.years.map((y, i) => [y, i]));
  const Y = years.years.length;

  // 1. Reference rows.
  const picked: number[] = [];
  const excluded = { noCost: 0, outsideYears: 0 };
  for (let i = 0; i < table.size; i++) {
    if (!yearIndex.has(table.year[i]!)) excluded.outsideYears++;
    else if (!(table.cost[i]! >= 0)) excluded.noCost++;
    else picked.push(i);
  }
  const rows = Int32Array.from(picked);
  const n = rows.length;
  if (n === 0) throw new Error(`no reference case: none of the ${table.size} cases was discharged in ${years.years.join(', ')} with a cost`);
  const firstYear = years.years[0]!;
  const yearSlot = new Int32Array(years.years[Y - 1]! - firstYear + 1).fill(-1);
  years.years.forEach((y, i) => (yearSlot[y - firstYear] = i));
  const yearOf = new Int32Array(n);
  const cost = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    yearOf[k] = yearSlot[table.year[i]! - firstYear]!;
    cost[k] = table.cost[i]!;
  }

  // 2. Core and comprehensive packets.
  const coreCount = new Int32Array(table.coreKeys.length);
  for (let k = 0; k < n; k++) coreCount[table.core[rows[k]!]!]!++;
  const packets: PacketDraft[] = [];
  const packetOfCore = new Int32Array(table.coreKeys.length).fill(-1);
  const coreOrder = table.coreKeys.map((_, c) => c).filter((c) => coreCount[c]! >= policy.coreThreshold).sort((a, b) => cmp(table.coreKeys[a]!, table.coreKeys[b]!));
  for (const c of coreOrder) {
    packetOfCore[c] = packets.length;
    packets.push(draftCore(table.coreKeys[c]!));
  }
  const packetOfComp = new Int32Array(table.comprehensiveKeys.length).fill(-1);
  const compUsed = new Uint8Array(table.comprehensiveKeys.length);
  for (let k = 0; k < n; k++) if (packetOfCore[table.core[rows[k]!]!]! < 0) compUsed[table.comprehensive[rows[k]!]!] = 1;
  const compOrder = table.comprehensiveKeys.map((_, c) => c).filter((c) => compUsed[c] === 1).sort((a, b) => cmp(table.comprehensiveKeys[a]!, table.comprehensiveKeys[b]!));
  for (const c of compOrder) {
    packetOfComp[c] = packets.length;
    packets.push(draftComprehensive(table.comprehensiveKeys[c]!));
  }
  const packetOfRow = new Int32Array(n);
  let coreCases = 0;
  for (let k = 0; k < n; k++) {
    const p = packetOfCore[table.core[rows[k]!]!]!;
    if (p >= 0) coreCases++;
    packetOfRow[k] = p >= 0 ? p : packetOfComp[table.comprehensive[rows[k]!]!]!;
  }

  // 3. Price level from the untiered packets.
  const firstLevel = allCaseMeans(packetOfRow, packets.length, yearOf, Y, cost, policy.trim);
  const priceLevel = firstLevel.map((m) => firstLevel[Y - 1]! / m);
  const adjusted = new Float64Array(n);
  for (let k = 0; k < n; k++) adjusted[k] = cost[k]! * priceLevel[yearOf[k]!]!;

  // 4. Cost tiers of heterogeneous comprehensive packets.
  const packetMoments = momentsByGroup(packetOfRow, packets.length, adjusted);
  const rowsOfPacket = bucketRows(packetOfRow, packets.length);
  const units: Unit[] = [];
  const unitOfRow = new Int32Array(n);
  packets.forEach((p, index) => {
    const members = rowsOfPacket[index]!;
    const tiering = p.kind === 'comprehensive' && packetMoments.cv[index]! > policy.targetCv ? costTiers(gather(adjusted, members), { targetCv: policy.targetCv, maxTiers: policy.maxTiers, minTierCases: minTier, seed: policy.seed }) : null;
    if (!tiering) {
      p.units = [units.length];
      units.push({ packet: index, tier: null });
      for (const k of members) unitOfRow[k] = p.units[0]!;
      return;
    }
    p.bounds = tiering.bounds;
    p.units = tiering.bounds.map((_, t) => units.length + t).concat(units.length + tiering.bounds.length);
    const first = units.length;
    for (let t = 0; t <= tiering.bounds.length; t++) units.push({ packet: index, tier: t });
    for (let j = 0; j < members.length; j++) unitOfRow[members[j]!] = first + tiering.tierOf[j]!;
  });

  // 5. Scores.
  const U = units.length;
  const unitStats = trimmedByGroup(yearGroups(unitOfRow, Y, yearOf), U * Y, cost, policy.trim);
  const M = yearMeans(unitStats, U, Y);
  const scoreOf = (stats: { count: Int32Array; mean: Float64Array }, g: number) => score(stats, g, Y, M, years.weights, policy.scoreScale);
  const packetStats = trimmedByGroup(yearGroups(packetOfRow, Y, yearOf), packets.length * Y, cost, policy.trim);
  const unitMoments = momentsByGroup(unitOfRow, U, adjusted);

  // 6. Auxiliary tiers of untiered units; 8. quality.
  const binned = auxiliaryFeatures(
    gather8(table.severity, rows),
    gather8(table.ageBand, rows),
    gather8(table.outcome, rows),
  );
  const leafGroup = new Int32Array(n);
  let leafGroups = 0;
  let withAuxiliary = 0;
  const out: Packet[] = packets.map((p, index) => {
    const members = rowsOfPacket[index]!;
    const packet: Packet = { id: p.id, kind: p.kind, definition: p.definition, score: round2(scoreOf(packetStats, index)), cases: members.length, meanCost: round2(packetMoments.mean[index]!), cv: round4(packetMoments.cv[index]!) };
    if (p.bounds) {
      const bounds = p.bounds;
      packet.tiers = p.units.map((u, t): CostTier => ({
        id: `${p.id}#T${t + 1}`,
        lowerCost: t === 0 ? null : round2(bounds[t - 1]!),
        upperCost: t === bounds.length ? null : round2(bounds[t]!),
        score: round2(scoreOf(unitStats, u)),
        cases: unitMoments.count[u]!,
        meanCost: round2(unitMoments.mean[u]!),
        cv: round4(unitMoments.cv[u]!),
      }));
      for (const k of members) leafGroup[k] = leafGroups + unitOfRow[k]! - p.units[0]!;
      leafGroups += p.units.length;
      return packet;
    }
    const fit = fitAuxiliary(binned, adjusted, members, { maxDepth: policy.auxiliaryMaxDepth, minTierCases: minTier, cvReduction: policy.auxiliaryCvReduction });
    if (!fit) {
      for (const k of members) leafGroup[k] = leafGroups;
      leafGroups++;
      return packet;
    }
    withAuxiliary++;
    packet.auxiliary = auxiliaryTiers(p.id, fit, members, adjusted, policy.trim);
    packet.cvWithAuxiliary = round4(fit.cvWithin);
    for (let j = 0; j < members.length; j++) leafGroup[members[j]!] = leafGroups + fit.tierOfRow[j]!;
    leafGroups += fit.tiers.length;
    return packet;
  });

  // 7. Catch-all packets.
  out.push(...catchAllPackets(table, rows, yearOf, Y, cost, adjusted, M, years.weights, policy));

  const riv = rivOf(unitMoments, unitOfRow, adjusted);
  const rivAux = rivOf(momentsByGroup(leafGroup, leafGroups, adjusted), leafGroup, adjusted);
  let cvBelowHalf = 0;
  let cvAboveOne = 0;
  for (let u = 0; u < U; u++) {
    if (unitMoments.cv[u]! < 0.5) cvBelowHalf++;
    if (unitMoments.cv[u]! > 1) cvAboveOne++;
  }
  const comprehensive = packets.filter((p) => p.kind === 'comprehensive');
  return {
    format: DIP_CATALOG_FORMAT,
    version: DIP_CATALOG_VERSION,
    policy: { ...(policy.name ? { name: policy.name } : {}), version: policy.version, coreThreshold: policy.coreThreshold, targetCv: policy.targetCv, maxTiers: policy.maxTiers, auxiliaryCvReduction: policy.auxiliaryCvReduction, auxiliaryMaxDepth: policy.auxiliaryMaxDepth, minTierCases: minTier, trim: [policy.trim[0], policy.trim[1]], scoreScale: policy.scoreScale, seed: policy.seed },
    referenceYears: years.years,
    yearWeights: years.weights,
    allCaseMean: M.map(round2),
    priceLevel: priceLevel.map((x) => round6(x)),
    packets: out,
    quality: {
      cases: n,
      coreCases,
      coreCoverage: round6(coreCases / n),
      corePackets: coreOrder.length,
      comprehensivePackets: comprehensive.length,
      tieredPackets: comprehensive.filter((p) => p.bounds).length,
      packetsWithAuxiliary: withAuxiliary,
      units: U,
      riv: round6(riv),
      rivWithAuxiliary: round6(rivAux),
      cvBelowHalf,
      cvAboveOne,
      excluded,
    },
    builtAt,
  };
}

function draftCore(key: string): PacketDraft {
  const [diagnosis, list] = key.split('/') as [string, string];
  const procedures = list === '-' ? [] : list.split('+');
  const text = procedures.length === 0 ? `principal diagnosis in ${diagnosis}, no counted procedure (conservative treatment)` : `principal diagnosis in ${diagnosis} with procedure${procedures.length > 1 ? 's' : ''} ${procedures.join(' + ')}`;
  return { id: key, kind: 'core', definition: { kind: 'core', diagnosis, procedures, text }, units: [], bounds: null };
}

const classWords: Record<ComprehensiveClass | '*', string> = { surgical: 'surgical (手术/介入)', therapeutic: 'therapeutic procedure (治疗性操作)', diagnostic: 'diagnostic procedure only (诊断性操作)', conservative: 'conservative / medical (保守治疗)', '*': 'any treatment' };

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

function auxiliaryTiers(packetId: string, fit: NonNullable<ReturnType<typeof fitAuxiliary>>, members: Int32Array, adjusted: Float64Array, trim: readonly [number, number]): AuxiliaryTier[] {
  const T = fit.tiers.length;
  const packetMean = trimmedByGroup(new Int32Array(members.length), 1, adjusted, trim, members).mean[0]!;
  const tierStats = trimmedByGroup(fit.tierOfRow, T, adjusted, trim, members);
  const local = gather(adjusted, members);
  const moments = momentsByGroup(fit.tierOfRow, T, local);
  return fit.tiers.map((t, j) => ({
    id: `${packetId}#A${j + 1}`,
    rule: t.rule,
    when: t.when as AuxiliaryTier['when'],
    coefficient: round4(tierStats.mean[j]! / packetMean),
    cases: moments.count[j]!,
    meanCost: round2(moments.mean[j]!),
    cv: round4(moments.cv[j]!),
  }));
}

/** `*​/class` for every class with reference cases, and `*​/*`. */
function catchAllPackets(table: DipCaseTable, rows: Int32Array, yearOf: Int32Array, Y: number, cost: Float64Array, adjusted: Float64Array, M: number[], weights: number[], policy: DipCatalogPolicy): Packet[] {
  const classIndex = new Map<string, number>(comprehensiveClasses.map((c, i) => [c, i]));
  const classOfKey = Int32Array.from(table.comprehensiveKeys, (key) => classIndex.get(key.slice(key.indexOf('/') + 1)) ?? 0);
  const C = comprehensiveClasses.length;
  // Group C is "every case": rows are counted twice, once in their class and once in C.
  const group = new Int32Array(2 * rows.length);
  const years = new Int32Array(2 * rows.length);
  const costs = new Float64Array(2 * rows.length);
  const adj = new Float64Array(2 * rows.length);
  for (let k = 0; k < rows.length; k++) {
    group[2 * k] = classOfKey[table.comprehensive[rows[k]!]!]!;
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
    out.push({ id: draft.id, kind: 'comprehensive', definition: draft.definition, score: round2(score(stats, g, Y, M, weights, policy.scoreScale)), cases: moments.count[g]!, meanCost: round2(moments.mean[g]!), cv: round4(moments.cv[g]!) });
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
