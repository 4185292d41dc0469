/** POST /v1/settlement-lists — ingest a batch of settlement records (hospital: own only; admin). */
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { ingestBatch } from '../shared/ingest.ts';
import { recordFormat, textRecordBody } from '../shared/body.ts';
import { config } from '../shared/config.ts';
import { httpHandler } from '../shared/http.ts';
import { logger } from '../shared/observability.ts';
import { ingestQuery } from './schemas.ts';

/** Keep the answer well under Lambda's 6 MB response limit. */
const maxErrors = 5000;

export const ingestHandler = (deps: Pick<Ports, 'objects' | 'cases' | 'batches' | 'quality' | 'dipCatalog' | 'clock'>) => httpHandler({ name: 'ingest', roles: ['hospital', 'admin'], query: ingestQuery, body: 'text' }, async (input) => {
  const given = recordFormat(input.contentType);
  // A workbook goes on (and is kept for replay) as the JSON Lines of its records.
  const { text, format } = await textRecordBody(input, given, config().MAX_RECORDS_PER_REQUEST, 'MAX_RECORDS_PER_REQUEST');
  const result = await ingestBatch({
    principal: input.principal!,
    body: text,
    contentType: given === format ? (input.contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase() : 'application/x-ndjson',
    format,
    codeEdition: input.query.codeEdition ?? 'chs-2.0',
    receivedAt: deps.clock.now(),
    ...deps,
  });
  logger.info('batch ingested', { batchId: result.batchId, accepted: result.accepted, rejected: result.rejected, created: result.created, unchanged: result.unchanged, replaced: result.replaced });
  const truncated = result.errors.length > maxErrors;
  return { status: 200, body: { ...result, errors: truncated ? result.errors.slice(0, maxErrors) : result.errors, ...(truncated ? { errorsTruncated: true } : {}) } };
});

export const handler = ingestHandler(awsDeps);
