/** The DIP catalogue builder on hand-computed fixtures: packet rules, threshold, scores, auxiliary typing, tiers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDipCatalog, coverageByThreshold } from '../../../models/grouping/dip/build.ts';
import { parseDipCatalog, type DipCatalog } from '../../../models/grouping/dip/catalog.ts';
import { groupDip } from '../../../models/grouping/dip/grouper.ts';
import { defaultCatalogPolicy, pickCatalogPolicy } from '../../../models/grouping/dip/policy.ts';
import { catalogFromPackets } from '../../../models/grouping/dip/published.ts';
import { codesKey, splitCodesKey } from '../../../models/grouping/dip/cases.ts';
import { ruleSecondaries, secondaryPrefixesOf } from '../../../models/grouping/dip/codes.ts';
import { record, reference, tableOf } from './helpers.ts';

const at = '2025-01-01T00:00:00Z';
const byId = (c: DipCatalog, id: string) => c.packets.find((p) => p.id === id);

describe('buildDipCatalog', () => {
  // K80.1 + principal 51.2300 (a diagnostic extra and a repeat are not related procedures) — 3 cases → core;
  // K80.1 with no classified procedure — 2 cases, K81.0 — 1 case: below the threshold 3 as core keys and
  // as comprehensive combinations (K80/conservative 2, K81/conservative 1) → dropped, ungrouped.
  const cases = [
    record({ principalDiagnosis: 'K80.100x002', procedures: ['51.2300'], totalCost: 1000 }),
    record({ principalDiagnosis: 'K80.100x001', procedures: ['51.2300', '87.4400'], totalCost: 2000 }),
    record({ principalDiagnosis: 'K80.102', procedures: ['51.2300', '51.2300'], totalCost: 3000 }),
    record({ principalDiagnosis: 'K80.100x002', procedures: ['XX.9999'], totalCost: 500 }),
    record({ principalDiagnosis: 'K80.101', totalCost: 700 }),
    record({ principalDiagnosis: 'K81.000', totalCost: 900 }),
  ];
  const policy = defaultCatalogPolicy({ coreThreshold: 3, trim: [0, 1] });
  const catalog = buildDipCatalog(tableOf(cases), policy, at);

  it('keeps core packets at the threshold and leaves small comprehensive combinations ungrouped', () => {
    expect(catalog.packets.map((p) => p.id)).toEqual(['K80.1/51.2300', '*/surgical', '*/conservative', '*/*']);
    expect(byId(catalog, 'K80.1/51.2300')).toMatchObject({ kind: 'core', cases: 3, meanCost: 2000, basic: false, definition: { stage: 'basic', diagnosis: 'K80.1', principal: '51.2300', related: [] } });
    expect(catalog.quality).toMatchObject({ cases: 6, coreCases: 3, coreCoverage: 0.5, corePackets: 1, comprehensivePackets: 0, units: 1, ungroupedCases: 3, droppedComprehensive: 2 });
    expect(catalog.policy).toMatchObject({ coreThreshold: 3, coreThresholdSource: 'policy' });
    expect(groupDip(catalog, record({ principalDiagnosis: 'K81.000' }), reference)).toMatchObject({ status: 'fallback', packet: '*/conservative' });
  });

  it('scores m_i / M × 1000 with M over every reference case', () => {
    // M = 8100 / 6 = 1350 (the ungrouped cases count for the city mean); m = 2000.
    expect(catalog.allCaseMean).toEqual([1350]);
    expect(byId(catalog, 'K80.1/51.2300')!.score).toBeCloseTo(1481.48, 2);
    expect(byId(catalog, 'K80.1/51.2300')!.cv).toBeCloseTo(Math.sqrt(2e6 / 3) / 2000, 4);
    expect(parseDipCatalog(JSON.parse(JSON.stringify(catalog)))).toEqual(catalog);
    expect(() => parseDipCatalog({ ...JSON.parse(JSON.stringify(catalog)), version: 1 })).toThrow(/v1 document .* rebuild it/);
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
    // A: (1 × 100/100 + 3 × 300/200) / 4 × 1000 = 1375; B: (1 + 3 × 0.5) / 4 × 1000 = 625.
    expect(byId(c, 'A01.0/-')!.score).toBeCloseTo(1375, 6);
    expect(byId(c, 'B01.0/-')!.score).toBeCloseTo(625, 6);
    expect(c.quality.excluded.outsideYears).toBe(1);
  });

  it('keys a core packet on diagnosis + principal procedure + the related procedures that add ≥ 10 %', () => {
    // Base K80.1/51.2300: 4 cases alone at 1000; 2 with 54.5100 at 1500; 2 with 99.1800 at 1050.
    // 54.5100: with 1500, without (4 × 1000 + 2 × 1050) / 6 = 1016.67 → +47.5 % ≥ 10 %: counts.
    // 99.1800: with 1050, without (4 × 1000 + 2 × 1500) / 6 = 1166.67 → −10 %: does not count.
    const rows = [
      ...Array.from({ length: 4 }, () => record({ procedures: ['51.2300'], totalCost: 1000 })),
      ...Array.from({ length: 2 }, () => record({ procedures: ['51.2300', '54.5100'], totalCost: 1500 })),
      ...Array.from({ length: 2 }, () => record({ procedures: ['51.2300', '99.1800'], totalCost: 1050 })),
    ];
    const c = buildDipCatalog(tableOf(rows), defaultCatalogPolicy({ coreThreshold: 2, trim: [0, 1] }), at);
    expect(c.packets.filter((p) => p.kind === 'core').map((p) => [p.id, p.cases])).toEqual([
      ['K80.1/51.2300', 6],
      ['K80.1/51.2300+54.5100', 2],
    ]);
    // A case with both related procedures: the packet with the most matching ones.
    expect(groupDip(c, record({ procedures: ['51.2300', '99.1800', '54.5100'] }), reference).packet).toBe('K80.1/51.2300+54.5100');
    // Principal 54.5100 (first in the record): another base, no core packet → comprehensive K80/surgical (unseen → ungrouped).
    expect(groupDip(c, record({ procedures: ['54.5100', '51.2300'] }), reference).status).toBe('fallback');
    // At threshold 3 only the base is core; the 54.5100 cases fall back to it (related procedures matched in part).
    const t3 = buildDipCatalog(tableOf(rows), defaultCatalogPolicy({ coreThreshold: 3, trim: [0, 1] }), at);
    expect(t3.packets.filter((p) => p.kind === 'core').map((p) => [p.id, p.cases])).toEqual([['K80.1/51.2300', 8]]);
    const g = groupDip(t3, record({ procedures: ['51.2300', '54.5100'] }), reference);
    expect(g.packet).toBe('K80.1/51.2300');
    expect(g.trace.find((s) => s.step === 'packet')!.text).toMatch(/matched in part/);
  });

  it('sets the threshold to the largest value ≤ 15 whose core packets cover ≥ 85 %', () => {
    // Keys with 20, 10 and 5 cases (35): t ≤ 5 covers 100 %, 6–10 covers 30 / 35 = 85.7 %, 11–15 covers 20 / 35 = 57.1 %.
    const coverage = coverageByThreshold(new Map([['A/-', 20], ['B/-', 10], ['C/-', 5]]), new Map(), 35, 15);
    expect(coverage[4]).toBe(1);
    expect(coverage[9]).toBeCloseTo(30 / 35, 12);
    expect(coverage[10]).toBeCloseTo(20 / 35, 12);
    const rows = [
      ...Array.from({ length: 20 }, () => record({ principalDiagnosis: 'A01.000' })),
      ...Array.from({ length: 10 }, () => record({ principalDiagnosis: 'B01.000' })),
      ...Array.from({ length: 5 }, () => record({ principalDiagnosis: 'C01.000' })),
    ];
    const c = buildDipCatalog(tableOf(rows), defaultCatalogPolicy({ trim: [0, 1] }), at);
    expect(c.policy).toMatchObject({ coreThreshold: 10, coreThresholdSource: 'coverage' });
    expect(c.quality.coreCoverage).toBeCloseTo(30 / 35, 6);
    expect(c.quality.coverageByThreshold).toHaveLength(15);
  });

  it('applies the exclusion list, pre-grouped and diagnosis-assisted packets and merges in the specification\'s order', () => {
    const rows = [
      record({ principalDiagnosis: 'Z51.000', totalCost: 100 }),
      record({ principalDiagnosis: 'C34.100', procedures: ['99.1800'], totalCost: 5000 }),
      record({ principalDiagnosis: 'C34.900', procedures: ['99.1800'], totalCost: 7000 }),
      record({ principalDiagnosis: 'K80.000', procedures: ['51.2200'], totalCost: 1000 }),
      record({ principalDiagnosis: 'K80.100', procedures: ['51.2300'], totalCost: 3000 }),
    ];
    const c = buildDipCatalog(
      tableOf(rows),
      defaultCatalogPolicy({
        coreThreshold: 2,
        trim: [0, 1],
        exclusions: { diagnoses: ['Z51'], procedures: [] },
        rulePackets: [{ id: 'TUMOUR-CHEMO', stage: 'diagnosis-assisted', diagnoses: ['C34'], procedures: ['99.1800'] }],
        merge: { diagnoses: { K80: 'K80' }, procedures: { '51.2200': '51.2300' } },
      }),
      at,
    );
    expect(c.quality.excluded.diagnosis).toBe(1);
    expect(c.packets.filter((p) => p.kind === 'core').map((p) => [p.id, p.cases])).toEqual([
      ['TUMOUR-CHEMO', 2],
      ['K80/51.2300', 2],
    ]);
    expect(groupDip(c, record({ principalDiagnosis: 'Z51.000' }), reference)).toMatchObject({ status: 'fallback' });
    expect(groupDip(c, record({ principalDiagnosis: 'C34.300', procedures: ['99.1800'] }), reference).packet).toBe('TUMOUR-CHEMO');
    expect(groupDip(c, record({ principalDiagnosis: 'K80.500', procedures: ['51.2200'] }), reference).packet).toBe('K80/51.2300');
  });

  it('splits a heterogeneous comprehensive packet into k-means cost tiers only when asked', () => {
    const mixed = [
      ...Array.from({ length: 30 }, (_, i) => record({ principalDiagnosis: `J18.${i % 10}00`, procedures: ['99.1800'], totalCost: 1000 + 10 * i })),
      ...Array.from({ length: 30 }, (_, i) => record({ principalDiagnosis: `J18.${i % 10}00`, procedures: ['99.1800'], totalCost: 10_000 + 50 * i })),
    ];
    const plain = buildDipCatalog(tableOf(mixed), defaultCatalogPolicy({ coreThreshold: 20, trim: [0, 1] }), at);
    expect(byId(plain, 'J18/therapeutic')!.tiers).toBeUndefined();
    const c = buildDipCatalog(tableOf(mixed), defaultCatalogPolicy({ coreThreshold: 20, costTiers: true, targetCv: 0.3, minTierCases: 10, trim: [0, 1] }), at);
    const packet = byId(c, 'J18/therapeutic')!;
    expect(packet.tiers).toHaveLength(2);
    const [low, high] = packet.tiers!;
    expect(high!.score / low!.score).toBeCloseTo(10_725 / 1145, 3);
    expect(groupDip(c, record({ principalDiagnosis: 'J18.900', procedures: ['99.1800'], totalCost: 9000 }), reference)).toMatchObject({ packet: 'J18/therapeutic#T2', score: high!.score });
    expect(groupDip(c, record({ principalDiagnosis: 'J18.900', procedures: ['99.1800'], totalCost: undefined }), reference)).toMatchObject({ packet: 'J18/therapeutic', score: packet.score });
  });

  it('forms diagnosis-assisted packets on the principal and a secondary diagnosis (Z51.1 chemotherapy with leukaemia C91–C95)', () => {
    // 20 chemotherapy cases with a leukaemia secondary diagnosis at 8000, 20 with a lung tumour at 3000.
    // All-case mean M = 5500: the rule packet scores 8000 / 5500 × 1000 = 1454.55, the basic packet
    // Z51.1/- 3000 / 5500 × 1000 = 545.45.
    const chemo = (secondary: string, cost: number) => record({ principalDiagnosis: 'Z51.100', secondaryDiagnoses: [secondary, 'I10.x00'], totalCost: cost });
    const cases = [...Array.from({ length: 20 }, () => chemo('C92.000', 8000)), ...Array.from({ length: 20 }, () => chemo('C34.100', 3000))];
    const rulePackets = [{ id: 'Z51.1-LEUKAEMIA', stage: 'diagnosis-assisted' as const, diagnoses: ['Z51.1'], secondaryDiagnoses: ['C91', 'C92', 'C93', 'C94', 'C95'] }];
    const policy = defaultCatalogPolicy({ coreThreshold: 15, trim: [0, 1], rulePackets });
    const c = buildDipCatalog(tableOf(cases, secondaryPrefixesOf(policy)), policy, at);
    expect(byId(c, 'Z51.1-LEUKAEMIA')).toMatchObject({ cases: 20, score: 1454.55, definition: { secondaryDiagnoses: ['C91', 'C92', 'C93', 'C94', 'C95'] } });
    expect(byId(c, 'Z51.1/-')).toMatchObject({ cases: 20, score: 545.45 });
    expect(groupDip(c, chemo('C92.000', 1), reference)).toMatchObject({ status: 'grouped', packet: 'Z51.1-LEUKAEMIA' });
    expect(groupDip(c, chemo('C34.100', 1), reference)).toMatchObject({ status: 'grouped', packet: 'Z51.1/-' });
    // The rules travel with the catalogue: a reloaded catalogue groups the same way.
    const reloaded = parseDipCatalog(JSON.parse(JSON.stringify(c)));
    expect(reloaded.rules.rulePackets[0]!.secondaryDiagnoses).toEqual(['C91', 'C92', 'C93', 'C94', 'C95']);
    expect(groupDip(reloaded, chemo('C95.000', 1), reference).packet).toBe('Z51.1-LEUKAEMIA');
    // Only the secondary diagnoses a rule reads join the codes key.
    expect(codesKey('Z51.100', [], reference.procedureClasses, ruleSecondaries(['I10.x00', 'C92.000'], secondaryPrefixesOf(policy)))).toBe('Z51.100|#C92.000');
    expect(splitCodesKey('Z51.100|99.1800:t#C92.000')).toMatchObject({ procedures: ['99.1800'], secondaryDiagnoses: ['C92.000'] });
  });

  it('computes drug and material scores dRW = dm / dM, cRW = cm / cM over the cases that itemise their costs', () => {
    // K80.1/-: drugs 600, materials 100 (20 cases, and 5 more without itemised costs); J18.0/-: drugs 200,
    // materials 300 (20 cases). dM = 400, cM = 200 → dRW 1.5 and 0.5, cRW 0.5 and 1.5.
    const k80 = Array.from({ length: 20 }, () => record({ costs: { westernDrugs: 500, patentDrugs: 100, materials: 100, other: 300 } }));
    const bare = Array.from({ length: 5 }, () => record({ totalCost: 5000 }));
    const j18 = Array.from({ length: 20 }, () => record({ principalDiagnosis: 'J18.000', costs: { herbalDrugs: 200, materials: 300, other: 500 } }));
    const c = buildDipCatalog(tableOf([...k80, ...bare, ...j18]), defaultCatalogPolicy({ coreThreshold: 15, trim: [0, 1] }), at);
    expect(byId(c, 'K80.1/-')).toMatchObject({ drugScore: 1.5, materialScore: 0.5 });
    expect(byId(c, 'J18.0/-')).toMatchObject({ drugScore: 0.5, materialScore: 1.5 });
    // Without itemised costs there is no drug or material score.
    const none = buildDipCatalog(tableOf(bare.concat(bare, bare, bare)), defaultCatalogPolicy({ coreThreshold: 15, trim: [0, 1] }), at);
    expect(byId(none, 'K80.1/-')!.drugScore).toBeUndefined();
  });

  it('types by ICU days (2–7, 8–14, 15–30, ≥ 31): m_j / M of the ICU type, the highest met coefficient paid', () => {
    // 60 cases of K80.1/-, 2-day stays (no severity type but "mild"): the even ones spent 120 h (5 days)
    // in intensive care and cost 4000 + noise, the odd ones none and 1000 + noise; noise (i mod 5) × 10
    // averages 20 in both. Packet mean 2520, ICU 2–7 days mean 4020: coefficient 4020 / 2520; "mild"
    // (every case) 2520 / 2520 = 1, kept for the odd ones.
    const cases = Array.from({ length: 60 }, (_, i) => record({ lengthOfStay: 2, ...(i % 2 === 0 ? { icuHours: 120 } : {}), totalCost: (i % 2 === 0 ? 4000 : 1000) + (i % 5) * 10 }));
    const c = buildDipCatalog(tableOf(cases), defaultCatalogPolicy({ coreThreshold: 15, trim: [0, 1] }), at);
    const p = byId(c, 'K80.1/-')!;
    expect(p.auxiliary!.map((t) => [t.type, t.dimension, t.cases])).toEqual([['mild', 'severity', 30], ['icu-2-7', 'icu', 30]]);
    expect(p.auxiliary![1]!.coefficient).toBeCloseTo(4020 / 2520, 4);
    expect(p.auxiliary![0]!.coefficient).toBeCloseTo(1, 4);
    // 25 h is 2 begun days: the 2–7 band; 24 h is one day: no ICU type.
    expect(groupDip(c, record({ icuHours: 25 }), reference).auxiliary).toMatchObject({ tier: 'K80.1/-#icu-2-7', coefficient: p.auxiliary![1]!.coefficient });
    expect(groupDip(c, record({ icuHours: 24 }), reference).auxiliary).toMatchObject({ tier: 'K80.1/-#mild' });
    // The catalogue with an ICU type still validates.
    expect(parseDipCatalog(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('keeps auxiliary types (m_j / M) when they cut the CV by ≥ 20 %, and pays the highest coefficient', () => {
    // 60 cases of K80.1/-: the even ones have a failure diagnosis (J96) and a 5-day stay (type "severe"),
    // cost 3000 + noise; the odd ones none ("mild"), 1000 + noise. Mean noise 20 in both:
    // severe 3020, mild 1020, packet 2020 → coefficients 3020 / 2020 and 1020 / 2020.
    const severe = Array.from({ length: 60 }, (_, i) => record({ secondaryDiagnoses: i % 2 === 0 ? ['J96.000'] : [], lengthOfStay: 5, totalCost: (i % 2 === 0 ? 3000 : 1000) + (i % 5) * 10 }));
    const kept = buildDipCatalog(tableOf(severe), defaultCatalogPolicy({ coreThreshold: 15, trim: [0, 1] }), at);
    const p = byId(kept, 'K80.1/-')!;
    expect(p.auxiliary!.map((t) => [t.type, t.cases])).toEqual([['severe', 30], ['mild', 30]]);
    expect(p.auxiliary![0]!.coefficient).toBeCloseTo(3020 / 2020, 4);
    expect(p.auxiliary![1]!.coefficient).toBeCloseTo(1020 / 2020, 4);
    expect(p.cvWithAuxiliary!).toBeLessThan(0.8 * p.cv);
    expect(groupDip(kept, record({ secondaryDiagnoses: ['J96.000'], lengthOfStay: 5 }), reference).auxiliary).toMatchObject({ tier: 'K80.1/-#severe' });
    // A 3-day stay is not "severe" (the specification asks > 3 days).
    expect(groupDip(kept, record({ secondaryDiagnoses: ['J96.000'], lengthOfStay: 3 }), reference).auxiliary).toMatchObject({ tier: 'K80.1/-#mild' });
    // The learned CART tiers are an analysis: absent unless asked, never in `auxiliary`.
    expect(p.learnedTiers).toBeUndefined();
    // The same costs with the failure diagnosis unrelated to them: no typing is kept.
    const noise = Array.from({ length: 60 }, (_, i) => record({ secondaryDiagnoses: i % 4 < 2 ? ['J96.000'] : [], lengthOfStay: 5, totalCost: i % 2 === 0 ? 3000 : 1000 }));
    const dropped = buildDipCatalog(tableOf(noise), defaultCatalogPolicy({ coreThreshold: 15, trim: [0, 1] }), at);
    expect(byId(dropped, 'K80.1/-')!.auxiliary).toBeUndefined();
    expect(dropped.quality.packetsWithAuxiliary).toBe(0);
  });

  it('reads a payment policy with method dip and refuses a DRG one', () => {
    expect(pickCatalogPolicy({ method: 'dip', coreThreshold: 20, settlementYear: 2025, budget: 1e6 })).toMatchObject({ coreThreshold: 20, maxCoreThreshold: 15, coverageTarget: 0.85, auxiliaryCvReduction: 0.2 });
    expect(() => pickCatalogPolicy({ method: 'drg' })).toThrow(/method is "drg"/);
    expect(() => pickCatalogPolicy({ coreTreshold: 20 })).toThrow(/coreTreshold is not a DIP catalogue policy field/);
  });
});

describe('catalogFromPackets (a published local packet list)', () => {
  const csv = ['主要诊断,主要手术操作,相关手术操作,分值,基层病种', 'K80.1,51.2300,,1200,', 'K80.1,51.2300,54.5100,1800,是', 'K80,surgical,,900,', 'J18.0,,,400,1'].join('\n');
  const c = catalogFromPackets('list.csv', csv, defaultCatalogPolicy(), at);

  it('reads core and comprehensive packets with their scores, and the grouper applies the same rules', () => {
    expect(c.packets.map((p) => [p.id, p.score, p.basic])).toEqual([
      ['K80.1/51.2300', 1200, false],
      ['K80.1/51.2300+54.5100', 1800, true],
      ['K80/surgical', 900, false],
      ['J18.0/-', 400, true],
    ]);
    expect(c.policy.coreThresholdSource).toBe('published');
    expect(parseDipCatalog(JSON.parse(JSON.stringify(c)))).toEqual(c);
    expect(groupDip(c, record({ procedures: ['51.2300', '54.5100', '99.1800'] }), reference)).toMatchObject({ packet: 'K80.1/51.2300+54.5100', score: 1800, basic: true });
    expect(groupDip(c, record({ principalDiagnosis: 'K80.200', procedures: ['39.5000'] }), reference)).toMatchObject({ packet: 'K80/surgical', score: 900 });
    expect(groupDip(c, record({ principalDiagnosis: 'J18.000' }), reference)).toMatchObject({ packet: 'J18.0/-', conservative: true });
  });

  it('names the file and line of a bad row', () => {
    expect(() => catalogFromPackets('list.csv', 'diagnosis,principalProcedure,score\nK80.1,51.2300,abc', defaultCatalogPolicy(), at)).toThrow('list.csv line 2: score "abc" must be a positive number');
    expect(() => catalogFromPackets('list.csv', 'diagnosis,score\nK80.1,1', defaultCatalogPolicy(), at)).toThrow(/list\.csv line 1: the header has no "principalProcedure" column/);
    expect(() => catalogFromPackets('list.csv', 'diagnosis,principalProcedure,score\nK80.1,,1\nK80.1,,2', defaultCatalogPolicy(), at)).toThrow('list.csv line 3: packet K80.1/- repeats line 2');
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

  it('leaves an unseen combination ungrouped, naming the catch-all of its class, with a sentence', () => {
    const g = groupDip(catalog, record({ principalDiagnosis: 'Z99.999', procedures: ['51.2300'] }), reference);
    expect(g).toMatchObject({ status: 'fallback', packet: '*/surgical', kind: 'comprehensive' });
    expect(g.trace.at(-1)!.text).toMatch(/No core packet of Z99\.9\/51\.2300 fits and the comprehensive packet Z99\/surgical is not in the catalogue.*ungrouped/);
  });
});
