/**
 * The DIP hot paths against plain references (the straightforward readings of models.md §2 they
 * replaced): the partial-match core index, the compiled packet rules, the typing bits, the type
 * mask and the auxiliary coefficients must give the same answer on random inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auxiliaryTyping, bestCore, bestPartialCore, coreMatcher } from '../../../models/grouping/dip/build.ts';
import { auxiliaryTypes, caseTypeMask, category3, diagnosis4, readDipCodes, TypeFlag, typingFlags, type PacketRules, type ProcedureKind } from '../../../models/grouping/dip/codes.ts';
import { trimmedByGroup } from '../../../models/grouping/dip/stats.ts';

const startsWithAny = (code: string, prefixes: readonly string[]) => prefixes.some((p) => code.startsWith(p));

/** Every core key of the base whose related procedures are all the case's; the most of them, the first on ties. */
function linearBestCore(keys: readonly string[], base: string, own: readonly string[]): number {
  let best = -1;
  let bestSize = -1;
  keys.forEach((key, i) => {
    const plus = key.indexOf('+');
    if ((plus === -1 ? key : key.slice(0, plus)) !== base) return;
    const related = plus === -1 ? [] : key.slice(plus + 1).split('+');
    if (related.every((r) => own.includes(r)) && related.length > bestSize) {
      best = i;
      bestSize = related.length;
    }
  });
  return best;
}

/** `readDipCodes` as first written: rules scanned per case, merges read from the policy's objects. */
function plainReadDipCodes(principalDiagnosis: string, procedures: readonly string[], classes: ReadonlyMap<string, ProcedureKind>, rules: PacketRules, secondaryDiagnoses: readonly string[]) {
  const excluded = startsWithAny(principalDiagnosis, rules.exclusions.diagnoses);
  const kept = procedures.filter((c) => !rules.exclusions.procedures.includes(c));
  let rulePacket: string | null = null;
  if (!excluded) {
    for (const stage of ['pre-grouped', 'diagnosis-assisted'] as const) {
      const hit = rules.rulePackets.find((r) => r.stage === stage && startsWithAny(principalDiagnosis, r.diagnoses) && (!r.procedures || r.procedures.some((c) => kept.includes(c))) && (!r.secondaryDiagnoses || secondaryDiagnoses.some((d) => startsWithAny(d, r.secondaryDiagnoses!))));
      if (hit) {
        rulePacket = hit.id;
        break;
      }
    }
  }
  const dx4 = diagnosis4(principalDiagnosis);
  const diagnosis = rules.merge.diagnoses[dx4] ?? rules.merge.diagnoses[category3(principalDiagnosis)] ?? dx4;
  const unclassified: string[] = [];
  let principal: string | null = null;
  let principalKind: ProcedureKind | null = null;
  const related = new Set<string>();
  for (const raw of kept) {
    const kind = classes.get(raw);
    if (kind === undefined) {
      unclassified.push(raw);
      continue;
    }
    const code = rules.merge.procedures[raw] ?? raw;
    if (principal === null) {
      principal = code;
      principalKind = kind;
    } else if (kind !== 'diagnostic' && code !== principal) related.add(code);
  }
  const cls = { surgery: 'surgical', intervention: 'surgical', therapeutic: 'therapeutic', diagnostic: 'diagnostic' } as const;
  return { excluded, rulePacket, diagnosis, category: category3(diagnosis), principal, related: [...related].sort(), procedureClass: principalKind ? cls[principalKind] : 'conservative', unclassified };
}

const failure = ['R57', 'A40', 'A41', 'R65.1', 'J96', 'N17', 'N18', 'N19', 'I50', 'K72', 'I46', 'D65'];
const vitalOrgan = ['I21', 'I22', 'I60', 'I61', 'I62', 'I63', 'I64', 'J12', 'J13', 'J14', 'J15', 'J16', 'J17', 'J18', 'K65', 'G00', 'G01', 'G02', 'G03', 'G04', 'I33', 'K75.0'];

/** The secondary-diagnosis bits of `typingFlags` by regular expression and prefix lists. */
function plainDiagnosisFlags(principal: string, secondaries: readonly string[]): number {
  let f = 0;
  for (const d of secondaries) {
    if (/^C7[789]/.test(d) && category3(d) !== category3(principal)) f |= TypeFlag.Metastasis;
    if (startsWithAny(d, failure)) f |= TypeFlag.Failure;
    if (startsWithAny(d, vitalOrgan)) f |= TypeFlag.VitalOrgan;
  }
  if (/^C\d\d/.test(principal)) f |= TypeFlag.Malignant;
  return f;
}

