/**
 * A `"method": "dip"` policy over the simulate case table (models.md §2, §3, the national DIP
 * specification): the DIP branch of `simulatePolicy`, with the same result shape so the CLI writes
 * the same files, and a `dip` part with the specification's figures.
 *
 *   catalogue (built from the reference-year cases with `buildDipCatalog`, or given) →
 *   `groupDipFacts` for every reference- and settlement-year case →
 *   hospital coefficients (`given`, or derived per level / per packet, `coefficients.ts`; none for
 *   basic packets, the level one for conservative packets) → case score = score × hospital
 *   coefficient × auxiliary coefficient →
 *   per fund (one pool, or employee and resident with their own budgets and ratios):
 *     year-start point value from the reference years (`yearStartPointValue`) →
 *     outlier classes against the year-start standard and special review (`classifyDipCases`) →
 *     settlement point value = (budget ÷ fund ratio − by-item values) ÷ Σ points (or the policy's
 *     `pointValue`) → case value, fund payment (whole cents summing to the budget, `cents.ts`) →
 *     monthly prepayment at the year-start point value, year-end clearing, per hospital, with
 *     surplus kept / overspend shared (`settleBalance`).
 *
 * The table's DRG columns are not read: the DIP fields of each case come in `DipColumns`, rows in
 * the table's order. The cases are taken in one canonical order — by hospital id, then listId —
 * whatever order they came in (a file's, or the service's partitions'), so ties (special review,
 * the leftover cents) and every sum fall the same way: the same cases give the same result to
 * the cent. The priced cases (`priced.rows`) are in that order. Pure: the catalogue's `builtAt`
 * is passed in.
 */
import { buildDipCatalog } from '../grouping/dip/build.ts';
import type { DipCatalog } from '../grouping/dip/catalog.ts';
import { DipCaseTableBuilder, readDipCase, type DipInput, type DipReference } from '../grouping/dip/cases.ts';
import { ageBandIndex, icuBandIndex, secondaryPrefixesOf, severities, type ProcedureClasses } from '../grouping/dip/codes.ts';
import { deriveHospitalCoefficients } from '../grouping/dip/coefficients.ts';
import { groupDipFacts } from '../grouping/dip/grouper.ts';
import { defaultCatalogPolicy, type DipCatalogPolicy } from '../grouping/dip/policy.ts';
import { BudgetError, type RateSolution } from './base-rate.ts';
import type { CaseTable } from './cases.ts';
import { allocateCents, applyCents, roundHalfUpCents, roundPayments } from './cents.ts';
import { byItemValue, caseScore, classifyDipCases, settleBalance, settlementPointValue, yearStartPointValue } from './dip.ts';
import { levelCoefficient, Outlier } from './outliers.ts';
import type { DipPaymentPolicy } from './policy.ts';
import { hospitalTotals, mergeHospitalTotals, type PricedCases } from './price.ts';
import type { DipFundResult, DipHospitalSettlement, GroupingCounts, PolicyResult } from './simulate.ts';
import type { GroupWeight, Weights } from './weights.ts';

/** What DIP reads of each case, in the case table's row order (procedures joined by `|`; ageDays −1 when absent). */
export interface DipColumns {
  diagnosis: string[];
  procedures: string[];
  /** 0 none, 1 CC, 2 MCC (`severityIndex`; the learned tiers only). */
  severity: Uint8Array;
  ageYears: Float64Array;
  ageDays: Int32Array;
  disposition: string[];
  /** Auxiliary typing bits (`typingFlags`). */
  flags: Uint8Array;
  /** 0 unknown, 1 employee (职工), 2 resident (居民). */
  insurance: Uint8Array;
  /** Days in intensive care (`icuDays`: whole days begun, 0 when none or not recorded). */
  icuDays: Uint16Array;
  /** Secondary diagnoses joined by `|` (diagnosis-assisted rule packets read them). */
  secondary: string[];
}

