/**
 * The files `payreform simulate` writes for one policy — summary.json, result.json (DRG: the
 * service's result document, app/simulation-result.ts), hospitals.csv, groups.csv, cases.jsonl —
 * and comparison.csv across policies. Money is reported in yuan
 * rounded half-up to 0.01 (payments are whole cents already); ratios and weights to 4–6 places.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseTable } from '../models/payment/cases.ts';
import { roundHalfUpCents } from '../models/payment/cents.ts';
import { outlierNames } from '../models/payment/outliers.ts';
import { caseMixIndex, type HospitalTotals } from '../models/payment/price.ts';
import type { DipResult, PolicyResult } from '../models/payment/simulate.ts';
import { createLineWriter } from '../lib/output.ts';
import { resultDocument } from '../app/simulate.ts';

/** What the input gave (for summary.json). */
export interface InputCounts {
  files: string[];
  records: number;
  rejected: number;
  /** Accepted cases discharged in neither a reference year nor the settlement year. */
  otherYears: number;
}

export const hospitalsHeader = ['hospitalId', 'level', 'cases', 'cmi', 'totalCost', 'totalPayment', 'paymentToCost', 'surplus', 'lowOutliers', 'highOutliers', 'reviewOutliers'];
export const groupsHeader = ['drg', 'cases', 'meanCost', 'rw', 'cv'];
/** DIP: packets (or their cost tiers) as the groups, scores as the weights. */
export const packetsHeader = ['packet', 'cases', 'meanCost', 'score', 'cv'];

const yuan = (x: number) => (roundHalfUpCents(x) / 100).toFixed(2);
const centsToYuan = (cents: number) => (cents / 100).toFixed(2);
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '');

