/**
 * Scheme comparison model (models/comparison/): a dozen cases grouped under two schemes, every
 * figure computed by hand below, and fast-check invariants.
 *
 * The cases (cost in yuan, hospital, group under A → group under B; G grouped, Q ambiguous, U ungroupable):
 *   1  H1  100  G AA11/AA1 → G AA11/AA1        7  H1  100  G BB11/BB1 → G BB13/BB1
 *   2  H1  100  G AA11/AA1 → G AA13/AA1        8  H2 1300  G BB11/BB1 → G BB13/BB1
 *   3  H1  200  G AA11/AA1 → G AA13/AA1        9  H1  600  Q FQY      → G CC11/CC1
 *   4  H2  200  G AA11/AA1 → G AA11/AA1       10  H2  600  Q FQY      → G CC11/CC1
 *   5  H2  100  G BB11/BB1 → G BB11/BB1       11  H1  300  U          → U
 *   6  H2  100  G BB11/BB1 → G BB11/BB1       12  H2  900  U          → Q FQY
 *
 * Scheme A — cases with a DRG: 1–10, Σ cost 3 400, M = 340. Means: AA11 150, BB11 400, FQY 600.
 *   In-group 8/12; DRGs used 3 (AA11, BB11, FQY), ADRGs 3. CMI (cost weights) = 1.
 *   Hospital CMI: H1 (1,2,3,7,9) = (3·150 + 400 + 600)/5/340 = 290/340 = 0.852941;
 *                 H2 (4,5,6,8,10) = (150 + 3·400 + 600)/5/340 = 390/340 = 1.147059.
 *   Total SS: Σc² = 5·100² + 2·200² + 1300² + 2·600² = 2 540 000; minus 10·340² = 1 156 000 → 1 384 000.
 *   Within: AA11 4·50² = 10 000; BB11 3·300² + 900² = 1 080 000; FQY 0 → 1 090 000.
 *   RIV = 1 − 1 090 000 / 1 384 000 = 0.212428.
 *   CV: AA11 50/150 = 1/3; BB11 √270 000/400 = 1.299038; FQY 0. Mean CV = (4/3 + 4·1.299038)/10 = 0.652949.
 *   Groups with CV > 1: 1 of 3; CV < 0.5: 2.
 * Scheme B — cases with a DRG: 1–10 and 12, Σ cost 4 300, M = 4 300/11 = 390.909.
 *   Means: AA11 150, AA13 150, BB11 100, BB13 700, CC11 600, FQY 900. In-group 10/12; DRGs 6, ADRGs 4.
 *   Hospital CMI: H1 = (150+150+150+700+600)/5 / M = 350·11/4 300 = 0.895349;
 *                 H2 (4,5,6,8,10,12) = (150+100+100+700+600+900)/6 / M = 425·11/4 300 = 1.087209.
 *   Total SS: Σc² = 2 540 000 + 900² = 3 350 000; minus 4 300²/11 → 18 360 000/11 = 1 669 090.9.
 *   Within: AA11 2·50² = 5 000; AA13 5 000; BB13 2·600² = 720 000; the rest 0 → 730 000.
 *   RIV = 1 − 730 000·11/18 360 000 = 0.562636.
 *   CV: AA11, AA13 1/3; BB13 600/700 = 0.857143; BB11, CC11, FQY 0. Mean CV = (4·1/3 + 2·0.857143)/11 = 0.277056.
 *   Groups with CV > 1: 0; CV < 0.5: 5.
 * DRG transitions: AA11→AA11 2, AA11→AA13 2, BB11→BB11 2, BB11→BB13 2, FQY→CC11 2, U→U 1, U→FQY 1
 *   (Σ 12); DRG changed: cases 2, 3, 7, 8, 9, 10, 12 = 7. ADRG: AA1→AA1 4, BB1→BB1 4, FQY→CC1 2,
 *   U→U 1, U→FQY 1; changed 3.
 * Policy weights {AA11 0.5, AA13 0.6, BB11 1.2, FQY 2}: A: (4·0.5 + 4·1.2 + 2·2)/10 = 1.08;
 *   B: cases with a weight 1,2,3,4,5,6,12: (2·0.5 + 2·0.6 + 2·1.2 + 2)/7 = 6.6/7 = 0.942857.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSchemes } from '../../../models/comparison/compare.ts';
import { ComparedCasesBuilder, type CaseGroup } from '../../../models/comparison/compared-cases.ts';
import { groupLabel, type Transition } from '../../../models/comparison/transitions.ts';
import type { HospitalTotals } from '../../../models/payment/price.ts';

const G = (drg: string, adrg = drg.slice(0, 3)): CaseGroup => ({ status: 'grouped', drg, adrg });
const Q: CaseGroup = { status: 'ambiguous', drg: 'FQY', adrg: 'FQY' };
const U: CaseGroup = { status: 'ungroupable', drg: null, adrg: null };

const fixture: [string, number, CaseGroup, CaseGroup][] = [
  ['H1', 100, G('AA11'), G('AA11')],
  ['H1', 100, G('AA11'), G('AA13')],
  ['H1', 200, G('AA11'), G('AA13')],
  ['H2', 200, G('AA11'), G('AA11')],
  ['H2', 100, G('BB11'), G('BB11')],
  ['H2', 100, G('BB11'), G('BB11')],
  ['H1', 100, G('BB11'), G('BB13')],
  ['H2', 1300, G('BB11'), G('BB13')],
  ['H1', 600, Q, G('CC11')],
  ['H2', 600, Q, G('CC11')],
  ['H1', 300, U, U],
  ['H2', 900, U, Q],
];

function build(rows: readonly [string, number, CaseGroup, CaseGroup][], capacity = 2) {
  const builder = new ComparedCasesBuilder(capacity);
  for (const [h, cost, a, b] of rows) builder.add(cost, h, a, b);
  return builder.finish();
}

const flow = (t: Transition) => `${groupLabel(t.from)}→${groupLabel(t.to)} ${t.cases}`;

describe('compareSchemes (hand-computed fixture)', () => {
  const result = compareSchemes(build(fixture));
  const [a, b] = result.schemes;

  it('counts the transitions, largest first, with ungroupable and ambiguous cases as their own rows', () => {
    expect(result.transitions.drg.map(flow)).toEqual(['AA11→AA11 2', 'AA11→AA13 2', 'BB11→BB11 2', 'BB11→BB13 2', 'FQY→CC11 2', '(ungroupable)→(ungroupable) 1', '(ungroupable)→FQY 1']);
    expect(result.transitions.drg[4]).toMatchObject({ from: { status: 'ambiguous', code: 'FQY' }, to: { status: 'grouped', code: 'CC11' }, changed: true, share: 2 / 12 });
    expect(result.transitions.drg[6]!.to).toEqual({ status: 'ambiguous', code: 'FQY' });
    expect(result.transitions.adrg.map(flow)).toEqual(['AA1→AA1 4', 'BB1→BB1 4', 'FQY→CC1 2', '(ungroupable)→(ungroupable) 1', '(ungroupable)→FQY 1']);
    expect(result.changed).toEqual({ drg: 7, adrg: 3 });
  });

  it('gives each scheme its in-group rate, groups used, CMI, RIV and CV', () => {
    expect(a).toMatchObject({ cases: 12, grouped: 8, ambiguous: 2, ungroupable: 2, drgsUsed: 3, adrgsUsed: 3, weightSource: 'cases', weightedCases: 10, groupsCvAboveOne: 1, groupsCvBelowHalf: 2 });
    expect(a.inGroupRate).toBeCloseTo(8 / 12, 12);
    expect(a.cmi).toBeCloseTo(1, 12);
    expect(a.riv).toBeCloseTo(0.212428, 6);
    expect(a.meanCv).toBeCloseTo(0.652949, 6);
    expect(a.shareCvAboveOne).toBeCloseTo(1 / 3, 12);
    expect(b).toMatchObject({ cases: 12, grouped: 10, ambiguous: 1, ungroupable: 1, drgsUsed: 6, adrgsUsed: 4, weightedCases: 11, groupsCvAboveOne: 0, shareCvAboveOne: 0, groupsCvBelowHalf: 5 });
    expect(b.cmi).toBeCloseTo(1, 12);
    expect(b.riv).toBeCloseTo(0.562636, 6);
    expect(b.meanCv).toBeCloseTo(0.277056, 6);
  });

  it("gives each hospital its CMI under each scheme, and with a policy's totals the payment change", () => {
    const [h1, h2] = result.hospitals;
    // H1 has six cases (1, 2, 3, 7, 9 and the ungroupable 11): cost 100+100+200+100+600+300.
    expect(h1).toMatchObject({ hospitalId: 'H1', cases: 6, totalCost: 1400 });
    expect(h1!.cmi[0]).toBeCloseTo(0.852941, 6);
    expect(h1!.cmi[1]).toBeCloseTo(0.895349, 6);
    expect(h2!.cmi[0]).toBeCloseTo(1.147059, 6);
    expect(h2!.cmi[1]).toBeCloseTo(1.087209, 6);
    expect(h1!.paymentCents).toBeUndefined();
    const totals = (id: string, paymentCents: number) => ({ hospitalId: id, paymentCents }) as HospitalTotals;
    const paid = compareSchemes(build(fixture), { payments: [[totals('H1', 100_000), totals('H2', 50_000)], [totals('H1', 120_000)]] }).hospitals;
    expect(paid[0]).toMatchObject({ paymentCents: [100_000, 120_000], differenceCents: 20_000, differenceShare: 0.2 });
    expect(paid[1]).toMatchObject({ paymentCents: [50_000, 0], differenceCents: -50_000, differenceShare: -1 });
  });

  it("takes CMI from a policy's weights when given (a DRG without a weight gives no RW)", () => {
    const weights = new Map([['AA11', 0.5], ['AA13', 0.6], ['BB11', 1.2], ['FQY', 2]]);
    const [pa, pb] = compareSchemes(build(fixture), { relativeWeights: [weights, weights] }).schemes;
    expect(pa).toMatchObject({ weightSource: 'policy', weightedCases: 10 });
    expect(pa.cmi).toBeCloseTo(1.08, 12);
    expect(pb.weightedCases).toBe(7);
    expect(pb.cmi).toBeCloseTo(6.6 / 7, 12);
    expect(pb.riv).toBeCloseTo(b.riv, 12);
  });
});

describe('compareSchemes (invariants)', () => {
  const group = fc.oneof(
    fc.constantFrom('AA11', 'AA13', 'BB11', 'BB13', 'CC11', 'DD15').map((d): CaseGroup => G(d)),
    fc.constantFrom('FQY', 'BQY').map((d): CaseGroup => ({ status: 'ambiguous', drg: d, adrg: d })),
    fc.constant(U),
  );
  const row = fc.tuple(fc.constantFrom('H1', 'H2', 'H3'), fc.double({ min: 1, max: 1e6, noNaN: true }), group, group);

  it('transition counts sum to the case count, at DRG and ADRG level, and the changed rows to the changed cases', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), (rows) => {
        const r = compareSchemes(build(rows));
        for (const level of ['drg', 'adrg'] as const) {
          expect(r.transitions[level].reduce((s, t) => s + t.cases, 0)).toBe(rows.length);
          expect(r.transitions[level].filter((t) => t.changed).reduce((s, t) => s + t.cases, 0)).toBe(r.changed[level]);
          const counts = r.transitions[level].map((t) => t.cases);
          expect(counts).toEqual([...counts].sort((x, y) => y - x));
        }
      }),
    );
  });

  it('comparing a scheme with itself gives the identity and equal figures', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), (rows) => {
        const r = compareSchemes(build(rows.map(([h, c, a]) => [h, c, a, a] as [string, number, CaseGroup, CaseGroup])));
        expect(r.changed).toEqual({ drg: 0, adrg: 0 });
        for (const t of [...r.transitions.drg, ...r.transitions.adrg]) expect(t.to).toEqual(t.from);
        expect(r.schemes[1]).toEqual(r.schemes[0]);
        for (const h of r.hospitals) expect(h.cmi[1]).toBe(h.cmi[0]);
      }),
    );
  });
});
