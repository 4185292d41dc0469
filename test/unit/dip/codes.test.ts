/** DIP code rules: 4-character truncation, counted procedures, comprehensive classes, bands. */
import { describe, expect, it } from 'vitest';
import { ageBandIndex, category3, coreKey, diagnosis4, outcomeIndex, parseProcedureClasses, readProcedures } from '../../../models/grouping/dip/codes.ts';
import { classes } from './helpers.ts';

describe('DIP codes', () => {
  it('truncates the principal diagnosis to 4 characters and to its category', () => {
    expect(diagnosis4('K80.100x002')).toBe('K80.1');
    expect(diagnosis4('K80.1')).toBe('K80.1');
    expect(diagnosis4('K80.')).toBe('K80');
    expect(diagnosis4('K80')).toBe('K80');
    expect(category3('K80.100x002')).toBe('K80');
  });

  it('counts surgery, intervention and therapeutic procedures, sorted and distinct', () => {
    const r = readProcedures(['99.1800', '51.2300', '87.4400', '51.2300', '39.5000'], classes);
    expect(r.counted).toEqual(['39.5000', '51.2300', '99.1800']);
    expect(r.comprehensiveClass).toBe('surgical');
    expect(r.diagnosticOnly).toBe(false);
    expect(coreKey('K80.1', r.counted)).toBe('K80.1/39.5000+51.2300+99.1800');
  });

  it('counts diagnostic procedures only when nothing else counts, and never unclassified codes', () => {
    const r = readProcedures(['88.0100', '87.4400', 'XX.0000'], classes);
    expect(r.counted).toEqual(['87.4400', '88.0100']);
    expect(r.diagnosticOnly).toBe(true);
    expect(r.comprehensiveClass).toBe('diagnostic');
    expect(r.unclassified).toEqual(['XX.0000']);
    expect(readProcedures(['99.1800', '87.4400'], classes)).toMatchObject({ counted: ['99.1800'], comprehensiveClass: 'therapeutic' });
    expect(readProcedures(['XX.0000'], classes)).toMatchObject({ counted: [], comprehensiveClass: 'conservative' });
    expect(coreKey('K80.1', [])).toBe('K80.1/-');
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
