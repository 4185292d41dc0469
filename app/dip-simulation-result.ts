/**
 * The result document of a DIP policy — what `GET /v1/simulations/{id}` returns as `result` and
 * what `payreform simulate` writes as `result.json` for a `"method": "dip"` policy — built here
 * and nowhere else, from `simulateDipPolicy`'s result, so the CLI and the service give the same
 * document, to the cent, for the same policy over the same cases.
 *
 * Money in yuan to the cent (fund payments are whole cents already), point values, points and
 * coefficients to 6 decimals. Per fund: the year-start point value (年初点值, what the monthly
 * prepayment and the outlier classes use) beside the settlement point value (结算点值, the
 * year-end clearing); per hospital and fund: the fund payment against the fund's share of cost,
 * prepaid vs cleared, and the balance rule.
 */
import { roundHalfUpCents } from '../models/payment/cents.ts';
import type { DipPaymentPolicy } from '../models/payment/policy.ts';
import type { PolicyResult } from '../models/payment/simulate.ts';

const round6 = (x: number): number | null => (Number.isFinite(x) ? Number(x.toFixed(6)) : null);
const yuan = (x: number): number => roundHalfUpCents(x) / 100;
const centsYuan = (c: number): number => c / 100;

/** The document (see the module comment). Throws for a DRG result. */
export function dipSimulationResult(result: PolicyResult) {
  const dip = result.dip;
  if (!dip || result.policy.method !== 'dip') throw new Error('dipSimulationResult: the result is not a DIP policy\'s');
  const policy: DipPaymentPolicy = result.policy;
  const o = result.totals.outliers;
  const q = dip.catalog.quality;
  return {
    method: 'dip' as const,
    policy: { name: policy.name ?? null, version: policy.version, settlementYear: policy.settlementYear, referenceYears: policy.referenceYears },
    catalog: {
      source: dip.catalogSource === 'built' ? ('built' as const) : ('given' as const),
      packets: dip.catalog.packets.length,
      corePackets: q.corePackets,
      comprehensivePackets: q.comprehensivePackets,
      packetsWithAuxiliary: q.packetsWithAuxiliary,
      coreThreshold: dip.catalog.policy.coreThreshold,
      coreThresholdSource: dip.catalog.policy.coreThresholdSource,
      coreCoverage: round6(q.coreCoverage),
    },
    totals: {
      cases: result.totals.cases,
      totalCost: yuan(result.totals.totalCost),
      /** Σ case values (points × settlement point value, by-item values) before the fund ratio. */
      caseValue: yuan(dip.totalCaseValue),
      payment: centsYuan(result.totals.paymentCents),
      prepaid: centsYuan(dip.prepaidCents),
      yearEnd: centsYuan(dip.yearEndCents),
    },
    outliers: { normal: o.normal, low: o.low, high: o.high, specialReview: o.review, ungrouped: o.byItem },
    specialReview: {
      threshold: policy.specialReview.threshold,
      capPerMille: policy.specialReview.capPerMille,
      candidates: dip.specialReview.candidates,
      cap: dip.specialReview.cap,
      approved: dip.specialReview.count,
      overCap: dip.specialReview.overCap,
      notCandidates: dip.specialReview.notCandidates,
      listedUnknown: dip.specialReview.listedUnknown,
    },
    hospitalCoefficients: {
      mode: dip.hospitalCoefficients.mode,
      level: { '1': round6(dip.hospitalCoefficients.level['1']), '2': round6(dip.hospitalCoefficients.level['2']), '3': round6(dip.hospitalCoefficients.level['3']) },
      packetCoefficients: dip.hospitalCoefficients.packetCoefficients,
    },
    funds: dip.funds.map((f) => ({
      fund: f.fund,
      budget: f.budget,
      fundRatio: f.fundRatio,
      cases: f.cases,
      yearStartPointValue: round6(f.yearStart.value),
      yearStartDerived: round6(f.yearStart.derived),
      yearStartSource: f.yearStart.source,
      settlementPointValue: round6(f.settlementPointValue),
      totalPoints: round6(f.totalPoints),
      byItemValue: yuan(f.byItemValue),
      prepaid: centsYuan(f.prepaidCents),
      cleared: centsYuan(f.clearedCents),
      difference: centsYuan(f.clearedCents - f.prepaidCents),
    })),
    hospitals: dip.hospitals.map((h) => ({
      hospitalId: h.hospitalId,
      fund: h.fund,
      level: h.level,
      cases: h.cases,
      points: round6(h.points),
      totalCost: yuan(h.totalCost),
      fundShareOfCost: yuan(h.fundShareOfCost),
      caseValue: yuan(h.caseValue),
      prepaid: centsYuan(h.prepaidCents),
      cleared: centsYuan(h.clearedCents),
      difference: centsYuan(h.clearedCents - h.prepaidCents),
      retainedSurplus: h.retainedSurplus,
      sharedOverspend: h.sharedOverspend,
      final: centsYuan(h.finalCents),
      low: h.low,
      high: h.high,
      specialReview: h.specialReview,
      ungrouped: h.ungrouped,
    })),
  };
}

export type DipSimulationResult = ReturnType<typeof dipSimulationResult>;
