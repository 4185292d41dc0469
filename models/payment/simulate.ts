/**
 * What a payment simulation returns (`PolicyResult`, DRG or DIP) and the grouping counts it
 * reports. The DRG run itself is app/simulate.ts (the phases of app/simulation-phases.ts), the
 * DIP run simulate-dip.ts.
 */
import type { RateSolution } from './base-rate.ts';
import { GroupStatus, groupingOf, type CaseTable } from './cases.ts';
import type { AnyPaymentPolicy, DipPaymentPolicy, PaymentPolicy } from './policy.ts';
import type { DipCatalog } from '../grouping/dip/catalog.ts';
import type { YearStartPointValue } from './dip.ts';
import type { SpecialReviewSelection } from './outliers.ts';
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
  /** DRG: settlement cases paid by item because their group has no weight (none in the reference years, or not in the policy's payment table), by DRG, largest first. */
  unweighted?: { drg: string; cases: number }[];
  /** DIP policies only. */
  dip?: DipResult;
}

/** One fund's settlement (one pool, or the employee / resident fund). */
export interface DipFundResult {
  fund: 'all' | 'employee' | 'resident';
  budget: number | null;
  fundRatio: number;
  cases: number;
  /** 年初点值 (derived from the reference years or given) and how it was derived. */
  yearStart: YearStartPointValue & { source: 'derived' | 'policy' };
  /** 结算点值: (budget ÷ fund ratio − by-item values) ÷ total points, or the policy's point value. */
  settlementPointValue: number;
  totalPoints: number;
  /** Σ case values paid by item (special review, ungrouped), yuan before the fund ratio. */
  byItemValue: number;
  prepaidCents: number;
  clearedCents: number;
}

/** Per hospital and fund: what the specification's settlement compares. Money in yuan (cents for the fund figures). */
export interface DipHospitalSettlement {
  hospitalId: string;
  fund: DipFundResult['fund'];
  level: number;
  cases: number;
  /** Σ settled points (case scores after the outlier rules). */
  points: number;
  totalCost: number;
  /** The fund's share of the cost: Σ cost × fund ratio (what the fund payment is compared with). */
  fundShareOfCost: number;
  /** Σ case values (points × settlement point value, by-item values), before the fund ratio. */
  caseValue: number;
  /** Monthly prepayments at the year-start point value, year-end clearing at the settlement one, whole cents. */
  prepaidCents: number;
  clearedCents: number;
  /** Surplus kept / overspend shared: the hospital's final amount, whole cents. */
  retainedSurplus: number;
  sharedOverspend: number;
  finalCents: number;
  /** Cases by outlier class: low, high, special review (approved, paid by item), ungrouped (paid by item). */
  low: number;
  high: number;
  specialReview: number;
  ungrouped: number;
}

/** The DIP part of a PolicyResult. */
export interface DipResult {
  catalog: DipCatalog;
  /** `built` from the reference years, or read from the policy's `catalog` file. */
  catalogSource: 'built' | 'file';
  /** The mode, the level coefficients used, and how many settlement cases took a per-packet coefficient. */
  hospitalCoefficients: { mode: DipPaymentPolicy['hospitalCoefficients']; level: Record<'1' | '2' | '3', number>; packetCoefficients: number };
  funds: DipFundResult[];
  specialReview: Omit<SpecialReviewSelection, 'approved'> & { listedUnknown: number };
  ungroupedShare: number;
  prepaymentShare: number;
  /** Σ case value before the fund ratio, yuan. */
  totalCaseValue: number;
  /** Fund payment split: monthly prepayments (year-start point value) and the year-end balance (clearing − prepayments), whole cents. */
  prepaidCents: number;
  yearEndCents: number;
  hospitals: DipHospitalSettlement[];
  /** Packet (or cost tier) names and, per priced case, an index into them. */
  packets: string[];
  packetOf: Int32Array;
  /** Auxiliary type of each priced case (null: none), and its hospital coefficient. */
  auxiliaryOf: (string | null)[];
  hospitalCoefficientOf: Float64Array;
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
