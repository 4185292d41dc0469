/** DIP code rules: 4-character truncation, principal and related procedures, classes, typing facts, bands. */
import { describe, expect, it } from 'vitest';
import { codesKey, splitCodesKey } from '../../../models/grouping/dip/cases.ts';
import { ageBandIndex, auxiliaryTypes, icuBandIndex, icuDays, baseKey, caseTypeMask, category3, coreKey, diagnosis4, noPacketRules, outcomeIndex, parseProcedureClasses, readDipCodes, TypeFlag, typingFlags } from '../../../models/grouping/dip/codes.ts';
import { classes } from './helpers.ts';

describe('DIP codes', () => {
  it('truncates the principal diagnosis to 4 characters and to its category', () => {
    expect(diagnosis4('K80.100x002')).toBe('K80.1');
    expect(diagnosis4('K80.1')).toBe('K80.1');
    expect(diagnosis4('K80.')).toBe('K80');
    expect(diagnosis4('K80')).toBe('K80');
    expect(category3('K80.100x002')).toBe('K80');
  });

  it('reads the principal procedure (first classified), related treatment procedures and the principal class', () => {
    const r = readDipCodes('K80.100x002', ['XX.0000', '99.1800', '51.2300', '87.4400', '51.2300', '39.5000'], classes, noPacketRules);
    expect(r).toMatchObject({ excluded: false, rulePacket: null, diagnosis: 'K80.1', category: 'K80', principal: '99.1800', related: ['39.5000', '51.2300'], procedureClass: 'therapeutic', unclassified: ['XX.0000'] });
    expect(coreKey(baseKey(r.diagnosis, r.principal), r.related)).toBe('K80.1/99.1800+39.5000+51.2300');
    expect(readDipCodes('K80.1', ['87.4400', '51.2300'], classes, noPacketRules)).toMatchObject({ principal: '87.4400', related: ['51.2300'], procedureClass: 'diagnostic' });
    expect(readDipCodes('K80.1', ['XX.0000'], classes, noPacketRules)).toMatchObject({ principal: null, related: [], procedureClass: 'conservative' });
    expect(baseKey('K80.1', null)).toBe('K80.1/-');
  });

  it('keeps the classes in the codes key, so the builder reads it without the class file', () => {
    const key = codesKey('K80.100x002', ['51.2300', 'XX.0000', '87.4400'], classes);
    expect(key).toBe('K80.100x002|51.2300:s+87.4400:d');
    expect(splitCodesKey(key)).toEqual({ principalDiagnosis: 'K80.100x002', procedures: ['51.2300', '87.4400'], classes: new Map([['51.2300', 'surgery'], ['87.4400', 'diagnostic']]), secondaryDiagnoses: [] });
    expect(splitCodesKey('A01.0|')).toEqual({ principalDiagnosis: 'A01.0', procedures: [], classes: new Map(), secondaryDiagnoses: [] });
  });

  it('counts ICU days as begun days and bands them 2–7, 8–14, 15–30, ≥ 31', () => {
    expect([undefined, 0, 1, 24, 25, 168, 169, 720, 721].map((h) => icuDays(h))).toEqual([0, 0, 1, 1, 2, 7, 8, 30, 31]);
    expect([0, 1, 2, 7, 8, 14, 15, 30, 31, 400].map(icuBandIndex)).toEqual([-1, -1, 0, 0, 1, 1, 2, 2, 3, 3]);
    const names = (mask: number) => auxiliaryTypes.filter((_, i) => (mask >> i) & 1).map((t) => t.id);
    expect(names(caseTypeMask(0, 4, 1, 2))).toEqual(['mild', 'icu-15-30']);
    expect(names(caseTypeMask(0, 5, 1, -1))).toEqual(['mild', 'age-65']);
  });

  it('reads the auxiliary typing facts and the types a case meets', () => {
    const f = typingFlags({ principalDiagnosis: 'C34.100', secondaryDiagnoses: ['C78.000', 'R57.000'], dischargeDisposition: '1', lengthOfStay: 4, totalCost: 100, costs: { westernDrugs: 30, patentDrugs: 20, treatment: 10 } });
    expect(f).toBe(TypeFlag.Metastasis | TypeFlag.Failure | TypeFlag.LongStay | TypeFlag.DrugHeavy | TypeFlag.Malignant);
    // A metastasis code of the principal's own category is not a metastasis.
    expect(typingFlags({ principalDiagnosis: 'C78.000', secondaryDiagnoses: ['C78.100'], dischargeDisposition: '1' }) & TypeFlag.Metastasis).toBe(0);
    const names = (mask: number) => auxiliaryTypes.filter((_, i) => (mask >> i) & 1).map((t) => t.id);
    expect(names(caseTypeMask(f, 5, 3.5))).toEqual(['tumour-drug', 'tumour-metastasis', 'tumour-failure', 'age-65']);
    expect(names(caseTypeMask(f, 4, 2.9))).toEqual(['tumour-metastasis', 'tumour-failure']);
    expect(names(caseTypeMask(TypeFlag.Failure, 0, 1))).toEqual(['mild', 'age-0-28d']);
    expect(names(caseTypeMask(TypeFlag.Death | TypeFlag.VitalOrgan | TypeFlag.LongStay, 4, 1))).toEqual(['death', 'moderate']);
  });

  it('parses the class file and its four labels', () => {
    const m = parseProcedureClasses('\uFEFF51.2300 手术\n39.5000 介入治疗\r\n99.1800 治疗性操作\n87.4400 诊断性操作\n 诊断性操作\n\n');
    expect([...m]).toEqual([['51.2300', 'surgery'], ['39.5000', 'intervention'], ['99.1800', 'therapeutic'], ['87.4400', 'diagnostic']]);
  });

  it('bands ages 0–28 d / 29 d–1 y / 1–6 / 7–17 / 18–64 / ≥ 65 and reads death and transfer', () => {
    expect([ageBandIndex(0, 28), ageBandIndex(0, 29), ageBandIndex(0, undefined), ageBandIndex(1, undefined), ageBandIndex(6, undefined), ageBandIndex(7, undefined), ageBandIndex(17, undefined), ageBandIndex(18, undefined), ageBandIndex(64, undefined), ageBandIndex(65, undefined)]).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect(['1', '2', '3', '4', '5', '9'].map(outcomeIndex)).toEqual([0, 2, 2, 0, 1, 0]);
  });
});
