/** The grouper on the real CHS-DRG 1.1 pack, with hand-made cases whose groups follow from the scheme text. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupCase, indexRulePack, type GroupingInput } from '../../../models/grouping/drg/grouper.ts';
import { chsDrg11 } from '../../helpers/scheme.ts';

const { pack } = chsDrg11();
const adult: GroupingInput = { sex: 'M', ageYears: 60, principalDiagnosis: 'I63.900', secondaryDiagnoses: [], procedures: [] };
const newborn = (birthWeightGrams: number, ageDays = 5): GroupingInput => ({ sex: 'F', ageYears: 0, ageDays, birthWeightGrams, principalDiagnosis: 'P07.200', secondaryDiagnoses: [], procedures: [] });

describe('groupCase on CHS-DRG 1.1', () => {
  it('keeps what it remembers per code bounded: 100 001 unknown principal codes start the memory over, and a known case still groups the same', () => {
    const before = groupCase(pack, { ...adult, secondaryDiagnoses: ['J18.900'], procedures: ['47.0900'] });
    for (let i = 0; i <= 100_000; i++) expect(groupCase(pack, { ...adult, principalDiagnosis: `ZZ${i}`, procedures: [`99.${i}`] }, { trace: false }).status).toBe('ungroupable');
    const index = indexRulePack(pack);
    expect(index.principalFacts.size).toBeLessThanOrEqual(100_000);
    expect(index.procedureFacts.size).toBeLessThanOrEqual(100_000);
    expect(groupCase(pack, { ...adult, secondaryDiagnoses: ['J18.900'], procedures: ['47.0900'] })).toEqual(before);
  });

  it('groups a cerebral infarction into BR2 by its principal diagnosis, with a trace in words', () => {
    const result = groupCase(pack, adult);
    expect(result).toMatchObject({ status: 'grouped', mdc: 'MDCB', adrg: 'BR2' });
    expect(result.drg).toMatch(/^BR2[1359]$/);
    expect(result.trace[0]!.text).toContain('MDCB');
    expect(result.trace.some((t) => t.step === 'adrg' && t.text.includes('I63.900'))).toBe(true);
  });

  it('sends an operating-room principal procedure that no surgical ADRG of the MDC lists to BQY, or on to the medical ADRGs in fall-through mode', () => {
    const appendectomy = { ...adult, procedures: ['47.0900'] };
    const official = groupCase(pack, appendectomy);
    expect(official).toMatchObject({ status: 'ambiguous', mdc: 'MDCB', adrg: 'BQY', drg: 'BQY' });
    expect(official.trace.at(-1)!.text).toContain('47.0900 is an operating-room procedure but matches no surgical ADRG of MDCB');
    expect(groupCase(pack, appendectomy, { ambiguous: 'fallthrough' })).toMatchObject({ status: 'grouped', adrg: 'BR2' });
  });

  it('places preterm newborns in PS1–PS4 by the birth-weight bands of the group names', () => {
    expect(groupCase(pack, newborn(1200)).adrg).toBe('PS1');
    expect(groupCase(pack, newborn(1500)).adrg).toBe('PS2');
    expect(groupCase(pack, newborn(1999)).adrg).toBe('PS2');
    expect(groupCase(pack, newborn(2000)).drg).toBe('PS39');
    expect(groupCase(pack, newborn(2500)).adrg).toBe('PS4');
  });

  it('keeps the newborn groups for ages under 29 days and PV1 for 29 days to 1 year', () => {
    const infant = { ...newborn(3200), principalDiagnosis: 'A04.000x001' };
    expect(groupCase(pack, { ...infant, ageDays: 28 }).adrg).toBe('PU1');
    expect(groupCase(pack, { ...infant, ageDays: 29 }).adrg).toBe('PV1');
    expect(groupCase(pack, { ...infant, ageYears: 1, ageDays: undefined }).mdc).not.toBe('MDCP');
  });

  it('gives a male-only principal diagnosis to MDCM for men and never to women', () => {
    expect(groupCase(pack, { ...adult, principalDiagnosis: 'N40.x00' }).mdc).toBe('MDCM');
    const woman = groupCase(pack, { ...adult, sex: 'F', principalDiagnosis: 'N40.x00' });
    expect(woman.status).toBe('ungroupable');
    expect(woman.trace[0]!.text).toContain('MDCM is for male patients');
  });

  it('takes a pancreas–kidney transplant (同时包含) in either procedure order, and a kidney alone to AE1', () => {
    expect(groupCase(pack, { ...adult, procedures: ['55.6901', '52.8000'] }).drg).toBe('AC19');
    expect(groupCase(pack, { ...adult, procedures: ['52.8000', '55.6901'] }).drg).toBe('AC19');
    expect(groupCase(pack, { ...adult, procedures: ['55.6901'] }).drg).toBe('AE19');
  });

  it('always yields one of the statuses and a DRG of the chosen ADRG (property)', () => {
    const codes = ['I63.900', 'N40.x00', 'P07.200', 'S06.500', 'K80.100', 'C50.900', 'B20.000', 'Z51.100'];
    const procedures = ['47.0900', '55.6901', '01.2401', '99.2501', '96.7201', '88.4403'];
    fc.assert(
      fc.property(
        fc.record({
          sex: fc.constantFrom('M' as const, 'F' as const),
          ageYears: fc.integer({ min: 0, max: 100 }),
          ageDays: fc.integer({ min: 0, max: 364 }),
          birthWeightGrams: fc.integer({ min: 500, max: 5000 }),
          principalDiagnosis: fc.constantFrom(...codes),
          secondaryDiagnoses: fc.array(fc.constantFrom(...codes, 'J96.000', 'E87.100'), { maxLength: 4 }),
          procedures: fc.array(fc.constantFrom(...procedures), { maxLength: 3 }),
        }),
        fc.constantFrom('qy' as const, 'fallthrough' as const),
        (record, ambiguous) => {
          const r = groupCase(pack, record, { ambiguous });
          if (r.status === 'grouped') expect(r.drg!.slice(0, 3)).toBe(r.adrg);
          if (r.status === 'ambiguous') expect(ambiguous).toBe('qy');
          if (r.status === 'ungroupable') expect(r.drg).toBeNull();
          expect(groupCase(pack, record, { ambiguous, trace: false }).drg).toBe(r.drg);
        },
      ),
      { numRuns: 300 },
    );
  });
});
