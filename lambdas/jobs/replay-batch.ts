/**
 * Replay a raw batch kept in S3 (a batch that failed midway): the same ingest as the API, fed
 * from the raw object (kept pseudonymised: its marked patient values are taken as pseudonyms,
 * not hashed again) under the batch's own id and receipt time. Idempotent: cases already stored
 * come back `unchanged` and get their lake lines (and tombstones) written again at the table's
 * version; a case a later batch has changed since is `superseded` and left alone.
 * Invoke with `{scope, batchId}` (the BATCH item names the raw object and its Content-Type).
 */
import type { Ports } from '../../models/ports.ts';
import { recordFormat } from '../shared/body.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { ingestBatch, type IngestResult } from '../shared/ingest.ts';

export const replayBatchHandler = (deps: Pick<Ports, 'objects' | 'cases' | 'batches' | 'quality' | 'dipCatalog'>) => async (event: { scope: string; batchId: string }): Promise<Omit<IngestResult, 'errors'> & { errors: number }> => {
  const batch = await deps.batches.get(event.scope, event.batchId);
  if (!batch) throw new Error(`no batch ${event.batchId} for ${event.scope}`);
  const raw = await deps.objects.get(config().RAW_BUCKET, batch.rawKey);
  if (!raw) throw new Error(`the raw object ${batch.rawKey} is missing`);
  const principal = event.scope === 'admin' ? { role: 'admin' as const } : { role: 'hospital' as const, hospitalId: event.scope };
  const format = recordFormat(batch.contentType);
  // A workbook batch is kept as the JSON Lines of its records (body.ts, textRecordBody).
  if (format === 'xlsx') throw new Error(`the raw object ${batch.rawKey} is a workbook; kept bodies are text`);
  const result = await ingestBatch({ ...deps, principal, body: Buffer.from(raw).toString('utf8'), contentType: batch.contentType, format, ...(batch.codeEdition ? { codeEdition: batch.codeEdition } : {}), receivedAt: new Date(batch.receivedAt), replay: true, batchId: event.batchId });
  return { ...result, errors: result.errors.length };
};

export const handler = replayBatchHandler(awsDeps);
