/** Each rule on hand-made cases: a hit with its evidence, and the near-misses it must leave alone. */
import { describe, expect, it } from 'vitest';
import { casesFromRows, type CaseRow } from '../../../models/supervision/case-table.ts';
import { parseRuleSet, RuleSetError } from '../../../models/supervision/rule-set.ts';
import { screenCases } from '../../../models/supervision/screen.ts';
import { jitter, row } from './fixtures.ts';

const rules = parseRuleSet({});
const screen = (rows: CaseRow[], ruleSet = rules, policy = {}) => screenCases(casesFromRows(rows), ruleSet, policy);
const flagsOf = (rows: CaseRow[], rule: string, ruleSet = rules, policy = {}) => screen(rows, ruleSet, policy).flags.filter((f) => f.rule === rule);

describe('split-admission', () => {
  it('flags both stays of a readmission within 15 days in the same ADRG, with the pair as evidence', () => {
    const first = row({ patientId: 'P-split', admission: '2025-03-01', lengthOfStay: 4 });
    const second = row({ patientId: 'P-split', admission: '2025-03-10', lengthOfStay: 3 });
    const flags = flagsOf([first, second, row()], 'split-admission');
    expect(flags.map((f) => f.listId).sort()).toEqual([first.listId, second.listId].sort());
    const readmission = flags.find((f) => f.listId === second.listId)!;
    expect(readmission.evidence).toMatchObject({ role: 'readmission', gapDays: 5, sameAdrg: true, patientId: 'P-split', first: { listId: first.listId, dischargeDate: '2025-03-05' }, readmission: { admissionDate: '2025-03-10' } });
    expect(readmission.evidence.reason).toContain('5 day(s) after discharge');
    expect(readmission.score).toBeCloseTo(1 - 5 / 16, 6);
  });

  it('also takes the same MDC in another ADRG, scored lower', () => {
    const flags = flagsOf([row({ patientId: 'P', admission: '2025-03-01' }), row({ patientId: 'P', admission: '2025-03-08', drg: 'ET25' })], 'split-admission');
    expect(flags).toHaveLength(2);
    expect(flags[0]!.evidence).toMatchObject({ sameAdrg: false, sameMdc: true });
    expect(flags[0]!.score).toBeCloseTo(0.8 * (1 - 2 / 16), 6);
  });

  it('leaves a readmission on day 16, at another hospital, in another MDC, or after a death', () => {
    const cases = [
      row({ patientId: 'late', admission: '2025-03-01', lengthOfStay: 4 }),
      row({ patientId: 'late', admission: '2025-03-21' }), // 16 days after discharge on 03-05
      row({ patientId: 'other', admission: '2025-03-01' }),
      row({ patientId: 'other', admission: '2025-03-08', hospitalId: 'HOSP-B' }),
      row({ patientId: 'mdc', admission: '2025-03-01' }),
      row({ patientId: 'mdc', admission: '2025-03-08', drg: 'FR25' }),
      row({ patientId: 'dead', admission: '2025-03-01', dischargeDisposition: '5' }),
      row({ patientId: 'dead', admission: '2025-03-08' }),
    ];
    expect(flagsOf(cases, 'split-admission')).toEqual([]);
    const wider = parseRuleSet({ rules: { 'split-admission': { windowDays: 16 } } });
    expect(flagsOf(cases, 'split-admission', wider)).toHaveLength(2);
  });
});

describe('frequent-admission', () => {
  it('flags every stay of a patient with 4 admissions within 365 days', () => {
    const stays = ['2025-01-05', '2025-04-01', '2025-08-01', '2025-12-20'].map((d, i) => row({ patientId: 'F', admission: d, hospitalId: i % 2 ? 'HOSP-B' : 'HOSP-A' }));
    const flags = flagsOf(stays, 'frequent-admission');
    expect(flags).toHaveLength(4);
    expect(flags[0]!.evidence).toMatchObject({ admissionsInWindow: 4, patientId: 'F' });
    expect((flags[0]!.evidence.stays as unknown[]).length).toBe(4);
    expect(flags[0]!.score).toBe(0.5);
  });

  it('leaves 4 admissions spread over more than 12 months, and 3 within', () => {
    const spread = ['2024-01-05', '2024-06-01', '2024-11-01', '2025-01-10'].map((d) => row({ patientId: 'S', admission: d }));
    const three = ['2025-01-05', '2025-02-05', '2025-03-05'].map((d) => row({ patientId: 'T', admission: d }));
    expect(flagsOf([...spread, ...three], 'frequent-admission')).toEqual([]);
  });
});

