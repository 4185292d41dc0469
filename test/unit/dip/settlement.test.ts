/**
 * `simulateDipPolicy` end to end on a hand-computed case set: hospital coefficients, the basic
 * packet, year-start and settlement point values, outlier classes, ungrouped cases, monthly
 * prepayment, year-end clearing and the balance rule per hospital.
 */
import { describe, expect, it } from 'vitest';
import { catalogFromPackets } from '../../../models/grouping/dip/published.ts';
import { defaultCatalogPolicy } from '../../../models/grouping/dip/policy.ts';
import { CaseTableBuilder } from '../../../models/payment/cases.ts';
import { parsePaymentPolicy, type DipPaymentPolicy } from '../../../models/payment/policy.ts';
import { simulateDipPolicy, type DipColumns } from '../../../models/payment/simulate-dip.ts';
import { classes } from './helpers.ts';

// Published list: K80.1 + 51.2300 scores 1000; J18.0 (conservative) 500 and is a basic packet.
const catalog = catalogFromPackets('list.csv', 'diagnosis,principalProcedure,relatedProcedures,score,basic\nK80.1,51.2300,,1000,\nJ18.0,,,500,1\n', defaultCatalogPolicy(), '2025-01-01T00:00:00Z');

type Row = { id: string; year: number; hospital: 'H2' | 'H3'; dx: string; procedures: string[]; cost: number; insurance?: 1 | 2 };
const rows: Row[] = [
  // Reference 2024: case scores 1000 × 1.2 (level 3) = 1200, 500 (basic: no coefficient), 1000 (level 2).
  // Year-start point value = (12 000 + 6000 + 9000) / (1200 + 500 + 1000) = 27 000 / 2700 = 10.
  { id: 'r1', year: 2024, hospital: 'H3', dx: 'K80.100', procedures: ['51.2300'], cost: 12_000 },
  { id: 'r2', year: 2024, hospital: 'H2', dx: 'J18.000', procedures: [], cost: 6000 },
  { id: 'r3', year: 2024, hospital: 'H2', dx: 'K80.100', procedures: ['51.2300'], cost: 9000 },
  // Settlement 2025 against the year-start standards:
  // s1 standard 1200 × 10 = 12 000, cost 13 200: ratio 1.1 normal → 1200 points;
  // s2 standard 5000, cost 2000: ratio 0.4 low → 500 × 0.4 = 200 points;
  // s3 standard 10 000, cost 30 000: ratio 3 high → 1000 × 2 = 2000 points;
  // s4 no packet (Z99.9): ungrouped, paid 0.7 × 1000 = 700 by item.
  { id: 's1', year: 2025, hospital: 'H3', dx: 'K80.100', procedures: ['51.2300'], cost: 13_200 },
  { id: 's2', year: 2025, hospital: 'H2', dx: 'J18.000', procedures: [], cost: 2000 },
  { id: 's3', year: 2025, hospital: 'H2', dx: 'K80.100', procedures: ['51.2300'], cost: 30_000 },
  { id: 's4', year: 2025, hospital: 'H3', dx: 'Z99.900', procedures: [], cost: 1000 },
];

function tableAndColumns(list: readonly Row[]) {
  const b = new CaseTableBuilder([], 4);
  const dip: DipColumns = { diagnosis: [], procedures: [], severity: new Uint8Array(list.length), ageYears: new Float64Array(list.length).fill(50), ageDays: new Int32Array(list.length).fill(-1), disposition: [], flags: new Uint8Array(list.length), insurance: Uint8Array.from(list, (r) => r.insurance ?? 0), icuDays: new Uint16Array(list.length), secondary: list.map(() => '') };
  for (const r of list) {
    b.add({ listId: r.id, year: r.year, lengthOfStay: 5, cost: r.cost, hospitalId: r.hospital, level: r.hospital === 'H3' ? 3 : 2 }, []);
    dip.diagnosis.push(r.dx);
    dip.procedures.push(r.procedures.join('|'));
    dip.disposition.push('1');
  }
  return { table: b.table, dip };
}

