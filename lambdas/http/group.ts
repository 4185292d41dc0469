/**
 * POST /v1/group[?scheme=ID] — group 1–1 000 records without storing them (a hospital's
 * pre-check) under the deployment's default scheme or another one it holds (an id it does not
 * hold is 422 naming those it does); each weight comes from that scheme's payment table. DIP
 * too when a catalogue is active. The answer names the scheme and pack hash that grouped it.
 */
import { emptyGroupCounts, groupResultRow } from '../../app/group-result.ts';
import type { Ports } from '../../models/ports.ts';
import { parseRecords, recordFormat, textRecordBody } from '../shared/body.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { activeDipCatalog } from '../shared/dip-catalog.ts';
import { httpHandler } from '../shared/http.ts';
import { defaultSchemeId, reference, schemeById } from '../shared/reference.ts';
import { groupQuery } from './schemas.ts';

export const groupHandler = (deps: Pick<Ports, 'objects' | 'dipCatalog'>) => httpHandler({ name: 'group', roles: ['hospital', 'analyst', 'admin'], query: groupQuery, body: 'text' }, async ({ query, text, bytes, contentType }) => {
  const body = await textRecordBody({ text, bytes }, recordFormat(contentType), config().MAX_GROUP_RECORDS, 'MAX_GROUP_RECORDS');
  const scheme = schemeById(query.scheme ?? defaultSchemeId());
  const raws = await parseRecords(body.text, body.format);
  const { codeSets, codeMaps } = reference();
  const ctx = { pack: scheme.pack, codeSets, codeMaps, codeEdition: query.codeEdition ?? 'chs-2.0', weights: scheme.weights, dip: await activeDipCatalog(deps), explain: query.explain === 'true' };
  const counts = emptyGroupCounts();
  const results = raws.map((raw, index) => groupResultRow(raw, index, ctx, counts));
  return { status: 200, body: { scheme: { id: scheme.entry.id, packHash: scheme.entry.packHash }, results, counts } };
});

export const handler = groupHandler(awsDeps);
