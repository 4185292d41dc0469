/**
 * The files `payreform simulate` writes for one policy — summary.json, result.json (the service's
 * result document: app/simulation-result.ts for DRG, app/dip-simulation-result.ts for DIP), hospitals.csv, groups.csv, cases.jsonl —
 * comparison.csv across policies, and summary.xlsx: the same tables (policies, hospitals, groups,
 * comparison) as sheets, built from the same rows, numbers as numbers. Money is reported in yuan
 * rounded half-up to 0.01 (payments are whole cents already); ratios and weights to 4–6 places.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseTable } from '../models/payment/cases.ts';
import { roundHalfUpCents } from '../models/payment/cents.ts';
import { outlierNames } from '../models/payment/outliers.ts';
import { caseMixIndex, type HospitalTotals } from '../models/payment/price.ts';
import type { DipHospitalSettlement, DipResult, PolicyResult } from '../models/payment/simulate.ts';
import { createLineWriter } from '../lib/output.ts';
import { writeXlsx, type SheetTable } from '../lib/xlsx-write.ts';
import { resultDocument } from '../app/simulate.ts';
import { stringifyRounded } from '../models/text/round.ts';

/** What the input gave (for summary.json). */
export interface InputCounts {
  files: string[];
  records: number;
  rejected: number;
  /** Accepted cases discharged in neither a reference year nor the settlement year. */
  otherYears: number;
}

export const hospitalsHeader = ['hospitalId', 'level', 'cases', 'cmi', 'totalCost', 'totalPayment', 'paymentToCost', 'surplus', 'lowOutliers', 'highOutliers', 'reviewOutliers'];
/** DIP: per hospital and fund, the fund payment beside the fund's share of cost, and the case value beside the cost. */
export const dipHospitalsHeader = ['hospitalId', 'fund', 'level', 'cases', 'points', 'totalCost', 'caseValue', 'valueToCost', 'fundShareOfCost', 'prepaid', 'cleared', 'difference', 'fundPaymentToFundCost', 'balance', 'retainedSurplus', 'sharedOverspend', 'final', 'lowOutliers', 'highOutliers', 'specialReview', 'ungrouped'];
export const groupsHeader = ['drg', 'cases', 'meanCost', 'rw', 'cv'];
/** DIP: packets (or their cost tiers) as the groups, scores as the weights. */
export const packetsHeader = ['packet', 'cases', 'meanCost', 'score', 'cv'];

/** A number written with a fixed number of decimals: "12.50" in a CSV, 12.5 (a number) in a workbook. */
class Fixed {
  constructor(readonly value: number, readonly digits: number) {}
}

/** A cell of an output table: text, a count, a rounded number, or empty. */
export type Cell = string | number | Fixed | null;

/** An output table: what one CSV file and one workbook sheet hold. */
export interface Table {
  header: string[];
  rows: Cell[][];
}

const fixedCell = (x: number, digits: number): Fixed | null => (Number.isFinite(x) ? new Fixed(x, digits) : null);
const yuan = (x: number) => new Fixed(roundHalfUpCents(x) / 100, 2);
const centsToYuan = (cents: number) => new Fixed(cents / 100, 2);
const fixed = fixedCell;

/** A CSV cell: quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvText = (cell: Cell): string => (cell === null ? '' : cell instanceof Fixed ? cell.value.toFixed(cell.digits) : csvCell(cell));

/** A table as CSV text (header line, one line per row, a final line break). */
export function tableCsv(table: Table): string {
  return [table.header.map(csvCell).join(','), ...table.rows.map((row) => row.map(csvText).join(','))].join('\n') + '\n';
}

/** A table as a workbook sheet: rounded numbers as numbers (amounts to the cent), text as text. */
export function tableSheet(name: string, table: Table): SheetTable {
  return { name, headers: table.header, rows: table.rows.map((row) => row.map((c) => (c instanceof Fixed ? Number(c.value.toFixed(c.digits)) : c))) };
}

export function summaryOf(result: PolicyResult, label: string, input: InputCounts) {
  return result.dip ? dipSummaryOf(result, result.dip, label, input) : drgSummaryOf(result, label, input);
}

