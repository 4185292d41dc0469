/**
 * PUT /v1/dip-catalog (admin) — make a catalogue written by `payreform dip build` the active one:
 * validated (422 with field paths), stored under `catalogs/dip/<sha256>.json`, pointer updated.
 * Cases ingested from then on carry its DIP packet. A body over 6 MB is sent with
 * `Content-Encoding: gzip`.
 */
import { activateDipCatalog, catalogText, readCatalog } from '../shared/dip-catalog.ts';
import { httpHandler } from '../shared/http.ts';
import { s3ObjectStore } from '../shared/object-store.ts';
import { systemClock } from '../shared/clock.ts';
import { logger } from '../shared/observability.ts';

export const handler = httpHandler({ name: 'putDipCatalog', roles: ['admin'], body: 'text' }, async ({ event }) => {
  const headers = event.headers ?? {};
  const text = catalogText(event.body, event.isBase64Encoded === true, headers['content-encoding'] ?? headers['Content-Encoding']);
  const catalog = readCatalog(text);
  const summary = await activateDipCatalog(catalog, s3ObjectStore, systemClock.now());
  logger.info('DIP catalogue activated', { id: summary.id, packets: summary.packets });
  return { status: 200, body: summary };
});
