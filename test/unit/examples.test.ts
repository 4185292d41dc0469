/**
 * The example inputs the README's task guides link to (examples/) stay valid: the policies,
 * scenarios and rule set parse with the models' own schemas, every settlement list of the month is
 * accepted in ingest mode, and the CSV and Excel copies hold the same records as the JSON Lines.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCodeSets } from '../../lib/codesets.ts';
import { projectRoot } from '../../lib/reference.ts';
import { readXlsxRecordBatches } from '../../lib/xlsx.ts';
import { findPreset, mergeScenario, parseScenario } from '../../models/fund/scenario.ts';
import { parsePaymentPolicy } from '../../models/payment/policy.ts';
import { policyTableWeights } from '../../app/policy-weights.ts';
import { readRecords, type RawRecord } from '../../models/settlement/readers.ts';
import { validateRecord } from '../../models/settlement/validate.ts';
import { parseRuleSet } from '../../models/supervision/rule-set.ts';

const example = (name: string): string => path.join(projectRoot, 'examples', name);
const json = (name: string): unknown => JSON.parse(readFileSync(example(name), 'utf8'));

async function collect(records: AsyncIterable<RawRecord | RawRecord[]>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of records) for (const x of Array.isArray(r) ? r : [r]) out.push(x.error ?? x.value);
  return out;
}

/** A record as validation normalises it (CSV gives sex/disposition as text, lists from `|`). */
function normalised(raw: unknown): unknown {
  const v = validateRecord(raw, { mode: 'ingest', codeSets: loadCodeSets() });
  expect(v.ok ? [] : v.errors).toEqual([]);
  return v.ok ? v.record : null;
}

describe('examples', () => {
  it('the policies parse', () => {
    for (const f of ['policy-base-rate.json', 'policy-budget.json', 'policy-dip.json', 'policy-weights-table.json']) expect(() => parsePaymentPolicy(json(f)), f).not.toThrow();
  });

  it('the city-table policy finds its table beside it, with a weight for each listed group', () => {
    const policy = parsePaymentPolicy(json('policy-weights-table.json'));
    if (policy.method !== 'drg') throw new Error('a DRG policy was expected');
    const weights = policyTableWeights(policy, (name) => ({ name, text: readFileSync(example(name), 'utf8') }));
    expect(weights?.column).toBe('权重');
    expect(weights?.relativeWeights.size).toBe(18);
  });

  it('the stress-test scenario and request parse', () => {
    expect(() => parseScenario(json('stress-scenario.json'))).not.toThrow();
    const request = json('stress-test.json') as { preset: string; scenario: Record<string, unknown> };
    expect(() => parseScenario(mergeScenario(findPreset(request.preset)!, request.scenario))).not.toThrow();
  });

  it('the supervision rules parse', () => {
    expect(parseRuleSet(json('supervision-rules.json')).name).toBe('stricter local rules');
  });

  it('a month of settlement lists, in JSON Lines, CSV and Excel, every record accepted and the same in each', async () => {
    const { createReadStream } = await import('node:fs');
    const jsonl = (await collect(readRecords(createReadStream(example('settlement-lists-2025-03.jsonl')), 'jsonl'))).map(normalised);
    const csv = (await collect(readRecords(createReadStream(example('settlement-lists-2025-03.csv')), 'csv'))).map(normalised);
    const xlsx = (await collect(readXlsxRecordBatches(example('settlement-lists-2025-03.xlsx')))).map(normalised);
    expect(jsonl.length).toBeGreaterThan(100);
    expect(csv).toEqual(jsonl);
    expect(xlsx).toEqual(jsonl);
  });
});
