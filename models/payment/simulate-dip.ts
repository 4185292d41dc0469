/**
 * A `"method": "dip"` policy over the simulate case table (models.md §2, §3): the DIP branch of
 * `simulatePolicy`, with the same result shape so the CLI writes the same files.
 *
 *   catalogue (built from the reference-year cases with `buildDipCatalog`, or given) →
 *   `groupDip` for every reference- and settlement-year case (case score = score × auxiliary
 *   coefficient) → budget point value (reference years, for the report) → point value: the rate
 *   at which the settlement-year payments under the outlier rules spend budget / fundRatio
 *   (`solvePointValue`), or the policy's `pointValue` → `priceDipCases` → fund payment of a case
 *   = payment × fundRatio, in whole cents summing to the budget exactly (`cents.ts`, as the DRG
 *   path) → hospital totals; of the fund payment `prepaymentShare` is prepaid monthly.
 *
 * The table's DRG columns are not read: the DIP fields of each case come in `DipColumns`, rows in
 * the table's order. Pure: the catalogue's `builtAt` is passed in.
 */
import { buildDipCatalog } from '../grouping/dip/build.ts';
import type { DipCatalog } from '../grouping/dip/catalog.ts';
import { DipCaseTableBuilder, readDipCase, type DipInput, type DipReference } from '../grouping/dip/cases.ts';
import { severities, type ProcedureClasses } from '../grouping/dip/codes.ts';
import { groupDip } from '../grouping/dip/grouper.ts';
import { defaultCatalogPolicy, type DipCatalogPolicy } from '../grouping/dip/policy.ts';
import type { RateSolution } from './base-rate.ts';
import type { CaseTable } from './cases.ts';
import { allocateCents, applyCents, roundHalfUpCents, roundPayments } from './cents.ts';
import { budgetPointValue, caseScore, dipRateSample, priceDipCases, settlementPointValue, solvePointValue } from './dip.ts';
import { Outlier } from './outliers.ts';
import type { DipPaymentPolicy } from './policy.ts';
import { hospitalTotals, mergeHospitalTotals, type PricedCases } from './price.ts';
import type { GroupingCounts, PolicyResult } from './simulate.ts';
import type { GroupWeight, Weights } from './weights.ts';

/** What DIP reads of each case, in the case table's row order (procedures joined by `|`; ageDays −1 when absent). */
export interface DipColumns {
  diagnosis: string[];
  procedures: string[];
  /** 0 none, 1 CC, 2 MCC (`severityIndex`). */
  severity: Uint8Array;
  ageYears: Float64Array;
  ageDays: Int32Array;
  disposition: string[];
}

