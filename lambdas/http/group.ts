/** POST /v1/group — group 1–1 000 records without storing them (a hospital's pre-check); DIP too when a catalogue is active. */
import { groupCase } from '../../models/grouping/drg/grouper.ts';
import { validateRecord } from '../../models/settlement/validate.ts';
import type { Ports } from '../../models/ports.ts';
import { enforceRecordLimit, parseRecords, recordFormat } from '../shared/body.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { activeDipCatalog, dipOfCase } from '../shared/dip-catalog.ts';
import { httpHandler } from '../shared/http.ts';
import { reference } from '../shared/reference.ts';
import { groupQuery } from './schemas.ts';

export const groupHandler = (deps: Pick<Ports, 'objects' | 'dipCatalog'>) => httpHandler({ name: 'group', roles: ['hospital', 'analyst', 'admin'], query: groupQuery, body: 'text' }, async ({ query, text, contentType }) => {
  const format = recordFormat(contentType);
  enforceRecordLimit(text, format, config().MAX_GROUP_RECORDS, 'MAX_GROUP_RECORDS');
  const raws = await parseRecords(text, format);
  const { pack, codeSets, weights } = reference();
  const explain = query.explain === 'true';
  const dip = await activeDipCatalog(deps);
  const counts: Record<string, number> = { grouped: 0, ambiguous: 0, ungroupable: 0, invalid: 0 };
  const results = raws.map((raw, index) => {
    const v = validateRecord(raw, { mode: 'group', codeSets });
    const warnings = v.warnings.length > 0 ? { warnings: v.warnings } : {};
    if (!v.ok) {
      counts.invalid!++;
      return { index, listId: v.listId ?? null, status: 'invalid' as const, mdc: null, adrg: null, drg: null, weight: null, errors: v.errors, ...warnings };
    }
    const g = groupCase(pack, v.record, { trace: explain });
    counts[g.status] = (counts[g.status] ?? 0) + 1;
    return {
      index, listId: v.record.listId, status: g.status, mdc: g.mdc, adrg: g.adrg, drg: g.drg,
      ...(g.severity ? { severity: g.severity } : {}),
      weight: g.drg ? (weights.get(g.drg) ?? null) : null,
      ...(dip ? { dip: dipOfCase(dip, v.record) } : {}),
      ...warnings,
      ...(explain ? { trace: g.trace } : {}),
    };
  });
  return { status: 200, body: { results, counts } };
});

export const handler = groupHandler(awsDeps);
