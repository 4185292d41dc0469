/** Clinical-edition (国临版) codes mapped to the insurance edition before validation. */
import { describe, expect, it } from 'vitest';
import { loadClinicalCodeMaps, loadCodeSets } from '../../../lib/codesets.ts';
import { mapClinicalCodes, parseCodeMap, type ClinicalCodeMaps } from '../../../models/settlement/code-map.ts';
import { validateRecord } from '../../../models/settlement/validate.ts';

const maps: ClinicalCodeMaps = {
  diagnoses: new Map([['A01.000x002', 'A01.003'], ['I10.x00', 'I10.x00']]),
  procedures: new Map([['47.0901', '47.0900']]),
};
const record = { listId: 'L1', sex: 'M', ageYears: 40, lengthOfStay: 3, dischargeDisposition: '1', principalDiagnosis: 'A01.000x002', secondaryDiagnoses: ['I10.x00'], procedures: ['47.0901'] };

describe('parseCodeMap', () => {
  it('reads pairs, tolerates a BOM, CRLF and blank lines, and reports malformed lines by number', () => {
    const { map, malformed } = parseCodeMap('\ufeffA B\r\n\nC D\nE\nF G H\n');
    expect([...map]).toEqual([['A', 'B'], ['C', 'D']]);
    expect(malformed).toEqual([4, 5]);
  });
});

describe('mapClinicalCodes', () => {
  it('leaves insurance-edition records as they are (the same object)', () => {
    expect(mapClinicalCodes(record, maps)).toEqual({ ok: true, record });
    const same = mapClinicalCodes({ ...record, codeEdition: 'chs-2.0' }, maps, 'gl-2.0');
    expect(same.ok && (same.record as { principalDiagnosis: string }).principalDiagnosis).toBe('A01.000x002');
  });

  it('maps a gl-2.0 record and keeps the originals', () => {
    const out = mapClinicalCodes({ ...record, codeEdition: 'gl-2.0' }, maps);
    expect(out).toEqual({ ok: true, record: { ...record, codeEdition: 'chs-2.0', principalDiagnosis: 'A01.003', secondaryDiagnoses: ['I10.x00'], procedures: ['47.0900'], originalCodes: { edition: 'gl-2.0', principalDiagnosis: 'A01.000x002', secondaryDiagnoses: ['I10.x00'], procedures: ['47.0901'] } } });
  });

  it('maps by the batch default when the record names no edition', () => {
    const out = mapClinicalCodes(record, maps, 'gl-2.0');
    expect(out.ok && (out.record as { procedures: string[] }).procedures).toEqual(['47.0900']);
  });

  it('names every code without a mapping, by path', () => {
    const out = mapClinicalCodes({ ...record, codeEdition: 'gl-2.0', secondaryDiagnoses: ['I10.x00', 'Z99.999'], procedures: ['00.0000'] }, maps);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.problems.map((p) => [p.code, p.path])).toEqual([['unmapped-code', 'secondaryDiagnoses[1]'], ['unmapped-code', 'procedures[0]']]);
    expect(out.problems[0]!.message).toContain('"Z99.999"');
  });

  it('refuses an unknown edition', () => {
    const out = mapClinicalCodes({ ...record, codeEdition: 'icd-11' }, maps);
    expect(out).toMatchObject({ ok: false, problems: [{ code: 'invalid-value', path: 'codeEdition' }] });
  });

  it('with the reference maps, a clinical record becomes a valid insurance-edition record', () => {
    const real = loadClinicalCodeMaps();
    expect(real.diagnoses.get('A01.000x002')).toBe('A01.003');
    expect(real.diagnoses.size).toBeGreaterThan(30_000);
    const out = mapClinicalCodes({ ...record, codeEdition: 'gl-2.0', secondaryDiagnoses: [], procedures: [] }, real);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const { originalCodes: _o, codeEdition: _e, ...mapped } = out.record as Record<string, unknown>;
    const v = validateRecord(mapped, { mode: 'group', codeSets: loadCodeSets() });
    expect(v.ok).toBe(true);
  });
});
