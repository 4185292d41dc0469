/**
 * Agreement with the independent grouper on the 2 000 dev cases (fall-through mode): ≥ 99 %
 * exact DRG, and every disagreement is the one recorded, with the rule text, in
 * test/fixtures/grouping/dev-disagreements.json — a new disagreement fails this test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupCase, type GroupingInput } from '../../../models/grouping/drg/grouper.ts';
import { referencePath } from '../../../lib/reference.ts';
import { chsDrg11 } from '../../helpers/scheme.ts';
import disagreements from '../../fixtures/grouping/dev-disagreements.json' with { type: 'json' };

const readJsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as T);

describe('agreement with the independent CHS-DRG 1.1 grouper on the dev cases', () => {
  const cases = readJsonl<GroupingInput & { listId: string }>(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'));
  const expected = new Map(readJsonl<{ listId: string; drg: string | null }>(referencePath('dev-cases', 'chs-drg-1.1-expected.jsonl')).map((e) => [e.listId, e.drg]));
  const { pack } = chsDrg11();
  const differing = cases
    .map((c) => ({ listId: c.listId, ours: groupCase(pack, c, { ambiguous: 'fallthrough', trace: false }).drg, independent: expected.get(c.listId) ?? null }))
    .filter((r) => r.ours !== r.independent);

  it('agrees on at least 99 % of the cases', () => {
    expect(cases).toHaveLength(2000);
    expect((cases.length - differing.length) / cases.length).toBeGreaterThanOrEqual(0.99);
  });

  it('disagrees exactly where the fixture records it, each with the rule that decides', () => {
    expect(differing).toEqual(disagreements.map(({ listId, ours, independent }) => ({ listId, ours, independent })));
    for (const d of disagreements) expect(d.rule.length).toBeGreaterThan(40);
  });
});
