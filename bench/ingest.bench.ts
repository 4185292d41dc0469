/**
 * Ingest on the local stores (dynalite + s3rver, in this process): one batch of 8 000 settlement
 * records (the dev cases four times over, 7 144 accepted) through `ingestBatch`, first as new
 * cases, then re-sent unchanged. Every new case is one conditional PutItem (one version
 * authority), so this is dynalite-bound; on DynamoDB the writes run at WRITE_CONCURRENCY.
 */
import { devCasesWithMadeUpDetails } from '../infra/local/demo.ts';
import { startStorage } from '../test/integration/storage.ts';
import type { Figure } from './run.ts';

export async function run(): Promise<Figure[]> {
  const storage = await startStorage();
  try {
    const { ingestBatch } = await import('../lambdas/shared/ingest.ts');
    const { awsDeps } = await import('../lambdas/shared/deps.ts');
    const base = devCasesWithMadeUpDetails();
    const lines: string[] = [];
    for (let k = 0; k < 4; k++) for (const l of base) lines.push(l.replace('"listId":"', `"listId":"B${k}-`));
    const input = { ...awsDeps, principal: { role: 'admin' as const }, body: lines.join('\n'), contentType: 'application/x-ndjson', format: 'jsonl' as const, receivedAt: new Date('2026-01-01T00:00:00Z') };
    let t = performance.now();
    const fresh = await ingestBatch(input);
    const freshS = (performance.now() - t) / 1000;
    t = performance.now();
    const again = await ingestBatch(input);
    const againS = (performance.now() - t) / 1000;
    return [
      { name: `ingest ${lines.length} records as new cases (dynalite + s3rver, one batch)`, value: Math.round(freshS * 10) / 10, unit: 's', note: `${fresh.created} created, ${fresh.rejected} rejected` },
      { name: 'the same batch re-sent unchanged', value: Math.round(againS * 10) / 10, unit: 's', note: `${again.unchanged} unchanged` },
    ];
  } finally {
    await storage.stop();
  }
}