/** 40 cases of a group around `cost` (±10 %), at HOSP-A unless told. */
function group(drg: string, cost: number, n = 40, extra: Partial<CaseRow> = {}, seed = 1): CaseRow[] {
  const u = jitter(seed);
  return Array.from({ length: n }, () => row({ drg, cost: cost * (0.9 + 0.2 * u()), drugMaterialCost: cost * (0.9 + 0.2 * u()) * (0.38 + 0.04 * u()), ...extra }));
}

describe('high-cost', () => {
  it('flags a case above 5 × the trimmed group mean, with the standard and its source', () => {
    const extreme = row({ cost: 60_000 });
    const near = row({ cost: 38_000 }); // 4.75 × the standard
    const flags = flagsOf([...group('ES35', 8000), extreme, near], 'high-cost');
    expect(flags.map((f) => f.listId)).toEqual([extreme.listId]);
    const e = flags[0]!.evidence;
    expect(e.standard as number).toBeGreaterThan(7900);
    expect(e.standard as number).toBeLessThan(9000); // the 38 000 case stays in the trimmed mean (only the top 2.5 % goes)
    expect(e.ratio as number).toBeGreaterThan(5);
    expect(e.standardSource).toMatch(/trimmed mean cost of the 42 ES35 cases discharged in 2025/);
    expect(e.reason).toContain('individual review');
  });

  it('uses the policy standard when one is given', () => {
    const c = row({ cost: 30_000 });
    const flags = flagsOf([...group('ES35', 8000), c], 'high-cost', rules, { standard: () => 5000, name: 'city 2025' });
    expect(flags.map((f) => f.listId)).toEqual([c.listId]);
    expect(flags[0]!.evidence).toMatchObject({ standard: 5000, ratio: 6, standardSource: 'policy city 2025' });
  });
});

describe('drug-share', () => {
  it('flags a case whose drug + material share is far above its group, not one slightly above', () => {
    const high = row({ cost: 8000, drugMaterialCost: 6800 });
    const slight = row({ cost: 8000, drugMaterialCost: 3900 });
    const flags = flagsOf([...group('ES35', 8000), high, slight], 'drug-share').filter((f) => f.listId !== null);
    expect(flags.map((f) => f.listId)).toEqual([high.listId]);
    expect(flags[0]!.evidence).toMatchObject({ share: 0.85 });
    expect(flags[0]!.evidence.groupMedianShare as number).toBeCloseTo(0.4, 1);
  });

  it('flags a hospital whose cases are all a little above their groups, against its peers', () => {
    const rows: CaseRow[] = [];
    for (const [k, h] of ['H1', 'H2', 'H3', 'H4', 'H5', 'H6'].entries()) rows.push(...group('ES35', 8000, 80, { hospitalId: h }, k + 1), ...group('FR15', 12000, 80, { hospitalId: h }, k + 11));
    const u = jitter(99);
    rows.push(...Array.from({ length: 120 }, () => row({ hospitalId: 'H7', cost: 8000, drugMaterialCost: 8000 * (0.5 + 0.04 * u()) })));
    const flags = flagsOf(rows, 'drug-share').filter((f) => f.listId === null);
    expect(flags.map((f) => f.hospitalId)).toEqual(['H7']);
    expect(flags[0]!.evidence.meanExcessShare as number).toBeGreaterThan(0.05);
  });
});

/** Hospital h of level 2 with n cases in ES3, k of them coded with an MCC (ES31), costs as given. */
function es3(h: string, n: number, k: number, seed: number, mccCost = 12_000): CaseRow[] {
  const u = jitter(seed);
  return Array.from({ length: n }, (_, i) =>
    i < k
      ? row({ hospitalId: h, drg: 'ES31', severity: 'mcc', complications: 'J96.000', lowerDrg: 'ES35', cost: mccCost * Math.exp(0.2 * (u() - 0.5)) })
      : row({ hospitalId: h, drg: 'ES35', cost: 8000 * Math.exp(0.2 * (u() - 0.5)) }),
  );
}

