/**
 * The demo year of the local stack: 2 000 synthetic settlement lists of 2025 from 5 hospitals
 * (`payreform synth`, seeded), posted through the API like a hospital would, in JSON Lines
 * batches with the admin key. If the generator is unavailable, the 2 000 dev cases are used with
 * made-up hospitals, dates and costs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, referencePath } from '../../lib/reference.ts';

export function demoRecords(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settlement-2025.jsonl');
  try {
    if (!existsSync(file)) {
      execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'payreform.mjs'), 'synth', '--seed', '1', '--hospitals', '5', '--years', '2025', '--cases-per-year', '2000', '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', dir], { stdio: 'ignore' });
    }
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    return devCasesWithMadeUpDetails();
  }
}

/** The dev cases with hospitals HOSP001–005, 2025 dates agreeing with the stay, and costs. */
export function devCasesWithMadeUpDetails(): string[] {
  const lines = readFileSync(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const r = JSON.parse(line) as Record<string, unknown>;
    const los = Math.max(1, Number(r.lengthOfStay ?? 3));
    const start = Date.UTC(2025, 0, 1) + ((i * 7919) % 300) * 86_400_000;
    const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
    delete r.costs;
    return JSON.stringify({ ...r, hospitalId: `HOSP00${(i % 5) + 1}`, lengthOfStay: los, admissionDate: iso(start), dischargeDate: iso(start + los * 86_400_000), totalCost: Math.round((3000 + los * 850 + (i % 17) * 310) * 100) / 100 });
  });
}

/** POST the records in JSON Lines batches; returns the totals. */
export async function postBatches(url: string, key: string, lines: string[], batchSize = 1000): Promise<{ accepted: number; rejected: number }> {
  let accepted = 0;
  let rejected = 0;
  for (let i = 0; i < lines.length; i += batchSize) {
    const r = await fetch(`${url}/v1/settlement-lists`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body: lines.slice(i, i + batchSize).join('\n') });
    if (!r.ok) throw new Error(`demo load: POST /v1/settlement-lists answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
    const out = (await r.json()) as { accepted: number; rejected: number };
    accepted += out.accepted;
    rejected += out.rejected;
  }
  return { accepted, rejected };
}