function drgSummaryOf(result: PolicyResult, label: string, input: InputCounts) {
  const { policy, weights, rate, totals } = result;
  return {
    ...policyHead(result, label),
    baseRate: Number(rate.baseRate.toFixed(6)),
    baseRateDerived: policy.budget !== undefined,
    totalPayment: totals.paymentCents / 100,
    ...outcome(result, weights.quality.riv),
    weights: {
      source: weights.table ? { table: weights.table.table, column: weights.table.column, groups: weights.table.relativeWeights.size } : 'reference years',
      groups: weights.groups.size,
      allCaseTrimmedMean: weights.allCaseMean.map((m) => nullable(m, 2)),
      weightCases: weights.counts.cases - weights.counts.excludedStays - weights.counts.ungroupable - weights.counts.ambiguousByItem,
      excludedStays: weights.counts.excludedStays,
      cvBelowHalf: weights.quality.cvBelowHalf,
      cvAboveOne: weights.quality.cvAboveOne,
      /** Settlement cases paid by item because their group has no weight, by DRG, largest first. */
      unweighted: result.unweighted ?? [],
    },
    solver: solverOf(result),
    input,
  };
}

/** summary.json of a DIP policy: the DRG keys, with the point values (点值) in place of the base rate and the catalogue in place of the weights. */
function dipSummaryOf(result: PolicyResult, dip: DipResult, label: string, input: InputCounts) {
  const { policy, rate, totals } = result;
  const q = dip.catalog.quality;
  const fundShareOfCost = dip.hospitals.reduce((s, h) => s + h.fundShareOfCost, 0);
  return {
    ...policyHead(result, label),
    pointValue: Number(rate.baseRate.toFixed(6)),
    pointValueDerived: policy.budget !== undefined || (policy.method === 'dip' && policy.funds !== undefined),
    yearStartPointValue: nullable(dip.funds[0]!.yearStart.value, 6),
    settlementPointValue: nullable(dip.funds[0]!.settlementPointValue, 6),
    funds: dip.funds.map((f) => ({
      fund: f.fund,
      budget: f.budget,
      fundRatio: f.fundRatio,
      cases: f.cases,
      yearStartPointValue: { value: nullable(f.yearStart.value, 6), derived: nullable(f.yearStart.derived, 6), source: f.yearStart.source, cases: f.yearStart.cases, trimmed: f.yearStart.trimmed },
      settlementPointValue: nullable(f.settlementPointValue, 6),
      totalPoints: Number(f.totalPoints.toFixed(4)),
      byItemValue: roundHalfUpCents(f.byItemValue) / 100,
      prepaid: f.prepaidCents / 100,
      cleared: f.clearedCents / 100,
      difference: (f.clearedCents - f.prepaidCents) / 100,
    })),
    hospitalCoefficients: dip.hospitalCoefficients,
    specialReview: dip.specialReview,
    ungroupedShare: dip.ungroupedShare,
    totalCaseValue: roundHalfUpCents(dip.totalCaseValue) / 100,
    totalPayment: totals.paymentCents / 100,
    fundShareOfCost: roundHalfUpCents(fundShareOfCost) / 100,
    fundPaymentToFundCost: fundShareOfCost > 0 ? Number((totals.paymentCents / 100 / fundShareOfCost).toFixed(6)) : null,
    prepayment: { share: dip.prepaymentShare, prepaid: dip.prepaidCents / 100, yearEnd: dip.yearEndCents / 100 },
    ...outcome(result, q.riv),
    catalog: {
      source: dip.catalogSource,
      referenceYears: dip.catalog.referenceYears,
      coreThreshold: dip.catalog.policy.coreThreshold,
      coreThresholdSource: dip.catalog.policy.coreThresholdSource,
      packets: dip.catalog.packets.length,
      units: q.units,
      corePackets: q.corePackets,
      comprehensivePackets: q.comprehensivePackets,
      packetsWithAuxiliary: q.packetsWithAuxiliary,
      coreCoverage: nullable(q.coreCoverage, 6),
      referenceCases: q.cases,
      ungroupedReferenceCases: q.ungroupedCases,
      cvBelowHalf: q.cvBelowHalf,
      cvAboveOne: q.cvAboveOne,
    },
    solver: solverOf(result),
    input,
  };
}

/** The summary keys that name the policy (the same for DRG and DIP). */
function policyHead({ policy }: PolicyResult, label: string) {
  return {
    policy: { label, name: policy.name ?? null, version: policy.version },
    scheme: policy.scheme,
    method: policy.method,
    settlementYear: policy.settlementYear,
    referenceYears: policy.referenceYears,
    yearWeights: policy.yearWeights,
    budget: policy.budget ?? null,
  };
}