const policyOf = (fields: Record<string, unknown>) => parsePaymentPolicy({ method: 'dip', referenceYears: [2024], settlementYear: 2025, levelCoefficients: { '3': 1.2 }, ...fields }) as DipPaymentPolicy;

describe('simulateDipPolicy on a hand-computed case set', () => {
  // Settlement point value 11: (budget / 0.8 − 700) / (1200 + 200 + 2000) = 11 → budget = 0.8 × (3400 × 11 + 700) = 30 480.
  const { table, dip } = tableAndColumns(rows);
  const result = simulateDipPolicy(table, policyOf({ budget: 30_480, fundRatio: 0.8, overspendShare: 0.5 }), { dip, procedureClasses: classes, catalog, builtAt: 'x' });
  const d = result.dip!;

  it('derives the year-start point value and settles the budget at the settlement point value', () => {
    expect(d.funds[0]!.yearStart.value).toBeCloseTo(10, 12);
    expect(d.funds[0]!.settlementPointValue).toBeCloseTo(11, 12);
    expect(d.funds[0]!.totalPoints).toBeCloseTo(3400, 9);
    expect(d.funds[0]!.byItemValue).toBeCloseTo(700, 9);
    // Priced in the canonical order (hospital, listId): s2, s3 (H2), s1, s4 (H3).
    expect(Array.from(result.priced.rows, (i) => table.listIds[i])).toEqual(['s2', 's3', 's1', 's4']);
    expect(Array.from(result.priced.outlier)).toEqual([1, 2, 0, 4]);
    // Fund payments: values 2200, 22 000, 13 200, 700 × 0.8.
    expect(Array.from(result.cents)).toEqual([176_000, 1_760_000, 1_056_000, 56_000]);
    expect(result.totals.paymentCents).toBe(3_048_000);
  });

  it('prepays monthly at the year-start point value and clears at year end, per hospital, with the balance rule', () => {
    // Prepayment = points × 10 (or the by-item value) × 0.8 × 0.9: 8640, 1440, 14 400, 504.
    const [h2, h3] = d.hospitals;
    // H2: cost 32 000, fund share 25 600, value 24 200, prepaid 15 840, cleared 19 360; overspend 6240,
    // reasonable up to 2560 (10 % of 25 600), half borne by the fund: 1280 → final 20 640.
    expect(h2).toMatchObject({ hospitalId: 'H2', fund: 'all', cases: 2, totalCost: 32_000, prepaidCents: 1_584_000, clearedCents: 1_936_000, sharedOverspend: 1280, finalCents: 2_064_000, low: 1, high: 1 });
    expect(h2!.fundShareOfCost).toBeCloseTo(25_600, 6);
    expect(h2!.caseValue).toBeCloseTo(24_200, 6);
    // H3: cost 14 200, fund share 11 360, value 13 900, prepaid 9144, cleared 11 120; overspend 240 (reasonable), half shared: 120.
    expect(h3).toMatchObject({ hospitalId: 'H3', cases: 2, prepaidCents: 914_400, clearedCents: 1_112_000, sharedOverspend: 120, finalCents: 1_124_000, ungrouped: 1 });
    expect(d.prepaidCents).toBe(2_498_400);
    expect(d.yearEndCents).toBe(3_048_000 - 2_498_400);
  });

  it('keeps the classes when the budget changes: only the settlement point value moves', () => {
    const richer = simulateDipPolicy(table, policyOf({ budget: 40_000, fundRatio: 0.8 }), { dip, procedureClasses: classes, catalog, builtAt: 'x' });
    expect(Array.from(richer.priced.outlier)).toEqual(Array.from(result.priced.outlier));
    expect(richer.dip!.funds[0]!.yearStart.value).toBeCloseTo(10, 12);
    // (40 000 / 0.8 − 700) / 3400 = 14.5.
    expect(richer.dip!.funds[0]!.settlementPointValue).toBeCloseTo(14.5, 12);
  });

  it('derives level coefficients from the reference years when none are given', () => {
    // 2024: level 3 mean 12 000, level 2 mean (6000 + 9000) / 2 = 7500, city 9000 → 4/3 and 5/6.
    const derived = simulateDipPolicy(table, parsePaymentPolicy({ method: 'dip', referenceYears: [2024], settlementYear: 2025, budget: 30_000 }) as DipPaymentPolicy, { dip, procedureClasses: classes, catalog, builtAt: 'x' });
    expect(derived.dip!.hospitalCoefficients.mode).toBe('level');
    expect(derived.dip!.hospitalCoefficients.level['3']).toBeCloseTo(4 / 3, 6);
    expect(derived.dip!.hospitalCoefficients.level['2']).toBeCloseTo(5 / 6, 6);
    // The basic packet J18.0 takes no coefficient.
    expect(derived.dip!.hospitalCoefficientOf[0]).toBe(1);
  });

  it('derives per-packet coefficients within the packet, the level one elsewhere, none for basic packets', () => {
    // K80.1/51.2300 in 2024: level 3 mean 12 000, level 2 mean 9000, packet mean 10 500 → 8/7 and 6/7.
    const perPacket = simulateDipPolicy(table, parsePaymentPolicy({ method: 'dip', referenceYears: [2024], settlementYear: 2025, budget: 30_000, hospitalCoefficients: 'packet' }) as DipPaymentPolicy, { dip, procedureClasses: classes, catalog, builtAt: 'x' });
    const c = Array.from(perPacket.dip!.hospitalCoefficientOf);
    // s2 (basic), s3 (level 2), s1 (level 3).
    expect(c[0]).toBe(1);
    expect(c[1]).toBeCloseTo(6 / 7, 9);
    expect(c[2]).toBeCloseTo(8 / 7, 9);
    expect(perPacket.dip!.hospitalCoefficients.packetCoefficients).toBe(2);
  });

  it('gives the same result whatever order the cases come in', () => {
    const reversed = tableAndColumns([...rows].reverse());
    const again = simulateDipPolicy(reversed.table, policyOf({ budget: 30_480, fundRatio: 0.8, overspendShare: 0.5 }), { dip: reversed.dip, procedureClasses: classes, catalog, builtAt: 'x' });
    expect(Array.from(again.priced.rows, (i) => reversed.table.listIds[i])).toEqual(['s2', 's3', 's1', 's4']);
    expect(Array.from(again.cents)).toEqual(Array.from(result.cents));
    expect(again.dip!.hospitals).toEqual(d.hospitals);
  });

  it('settles employee and resident funds with their own budgets and point values', () => {
    const split = tableAndColumns(rows.map((r) => ({ ...r, insurance: r.hospital === 'H3' ? 1 : 2 })));
    const funds = simulateDipPolicy(split.table, policyOf({ funds: { employee: { budget: 10_000, fundRatio: 0.8 }, resident: { budget: 20_000, fundRatio: 0.5 } } }), { dip: split.dip, procedureClasses: classes, catalog, builtAt: 'x' });
    const [employee, resident] = funds.dip!.funds;
    // Employee (H3): year-start 12 000 / 1200 = 10; points 1200; by item 700 → (10 000 / 0.8 − 700) / 1200 = 9.8333….
    expect(employee!.yearStart.value).toBeCloseTo(10, 12);
    expect(employee!.settlementPointValue).toBeCloseTo((12_500 - 700) / 1200, 9);
    // Resident (H2): year-start (6000 + 9000) / 1500 = 10; points 200 + 2000 → 20 000 / 0.5 / 2200.
    expect(resident!.settlementPointValue).toBeCloseTo(40_000 / 2200, 9);
    expect([employee!.clearedCents, resident!.clearedCents]).toEqual([1_000_000, 2_000_000]);
    const missing = tableAndColumns(rows);
    expect(() => simulateDipPolicy(missing.table, policyOf({ funds: { employee: { budget: 1, fundRatio: 1 }, resident: { budget: 1, fundRatio: 1 } } }), { dip: missing.dip, procedureClasses: classes, catalog, builtAt: 'x' })).toThrow(/4 settlement-year cases have no insuranceType/);
  });
});
