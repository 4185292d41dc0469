/** POST /v1/group — group 1–1 000 records without storing them (a hospital's pre-check); DIP too when a catalogue is active. */
import { emptyGroupCounts, groupResultRow } from '../../app/group-result.ts';
import type { Ports } from '../../models/ports.ts';
import { parseRecords, recordFormat, textRecordBody } from '../shared/body.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { activeDipCatalog } from '../shared/dip-catalog.ts';
import { httpHandler } from '../shared/http.ts';
import { reference } from '../shared/reference.ts';
import { groupQuery } from './schemas.ts';

export const groupHandler = (deps: Pick<Ports, 'objects' | 'dipCatalog'>) => httpHandler({ name: 'group', roles: ['hospital', 'analyst', 'admin'], query: groupQuery, body: 'text' }, async ({ query, text, bytes, contentType }) => {
  const body = await textRecordBody({ text, bytes }, recordFormat(contentType), config().MAX_GROUP_RECORDS, 'MAX_GROUP_RECORDS');
  const raws = await parseRecords(body.text, body.format);
  const { pack, codeSets, weights } = reference();
  const ctx = { pack, codeSets, weights, dip: await activeDipCatalog(deps), explain: query.explain === 'true' };
  const counts = emptyGroupCounts();
  const results = raws.map((raw, index) => groupResultRow(raw, index, ctx, counts));
  return { status: 200, body: { results, counts } };
});

export const handler = groupHandler(awsDeps);