/** The summary keys of what the policy pays against what the cases cost (the same for DRG and DIP; `riv` from the weights or the catalogue). */
function outcome({ policy, totals, grouping }: PolicyResult, riv: number) {
  return {
    totalCost: roundHalfUpCents(totals.totalCost) / 100,
    paymentToCost: totals.totalCost > 0 ? Number((totals.paymentCents / 100 / totals.totalCost).toFixed(6)) : null,
    cases: totals.cases,
    inGroupRate: nullable(grouping.settlement.inGroupRate, 6),
    riv: nullable(riv, 6),
    outliers: totals.outliers,
    levelCoefficients: policy.levelCoefficients,
    outlierThresholds: policy.outliers,
    grouping: {
      settlement: { ...grouping.settlement, inGroupRate: nullable(grouping.settlement.inGroupRate, 6) },
      reference: { ...grouping.reference, inGroupRate: nullable(grouping.reference.inGroupRate, 6) },
    },
  };
}

function solverOf({ rate }: PolicyResult) {
  return { normalScale: rate.normalScale, gap: Number(rate.gap.toFixed(6)), evaluations: rate.evaluations };
}

function nullable(x: number, digits: number): number | null {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : null;
}

export function hospitalRow(t: HospitalTotals): Cell[] {
  const payment = t.paymentCents / 100;
  const cost = roundHalfUpCents(t.totalCost) / 100;
  return [t.hospitalId, t.level || null, t.cases, fixed(caseMixIndex(t), 4), new Fixed(cost, 2), new Fixed(payment, 2), cost > 0 ? new Fixed(payment / cost, 4) : null, centsToYuan(t.paymentCents - roundHalfUpCents(t.totalCost)), t.low, t.high, t.review];
}

/** A DIP hospitals.csv row: like with like — case value against cost, fund payment against the fund's share of cost. */
export function dipHospitalRow(h: DipHospitalSettlement): Cell[] {
  const cost = roundHalfUpCents(h.totalCost);
  const fundCost = roundHalfUpCents(h.fundShareOfCost);
  const value = roundHalfUpCents(h.caseValue);
  return [
    h.hospitalId, h.fund, h.level || null, h.cases, new Fixed(h.points, 4), centsToYuan(cost), centsToYuan(value), cost > 0 ? new Fixed(value / cost, 4) : null,
    centsToYuan(fundCost), centsToYuan(h.prepaidCents), centsToYuan(h.clearedCents), centsToYuan(h.clearedCents - h.prepaidCents), fundCost > 0 ? new Fixed(h.clearedCents / fundCost, 4) : null,
    centsToYuan(h.clearedCents - fundCost), new Fixed(h.retainedSurplus, 2), new Fixed(h.sharedOverspend, 2), centsToYuan(h.finalCents), h.low, h.high, h.specialReview, h.ungrouped,
  ];
}

/** The hospitals table of a policy (hospitals.csv). */
export function hospitalsTable(result: PolicyResult): Table {
  return result.dip ? { header: dipHospitalsHeader, rows: result.dip.hospitals.map(dipHospitalRow) } : { header: hospitalsHeader, rows: result.hospitals.map(hospitalRow) };
}

/** The groups (DIP: packets) table of a policy (groups.csv). */
export function groupsTable(result: PolicyResult): Table {
  const rows: Cell[][] = [];
  for (const g of result.weights.groups.values()) rows.push([g.drg, g.cases, yuan(g.meanCost), fixed(g.relativeWeight, 6), fixed(g.cv, 4)]);
  return { header: result.dip ? packetsHeader : groupsHeader, rows };
}

export const policiesHeader = ['policy', 'name', 'version', 'method', 'settlementYear', 'referenceYears', 'baseRate', 'pointValue', 'cases', 'totalCost', 'totalPayment', 'paymentToCost', 'inGroupRate', 'lowOutliers', 'highOutliers', 'reviewOutliers', 'byItem'];

