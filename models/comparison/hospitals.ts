/**
 * Each hospital under the two schemes: its CMI under each (Σ RW of its cases with an RW / their
 * number, scheme-quality.ts), and with a policy its payment under each (whole cents, the
 * settlement-year cases the policy pays, as `payreform simulate` computes it) and the change
 * B − A (and as a share of the payment under A).
 */
import type { HospitalTotals } from '../payment/price.ts';
import type { ComparedCases } from './compared-cases.ts';
import type { HospitalWeights } from './scheme-quality.ts';

export interface HospitalComparison {
  hospitalId: string;
  cases: number;
  totalCost: number;
  /** CMI under scheme A and under scheme B (NaN: no case with an RW). */
  cmi: [number, number];
  /** With a policy: payment under A and B, whole cents, and B − A. */
  paymentCents?: [number, number];
  differenceCents?: number;
  /** (B − A) / A; NaN when A pays nothing. */
  differenceShare?: number;
}

/** Per hospital (id order): cases, cost, CMI under each scheme and, given each scheme's hospital totals, the payments. */
export function hospitalComparison(cases: ComparedCases, weights: [HospitalWeights, HospitalWeights], payments?: [readonly HospitalTotals[], readonly HospitalTotals[]]): HospitalComparison[] {
  const count = new Int32Array(cases.hospitals.length);
  const cost = new Float64Array(cases.hospitals.length);
  for (let i = 0; i < cases.size; i++) {
    count[cases.hospital[i]!]!++;
    cost[cases.hospital[i]!]! += cases.cost[i]!;
  }
  const paid = payments?.map((totals) => new Map(totals.map((t) => [t.hospitalId, t.paymentCents])));
  const cmi = (w: HospitalWeights, h: number) => (w.weightedCases[h]! > 0 ? w.relativeWeightSum[h]! / w.weightedCases[h]! : NaN);
  return cases.hospitals
    .map((hospitalId, h): HospitalComparison => {
      const row: HospitalComparison = { hospitalId, cases: count[h]!, totalCost: cost[h]!, cmi: [cmi(weights[0], h), cmi(weights[1], h)] };
      if (paid) {
        const a = paid[0]!.get(hospitalId) ?? 0;
        const b = paid[1]!.get(hospitalId) ?? 0;
        row.paymentCents = [a, b];
        row.differenceCents = b - a;
        row.differenceShare = a !== 0 ? (b - a) / a : NaN;
      }
      return row;
    })
    .sort((x, y) => (x.hospitalId < y.hospitalId ? -1 : x.hospitalId > y.hospitalId ? 1 : 0));
}
