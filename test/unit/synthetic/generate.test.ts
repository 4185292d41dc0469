/**
 * The synthetic settlement lists: valid, realistic in the ways the issue names, grouped into
 * their intended DRGs, and deterministic for a seed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupCase } from '../../../models/grouping/drg/grouper.ts';
import { parsePaymentTable, relativeWeights } from '../../../models/payment/payment-table.ts';
import { validateRecord } from '../../../models/settlement/validate.ts';
import { createGenerator, synthChunkSize } from '../../../models/synthetic/generate.ts';
import { loadCodeSets } from '../../../lib/codesets.ts';
import { referencePath } from '../../../lib/reference.ts';
import { chsDrg11 } from '../../helpers/scheme.ts';

const { pack } = chsDrg11();
const codeSets = loadCodeSets();
const weights = relativeWeights(parsePaymentTable('linyi', readFileSync(referencePath('payment-tables', 'linyi-2022.csv'), 'utf8')));
const options = { seed: 7, hospitals: 12, years: [2024, 2025], casesPerYear: 30_000, relativeWeights: weights, baseAmount: 9865 };
const generator = createGenerator(pack, codeSets, options);
const cases = [...generator.year(2024), ...generator.year(2025)];
const records = cases.map((c) => c.record);

describe('synthetic settlement lists', () => {
  it('are valid settlement records, even under the ingest rules', () => {
    const failures = records.map((r) => validateRecord(r, { mode: 'ingest', codeSets })).filter((v) => !v.ok);
    expect(failures.slice(0, 3)).toEqual([]);
  });

  it('are grouped into the DRG they were generated for (≥ 98 %)', () => {
    let agree = 0;
    for (const { record, truth } of cases) if (groupCase(pack, record, { trace: false }).drg === truth.intendedDrg) agree++;
    expect(agree / cases.length).toBeGreaterThanOrEqual(0.98);
    expect(generator.drgs.length).toBeGreaterThan(550);
  });

  it('are deterministic for a seed, chunk by chunk', () => {
    const again = createGenerator(pack, codeSets, options);
    const second = [...again.chunk(2025, 1)].map((c) => c.record);
    expect(second).toEqual(records.slice(30_000 + synthChunkSize, 30_000 + 2 * synthChunkSize));
    const other = createGenerator(pack, codeSets, { ...options, seed: 8 });
    expect([...other.chunk(2025, 0)][0]!.record).not.toEqual(records[30_000]);
  });

  it('cost about RW × base × level factor × efficiency, with categories summing to the total', () => {
    for (const r of records.slice(0, 2000)) {
      const sum = Object.values(r.costs!).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - r.totalCost!)).toBeLessThanOrEqual(0.011);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const light = records.filter((r, i) => weights.get(cases[i]!.truth.intendedDrg)! < 0.6).map((r) => r.totalCost!);
    const heavy = records.filter((r, i) => weights.get(cases[i]!.truth.intendedDrg)! > 3).map((r) => r.totalCost!);
    expect(mean(heavy) / mean(light)).toBeGreaterThan(5);
  });

  it('inflate costs year on year, peak in winter, and keep longer stays for costlier cases', () => {
    const byYear = (y: number) => cases.filter((c) => c.record.dischargeDate!.startsWith(String(y))).map((c) => c.record.totalCost! / weights.get(c.truth.intendedDrg)!);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(byYear(2025)) / median(byYear(2024))).toBeGreaterThan(1.02);
    const month = (m: string) => records.filter((r) => r.dischargeDate!.slice(5, 7) === m).length;
    expect(month('01') + month('12')).toBeGreaterThan(1.1 * (month('06') + month('07')));
    const sorted = [...records].sort((a, b) => a.totalCost! - b.totalCost!);
    const stay = (xs: typeof records) => xs.reduce((a, r) => a + r.lengthOfStay, 0) / xs.length;
    expect(stay(sorted.slice(-5000))).toBeGreaterThan(2 * stay(sorted.slice(0, 5000)));
  });

  it('have hospitals of all levels, both insurance types, newborns with weights, deaths, transfers and readmissions', () => {
    expect(new Set(generator.hospitals.map((h) => h.level))).toEqual(new Set([1, 2, 3]));
    expect(new Set(records.map((r) => r.insuranceType))).toEqual(new Set(['employee', 'resident']));
    const newborns = records.filter((r) => r.ageYears === 0 && r.ageDays! <= 28);
    expect(newborns.length).toBeGreaterThan(100);
    expect(newborns.every((r) => r.birthWeightGrams !== undefined)).toBe(true);
    expect(records.filter((r) => r.dischargeDisposition === '5').length).toBeGreaterThan(50);
    expect(records.filter((r) => r.dischargeDisposition === '2').length).toBeGreaterThan(300);
    const patients = new Map<string, number>();
    for (const r of records) patients.set(r.patientId!, (patients.get(r.patientId!) ?? 0) + 1);
    expect([...patients.values()].filter((n) => n > 1).length).toBeGreaterThan(500);
  });
});