/** One row per policy: what it is and what it pays in total (the head of summary.json). */
export function policiesTable(labels: readonly string[], results: readonly PolicyResult[]): Table {
  return {
    header: policiesHeader,
    rows: results.map((r, p) => {
      const { policy, totals, rate } = r;
      const cost = roundHalfUpCents(totals.totalCost) / 100;
      const payment = totals.paymentCents / 100;
      return [
        labels[p]!, policy.name ?? null, policy.version, policy.method, policy.settlementYear, policy.referenceYears.join(' '),
        r.dip ? null : fixed(rate.baseRate, 2), r.dip ? fixed(rate.baseRate, 6) : null,
        totals.cases, new Fixed(cost, 2), new Fixed(payment, 2), cost > 0 ? new Fixed(payment / cost, 4) : null, fixed(r.grouping.settlement.inGroupRate, 4),
        totals.outliers.low, totals.outliers.high, totals.outliers.review, totals.outliers.byItem,
      ];
    }),
  };
}

/** Write summary.json, result.json, hospitals.csv, groups.csv and (unless `cases` is false) cases.jsonl into `dir`; the tables written, for summary.xlsx. */
export async function writePolicyFiles(dir: string, table: CaseTable, result: PolicyResult, summary: object, cases = true): Promise<{ hospitals: Table; groups: Table }> {
  writeFileSync(path.join(dir, 'summary.json'), stringifyRounded(summary, 2) + '\n');
  writeFileSync(path.join(dir, 'result.json'), stringifyRounded(resultDocument(result), 2) + '\n');
  const hospitals = hospitalsTable(result);
  writeFileSync(path.join(dir, 'hospitals.csv'), tableCsv(hospitals));
  const groups = groupsTable(result);
  writeFileSync(path.join(dir, 'groups.csv'), tableCsv(groups));
  if (cases) await (result.dip ? writeDipCases(path.join(dir, 'cases.jsonl'), table, result, result.dip) : writeCases(path.join(dir, 'cases.jsonl'), table, result));
  return { hospitals, groups };
}

/** summary.xlsx: the sheets policies, hospitals, groups and (with compared policies) comparison — the CSV files' rows, numbers as numbers, the header row bold and frozen. */
export async function writeSummaryWorkbook(file: string, tables: { policies: Table; hospitals: Table; groups: Table; comparison?: Table }): Promise<void> {
  const sheets = [tableSheet('policies', tables.policies), tableSheet('hospitals', tables.hospitals), tableSheet('groups', tables.groups)];
  if (tables.comparison) sheets.push(tableSheet('comparison', tables.comparison));
  await writeXlsx(file, sheets);
}

const yuanText = (x: number) => (roundHalfUpCents(x) / 100).toFixed(2);

/** `format`, remembered per value (the same number always gives the same text). */
function memoText(format: (x: number) => string): (x: number) => string {
  const seen = new Map<number, string>();
  return (x) => {
    let text = seen.get(x);
    if (text === undefined) {
      text = format(x);
      seen.set(x, text);
    }
    return text;
  };
}
const centsText = (cents: number) => (cents / 100).toFixed(2);

/** cases.jsonl: one line per settlement-year case, written by hand (1M lines ≈ 1 s). */
async function writeCases(file: string, table: CaseTable, result: PolicyResult): Promise<void> {
  const out = createLineWriter(file);
  const { priced, cents } = result;
  if (result.policy.method !== 'drg') throw new Error('writeCases: a DRG policy result was expected');
  const grouping = table.groupings[result.policy.ambiguous]!;
  const hospitalJson = table.hospitals.map((h) => JSON.stringify(h));
  const drgJson = table.drgs.map((d) => `"${d}"`);
  // A case's RW and payment standard take a few thousand values over 100 000 cases: each is formatted once.
  const rwText = memoText((x) => x.toFixed(4));
  const standardText = memoText(yuanText);
  for (let k = 0; k < priced.rows.length; k++) {
    const i = priced.rows[k]!;
    const g = grouping.drg[i]!;
    const rw = priced.relativeWeight[k]!;
    const byItem = Number.isNaN(rw);
    const outlier = outlierNames[priced.outlier[k]!];
    const line =
      `{"listId":"${table.listIds[i]}","hospitalId":${hospitalJson[table.hospital[i]!]},"drg":${g < 0 ? 'null' : drgJson[g]},` +
      `"rw":${byItem ? 'null' : rwText(rw)},"totalCost":${table.cost[i]},"standard":${byItem ? 'null' : standardText(priced.standard[k]!)},` +
      `"ratio":${byItem ? 'null' : priced.ratio[k]!.toFixed(4)},"outlier":${outlier ? `"${outlier}"` : 'null'},"payment":${centsText(cents[k]!)}}`;
    const w = out.write(line);
    if (w) await w;
  }
  await out.close();
}

