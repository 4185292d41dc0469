/**
 * A local scheme's DRG splits as a decision tree (models/grouping/drg/split-tree.ts) must choose
 * exactly the split that testing them in order chooses — for any split list and any case.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileChecks, type Check } from '../../../models/grouping/drg/checks.ts';
import { clearSeverityMemo, indexCondition, type GroupingInput, type SeverityTables } from '../../../models/grouping/drg/local-conditions.ts';
import type { Condition } from '../../../models/grouping/drg/pack.ts';
import { chooseSplit, chooseSplitInOrder, splitTree } from '../../../models/grouping/drg/split-tree.ts';

/** MCC/CC: M1 an MCC excluded by nothing, C1 a CC, M2 an MCC and CC of exclusion table T1, which principal P1 is in. */
const levels = new Map<string, { mcc?: string | null; cc?: string | null }>([
  ['M1', { mcc: null }],
  ['C1', { cc: null }],
  ['M2', { mcc: 'T1', cc: 'T1' }],
]);
const severity: SeverityTables = {
  mcc: new Map([['M1', null], ['M2', 'T1']]),
  cc: new Map([['C1', null], ['M2', 'T1']]),
  levels,
  excludingTables: new Map([['P1', new Set(['T1'])]]),
};
const lists = [['X1', 'X2'], ['X3']];
const setOf = (i: number) => new Set(lists[i]);

/** The facts local schemes split on, each also negated where the pack can say so. */
const conditionPool: Condition[] = [
  { kind: 'mcc' },
  { kind: 'cc' },
  { kind: 'mcc', negated: true },
  { kind: 'compare', field: 'diagnosisCount', op: '>', value: 1 },
  { kind: 'compare', field: 'ageYears', op: '>=', value: 65 },
  { kind: 'compare', field: 'ageYears', op: '<', value: 18 },
  { kind: 'compare', field: 'stay', op: '<=', value: 5 },
  { kind: 'present', field: 'icuHours' },
  { kind: 'present', field: 'stay', negated: true },
  { kind: 'sex', sex: 'F' },
  { kind: 'disposition', codes: ['5'] },
  { kind: 'secondaryProcedure', list: 0 },
  { kind: 'anyDiagnosis', list: 1, negated: true },
];
const compile = (conditions: Condition[]): Check[] => compileChecks(conditions.map((c) => ({ kind: 'local' as const, local: indexCondition(c, setOf) })));

const splitsArb = fc.array(fc.array(fc.array(fc.constantFrom(...conditionPool), { maxLength: 3 }), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 });
const caseArb: fc.Arbitrary<GroupingInput> = fc.record({
  sex: fc.constantFrom('M' as const, 'F' as const),
  ageYears: fc.integer({ min: 0, max: 100 }),
  principalDiagnosis: fc.constantFrom('P1', 'P2', 'X3'),
  secondaryDiagnoses: fc.array(fc.constantFrom('M1', 'C1', 'M2', 'X3', 'Z9'), { maxLength: 4 }),
  procedures: fc.array(fc.constantFrom('X1', 'X2', 'Y1'), { maxLength: 3 }),
  lengthOfStay: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  dischargeDisposition: fc.option(fc.constantFrom('1', '5'), { nil: undefined }),
  icuHours: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
});

describe('DRG splits as a decision tree', () => {
  it('chooses the same split as testing the splits in order, for any split list and case', () => {
    let trees = 0;
    fc.assert(
      fc.property(splitsArb, fc.array(caseArb, { minLength: 1, maxLength: 20 }), (splitConditions, cases) => {
        const splits = splitConditions.map((alternatives) => alternatives.map(compile));
        const tree = splitTree(splits);
        const facts = new Set(splitConditions.flat(2).map((c) => JSON.stringify({ ...c, negated: undefined })));
        expect(tree === null).toBe(facts.size > 8);
        if (tree === null) return;
        trees++;
        for (const r of cases) {
          clearSeverityMemo(severity.excludingTables.get(r.principalDiagnosis));
          const inOrder = chooseSplitInOrder(splits, r, null, severity);
          clearSeverityMemo(severity.excludingTables.get(r.principalDiagnosis));
          expect(chooseSplit(tree!, r, null, severity)).toBe(inOrder);
        }
      }),
      { numRuns: 500 },
    );
    expect(trees).toBeGreaterThan(400);
  });

  it('asks only the facts that still matter: x1 MCC / x3 MCC or CC / x5 otherwise is three tests at most, one when the case has an MCC', () => {
    const more: Condition = { kind: 'compare', field: 'diagnosisCount', op: '>', value: 1 };
    const splits = [[compile([more, { kind: 'mcc' }])], [compile([more, { kind: 'mcc' }]), compile([more, { kind: 'cc' }])], [compile([])]];
    const tree = splitTree(splits)!;
    expect(tree.facts).toHaveLength(3);
    // Root tests "more than one diagnosis"; without one, x5 at once.
    expect(tree.test[0]).toBe(0);
    const leafWithout = tree.whenFalse[0]!;
    expect(tree.test[leafWithout]).toBe(-1);
    expect(tree.choice[leafWithout]).toBe(2);
    const patient = (secondaryDiagnoses: string[]): GroupingInput => ({ sex: 'M', ageYears: 50, principalDiagnosis: 'P2', secondaryDiagnoses, procedures: [] });
    for (const [secondary, split] of [[['M1'], 0], [['C1'], 1], [['Z9'], 2], [[], 2]] as const) {
      clearSeverityMemo(undefined);
      expect(chooseSplit(tree, patient([...secondary]), null, severity), secondary.join()).toBe(split);
    }
    // M2 is excluded for principal P1: neither MCC nor CC counts.
    clearSeverityMemo(severity.excludingTables.get('P1'));
    expect(chooseSplit(tree, { ...patient(['M2']), principalDiagnosis: 'P1' }, null, severity)).toBe(2);
  });

  it('falls back to testing in order beyond eight distinct facts', () => {
    const many: Condition[] = Array.from({ length: 9 }, (_, i) => ({ kind: 'compare', field: 'ageYears', op: '>=', value: i * 10 }));
    expect(splitTree(many.map((c) => [compile([c])]))).toBeNull();
    expect(splitTree(many.slice(0, 8).map((c) => [compile([c])]))).not.toBeNull();
  });
});
