/**
 * Pricing the settlement year's cases under a policy (models.md §1, §3).
 *
 * - A case is **DRG-priced** when its DRG has a relative weight from the reference years
 *   (QY groups included unless `feeForService.ambiguousGroups`); its payment follows its
 *   outlier class (outliers.ts), with standard = RW × baseRate × levelCoefficient.
 * - Every other case — ungroupable (no MDC takes it), a DRG with no case in the reference
 *   years, QY groups when the policy says so — is **paid by item** (按项目付费):
 *   payment = cost × `feeForService.share` (default the whole cost), outlier class null. With a
 *   budget these payments come out of the budget first; the base rate spends the rest.
 *
 * Phases for the partitioned service: `collectRateSample` (per partition, what the base-rate
 * solver needs; merge by `mergeRateSamples`), `priceCases` (per partition, given the central
 * weights and rate), `roundPayments`/`allocateCents`/`applyCents` (cents.ts) and
 * `hospitalTotals` (per partition; merge by `mergeHospitalTotals`).
 */
import type { RateSample, RateSolution } from './base-rate.ts';
import { GroupStatus, groupingOf, type CaseTable } from './cases.ts';
import { roundHalfUpCents } from './cents.ts';
import { levelCoefficient, Outlier, outlierClass, outlierPayment, paymentStandard } from './outliers.ts';
import type { PaymentPolicy } from './policy.ts';

export type PricePolicy = Pick<PaymentPolicy, 'settlementYear' | 'levelCoefficients' | 'outliers' | 'ambiguous' | 'feeForService'>;

/** RW of each DRG index of the table (NaN: no DRG price), honouring `feeForService.ambiguousGroups`. */
export function drgWeights(table: CaseTable, relativeWeights: ReadonlyMap<string, number>): Float64Array {
  return Float64Array.from(table.drgs, (d) => {
    const rw = relativeWeights.get(d);
    return rw !== undefined && rw > 0 ? rw : NaN;
  });
}

/** RW × levelCoefficient of case i, or NaN when it is paid by item. */
function unitOf(table: CaseTable, i: number, drg: Int32Array, status: Uint8Array, rw: Float64Array, policy: PricePolicy): number {
  const g = drg[i]!;
  if (g < 0 || (status[i] === GroupStatus.Ambiguous && policy.feeForService.ambiguousGroups)) return NaN;
  return rw[g]! * levelCoefficient(table.level[i]!, policy.levelCoefficients);
}

/** Phase 1 for the base rate: settlement-year DRG-priced (cost, unit) pairs, and Σ by-item payments in cents. */
export function collectRateSample(table: CaseTable, relativeWeights: ReadonlyMap<string, number>, policy: PricePolicy): RateSample & { byItemCents: number } {
  const { drg, status } = groupingOf(table, policy.ambiguous);
  const rw = drgWeights(table, relativeWeights);
  let n = 0;
  for (let i = 0; i < table.size; i++) if (table.year[i] === policy.settlementYear) n++;
  const cost = new Float64Array(n);
  const unit = new Float64Array(n);
  let k = 0;
  let byItemCents = 0;
  for (let i = 0; i < table.size; i++) {
    if (table.year[i] !== policy.settlementYear) continue;
    const u = unitOf(table, i, drg, status, rw, policy);
    if (Number.isNaN(u)) byItemCents += roundHalfUpCents(table.cost[i]! * policy.feeForService.share);
    else {
      cost[k] = table.cost[i]!;
      unit[k++] = u;
    }
  }
  return { cost: cost.slice(0, k), unit: unit.slice(0, k), byItemCents };
}

/** Merge phase-1 rate samples of partitions. */
export function mergeRateSamples(samples: readonly (RateSample & { byItemCents: number })[]): RateSample & { byItemCents: number } {
  const n = samples.reduce((s, x) => s + x.cost.length, 0);
  const cost = new Float64Array(n);
  const unit = new Float64Array(n);
  let o = 0;
  for (const s of samples) {
    cost.set(s.cost, o);
    unit.set(s.unit, o);
    o += s.cost.length;
  }
  return { cost, unit, byItemCents: samples.reduce((s, x) => s + x.byItemCents, 0) };
}

/** The settlement-year cases of a partition, priced; arrays parallel to `rows`. */
export interface PricedCases {
  /** Table index of each priced case. */
  rows: Int32Array;
  /** RW of the case's DRG (NaN: paid by item). */
  relativeWeight: Float64Array;
  /** 支付标准 at the hospital's level (NaN: paid by item). */
  standard: Float64Array;
  /** cost / standard (NaN: paid by item). */
  ratio: Float64Array;
  outlier: Uint8Array;
  /** Payment in yuan before rounding to cents. */
  payment: Float64Array;
}