const dipOutlierNames = ['normal', 'low', 'high', 'specialReview', 'ungrouped'] as const;

/** cases.jsonl of a DIP policy: packet, case score (score × hospital coefficient × auxiliary coefficient), the year-start standard and ratio, the outlier class and the fund payment. */
async function writeDipCases(file: string, table: CaseTable, result: PolicyResult, dip: DipResult): Promise<void> {
  const out = createLineWriter(file);
  const { priced, cents } = result;
  const hospitalJson = table.hospitals.map((h) => JSON.stringify(h));
  const packetJson = dip.packets.map((p) => JSON.stringify(p));
  for (let k = 0; k < priced.rows.length; k++) {
    const i = priced.rows[k]!;
    const auxiliary = dip.auxiliaryOf[k];
    const ungrouped = Number.isNaN(priced.relativeWeight[k]!);
    const line =
      `{"listId":${JSON.stringify(table.listIds[i])},"hospitalId":${hospitalJson[table.hospital[i]!]},"packet":${ungrouped ? 'null' : packetJson[dip.packetOf[k]!]},` +
      `"caseScore":${ungrouped ? 'null' : priced.relativeWeight[k]!.toFixed(4)},"hospitalCoefficient":${dip.hospitalCoefficientOf[k]!.toFixed(4)},"auxiliary":${auxiliary ? JSON.stringify(auxiliary) : 'null'},"totalCost":${table.cost[i]},` +
      `"yearStartStandard":${ungrouped ? 'null' : yuanText(priced.standard[k]!)},"ratio":${ungrouped ? 'null' : priced.ratio[k]!.toFixed(4)},"outlier":"${dipOutlierNames[priced.outlier[k]!]}","payment":${centsText(cents[k]!)}}`;
    const w = out.write(line);
    if (w) await w;
  }
  await out.close();
}

/**
 * What a policy pays for each hospital's cases before any fund ratio, in cents — the figure to set
 * beside the cost and beside another policy: a DRG payment, or a DIP case value (points × point
 * value, summed over the funds).
 */
export function hospitalValueCents(result: PolicyResult): Map<string, number> {
  if (!result.dip) return new Map(result.hospitals.map((h) => [h.hospitalId, h.paymentCents]));
  const value = new Map<string, number>();
  for (const h of result.dip.hospitals) value.set(h.hospitalId, (value.get(h.hospitalId) ?? 0) + h.caseValue);
  return new Map([...value].map(([id, v]) => [id, roundHalfUpCents(v)]));
}

/**
 * comparison.csv: per hospital what each policy pays for its cases and the differences from the
 * first — like with like: the value of the cases before any fund ratio (a DRG payment; for DIP
 * the case value, points × point value, of which the fund pays its ratio), beside the total cost.
 */
export function comparisonTable(labels: string[], results: PolicyResult[]): Table {
  const byHospital = new Map<string, { level: number; cases: number; cost: number; cents: (number | null)[] }>();
  results.forEach((r, p) => {
    const value = hospitalValueCents(r);
    for (const t of r.hospitals) {
      let row = byHospital.get(t.hospitalId);
      if (!row) {
        row = { level: t.level, cases: t.cases, cost: t.totalCost, cents: results.map(() => null) };
        byHospital.set(t.hospitalId, row);
      }
      row.cents[p] = value.get(t.hospitalId) ?? 0;
    }
  });
  const others = labels.slice(1);
  const header = ['hospitalId', 'level', 'cases', 'totalCost', ...labels.map((l) => `payment_${l}`), ...others.flatMap((l) => [`difference_${l}`, `differencePercent_${l}`])];
  const rows: Cell[][] = [];
  for (const id of [...byHospital.keys()].sort()) {
    const row = byHospital.get(id)!;
    const b = row.cents[0] ?? 0;
    const cells: Cell[] = [id, row.level || null, row.cases, yuan(row.cost), ...row.cents.map((c) => centsToYuan(c ?? 0))];
    for (let p = 1; p < results.length; p++) {
      const d = (row.cents[p] ?? 0) - b;
      cells.push(centsToYuan(d), b !== 0 ? new Fixed((d / b) * 100, 2) : null);
    }
    rows.push(cells);
  }
  return { header, rows };
}