/** Concatenate the DIP columns of blocks (in block order). */
export function concatDipColumns(blocks: readonly DipColumns[]): DipColumns {
  const n = blocks.reduce((s, b) => s + b.severity.length, 0);
  const out: DipColumns = { diagnosis: [], procedures: [], severity: new Uint8Array(n), ageYears: new Float64Array(n), ageDays: new Int32Array(n), disposition: [] };
  let o = 0;
  for (const b of blocks) {
    for (let i = 0; i < b.diagnosis.length; i++) {
      out.diagnosis.push(b.diagnosis[i]!);
      out.procedures.push(b.procedures[i]!);
      out.disposition.push(b.disposition[i]!);
    }
    out.severity.set(b.severity, o);
    out.ageYears.set(b.ageYears, o);
    out.ageDays.set(b.ageDays, o);
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

function recordOf(dip: DipColumns, i: number, cost: number, year: number): CarriedRecord {
  const p = dip.procedures[i]!;
  const days = dip.ageDays[i]!;
  return {
    sex: 'M', // not read by DIP
    ageYears: dip.ageYears[i]!,
    ageDays: days < 0 ? undefined : days,
    principalDiagnosis: dip.diagnosis[i]!,
    secondaryDiagnoses: [],
    procedures: p === '' ? [] : p.split('|'),
    dischargeDisposition: dip.disposition[i]!,
    totalCost: cost,
    dischargeDate: `${year}-12-31`, // the year is what DIP reads
    severityIndex: dip.severity[i]!,
  };
}

/** The catalogue fields of a DIP payment policy. */
export function catalogPolicyOf(policy: DipPaymentPolicy): DipCatalogPolicy {
  return defaultCatalogPolicy({
    ...(policy.name !== undefined ? { name: policy.name } : {}),
    version: policy.version,
    coreThreshold: policy.coreThreshold,
    targetCv: policy.targetCv,
    maxTiers: policy.maxTiers,
    auxiliaryCvReduction: policy.auxiliaryCvReduction,
    auxiliaryMaxDepth: policy.auxiliaryMaxDepth,
    ...(policy.minTierCases !== undefined ? { minTierCases: policy.minTierCases } : {}),
    trim: policy.trim,
    referenceYears: policy.referenceYears,
    yearWeights: policy.yearWeights,
    scoreScale: policy.scoreScale,
    seed: policy.seed,
  });
}

/** Simulate a DIP policy (see the module comment). Throws BudgetError when no point value spends the budget. */
export function simulateDipPolicy(table: CaseTable, policy: DipPaymentPolicy, input: DipSimulationInput): PolicyResult {
  const { dip } = input;
  if (dip.diagnosis.length !== table.size) throw new Error(`the DIP columns have ${dip.diagnosis.length} cases, the table ${table.size}`);
  const reference: DipReference = { procedureClasses: input.procedureClasses, severity: (r) => severities[(r as CarriedRecord).severityIndex]! };
  const yearSlot = new Map(policy.referenceYears.map((y, k) => [y, k]));

  let catalog = input.catalog;
  if (!catalog) {
    const builder = new DipCaseTableBuilder();
    const rows = [];
    for (let i = 0; i < table.size; i++) if (yearSlot.has(table.year[i]!)) rows.push(readDipCase(recordOf(dip, i, table.cost[i]!, table.year[i]!), reference));
    builder.addRows(rows);
    catalog = buildDipCatalog(builder.finish(), catalogPolicyOf(policy), input.builtAt);
  }

  // Group the reference- and settlement-year cases.
  const refTotals = policy.referenceYears.map((_, k) => ({ totalCost: 0, totalScore: 0, weight: policy.yearWeights[k]! }));
  const refCounts = { cases: 0, grouped: 0 };
  const setCounts = { cases: 0, grouped: 0 };
  const packetIndex = new Map<string, number>();
  const packets: string[] = [];
  const rows: number[] = [];
  const packetOf: number[] = [];
  const auxiliaryOf: (string | null)[] = [];
  const scores: number[] = [];
  for (let i = 0; i < table.size; i++) {
    const y = table.year[i]!;
    const slot = yearSlot.get(y);
    const settle = y === policy.settlementYear;
    if (slot === undefined && !settle) continue;
    const g = groupDip(catalog, recordOf(dip, i, table.cost[i]!, table.year[i]!), reference, { trace: false });
    const score = caseScore(g.score, g.auxiliary?.coefficient);
    if (slot !== undefined) {
      refTotals[slot]!.totalCost += table.cost[i]!;
      refTotals[slot]!.totalScore += score;
      refCounts.cases++;
      if (g.status === 'grouped') refCounts.grouped++;
    }
    if (!settle) continue;
    setCounts.cases++;
    if (g.status === 'grouped') setCounts.grouped++;
    let p = packetIndex.get(g.packet);
    if (p === undefined) {
      p = packets.length;
      packetIndex.set(g.packet, p);
      packets.push(g.packet);
    }
    rows.push(i);
    packetOf.push(p);
    auxiliaryOf.push(g.auxiliary?.tier ?? null);
    scores.push(score);
  }

  // Point value and prices.
  const n = rows.length;
  const priceInput = { cost: new Float64Array(n), caseScore: Float64Array.from(scores), level: new Uint8Array(n) };
  for (let k = 0; k < n; k++) {
    priceInput.cost[k] = table.cost[rows[k]!]!;
    priceInput.level[k] = table.level[rows[k]!]!;
  }
  const pricing = { levelCoefficients: policy.levelCoefficients, outliers: policy.outliers, fundRatio: policy.fundRatio, prepayment: policy.prepaymentShare };
  const sample = dipRateSample(priceInput, pricing);
  const rate: RateSolution = policy.budget !== undefined ? solvePointValue(sample, policy.budget, pricing) : { baseRate: policy.pointValue!, normalScale: 1, gap: 0, evaluations: 0 };
  const dipPriced = priceDipCases(priceInput, pricing, rate);

  // Fund payments in whole cents (Σ = budget when the budget is given).
  const priced: PricedCases = { rows: Int32Array.from(rows), relativeWeight: priceInput.caseScore, standard: new Float64Array(n), ratio: new Float64Array(n), outlier: dipPriced.outlier, payment: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const standard = sample.unit[k]! * rate.baseRate;
    priced.standard[k] = standard;
    priced.ratio[k] = priceInput.cost[k]! / standard;
    priced.payment[k] = dipPriced.payment[k]! * policy.fundRatio;
  }
  const { cents, bin, tally } = roundPayments(priced.payment, (k) => priced.outlier[k] !== Outlier.Low);
  if (policy.budget !== undefined) {
    const [plan] = allocateCents([tally], roundHalfUpCents(policy.budget));
    applyCents(cents, bin, plan!);
  }
  const hospitals = mergeHospitalTotals([hospitalTotals(table, priced, cents)]);
  const outliers = { normal: 0, low: 0, high: 0, review: 0, byItem: 0 };
  const keys = ['normal', 'low', 'high', 'review', 'byItem'] as const;
  let totalCost = 0;
  let paymentCents = 0;
  for (let k = 0; k < n; k++) {
    outliers[keys[priced.outlier[k]! as Outlier]]++;
    totalCost += priceInput.cost[k]!;
    paymentCents += cents[k]!;
  }
  const prepaidCents = roundHalfUpCents((paymentCents / 100) * policy.prepaymentShare);
  const counts = (c: { cases: number; grouped: number }): GroupingCounts => ({ cases: c.cases, grouped: c.grouped, ambiguous: 0, ungroupable: 0, fallback: c.cases - c.grouped, inGroupRate: c.cases > 0 ? c.grouped / c.cases : NaN });
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
      pointValue: rate.baseRate,
      budgetPointValue: budgetPointValue(refTotals),
      settlementPointValue: policy.budget !== undefined && n > 0 ? settlementPointValue(policy.budget, policy.fundRatio, sample) : null,
      fundRatio: policy.fundRatio,
      prepaymentShare: policy.prepaymentShare,
      totalCaseValue: dipPriced.total,
      prepaidCents,
      yearEndCents: paymentCents - prepaidCents,
      packets,
      packetOf: Int32Array.from(packetOf),
      auxiliaryOf,
    },
  };
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
