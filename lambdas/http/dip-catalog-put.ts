/**
 * PUT /v1/dip-catalog (admin) — make a catalogue written by `payreform dip build` the active one:
 * validated (422 with field paths), stored under `catalogs/dip/<sha256>.json`, pointer updated.
 * Cases ingested from then on carry its DIP packet. A body over 6 MB is sent with
 * `Content-Encoding: gzip`.
 */
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { activateDipCatalog, catalogText, readCatalog } from '../shared/dip-catalog.ts';
import { httpHandler } from '../shared/http.ts';
import { logger } from '../shared/observability.ts';

export const putDipCatalogHandler = (deps: Pick<Ports, 'objects' | 'dipCatalog' | 'clock'>) => httpHandler({ name: 'putDipCatalog', roles: ['admin'], body: 'text' }, async ({ event }) => {
  const headers = event.headers ?? {};
  const text = catalogText(event.body, event.isBase64Encoded === true, headers['content-encoding'] ?? headers['Content-Encoding']);
  const catalog = readCatalog(text);
  const summary = await activateDipCatalog(catalog, deps, deps.clock.now());
  logger.info('DIP catalogue activated', { id: summary.id, packets: summary.packets });
  return { status: 200, body: summary };
});

export const handler = putDipCatalogHandler(awsDeps);
