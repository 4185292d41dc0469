/**
 * What a payment simulation returns (`PolicyResult`, DRG or DIP) and the grouping counts it
 * reports. The DRG run itself is app/simulate.ts (the phases of app/simulation-phases.ts), the
 * DIP run simulate-dip.ts.
 */
import type { RateSolution } from './base-rate.ts';
import { GroupStatus, groupingOf, type CaseTable } from './cases.ts';
import type { AnyPaymentPolicy, PaymentPolicy } from './policy.ts';
import type { DipCatalog } from '../grouping/dip/catalog.ts';
import type { HospitalTotals, PricedCases } from './price.ts';
import type { Weights } from './weights.ts';

/** Grouping counts of a set of cases: in-group rate (入组率) = grouped / all (models.md §4). */
export interface GroupingCounts {
  cases: number;
  grouped: number;
  ambiguous: number;
  ungroupable: number;
  /** DIP: cases only a catch-all packet took (not counted as grouped). */
  fallback?: number;
  inGroupRate: number;
}

/** One policy's result. DIP (`simulate-dip.ts`) fills the same fields — packets as groups, scores as RW, the point value as the rate — and `dip`. */
export interface PolicyResult {
  policy: AnyPaymentPolicy;
  /** DRG: relative weights; DIP: the catalogue's units with their scores. */
  weights: Weights;
  rate: RateSolution;
  priced: PricedCases;
  /** Final payment of each priced case, whole cents. */
  cents: Float64Array;
  hospitals: HospitalTotals[];
  totals: {
    cases: number;
    totalCost: number;
    paymentCents: number;
    outliers: { normal: number; low: number; high: number; review: number; byItem: number };
    /** Budget policies: the cents left over after rounding each payment, spread over the cases (D, cents.ts). */
    leftoverCents?: number;
  };
  grouping: { reference: GroupingCounts; settlement: GroupingCounts };
  /** DIP policies only. */
  dip?: DipResult;
}

/** The DIP part of a PolicyResult. */
export interface DipResult {
  catalog: DipCatalog;
  /** `built` from the reference years, or read from the policy's `catalog` file. */
  catalogSource: 'built' | 'file';
  /** The point value the cases were paid at (yuan per score point). */
  pointValue: number;
  /** Budget point value Σ w_y C_y / Σ w_y S_y of the reference years (NaN without reference cases). */
  budgetPointValue: number;
  /** (budget / fundRatio) / Σ unit without outlier rules; null when the policy gives the point value. */
  settlementPointValue: number | null;
  fundRatio: number;
  prepaymentShare: number;
  /** Σ case payment before the fund ratio, yuan. */
  totalCaseValue: number;
  /** Fund payment split: monthly prepayment and year-end settlement, whole cents. */
  prepaidCents: number;
  yearEndCents: number;
  /** Packet (or cost tier) names and, per priced case, an index into them. */
  packets: string[];
  packetOf: Int32Array;
  /** Auxiliary tier of each priced case (null: none). */
  auxiliaryOf: (string | null)[];
}

/** Grouping counts of the cases whose discharge year is in `years`. */
export function groupingCounts(table: CaseTable, policy: Pick<PaymentPolicy, 'ambiguous'>, years: readonly number[]): GroupingCounts {
  const { status } = groupingOf(table, policy.ambiguous);
  const wanted = new Set(years);
  const counts = [0, 0, 0];
  let cases = 0;
  for (let i = 0; i < table.size; i++) {
    if (!wanted.has(table.year[i]!)) continue;
    cases++;
    counts[status[i]!]!++;
  }
  const grouped = counts[GroupStatus.Grouped]!;
  return { cases, grouped, ambiguous: counts[GroupStatus.Ambiguous]!, ungroupable: counts[GroupStatus.Ungroupable]!, inGroupRate: cases > 0 ? grouped / cases : NaN };
}