/** `caseTypeMask` by type names. */
function plainTypeMask(flags: number, ageBand: number, costRatio: number, icuBand: number): number {
  const long = (flags & TypeFlag.LongStay) !== 0;
  const met: string[] = [];
  if (flags & TypeFlag.Malignant) {
    if (flags & TypeFlag.Death) met.push('tumour-death');
    if (costRatio >= 3 && flags & TypeFlag.TreatmentHeavy) met.push('tumour-treatment');
    if (costRatio >= 3 && flags & TypeFlag.DrugHeavy) met.push('tumour-drug');
    if (long && flags & TypeFlag.Metastasis) met.push('tumour-metastasis');
    if (long && flags & TypeFlag.Failure) met.push('tumour-failure');
    if (long && flags & TypeFlag.VitalOrgan) met.push('tumour-vital-organ');
    if (met.length === 0) met.push('tumour-other');
  } else {
    if (flags & TypeFlag.Death) met.push('death');
    if (long && flags & TypeFlag.Failure) met.push('severe');
    if (long && flags & TypeFlag.VitalOrgan) met.push('moderate');
    if (met.length === 0) met.push('mild');
  }
  const ageIds = ['age-0-28d', 'age-29d-1y', 'age-1-6', 'age-7-17', null, 'age-65'];
  const icuIds = ['icu-2-7', 'icu-8-14', 'icu-15-30', 'icu-31'];
  if (ageIds[ageBand]) met.push(ageIds[ageBand]!);
  if (icuBand >= 0) met.push(icuIds[icuBand]!);
  return met.reduce((mask, id) => mask | (1 << auxiliaryTypes.findIndex((t) => t.id === id)), 0);
}

const procedurePool = ['51.2300', '51.2200', '39.5000', '99.1800', '87.4400', 'XX.0000', '45.1300'];
const classes = new Map<string, ProcedureKind>([['51.2300', 'surgery'], ['51.2200', 'surgery'], ['39.5000', 'intervention'], ['99.1800', 'therapeutic'], ['87.4400', 'diagnostic'], ['45.1300', 'diagnostic']]);
const diagnosisPool = ['K80.100x002', 'K80.1', 'K80', 'K81.000', 'C34.100', 'C78.000', 'Z51.100', 'C92.000', 'I21.900', 'R65.100', 'R65.200', 'K75.000', 'K75.100', 'J96', 'C7', 'A4'];