/** A CSV cell: quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
      groups: weights.groups.size,
      allCaseTrimmedMean: weights.allCaseMean.map((m) => nullable(m, 2)),
      weightCases: weights.counts.cases - weights.counts.excludedStays - weights.counts.ungroupable - weights.counts.ambiguousByItem,
      excludedStays: weights.counts.excludedStays,
      cvBelowHalf: weights.quality.cvBelowHalf,
      cvAboveOne: weights.quality.cvAboveOne,
    },
    solver: solverOf(result),
    input,
  };
}

/** summary.json of a DIP policy: the DRG keys, with the point value (点值) in place of the base rate and the catalogue in place of the weights. */
function dipSummaryOf(result: PolicyResult, dip: DipResult, label: string, input: InputCounts) {
  const { policy, rate, totals } = result;
  const q = dip.catalog.quality;
  return {
    ...policyHead(result, label),
    pointValue: Number(rate.baseRate.toFixed(6)),
    pointValueDerived: policy.budget !== undefined,
    budgetPointValue: nullable(dip.budgetPointValue, 6),
    settlementPointValue: dip.settlementPointValue === null ? null : nullable(dip.settlementPointValue, 6),
    fundRatio: dip.fundRatio,
    totalCaseValue: roundHalfUpCents(dip.totalCaseValue) / 100,
    totalPayment: totals.paymentCents / 100,
    prepayment: { share: dip.prepaymentShare, prepaid: dip.prepaidCents / 100, yearEnd: dip.yearEndCents / 100 },
    ...outcome(result, q.riv),
    catalog: {
      source: dip.catalogSource,
      referenceYears: dip.catalog.referenceYears,
      packets: dip.catalog.packets.length,
      units: q.units,
      corePackets: q.corePackets,
      comprehensivePackets: q.comprehensivePackets,
      coreCoverage: nullable(q.coreCoverage, 6),
      referenceCases: q.cases,
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

export function hospitalRow(t: HospitalTotals): (string | number)[] {
  const payment = t.paymentCents / 100;
  const cost = roundHalfUpCents(t.totalCost) / 100;
  return [csvCell(t.hospitalId), t.level || '', t.cases, fixed(caseMixIndex(t), 4), cost.toFixed(2), payment.toFixed(2), cost > 0 ? (payment / cost).toFixed(4) : '', ((t.paymentCents - roundHalfUpCents(t.totalCost)) / 100).toFixed(2), t.low, t.high, t.review];
}

/** Write summary.json, result.json (DRG), hospitals.csv, groups.csv and (unless `cases` is false) cases.jsonl into `dir`. */
export async function writePolicyFiles(dir: string, table: CaseTable, result: PolicyResult, summary: object, cases = true): Promise<void> {
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  if (!result.dip) writeFileSync(path.join(dir, 'result.json'), JSON.stringify(resultDocument(result), null, 2) + '\n');
  const hospitals = [hospitalsHeader.join(','), ...result.hospitals.map((t) => hospitalRow(t).join(','))];
  writeFileSync(path.join(dir, 'hospitals.csv'), hospitals.join('\n') + '\n');
  const groups = [(result.dip ? packetsHeader : groupsHeader).join(',')];
  for (const g of result.weights.groups.values()) groups.push([g.drg, g.cases, yuan(g.meanCost), fixed(g.relativeWeight, 6), fixed(g.cv, 4)].join(','));
  writeFileSync(path.join(dir, 'groups.csv'), groups.join('\n') + '\n');
  if (cases) await (result.dip ? writeDipCases(path.join(dir, 'cases.jsonl'), table, result, result.dip) : writeCases(path.join(dir, 'cases.jsonl'), table, result));
}

/** cases.jsonl: one line per settlement-year case, written by hand (1M lines ≈ 1 s). */
async function writeCases(file: string, table: CaseTable, result: PolicyResult): Promise<void> {
  const out = createLineWriter(file);
  const { priced, cents } = result;
  if (result.policy.method !== 'drg') throw new Error('writeCases: a DRG policy result was expected');
  const grouping = table.groupings[result.policy.ambiguous]!;
  const hospitalJson = table.hospitals.map((h) => JSON.stringify(h));
  const drgJson = table.drgs.map((d) => `"${d}"`);
  for (let k = 0; k < priced.rows.length; k++) {
    const i = priced.rows[k]!;
    const g = grouping.drg[i]!;
    const rw = priced.relativeWeight[k]!;
    const byItem = Number.isNaN(rw);
    const outlier = outlierNames[priced.outlier[k]!];
    const line =
      `{"listId":"${table.listIds[i]}","hospitalId":${hospitalJson[table.hospital[i]!]},"drg":${g < 0 ? 'null' : drgJson[g]},` +
      `"rw":${byItem ? 'null' : rw.toFixed(4)},"totalCost":${table.cost[i]},"standard":${byItem ? 'null' : yuan(priced.standard[k]!)},` +
      `"ratio":${byItem ? 'null' : priced.ratio[k]!.toFixed(4)},"outlier":${outlier ? `"${outlier}"` : 'null'},"payment":${centsToYuan(cents[k]!)}}`;
    const w = out.write(line);
    if (w) await w;
  }
  await out.close();
}

/** cases.jsonl of a DIP policy: the DRG columns with the packet (cost tier) and its case score in place of the DRG and RW, and the auxiliary tier. */
async function writeDipCases(file: string, table: CaseTable, result: PolicyResult, dip: DipResult): Promise<void> {
  const out = createLineWriter(file);
  const { priced, cents } = result;
  const hospitalJson = table.hospitals.map((h) => JSON.stringify(h));
  const packetJson = dip.packets.map((p) => JSON.stringify(p));
  for (let k = 0; k < priced.rows.length; k++) {
    const i = priced.rows[k]!;
    const auxiliary = dip.auxiliaryOf[k];
    const line =
      `{"listId":${JSON.stringify(table.listIds[i])},"hospitalId":${hospitalJson[table.hospital[i]!]},"packet":${packetJson[dip.packetOf[k]!]},` +
      `"score":${priced.relativeWeight[k]!.toFixed(4)},"auxiliary":${auxiliary ? JSON.stringify(auxiliary) : 'null'},"totalCost":${table.cost[i]},"standard":${yuan(priced.standard[k]!)},` +
      `"ratio":${priced.ratio[k]!.toFixed(4)},"outlier":"${outlierNames[priced.outlier[k]!]}","payment":${centsToYuan(cents[k]!)}}`;
    const w = out.write(line);
    if (w) await w;
  }
  await out.close();
}

/** comparison.csv: per hospital the payment under each policy and the differences from the first. */
export function writeComparison(file: string, labels: string[], results: PolicyResult[]): void {
  const byHospital = new Map<string, { level: number; cases: number; cost: number; cents: (number | null)[] }>();
  results.forEach((r, p) => {
    for (const t of r.hospitals) {
      let row = byHospital.get(t.hospitalId);
      if (!row) {
        row = { level: t.level, cases: t.cases, cost: t.totalCost, cents: results.map(() => null) };
        byHospital.set(t.hospitalId, row);
      }
      row.cents[p] = t.paymentCents;
    }
  });
  const others = labels.slice(1);
  const header = ['hospitalId', 'level', 'cases', 'totalCost', ...labels.map((l) => `payment_${l}`), ...others.flatMap((l) => [`difference_${l}`, `differencePercent_${l}`])];
  const lines = [header.map(csvCell).join(',')];
  const ids = [...byHospital.keys()].sort();
  for (const id of ids) {
    const row = byHospital.get(id)!;
    const b = row.cents[0] ?? 0;
    const cells: (string | number)[] = [csvCell(id), row.level || '', row.cases, yuan(row.cost), ...row.cents.map((c) => centsToYuan(c ?? 0))];
    for (let p = 1; p < results.length; p++) {
      const d = (row.cents[p] ?? 0) - b;
      cells.push(centsToYuan(d), b !== 0 ? ((d / b) * 100).toFixed(2) : '');
    }
    lines.push(cells.join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}
