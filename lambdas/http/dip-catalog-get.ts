/** GET /v1/dip-catalog (analyst, admin) — the active DIP catalogue's summary (404 when none was put). */
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { notFound } from '../shared/errors.ts';
import type { z } from 'zod';
import { httpHandler } from '../shared/http.ts';
import type { dipCatalogSummary } from './schemas.ts';

export const getDipCatalogHandler = (deps: Pick<Ports, 'dipCatalog'>) => httpHandler({ name: 'getDipCatalog', roles: ['analyst', 'admin'] }, async () => {
  const summary = await deps.dipCatalog.active();
  if (!summary) throw notFound('No DIP catalogue is active: an admin puts one (written by "payreform dip build" or "payreform dip import") with PUT /v1/dip-catalog.');
  return { status: 200, body: summary satisfies z.output<typeof dipCatalogSummary> };
});

export const handler = getDipCatalogHandler(awsDeps);