/** Concatenate the DIP columns of blocks (in block order). */
export function concatDipColumns(blocks: readonly DipColumns[]): DipColumns {
  const n = blocks.reduce((s, b) => s + b.severity.length, 0);
  const out: DipColumns = { diagnosis: [], procedures: [], severity: new Uint8Array(n), ageYears: new Float64Array(n), ageDays: new Int32Array(n), disposition: [], flags: new Uint8Array(n), insurance: new Uint8Array(n), icuDays: new Uint16Array(n), secondary: [] };
  let o = 0;
  for (const b of blocks) {
    for (let i = 0; i < b.diagnosis.length; i++) {
      out.diagnosis.push(b.diagnosis[i]!);
      out.procedures.push(b.procedures[i]!);
      out.disposition.push(b.disposition[i]!);
      out.secondary.push(b.secondary[i]!);
    }
    out.severity.set(b.severity, o);
    out.ageYears.set(b.ageYears, o);
    out.ageDays.set(b.ageDays, o);
    out.flags.set(b.flags, o);
    out.insurance.set(b.insurance, o);
    out.icuDays.set(b.icuDays, o);
    o += b.severity.length;
  }
  return out;
}

export interface DipSimulationInput {
  dip: DipColumns;
  procedureClasses: ProcedureClasses;
  /** A catalogue to use instead of building one from the reference years. */
  catalog?: DipCatalog | undefined;
  /** Timestamp recorded in a built catalogue. */
  builtAt: string;
}

interface CarriedRecord extends DipInput {
  severityIndex: number;
}

function recordOf(table: CaseTable, dip: DipColumns, i: number): CarriedRecord {
  const p = dip.procedures[i]!;
  const days = dip.ageDays[i]!;
  return {
    sex: 'M', // not read by DIP
    ageYears: dip.ageYears[i]!,
    ageDays: days < 0 ? undefined : days,
    principalDiagnosis: dip.diagnosis[i]!,
    secondaryDiagnoses: splitBar(dip.secondary[i]!),
    procedures: splitBar(p),
    dischargeDisposition: dip.disposition[i]!,
    totalCost: table.cost[i]!,
    lengthOfStay: table.lengthOfStay[i]!,
    dischargeDate: `${table.year[i]!}-12-31`, // the year is what DIP reads
    severityIndex: dip.severity[i]!,
  };
}

const splitBar = (s: string): string[] => (s === '' ? [] : s.split('|'));

/** The catalogue fields of a DIP payment policy. */
export function catalogPolicyOf(policy: DipPaymentPolicy): DipCatalogPolicy {
  const { name, version, trim, referenceYears, yearWeights, coreThreshold, minTierCases } = policy;
  return defaultCatalogPolicy({
    ...(name !== undefined ? { name } : {}),
    ...(coreThreshold !== undefined ? { coreThreshold } : {}),
    ...(minTierCases !== undefined ? { minTierCases } : {}),
    version,
    trim,
    referenceYears,
    yearWeights,
    maxCoreThreshold: policy.maxCoreThreshold,
    coverageTarget: policy.coverageTarget,
    relatedProcedureShare: policy.relatedProcedureShare,
    comprehensiveMaxCv: policy.comprehensiveMaxCv,
    exclusions: policy.exclusions,
    merge: policy.merge,
    rulePackets: policy.rulePackets,
    basicPackets: policy.basicPackets,
    auxiliaryMinCases: policy.auxiliaryMinCases,
    auxiliaryCvReduction: policy.auxiliaryCvReduction,
    learnedTiers: policy.learnedTiers,
    auxiliaryMaxDepth: policy.auxiliaryMaxDepth,
    costTiers: policy.costTiers,
    targetCv: policy.targetCv,
    maxTiers: policy.maxTiers,
    scoreScale: policy.scoreScale,
    seed: policy.seed,
  });
}

interface FundSpec {
  fund: DipFundResult['fund'];
  insurance: number; // 0: every case
  budget: number | null;
  fundRatio: number;
  pointValue: number | null;
}

function fundsOf(policy: DipPaymentPolicy): FundSpec[] {
  if (policy.funds) {
    return [
      { fund: 'employee', insurance: 1, budget: policy.funds.employee.budget, fundRatio: policy.funds.employee.fundRatio, pointValue: null },
      { fund: 'resident', insurance: 2, budget: policy.funds.resident.budget, fundRatio: policy.funds.resident.fundRatio, pointValue: null },
    ];
  }
  return [{ fund: 'all', insurance: 0, budget: policy.budget ?? null, fundRatio: policy.fundRatio, pointValue: policy.pointValue ?? null }];
}