/** Phase 3: price the settlement-year cases of a partition at the central base rate. */
export function priceCases(table: CaseTable, relativeWeights: ReadonlyMap<string, number>, policy: PricePolicy, rate: Pick<RateSolution, 'baseRate' | 'normalScale'>): PricedCases {
  const { drg, status } = groupingOf(table, policy.ambiguous);
  const rw = drgWeights(table, relativeWeights);
  let n = 0;
  for (let i = 0; i < table.size; i++) if (table.year[i] === policy.settlementYear) n++;
  const out: PricedCases = { rows: new Int32Array(n), relativeWeight: new Float64Array(n), standard: new Float64Array(n), ratio: new Float64Array(n), outlier: new Uint8Array(n), payment: new Float64Array(n) };
  const share = policy.feeForService.share;
  let k = 0;
  for (let i = 0; i < table.size; i++) {
    if (table.year[i] !== policy.settlementYear) continue;
    out.rows[k] = i;
    const cost = table.cost[i]!;
    const unit = unitOf(table, i, drg, status, rw, policy);
    if (Number.isNaN(unit)) {
      out.relativeWeight[k] = NaN;
      out.standard[k] = NaN;
      out.ratio[k] = NaN;
      out.outlier[k] = Outlier.ByItem;
      out.payment[k] = cost * share;
    } else {
      const standard = paymentStandard(unit, rate.baseRate);
      const ratio = cost / standard;
      const cls = outlierClass(ratio, policy.outliers);
      out.relativeWeight[k] = rw[drg[i]!]!;
      out.standard[k] = standard;
      out.ratio[k] = ratio;
      out.outlier[k] = cls;
      const payment = outlierPayment(cls, cost, standard);
      out.payment[k] = cls === Outlier.Normal ? payment * rate.normalScale : payment;
    }
    k++;
  }
  return out;
}

/** Whether a priced case's payment depends on the base rate (takes leftover cents). */
export function paidByRate(priced: PricedCases, k: number): boolean {
  const o = priced.outlier[k]!;
  return o === Outlier.Normal || o === Outlier.High || o === Outlier.Review;
}

/** Per-hospital aggregates of the settlement year; mergeable by adding (hospital id keys). */
export interface HospitalTotals {
  hospitalId: string;
  /** Level 1–3 (the first level its cases give; 0 unknown). */
  level: number;
  cases: number;
  /** Cases with a DRG price, and Σ of their RW (CMI = Σ RW / priced cases). */
  pricedCases: number;
  relativeWeightSum: number;
  totalCost: number;
  /** Σ payment in whole cents. */
  paymentCents: number;
  normal: number;
  low: number;
  high: number;
  review: number;
  byItem: number;
}

/** Phase 3 aggregates: per hospital, from the priced cases and their final cents. */
export function hospitalTotals(table: CaseTable, priced: PricedCases, cents: Float64Array): HospitalTotals[] {
  const byHospital: (HospitalTotals | undefined)[] = new Array(table.hospitals.length);
  const classKeys = ['normal', 'low', 'high', 'review', 'byItem'] as const;
  for (let k = 0; k < priced.rows.length; k++) {
    const i = priced.rows[k]!;
    const h = table.hospital[i]!;
    let t = byHospital[h];
    if (!t) {
      t = { hospitalId: table.hospitals[h]!, level: 0, cases: 0, pricedCases: 0, relativeWeightSum: 0, totalCost: 0, paymentCents: 0, normal: 0, low: 0, high: 0, review: 0, byItem: 0 };
      byHospital[h] = t;
    }
    if (t.level === 0) t.level = table.level[i]!;
    t.cases++;
    t.totalCost += table.cost[i]!;
    t.paymentCents += cents[k]!;
    const rw = priced.relativeWeight[k]!;
    if (!Number.isNaN(rw)) {
      t.pricedCases++;
      t.relativeWeightSum += rw;
    }
    t[classKeys[priced.outlier[k]!]!]++;
  }
  return byHospital.filter((t): t is HospitalTotals => t !== undefined);
}

/** Merge per-hospital totals of partitions (sorted by hospital id). */
export function mergeHospitalTotals(parts: readonly HospitalTotals[][]): HospitalTotals[] {
  const merged = new Map<string, HospitalTotals>();
  for (const part of parts) {
    for (const t of part) {
      const m = merged.get(t.hospitalId);
      if (!m) {
        merged.set(t.hospitalId, { ...t });
        continue;
      }
      if (m.level === 0) m.level = t.level;
      for (const key of ['cases', 'pricedCases', 'relativeWeightSum', 'totalCost', 'paymentCents', 'normal', 'low', 'high', 'review', 'byItem'] as const) m[key] += t[key];
    }
  }
  return [...merged.values()].sort((a, b) => (a.hospitalId < b.hospitalId ? -1 : a.hospitalId > b.hospitalId ? 1 : 0));
}

/** CMI = Σ RW of a hospital's DRG-priced cases / their number (NaN with none). */
export function caseMixIndex(t: Pick<HospitalTotals, 'relativeWeightSum' | 'pricedCases'>): number {
  return t.pricedCases > 0 ? t.relativeWeightSum / t.pricedCases : NaN;
}
