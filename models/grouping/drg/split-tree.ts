/**
 * A local scheme's DRG splits (x1: MCC, x3: MCC or CC, x5: otherwise; age, stay, …) as a small
 * binary decision tree over the distinct facts they read, built once per ADRG: a case answers
 * each fact it is asked at most once, only those that still matter, and no split is re-tested.
 * The tree gives exactly the first split whose condition holds (or none): it is built by trying
 * every combination of the facts against the splits in order, so it cannot disagree with them.
 */
import { allChecksHold, factHolds, type Check } from './checks.ts';
import type { GroupingInput, SeverityTables } from './local-conditions.ts';

/** Beyond this many distinct facts (2^n combinations), the splits are tested one by one instead. */
const maxFacts = 8;

export interface SplitTree {
  /** The facts, each a check without its negation. */
  facts: Check[];
  /** Per node: the fact it tests, or -1 for a leaf. */
  test: Int8Array;
  /** Per node: the next node when the fact holds / does not. */
  whenTrue: Int16Array;
  whenFalse: Int16Array;
  /** Per leaf: the split chosen (its index), or -1 for none. */
  choice: Int16Array;
}

/** A key that is equal for checks that test the same fact (negation aside): small code lists by their codes, large ones by identity. */
function factKey(c: Check, setIds: Map<Set<string>, number>): string {
  let list = '';
  if (c.set !== null && c.set.size <= 64) list = [...c.set].sort().join(',');
  else if (c.set !== null) {
    const id = setIds.get(c.set) ?? setIds.size;
    setIds.set(c.set, id);
    list = `#${id}`;
  }
  return `${c.kind}|${c.field}|${c.op}|${c.value}|${c.max}|${list}`;
}

/** The decision tree of a split list (each split: its alternatives' checks); null when it reads too many facts. */
export function splitTree(splits: Check[][][]): SplitTree | null {
  const setIds = new Map<Set<string>, number>();
  const factOf = new Map<string, number>();
  const facts: Check[] = [];
  // Each check as (fact, negated).
  const compiled = splits.map((alternatives) =>
    alternatives.map((checks) =>
      checks.map((c) => {
        const key = factKey(c, setIds);
        let fact = factOf.get(key);
        if (fact === undefined) {
          fact = facts.length;
          factOf.set(key, fact);
          facts.push(c);
        }
        return { fact, negated: c.negated };
      }),
    ),
  );
  if (facts.length > maxFacts) return null;
  const chosen = (bits: number): number => compiled.findIndex((alternatives) => alternatives.some((checks) => checks.every((c) => (((bits >> c.fact) & 1) === 1) !== c.negated)));
  const test: number[] = [];
  const whenTrue: number[] = [];
  const whenFalse: number[] = [];
  const choice: number[] = [];
  // Shannon expansion in the facts' order of first appearance, a leaf wherever the rest cannot change the choice.
  const build = (fact: number, bits: number): number => {
    const node = test.length;
    test.push(-1);
    whenTrue.push(-1);
    whenFalse.push(-1);
    choice.push(-1);
    const outcomes = new Set<number>();
    for (let rest = 0; rest < 1 << (facts.length - fact); rest++) outcomes.add(chosen(bits | (rest << fact)));
    if (outcomes.size === 1) {
      choice[node] = [...outcomes][0]!;
      return node;
    }
    test[node] = fact;
    whenTrue[node] = build(fact + 1, bits | (1 << fact));
    whenFalse[node] = build(fact + 1, bits);
    return node;
  };
  build(0, 0);
  return { facts, test: Int8Array.from(test), whenTrue: Int16Array.from(whenTrue), whenFalse: Int16Array.from(whenFalse), choice: Int16Array.from(choice) };
}

/** The split the case takes (its index), or -1 when none holds. */
export function chooseSplit(tree: SplitTree, r: GroupingInput, orProcedure: string | null, severity: SeverityTables): number {
  let node = 0;
  for (let fact = tree.test[0]!; fact >= 0; fact = tree.test[node]!) node = factHolds(tree.facts[fact]!, r, orProcedure, severity) ? tree.whenTrue[node]! : tree.whenFalse[node]!;
  return tree.choice[node]!;
}

/** The same choice by testing the splits one by one (the reference the tree is checked against). */
export function chooseSplitInOrder(splits: Check[][][], r: GroupingInput, orProcedure: string | null, severity: SeverityTables): number {
  return splits.findIndex((alternatives) => alternatives.some((checks) => allChecksHold(checks, r, orProcedure, severity)));
}