describe('DIP hot paths', () => {
  it('the partial-match index gives the packet of the linear scan over all core keys (property)', () => {
    const related = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 4 });
    const key = fc.record({ base: fc.constantFrom('K80.1/51.2300', 'K80.1/-', 'I21.9/36.0600'), related });
    fc.assert(
      fc.property(fc.uniqueArray(key.map((k) => (k.related.length > 0 ? `${k.base}+${[...k.related].sort().join('+')}` : k.base)), { maxLength: 12 }), key, (keys, c) => {
        const matcher = coreMatcher(keys);
        const packetOfKey = new Map(keys.map((k, i) => [k, i]));
        const own = [...c.related].sort();
        const expected = linearBestCore(keys, c.base, own);
        const ownKey = own.length > 0 ? `${c.base}+${own.join('+')}` : c.base;
        expect(bestCore(matcher, c.base, ownKey, packetOfKey)).toBe(expected);
        expect(packetOfKey.get(ownKey) ?? bestPartialCore(matcher, c.base, own, packetOfKey)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('compiled packet rules read a case as the rules scanned per case do (property)', () => {
    const prefixes = fc.array(fc.constantFrom('K80', 'K80.1', 'C', 'C34', 'Z51.1', 'C92', 'I2', 'J9'), { minLength: 1, maxLength: 3 });
    const rule = fc.record({ id: fc.constantFrom('P1', 'P2', 'P3', 'P4'), stage: fc.constantFrom('pre-grouped' as const, 'diagnosis-assisted' as const), diagnoses: prefixes, procedures: fc.option(fc.array(fc.constantFrom(...procedurePool), { minLength: 1, maxLength: 2 }), { nil: undefined }), secondaryDiagnoses: fc.option(prefixes, { nil: undefined }) });
    const rules = fc.record({
      exclusions: fc.record({ diagnoses: fc.array(fc.constantFrom('Z51', 'K81', 'C7'), { maxLength: 2 }), procedures: fc.array(fc.constantFrom(...procedurePool), { maxLength: 2 }) }),
      merge: fc.record({ diagnoses: fc.dictionary(fc.constantFrom('K80.1', 'K81', 'C34.1', 'I21.9'), fc.constantFrom('K80.1', 'K80.2', 'X00.0')), procedures: fc.dictionary(fc.constantFrom(...procedurePool), fc.constantFrom('51.2300', '51.2200', '99.9900')) }),
      rulePackets: fc.array(rule, { maxLength: 4 }),
    });
    const record = fc.record({ principal: fc.constantFrom(...diagnosisPool), procedures: fc.array(fc.constantFrom(...procedurePool), { maxLength: 5 }), secondaries: fc.array(fc.constantFrom(...diagnosisPool), { maxLength: 3 }) });
    fc.assert(
      fc.property(rules, fc.array(record, { minLength: 1, maxLength: 5 }), (r, cases) => {
        // The same rules object is read several times: the compiled form is reused.
        for (const c of cases) expect(readDipCodes(c.principal, c.procedures, classes, r, c.secondaries)).toEqual(plainReadDipCodes(c.principal, c.procedures, classes, r, c.secondaries));
      }),
      { numRuns: 500 },
    );
  });

  it('reads a rules object again when its lists are replaced', () => {
    const rules: PacketRules = { exclusions: { diagnoses: [], procedures: [] }, merge: { diagnoses: {}, procedures: {} }, rulePackets: [] };
    expect(readDipCodes('K80.100', ['51.2300'], classes, rules).rulePacket).toBeNull();
    rules.rulePackets = [{ id: 'P', stage: 'pre-grouped', diagnoses: ['K80'] }];
    rules.merge = { diagnoses: { 'K80.1': 'K80.2' }, procedures: {} };
    expect(readDipCodes('K80.100', ['51.2300'], classes, rules)).toMatchObject({ rulePacket: 'P', diagnosis: 'K80.2' });
  });

  it('typing bits and the type mask agree with the prefix lists and type names (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...diagnosisPool), fc.array(fc.constantFrom(...diagnosisPool, 'N18.500', 'G03', 'R57.100', 'C79.500', 'C77'), { maxLength: 5 }), (principal, secondaries) => {
        const f = typingFlags({ principalDiagnosis: principal, secondaryDiagnoses: secondaries, dischargeDisposition: '1' });
        expect(f).toBe(plainDiagnosisFlags(principal, secondaries));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 1, 2.99, 3, 7, NaN), fc.integer({ min: -1, max: 3 }), (flags, age, ratio, icu) => {
        expect(caseTypeMask(flags, age, ratio, icu)).toBe(plainTypeMask(flags, age, ratio, icu));
      }),
      { numRuns: 1000 },
    );
  });

  it('auxiliary coefficients equal the trimmed mean of each type’s cases over the packet’s (property)', () => {
    const member = fc.record({ flags: fc.integer({ min: 0, max: 255 }), age: fc.integer({ min: 0, max: 5 }), icu: fc.integer({ min: 0, max: 4 }), cost: fc.integer({ min: 1, max: 50 }).map((c) => c * 100) });
    fc.assert(
      fc.property(fc.array(member, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 10 }), (rows, minCases) => {
        const m = rows.length;
        const members = Int32Array.from(rows, (_, j) => j);
        const adjusted = Float64Array.from(rows, (r) => r.cost);
        const flags = Uint8Array.from(rows, (r) => r.flags);
        const age = Uint8Array.from(rows, (r) => r.age);
        const icu = Uint8Array.from(rows, (r) => r.icu);
        const trim = [0.025, 0.975] as const;
        const standard = adjusted.reduce((a, b) => a + b, 0) / m;
        const typing = auxiliaryTyping('P', members, adjusted, flags, age, icu, standard, trim, minCases, 0);
        if (!typing) return;
        const mask = rows.map((r, j) => caseTypeMask(r.flags, r.age, adjusted[j]! / standard, r.icu - 1));
        const packetMean = trimmedByGroup(new Int32Array(m), 1, adjusted, trim).mean[0]!;
        for (const t of typing.types) {
          const ty = auxiliaryTypes.findIndex((a) => a.id === t.type);
          const st = trimmedByGroup(Int32Array.from(mask, (x) => ((x >> ty) & 1 ? 0 : -1)), 1, adjusted, trim);
          const expected = st.count[0]! >= minCases ? st.mean[0]! / packetMean : NaN;
          expect(t.coefficient).toBe(Math.round(expected * 1e4) / 1e4);
        }
      }),
      { numRuns: 300 },
    );
  });
});
