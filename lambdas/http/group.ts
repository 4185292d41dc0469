/** POST /v1/group — group 1–1 000 records without storing them (a hospital's pre-check); DIP too when a catalogue is active. */
import { emptyGroupCounts, groupResultRow } from '../../app/group-result.ts';
import type { Ports } from '../../models/ports.ts';
import { parseRecords, recordFormat } from '../shared/body.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { activeDipCatalog } from '../shared/dip-catalog.ts';
import { invalid } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { reference } from '../shared/reference.ts';
import { groupQuery } from './schemas.ts';

export const groupHandler = (deps: Pick<Ports, 'objects' | 'dipCatalog'>) => httpHandler({ name: 'group', roles: ['hospital', 'analyst', 'admin'], query: groupQuery, body: 'text' }, async ({ query, text, contentType }) => {
  const raws = await parseRecords(text, recordFormat(contentType));
  const max = config().MAX_GROUP_RECORDS;
  if (raws.length > max) throw invalid(`Send 1 to ${max} records per call; this body has ${raws.length}.`, [{ path: 'body', message: `body holds ${raws.length} records; the limit is ${max}.` }]);
  const { pack, codeSets, weights } = reference();
  const ctx = { pack, codeSets, weights, dip: await activeDipCatalog(deps), explain: query.explain === 'true' };
  const counts = emptyGroupCounts();
  const results = raws.map((raw, index) => groupResultRow(raw, index, ctx, counts));
  return { status: 200, body: { results, counts } };
});

export const handler = groupHandler(awsDeps);
