/** GET /v1/dip-catalog (analyst, admin) — the active DIP catalogue's summary (404 when none was put). */
import { activeDipCatalogSummary } from '../shared/dip-catalog.ts';
import { notFound } from '../shared/errors.ts';
import type { z } from 'zod';
import { httpHandler } from '../shared/http.ts';
import type { dipCatalogSummary } from './schemas.ts';

export const handler = httpHandler({ name: 'getDipCatalog', roles: ['analyst', 'admin'] }, async () => {
  const summary = await activeDipCatalogSummary();
  if (!summary) throw notFound('No DIP catalogue is active: an admin puts one (built by "payreform dip build") with PUT /v1/dip-catalog.');
  return { status: 200, body: summary satisfies z.output<typeof dipCatalogSummary> };
});