describe('upcoding', () => {
  const peers = ['H1', 'H2', 'H3', 'H4', 'H5'].flatMap((h, i) => es3(h, 100, 20, i + 1));

  it('flags a hospital coding far more MCC cases in an ADRG than its peers, and its MCC cases that cost like ES35', () => {
    // H6: 60 of 100 ES3 cases coded with an MCC, 40 of them costing like ES35 cases.
    const honest = es3('H6', 60, 20, 7);
    const cheap = Array.from({ length: 40 }, (_, i) => row({ hospitalId: 'H6', drg: 'ES31', severity: 'mcc', complications: 'J96.000', lowerDrg: 'ES35', cost: 7800 + 10 * i }));
    const flags = flagsOf([...peers, ...honest, ...cheap], 'upcoding');
    const hospital = flags.filter((f) => f.listId === null);
    expect(hospital.map((f) => f.hospitalId)).toContain('H6');
    expect(new Set(hospital.map((f) => f.hospitalId))).toEqual(new Set(['H6']));
    const cell = hospital.find((f) => f.evidence.scope === 'adrg')!;
    expect(cell.evidence).toMatchObject({ adrg: 'ES3', cases: 100, mccCcCases: 60, share: 0.6, peerShare: 0.2, peerHospitals: 5 });
    expect(cell.evidence.qValue as number).toBeLessThanOrEqual(0.05);
    const cases = flags.filter((f) => f.listId !== null);
    const cheapIds = new Set(cheap.map((c) => c.listId));
    expect(cases.length).toBeGreaterThan(20);
    expect(cases.every((f) => cheapIds.has(f.listId!))).toBe(true);
    expect(cases[0]!.evidence).toMatchObject({ lowerDrg: 'ES35', complications: ['J96.000'], complicationLevel: 'mcc' });
    expect(cases[0]!.evidence.posterior as number).toBeGreaterThanOrEqual(0.5);
  });

  it('leaves a hospital slightly above its peers, and its MCC cases alone', () => {
    const flags = flagsOf([...peers, ...es3('H6', 100, 27, 7)], 'upcoding');
    expect(flags).toEqual([]);
  });
});

describe('low-severity-admission', () => {
  const policy = { relativeWeights: new Map([['ES35', 1], ['DT15', 0.3]]) };
  /** n cases at hospital h: k light 1-day DT15 stays, the rest ordinary ES35 stays. */
  const mix = (h: string, n: number, k: number) => Array.from({ length: n }, (_, i) => (i < k ? row({ hospitalId: h, drg: 'DT15', lengthOfStay: 1, cost: 1500 }) : row({ hospitalId: h })));
  const peers = ['H1', 'H2', 'H3', 'H4', 'H5'].flatMap((h) => mix(h, 300, 15));

  it('flags a hospital with many light short stays, and those stays', () => {
    const flags = flagsOf([...peers, ...mix('H6', 300, 90)], 'low-severity-admission', rules, policy);
    const hospital = flags.filter((f) => f.listId === null);
    expect(hospital.map((f) => f.hospitalId)).toEqual(['H6']);
    expect(hospital[0]!.evidence).toMatchObject({ cases: 300, lowSeverityCases: 90, rate: 0.3, peerRate: 0.05 });
    const cases = flags.filter((f) => f.listId !== null);
    expect(cases).toHaveLength(90);
    expect(cases[0]!.score).toBeCloseTo((90 - 300 * 0.05) / 90, 6);
  });

  it('leaves a hospital a little above its peers, and light stays that ended in transfer or death', () => {
    expect(flagsOf([...peers, ...mix('H6', 300, 21)], 'low-severity-admission', rules, policy)).toEqual([]);
    const transfers = mix('H6', 300, 90).map((c) => (c.drg === 'DT15' ? { ...c, dischargeDisposition: '2' } : c));
    expect(flagsOf([...peers, ...transfers], 'low-severity-admission', rules, policy)).toEqual([]);
  });
});

describe('rule set and risk score', () => {
  it('fills defaults, rejects unknown fields with a sentence, and can switch a rule off', () => {
    expect(rules.rules['split-admission'].windowDays).toBe(15);
    expect(rules.rules['frequent-admission'].minAdmissions).toBe(4);
    expect(rules.rules['high-cost'].reviewRatio).toBe(5);
    expect(() => parseRuleSet({ rules: { 'split-admission': { windowDay: 10 } } })).toThrow(RuleSetError);
    expect(() => parseRuleSet({ rules: { upcoding: { fdr: 2 } } })).toThrow(/rules\.upcoding\.fdr/);
    const off = parseRuleSet({ rules: { 'high-cost': { enabled: false } } });
    expect(screen([...group('ES35', 8000), row({ cost: 90_000 })], off).byRule['high-cost']).toEqual({ caseFlags: 0, hospitalFlags: 0 });
  });

  it('ranks the hospital with the flags first and says why', () => {
    const rows = [...group('ES35', 8000, 40, { hospitalId: 'H1' }), ...group('ES35', 8000, 40, { hospitalId: 'H2' }, 2)];
    for (let p = 0; p < 5; p++) rows.push(row({ hospitalId: 'H2', patientId: `S${p}`, admission: '2025-05-01' }), row({ hospitalId: 'H2', patientId: `S${p}`, admission: '2025-05-10' }));
    const result = screen(rows);
    expect(result.hospitals[0]!.hospitalId).toBe('H2');
    expect(result.hospitals[0]!.risk).toBeGreaterThan(0);
    expect(result.hospitals[0]!.rules['split-admission'].caseFlags).toBe(10);
    expect(result.hospitals[0]!.explanation).toContain('split-admission');
    expect(result.hospitals[1]!.risk).toBe(0);
  });
});