/** Simulate a DIP policy (see the module comment). Throws BudgetError when a budget cannot be spent, Error for unusable input. */
export function simulateDipPolicy(table: CaseTable, policy: DipPaymentPolicy, input: DipSimulationInput): PolicyResult {
  const { dip } = input;
  if (dip.diagnosis.length !== table.size) throw new Error(`the DIP columns have ${dip.diagnosis.length} cases, the table ${table.size}`);
  const reference: DipReference = { procedureClasses: input.procedureClasses, severity: (r) => severities[(r as CarriedRecord).severityIndex]!, secondaryPrefixes: secondaryPrefixesOf(policy) };
  const yearSlot = new Map(policy.referenceYears.map((y, k) => [y, k]));
  const funds = fundsOf(policy);
  const fundOf = (i: number) => (funds.length === 1 ? 0 : dip.insurance[i] === 1 ? 0 : dip.insurance[i] === 2 ? 1 : -1);

  const order = canonicalOrder(table);
  let catalog = input.catalog;
  if (!catalog) {
    const builder = new DipCaseTableBuilder();
    const rows = [];
    for (const i of order) {
      if (!yearSlot.has(table.year[i]!)) continue;
      const row = readDipCase(recordOf(table, dip, i), reference);
      row.flags = dip.flags[i]!; // secondary diagnoses and cost items are not carried: the flags are
      row.icuBand = icuBandIndex(dip.icuDays[i]!) + 1;
      rows.push(row);
    }
    builder.addRows(rows);
    catalog = buildDipCatalog(builder.finish(), catalogPolicyOf(policy), input.builtAt);
  }

  // Group the reference- and settlement-year cases.
  const packetIndex = new Map<string, number>();
  const packets: string[] = [];
  const used: number[] = [];
  const packetRow: number[] = [];
  const scoreRow: number[] = [];
  const auxRow: (number | null)[] = [];
  const auxName: (string | null)[] = [];
  const kindRow: number[] = []; // 0 grouped, 1 basic, 2 conservative, 3 ungrouped
  const refCounts = { cases: 0, grouped: 0 };
  const setCounts = { cases: 0, grouped: 0 };
  let missingInsurance = 0;
  for (const i of order) {
    const y = table.year[i]!;
    const ref = yearSlot.has(y);
    const settle = y === policy.settlementYear;
    if (!ref && !settle) continue;
    if (fundOf(i) < 0) {
      if (settle) missingInsurance++;
      continue;
    }
    const p = dip.procedures[i]!;
    const g = groupDipFacts(catalog, { principalDiagnosis: dip.diagnosis[i]!, procedures: splitBar(p), secondaryDiagnoses: splitBar(dip.secondary[i]!), flags: dip.flags[i]!, ageBand: ageBandIndex(dip.ageYears[i]!, dip.ageDays[i]! < 0 ? undefined : dip.ageDays[i]!), icuBand: icuBandIndex(dip.icuDays[i]!), totalCost: table.cost[i]! }, input.procedureClasses, { trace: false });
    let pi = packetIndex.get(g.packet);
    if (pi === undefined) {
      pi = packets.length;
      packetIndex.set(g.packet, pi);
      packets.push(g.packet);
    }
    const grouped = g.status === 'grouped';
    if (ref) {
      refCounts.cases++;
      if (grouped) refCounts.grouped++;
    }
    if (settle) {
      setCounts.cases++;
      if (grouped) setCounts.grouped++;
    }
    used.push(i);
    packetRow.push(pi);
    scoreRow.push(grouped ? g.score : NaN);
    auxRow.push(g.auxiliary?.coefficient ?? null);
    auxName.push(g.auxiliary?.tier ?? null);
    kindRow.push(!grouped ? 3 : g.basic ? 1 : g.conservative ? 2 : 0);
  }
  if (missingInsurance > 0) throw new Error(`the policy budgets the employee and resident funds separately, but ${missingInsurance} settlement-year case${missingInsurance === 1 ? ' has' : 's have'} no insuranceType ("employee" or "resident")`);

  // Hospital coefficients.
  const N = used.length;
  const coefficients = deriveHospitalCoefficients(
    { level: Uint8Array.from(used, (i) => table.level[i]!), yearSlot: Int32Array.from(used, (i) => yearSlot.get(table.year[i]!) ?? -1), cost: Float64Array.from(used, (i) => table.cost[i]!), packet: Int32Array.from(packetRow, (p, k) => (kindRow[k] === 3 ? -1 : p)) },
    packets.length,
    policy.yearWeights,
    Math.max(1, catalog.policy.coreThreshold),
  );
  const levelCoefficients = policy.hospitalCoefficients === 'given' ? policy.levelCoefficients : { '1': round6(coefficients.level[1]!), '2': round6(coefficients.level[2]!), '3': round6(coefficients.level[3]!) };
  let packetCoefficients = 0;
  const hospitalCoefficient = new Float64Array(N);
  const score = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    const level = table.level[used[k]!]!;
    let c = levelCoefficient(level, levelCoefficients);
    if (kindRow[k] === 1) c = 1;
    else if (policy.hospitalCoefficients === 'packet' && kindRow[k] === 0 && level >= 1 && level <= 3) {
      const own = coefficients.packet[packetRow[k]! * 4 + level]!;
      if (Number.isFinite(own)) {
        c = own;
        if (table.year[used[k]!] === policy.settlementYear) packetCoefficients++;
      }
    }
    hospitalCoefficient[k] = c;
    score[k] = kindRow[k] === 3 ? NaN : caseScore(scoreRow[k]!, c, auxRow[k]);
  }

  // Settlement-year rows (in table order) and the approved special-review list.
  const settleRows: number[] = [];
  for (let k = 0; k < N; k++) if (table.year[used[k]!] === policy.settlementYear) settleRows.push(k);
  const n = settleRows.length;
  const cost = Float64Array.from(settleRows, (k) => table.cost[used[k]!]!);
  const caseScores = Float64Array.from(settleRows, (k) => score[k]!);
  let listed: Uint8Array | undefined;
  let listedUnknown = 0;
  if (policy.specialReview.approved) {
    const want = new Set(policy.specialReview.approved);
    listed = new Uint8Array(n);
    settleRows.forEach((k, j) => {
      if (want.delete(table.listIds[used[k]!]!)) listed![j] = 1;
    });
    listedUnknown = want.size;
  }

  // Per fund: year-start point value; classes of every case; settlement point value and values per fund.
  const fundOfRow = Int32Array.from(settleRows, (k) => fundOf(used[k]!));
  const fundResults: DipFundResult[] = [];
  const standard = new Float64Array(n);
  const value = new Float64Array(n);
  const prepay = new Float64Array(n);
  const fundPayment = new Float64Array(n);
  const fundRatioOf = new Float64Array(n);
  const yearStarts = funds.map((spec, f) => {
    const refYears = policy.referenceYears.map((year, slot) => {
      const ks: number[] = [];
      for (let k = 0; k < N; k++) if (table.year[used[k]!] === year && fundOf(used[k]!) === f) ks.push(k);
      return { cost: Float64Array.from(ks, (k) => table.cost[used[k]!]!), score: Float64Array.from(ks, (k) => score[k]!), weight: policy.yearWeights[slot]!, hospital: Int32Array.from(ks, (k) => table.hospital[used[k]!]!) };
    });
    const derived = yearStartPointValue(refYears, policy.yearStartTrim, policy.yearStartInterval, policy.yearStartBestValue);
    const yearStart = policy.yearStartPointValue !== undefined ? { ...derived, value: policy.yearStartPointValue, source: 'policy' as const } : { ...derived, source: 'derived' as const };
    if (!(yearStart.value > 0)) throw new Error(`no year-start point value for the ${spec.fund === 'all' ? 'DIP fund' : `${spec.fund} fund`}: the reference years ${policy.referenceYears.join(', ')} have no grouped case with a cost; give yearStartPointValue in the policy`);
    return yearStart;
  });
  const classified = classifyDipCases(cost, caseScores, Float64Array.from(fundOfRow, (f) => yearStarts[f]!.value), policy, listed);
  const { outlier, ratio, points } = classified;
  funds.forEach((spec, f) => {
    const yearStart = yearStarts[f]!;
    const mine = settleRows.map((_, j) => j).filter((j) => fundOfRow[j] === f);
    let totalPoints = 0;
    let byItem = 0;
    for (const j of mine) {
      standard[j] = caseScores[j]! * yearStart.value;
      totalPoints += points[j]!;
      byItem += byItemValue(outlier[j]!, cost[j]!, policy.ungroupedShare);
    }
    const pointValue = spec.budget !== null ? settlementPointValue(spec.budget, spec.fundRatio, totalPoints, byItem) : spec.pointValue!;
    for (const j of mine) {
      const item = byItemValue(outlier[j]!, cost[j]!, policy.ungroupedShare);
      const paidByItem = outlier[j] === Outlier.Review || outlier[j] === Outlier.ByItem;
      value[j] = paidByItem ? item : points[j]! * pointValue;
      prepay[j] = (paidByItem ? item : points[j]! * yearStart.value) * spec.fundRatio * policy.prepaymentShare;
      fundPayment[j] = value[j]! * spec.fundRatio;
      fundRatioOf[j] = spec.fundRatio;
    }
    fundResults.push({ fund: spec.fund, budget: spec.budget, fundRatio: spec.fundRatio, cases: mine.length, yearStart, settlementPointValue: pointValue, totalPoints, byItemValue: byItem, prepaidCents: 0, clearedCents: 0 });
  });
  const { approved: _approved, ...reviewTotals } = classified.specialReview;

  // Fund payments in whole cents: Σ = the budget of each fund.
  const cents = new Float64Array(n);
  funds.forEach((spec, f) => {
    const mine = Int32Array.from(settleRows.map((_, j) => j).filter((j) => fundOfRow[j] === f));
    const local = Float64Array.from(mine, (j) => fundPayment[j]!);
    const { cents: c, bin, tally } = roundPayments(local, (m) => outlier[mine[m]!] !== Outlier.Low && outlier[mine[m]!] !== Outlier.Review && outlier[mine[m]!] !== Outlier.ByItem);
    if (spec.budget !== null) {
      try {
        const [plan] = allocateCents([tally], roundHalfUpCents(spec.budget));
        applyCents(c, bin, plan!);
      } catch (error) {
        throw new BudgetError((error as Error).message);
      }
    }
    let cleared = 0;
    let prepaid = 0;
    mine.forEach((j, m) => {
      cents[j] = c[m]!;
      cleared += c[m]!;
      prepaid += roundHalfUpCents(prepay[j]!);
    });
    fundResults[f]!.clearedCents = cleared;
    fundResults[f]!.prepaidCents = prepaid;
  });

  // PricedCases for the shared outputs: RW = case score, standard at the year-start point value.
  const priced: PricedCases = { rows: Int32Array.from(settleRows, (k) => used[k]!), relativeWeight: caseScores, standard, ratio, outlier, payment: fundPayment };
  const hospitals = mergeHospitalTotals([hospitalTotals(table, priced, cents)]);
  const outliers = { normal: 0, low: 0, high: 0, review: 0, byItem: 0 };
  const keys = ['normal', 'low', 'high', 'review', 'byItem'] as const;
  let totalCost = 0;
  let paymentCents = 0;
  let totalCaseValue = 0;
  let prepaidCents = 0;
  for (let j = 0; j < n; j++) {
    outliers[keys[outlier[j]! as Outlier]]++;
    totalCost += cost[j]!;
    paymentCents += cents[j]!;
    totalCaseValue += value[j]!;
    prepaidCents += roundHalfUpCents(prepay[j]!);
  }
  const counts = (c: { cases: number; grouped: number }): GroupingCounts => ({ cases: c.cases, grouped: c.grouped, ambiguous: 0, ungroupable: 0, fallback: c.cases - c.grouped, inGroupRate: c.cases > 0 ? c.grouped / c.cases : NaN });
  const effective = fundResults.reduce((s, f) => s + f.totalPoints, 0);
  const rate: RateSolution = { baseRate: fundResults.length === 1 ? fundResults[0]!.settlementPointValue : effective > 0 ? fundResults.reduce((s, f) => s + f.totalPoints * f.settlementPointValue, 0) / effective : NaN, normalScale: 1, gap: 0, evaluations: 0 };
  return {
    policy,
    weights: catalogWeights(catalog),
    rate,
    priced,
    cents,
    hospitals,
    totals: { cases: n, totalCost, paymentCents, outliers },
    grouping: { reference: counts(refCounts), settlement: counts(setCounts) },
    dip: {
      catalog,
      catalogSource: input.catalog ? 'file' : 'built',
      hospitalCoefficients: { mode: policy.hospitalCoefficients, level: levelCoefficients, packetCoefficients },
      funds: fundResults,
      specialReview: { ...reviewTotals, listedUnknown },
      ungroupedShare: policy.ungroupedShare,
      prepaymentShare: policy.prepaymentShare,
      totalCaseValue,
      prepaidCents,
      yearEndCents: paymentCents - prepaidCents,
      hospitals: hospitalSettlements(table, priced, cents, value, points, prepay, fundRatioOf, fundOfRow, fundResults, policy),
      packets,
      packetOf: Int32Array.from(settleRows, (k) => packetRow[k]!),
      auxiliaryOf: settleRows.map((k) => auxName[k]!),
      hospitalCoefficientOf: Float64Array.from(settleRows, (k) => hospitalCoefficient[k]!),
    },
  };
}

