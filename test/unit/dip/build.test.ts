/** The DIP catalogue builder on hand-computed fixtures: core vs comprehensive, scores, RIV, tiers, auxiliary keep/drop. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDipCatalog } from '../../../models/grouping/dip/build.ts';
import { parseDipCatalog, type DipCatalog } from '../../../models/grouping/dip/catalog.ts';
import { groupDip } from '../../../models/grouping/dip/grouper.ts';
import { defaultCatalogPolicy, pickCatalogPolicy } from '../../../models/grouping/dip/policy.ts';
import { record, reference, tableOf } from './helpers.ts';

const at = '2025-01-01T00:00:00Z';
const byId = (c: DipCatalog, id: string) => c.packets.find((p) => p.id === id);

describe('buildDipCatalog', () => {
  // K80.1 + 51.2300 (surgery, also listed as K80.100x001 and with a diagnostic extra) — 3 cases → core;
  // K80.1 with no procedure — 2 cases → comprehensive K80/conservative; K81.0 — 1 case → K81/conservative.
  const cases = [
    record({ principalDiagnosis: 'K80.100x002', procedures: ['51.2300'], totalCost: 1000 }),
    record({ principalDiagnosis: 'K80.100x001', procedures: ['51.2300', '87.4400'], totalCost: 2000 }),
    record({ principalDiagnosis: 'K80.102', procedures: ['51.2300', '51.2300'], totalCost: 3000 }),
    record({ principalDiagnosis: 'K80.100x002', procedures: ['XX.9999'], totalCost: 500 }),
    record({ principalDiagnosis: 'K80.101', totalCost: 700 }),
    record({ principalDiagnosis: 'K81.000', totalCost: 900 }),
  ];
  const policy = defaultCatalogPolicy({ coreThreshold: 3, trim: [0, 1], targetCv: 10, auxiliaryCvReduction: 0.99 });
  const catalog = buildDipCatalog(tableOf(cases), policy, at);

  it('keeps core packets at the threshold and sends the rest to category × class', () => {
    expect(catalog.packets.map((p) => p.id)).toEqual(['K80.1/51.2300', 'K80/conservative', 'K81/conservative', '*/surgical', '*/conservative', '*/*']);
    expect(byId(catalog, 'K80.1/51.2300')).toMatchObject({ kind: 'core', cases: 3, meanCost: 2000, definition: { diagnosis: 'K80.1', procedures: ['51.2300'] } });
    expect(byId(catalog, 'K80/conservative')).toMatchObject({ kind: 'comprehensive', cases: 2, meanCost: 600 });
    expect(catalog.quality).toMatchObject({ cases: 6, coreCases: 3, coreCoverage: 0.5, corePackets: 1, comprehensivePackets: 2, units: 3 });
  });

  it('scores m_i / M × 1000 and reports CV and RIV', () => {
    // M = 8100 / 6 = 1350.
    expect(catalog.allCaseMean).toEqual([1350]);
    expect(byId(catalog, 'K80.1/51.2300')!.score).toBeCloseTo(1481.48, 2);
    expect(byId(catalog, 'K80/conservative')!.score).toBeCloseTo(444.44, 2);
    expect(byId(catalog, 'K81/conservative')!.score).toBeCloseTo(666.67, 2);
    expect(byId(catalog, 'K80.1/51.2300')!.cv).toBeCloseTo(Math.sqrt(2e6 / 3) / 2000, 4);
    // RIV = 1 − (2 000 000 + 20 000 + 0) / 4 615 000.
    expect(catalog.quality.riv).toBeCloseTo(1 - 2_020_000 / 4_615_000, 6);
    expect(catalog.quality.cvBelowHalf).toBe(3);
    expect(parseDipCatalog(JSON.parse(JSON.stringify(catalog)))).toEqual(catalog);
  });

  it('weights years 1 : 3 on relative values, so inflation cancels', () => {
    const two = [
      record({ principalDiagnosis: 'A01.0', dischargeDate: '2024-05-01', totalCost: 100 }),
      record({ principalDiagnosis: 'A01.0', dischargeDate: '2025-05-01', totalCost: 300 }),
      record({ principalDiagnosis: 'B01.0', dischargeDate: '2024-05-01', totalCost: 100 }),
      record({ principalDiagnosis: 'B01.0', dischargeDate: '2025-05-01', totalCost: 100 }),
      record({ principalDiagnosis: 'C01.0', dischargeDate: '2023-05-01', totalCost: 100 }),
    ];
    const c = buildDipCatalog(tableOf(two), defaultCatalogPolicy({ coreThreshold: 1, trim: [0, 1], referenceYears: [2024, 2025], yearWeights: [1, 3] }), at);
    expect(c.allCaseMean).toEqual([100, 200]);
    expect(c.priceLevel).toEqual([2, 1]);
    expect(byId(c, 'A01.0/-')!.score).toBeCloseTo(1375, 6);
    expect(byId(c, 'B01.0/-')!.score).toBeCloseTo(625, 6);
    expect(c.quality.excluded.outsideYears).toBe(1);
  });

  it('splits a heterogeneous comprehensive packet into k-means cost tiers the grouper follows', () => {
    const mixed = [
      ...Array.from({ length: 30 }, (_, i) => record({ principalDiagnosis: `J18.${i % 10}00`, procedures: ['99.1800'], totalCost: 1000 + 10 * i })),
      ...Array.from({ length: 30 }, (_, i) => record({ principalDiagnosis: `J18.${i % 10}00`, procedures: ['99.1800'], totalCost: 10_000 + 50 * i })),
    ];
    const c = buildDipCatalog(tableOf(mixed), defaultCatalogPolicy({ coreThreshold: 100, targetCv: 0.3, minTierCases: 10, trim: [0, 1] }), at);
    const packet = byId(c, 'J18/therapeutic')!;
    expect(packet.cv).toBeGreaterThan(0.3);
    expect(packet.tiers).toHaveLength(2);
    const [low, high] = packet.tiers!;
    expect(low).toMatchObject({ id: 'J18/therapeutic#T1', lowerCost: null, cases: 30 });
    expect(high).toMatchObject({ id: 'J18/therapeutic#T2', upperCost: null, cases: 30 });
    expect(low!.upperCost!).toBeGreaterThan(1290);
    expect(low!.upperCost!).toBeLessThan(10_000);
    expect(high!.score / low!.score).toBeCloseTo(10_725 / 1145, 3);
    expect(c.quality.tieredPackets).toBe(1);
    expect(groupDip(c, record({ principalDiagnosis: 'J18.900', procedures: ['99.1800'], totalCost: 9000 }), reference)).toMatchObject({ packet: 'J18/therapeutic#T2', score: high!.score });
    expect(groupDip(c, record({ principalDiagnosis: 'J18.900', procedures: ['99.1800'], totalCost: 1200 }), reference).packet).toBe('J18/therapeutic#T1');
    expect(groupDip(c, record({ principalDiagnosis: 'J18.900', procedures: ['99.1800'], totalCost: undefined }), reference)).toMatchObject({ packet: 'J18/therapeutic', score: packet.score });
  });

  it('keeps an auxiliary split that cuts the CV by ≥ 20 % and drops one that does not', () => {
    const severe = Array.from({ length: 60 }, (_, i) => record({ secondaryDiagnoses: i % 2 === 0 ? ['MCC1'] : [], totalCost: (i % 2 === 0 ? 3000 : 1000) + (i % 5) * 10 }));
    const kept = buildDipCatalog(tableOf(severe), defaultCatalogPolicy({ coreThreshold: 15, trim: [0, 1] }), at);
    const p = byId(kept, 'K80.1/-')!;
    expect(p.auxiliary!.map((t) => [t.rule, t.cases])).toEqual([['severity ∈ {none, cc}', 30], ['severity = mcc', 30]]);
    expect(p.auxiliary![1]!.coefficient).toBeCloseTo(3020 / 2020, 3);
    expect(p.cvWithAuxiliary!).toBeLessThan(0.8 * p.cv);
    const g = groupDip(kept, record({ secondaryDiagnoses: ['MCC1'], ageYears: 80 }), reference);
    expect(g.auxiliary).toMatchObject({ tier: 'K80.1/-#A2', coefficient: p.auxiliary![1]!.coefficient });
    // The same costs with severity unrelated to them: no split is worth keeping.
    const noise = Array.from({ length: 60 }, (_, i) => record({ secondaryDiagnoses: i % 4 < 2 ? ['MCC1'] : [], totalCost: i % 2 === 0 ? 3000 : 1000 }));
    const dropped = buildDipCatalog(tableOf(noise), defaultCatalogPolicy({ coreThreshold: 15, trim: [0, 1] }), at);
    expect(byId(dropped, 'K80.1/-')!.auxiliary).toBeUndefined();
    expect(dropped.quality.packetsWithAuxiliary).toBe(0);
  });

  it('reads a payment policy with method dip and refuses a DRG one', () => {
    expect(pickCatalogPolicy({ method: 'dip', coreThreshold: 20, settlementYear: 2025, budget: 1e6 })).toMatchObject({ coreThreshold: 20, targetCv: 0.8, auxiliaryCvReduction: 0.2 });
    expect(() => pickCatalogPolicy({ method: 'drg' })).toThrow(/method is "drg"/);
    expect(() => pickCatalogPolicy({ coreTreshold: 20 })).toThrow(/coreTreshold is not a DIP catalogue policy field/);
  });
});

describe('groupDip', () => {
  const pool = ['K80.100x002', 'K80.101', 'K81.000', 'K82.900', 'Z99.999', 'A01.000'];
  const procedures = ['51.2300', '51.2200', '39.5000', '99.1800', '87.4400', '88.0100', 'XX.0000'];
  const cases = Array.from({ length: 120 }, (_, i) => record({ principalDiagnosis: pool[i % 4]!, procedures: i % 3 === 0 ? [procedures[i % 7]!] : [], totalCost: 500 + ((i * 37) % 100) * 40, secondaryDiagnoses: i % 5 === 0 ? ['MCC1'] : [] }));
  const catalog = buildDipCatalog(tableOf(cases), defaultCatalogPolicy({ coreThreshold: 5 }), at);
  const ids = new Set(catalog.packets.flatMap((p) => [p.id, ...(p.tiers ?? []).map((t) => t.id)]));

  it('assigns every valid case a catalogue packet with a finite score (property)', () => {
    const arb = fc.record({
      principalDiagnosis: fc.constantFrom(...pool),
      procedures: fc.array(fc.constantFrom(...procedures), { maxLength: 4 }),
      secondaryDiagnoses: fc.array(fc.constantFrom('MCC1', 'CC1', 'R51.x00'), { maxLength: 3 }),
      ageYears: fc.integer({ min: 0, max: 110 }),
      ageDays: fc.integer({ min: 0, max: 365 }),
      dischargeDisposition: fc.constantFrom('1', '2', '3', '4', '5', '9'),
      totalCost: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(arb, (r) => {
        const g = groupDip(catalog, record(r), reference);
        expect(ids.has(g.packet)).toBe(true);
        expect(Number.isFinite(g.score)).toBe(true);
        expect(g.trace.length).toBeGreaterThanOrEqual(3);
        if (g.auxiliary) expect(g.auxiliary.coefficient).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('falls back to the catch-all packet of the class, with a sentence', () => {
    const g = groupDip(catalog, record({ principalDiagnosis: 'Z99.999', procedures: ['51.2300'] }), reference);
    expect(g).toMatchObject({ status: 'fallback', packet: '*/surgical', kind: 'comprehensive' });
    expect(g.trace.at(-1)!.text).toMatch(/Neither core packet Z99\.9\/51\.2300 nor comprehensive packet Z99\/surgical/);
  });
});
