/**
 * Throughput of the settlement hot path on the dev cases repeated to 1M records (not a vitest
 * test; run `npx tsx test/unit/settlement/throughput.bench.ts`). Prints validateRecord records/s
 * in group mode with the real code sets (target ≥ 500 000/s) and JSON Lines read + validate.
 */
import { readFileSync } from 'node:fs';
import { loadCodeSets } from '../../../lib/codesets.ts';
import { referencePath } from '../../../lib/reference.ts';
import { readRecordBatches, readRecords } from '../../../models/settlement/readers.ts';
import { validateRecord, type ValidationMode } from '../../../models/settlement/validate.ts';

const N = 1_000_000;
const text = readFileSync(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'), 'utf8');
const lines = text.trim().split('\n');
const codeSets = loadCodeSets();
// Distinct objects per repetition (as JSON.parse would give them), 50 × 2 000 kept in memory.
const pool = Array.from({ length: 50 }, () => lines.map((line) => JSON.parse(line) as unknown));

function validateAll(mode: ValidationMode): number {
  const started = performance.now();
  let ok = 0;
  for (let i = 0; i < N; i++) if (validateRecord(pool[Math.floor(i / lines.length) % pool.length]![i % lines.length], { mode, codeSets }).ok) ok++;
  const rate = N / ((performance.now() - started) / 1000);
  if (ok !== (mode === 'group' ? N : 0)) throw new Error(`unexpected ${ok} valid records in ${mode} mode`);
  return rate;
}

async function readAndValidate(batched: boolean): Promise<number> {
  const big = text.endsWith('\n') ? text : text + '\n';
  const bytes = new TextEncoder().encode(big.repeat(N / lines.length));
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += 1 << 20) yield bytes.subarray(at, at + (1 << 20));
  }
  const started = performance.now();
  let ok = 0;
  if (batched) {
    for await (const batch of readRecordBatches(chunks(), 'jsonl')) for (const item of batch) if (validateRecord(item.value, { mode: 'group', codeSets }).ok) ok++;
  } else {
    for await (const item of readRecords(chunks(), 'jsonl')) if (validateRecord(item.value, { mode: 'group', codeSets }).ok) ok++;
  }
  if (ok !== N) throw new Error(`read ${ok} valid records, expected ${N}`);
  return N / ((performance.now() - started) / 1000);
}

const fmt = (rate: number): string => Math.round(rate).toLocaleString('en');
for (let round = 1; round <= 3; round++) {
  console.log(`round ${round}: validateRecord group ${fmt(validateAll('group'))}/s, ingest (all rejected: no dates/totalCost) ${fmt(validateAll('ingest'))}/s, JSON Lines read+parse+validate ${fmt(await readAndValidate(false))}/s (readRecordBatches: ${fmt(await readAndValidate(true))}/s)`);
}