/** The table's rows by hospital id, then listId (a hospital's listIds are unique). */
function canonicalOrder(table: CaseTable): Int32Array {
  const order = Int32Array.from({ length: table.size }, (_, i) => i);
  const rank = new Int32Array(table.hospitals.length);
  table.hospitals.map((h, k) => [h, k] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).forEach(([, k], r) => (rank[k] = r));
  const ids = table.listIds;
  return order.sort((a, b) => rank[table.hospital[a]!]! - rank[table.hospital[b]!]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : a - b));
}

/** Per hospital and fund: cost against the fund's share, prepayment, clearing and the balance rule. */
function hospitalSettlements(table: CaseTable, priced: PricedCases, cents: Float64Array, value: Float64Array, points: Float64Array, prepay: Float64Array, fundRatio: Float64Array, fundOfRow: Int32Array, funds: readonly DipFundResult[], policy: DipPaymentPolicy): DipHospitalSettlement[] {
  const rows = new Map<string, DipHospitalSettlement>();
  for (let j = 0; j < priced.rows.length; j++) {
    const i = priced.rows[j]!;
    const fund = funds[fundOfRow[j]!]!.fund;
    const id = table.hospitals[table.hospital[i]!]!;
    const key = `${id}\u0000${fund}`;
    let r = rows.get(key);
    if (!r) {
      r = { hospitalId: id, fund, level: table.level[i]!, cases: 0, points: 0, totalCost: 0, fundShareOfCost: 0, caseValue: 0, prepaidCents: 0, clearedCents: 0, retainedSurplus: 0, sharedOverspend: 0, finalCents: 0, low: 0, high: 0, specialReview: 0, ungrouped: 0 };
      rows.set(key, r);
    }
    r.cases++;
    r.points += points[j]!;
    r.totalCost += table.cost[i]!;
    r.fundShareOfCost += table.cost[i]! * fundRatio[j]!;
    r.caseValue += value[j]!;
    r.prepaidCents += roundHalfUpCents(prepay[j]!);
    r.clearedCents += cents[j]!;
    const o = priced.outlier[j]!;
    if (o === Outlier.Low) r.low++;
    else if (o === Outlier.High) r.high++;
    else if (o === Outlier.Review) r.specialReview++;
    else if (o === Outlier.ByItem) r.ungrouped++;
  }
  const out = [...rows.values()].sort((a, b) => (a.hospitalId < b.hospitalId ? -1 : a.hospitalId > b.hospitalId ? 1 : a.fund < b.fund ? -1 : 1));
  for (const r of out) {
    const b = settleBalance(r.clearedCents / 100, r.fundShareOfCost, policy);
    r.retainedSurplus = roundHalfUpCents(b.retained) / 100;
    r.sharedOverspend = roundHalfUpCents(b.shared) / 100;
    r.finalCents = roundHalfUpCents(b.final);
  }
  return out;
}

/** The catalogue's grouping units (packets, cost tiers) as the `Weights` the outputs read: score in place of RW. */
export function catalogWeights(catalog: DipCatalog): Weights {
  const groups = new Map<string, GroupWeight>();
  const unit = (id: string, score: number, s: { cases: number; meanCost: number; cv: number }) => groups.set(id, { drg: id, relativeWeight: score, cases: s.cases, meanCost: s.meanCost, cv: s.cv, byYear: [] });
  for (const p of catalog.packets) {
    if (p.tiers && p.tiers.length > 0) for (const t of p.tiers) unit(t.id, t.score, t);
    else unit(p.id, p.score, p);
  }
  const q = catalog.quality;
  return {
    years: catalog.referenceYears,
    yearWeights: catalog.yearWeights,
    allCaseMean: catalog.allCaseMean,
    groups,
    quality: { riv: q.riv, cvBelowHalf: q.cvBelowHalf, cvAboveOne: q.cvAboveOne, overallCv: NaN },
    counts: { cases: q.cases, excludedStays: 0, ungroupable: 0, ambiguousByItem: 0 },
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
