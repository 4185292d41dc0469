/**
 * GET /v1/schemes — the DRG schemes this deployment holds (any role): per scheme its id, name,
 * numbers of DRGs, ADRGs and ambiguous groups, the hash and format of its compiled pack, its
 * payment table, and which one is the default. Read from the scheme index: no pack is parsed.
 */
import type { z } from 'zod';
import { httpHandler } from '../shared/http.ts';
import { defaultSchemeId, schemeEntries } from '../shared/reference.ts';
import type { schemesResponse } from './schemas.ts';

export const handler = httpHandler({ name: 'listSchemes', roles: ['hospital', 'analyst', 'admin'] }, async () => {
  const id = defaultSchemeId();
  const body: z.output<typeof schemesResponse> = { default: id, schemes: schemeEntries().map((s) => ({ ...s, default: s.id === id })) };
  return { status: 200, body };
});
