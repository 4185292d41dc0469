/**
 * The shared step of a scheme comparison (`payreform compare-schemes` and the service's scheme
 * comparison job): a checked record (record.ts) grouped under both schemes through `groupRecord`
 * and appended to the compared cases — and, when a policy prices the comparison, to one case
 * table per scheme (the tables `simulatePolicy` prices). Then the result's tables, the same for
 * the CSV files, the HTML report and the console.
 */
import type { AmbiguousMode } from '../models/grouping/drg/grouper.ts';
import type { ComparedCasesBuilder } from '../models/comparison/compared-cases.ts';
import { compareSchemes, type SchemeComparison } from '../models/comparison/compare.ts';
import type { ComparedCases } from '../models/comparison/compared-cases.ts';
import type { PolicyResult } from '../models/payment/simulate.ts';
import { relativeWeightMap } from '../models/payment/weights.ts';
import { groupLabel, type Transition } from '../models/comparison/transitions.ts';
import { GroupStatus, type CaseTableBuilder } from '../models/payment/cases.ts';
import type { SettlementRecord } from '../models/settlement/schema.ts';
import { groupRecord, type Scheme } from './record.ts';

export interface ComparisonContext {
  schemes: [Pick<Scheme, 'pack'>, Pick<Scheme, 'pack'>];
  /** Ambiguous cases: the schemes' own rule (undefined), or `qy` / `fallthrough` for both. */
  ambiguous?: AmbiguousMode;
  /** With a policy: the case table of each scheme (one mode, the policy's `ambiguous`). */
  tables?: [CaseTableBuilder, CaseTableBuilder];
}

const statusCode = { grouped: GroupStatus.Grouped, ambiguous: GroupStatus.Ambiguous, ungroupable: GroupStatus.Ungroupable } as const;

/** The field a record lacks for the comparison (cost and hospital; with a policy the discharge date too), or null. */
export function missingForComparison(record: SettlementRecord, priced: boolean): string | null {
  if (record.hospitalId === undefined) return 'hospitalId';
  if (record.totalCost === undefined) return 'totalCost';
  if (priced && record.dischargeDate === undefined) return 'dischargeDate';
  return null;
}

/** Group a record (with hospital and cost; see `missingForComparison`) under both schemes and append it. */
export function addComparedRecord(builder: ComparedCasesBuilder, record: SettlementRecord, ctx: ComparisonContext): void {
  const options = { trace: false, ...(ctx.ambiguous !== undefined ? { ambiguous: ctx.ambiguous } : {}) };
  const a = groupRecord(ctx.schemes[0], record, options);
  const b = groupRecord(ctx.schemes[1], record, options);
  builder.add(record.totalCost!, record.hospitalId!, a, b);
  if (ctx.tables) {
    const row = { listId: record.listId, year: Number(record.dischargeDate!.slice(0, 4)), lengthOfStay: record.lengthOfStay, cost: record.totalCost!, hospitalId: record.hospitalId!, level: record.hospitalLevel ?? 0 };
    ctx.tables[0].add(row, [{ drg: a.drg, status: statusCode[a.status] }]);
    ctx.tables[1].add(row, [{ drg: b.drg, status: statusCode[b.status] }]);
  }
}

/**
 * The comparison of the compared cases; with each scheme's case table priced by a policy
 * (`priced`, scheme A then B), the policy's relative weights for CMI and each hospital's payment
 * under each scheme.
 */
export function comparedSchemes(cases: ComparedCases, priced?: readonly [PolicyResult, PolicyResult]): SchemeComparison {
  if (priced === undefined) return compareSchemes(cases);
  return compareSchemes(cases, { relativeWeights: [relativeWeightMap(priced[0].weights), relativeWeightMap(priced[1].weights)], payments: [priced[0].hospitals, priced[1].hospitals] });
}

export interface Table {
  header: string[];
  rows: (string | number)[][];
}

/** The result's tables, by the name of their CSV file: transitions-drg, transitions-adrg, schemes, hospitals. */
export type ComparisonTables = Record<'transitions-drg' | 'transitions-adrg' | 'schemes' | 'hospitals', Table>;

const fixed = (x: number | undefined, digits: number) => (x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : '');
const yuan = (cents: number) => (cents / 100).toFixed(2);

function transitionTable(rows: readonly Transition[], labels: readonly [string, string], level: string): Table {
  return {
    header: [`${level} under ${labels[0]}`, `status under ${labels[0]}`, `${level} under ${labels[1]}`, `status under ${labels[1]}`, 'cases', 'share', 'changed'],
    rows: rows.map((t) => [groupLabel(t.from), t.from.status, groupLabel(t.to), t.to.status, t.cases, t.share.toFixed(6), t.changed ? 'yes' : 'no']),
  };
}

/** The tables of a comparison of scheme `labels[0]` (A) with `labels[1]` (B). */
export function comparisonTables(result: SchemeComparison, labels: readonly [string, string]): ComparisonTables {
  const priced = result.hospitals.some((h) => h.paymentCents !== undefined);
  return {
    'transitions-drg': transitionTable(result.transitions.drg, labels, 'DRG'),
    'transitions-adrg': transitionTable(result.transitions.adrg, labels, 'ADRG'),
    schemes: {
      header: ['scheme', 'cases', 'grouped', 'ambiguous', 'ungroupable', 'in-group rate', 'DRGs used', 'ADRGs used', 'weights from', 'cases with a weight', 'CMI', 'RIV', 'mean CV', 'groups with CV > 1', 'share of groups with CV > 1', 'groups with CV < 0.5'],
      rows: result.schemes.map((s, i) => [labels[i]!, s.cases, s.grouped, s.ambiguous, s.ungroupable, fixed(s.inGroupRate, 4), s.drgsUsed, s.adrgsUsed, s.weightSource, s.weightedCases, fixed(s.cmi, 4), fixed(s.riv, 4), fixed(s.meanCv, 4), s.groupsCvAboveOne, fixed(s.shareCvAboveOne, 4), s.groupsCvBelowHalf]),
    },
    hospitals: {
      header: ['hospital', 'cases', 'total cost', `CMI under ${labels[0]}`, `CMI under ${labels[1]}`, ...(priced ? [`payment under ${labels[0]}`, `payment under ${labels[1]}`, 'change', 'change share'] : [])],
      rows: result.hospitals.map((h) => [h.hospitalId, h.cases, h.totalCost.toFixed(2), fixed(h.cmi[0], 4), fixed(h.cmi[1], 4), ...(priced ? [yuan(h.paymentCents![0]), yuan(h.paymentCents![1]), yuan(h.differenceCents!), fixed(h.differenceShare, 4)] : [])]),
    },
  };
}
