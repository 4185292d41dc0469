/**
 * GET /v1/cases?hospitalId=&from=&to=&drg=&limit=&cursor= — a page of cases in discharge order.
 * A hospital key lists its own hospital; analysts and admins give a hospitalId, a drg, or both
 * (a whole province is read from the lake by jobs, not paged out of DynamoDB).
 * `from`/`to` are dates or months (`from=2025-01` is its first day, `to=2025-03` its last). The
 * default window is the latest 12 months of data: up to the end of the latest discharge month
 * stored for the hospital (or DRG), not up to today; at most 36 months per query.
 */
import type { Ports } from '../../models/ports.ts';
import { scopeHospital } from '../shared/auth.ts';
import { awsDeps } from '../shared/deps.ts';
import { invalid } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { addMonths, lastDayOf, monthsBetween } from '../shared/months.ts';
import { listQuery } from './schemas.ts';

/** How far back the latest month of data is looked for (ten years). */
const lookBackMonths = 120;

export const listCasesHandler = (deps: Pick<Ports, 'cases' | 'clock'>) => httpHandler({ name: 'listCases', roles: ['hospital', 'analyst', 'admin'], query: listQuery }, async ({ principal, query }) => {
  const hospitalId = scopeHospital(principal!, query.hospitalId);
  if (hospitalId === undefined && query.drg === undefined) {
    throw invalid('Give a hospitalId, a drg, or both.', [{ code: 'required', path: 'query.hospitalId', message: 'query.hospitalId or query.drg is required for analyst and admin keys.' }]);
  }
  const scope = { ...(hospitalId ? { hospitalId } : {}), ...(query.drg ? { drg: query.drg } : {}) };
  let to = query.to === undefined ? undefined : query.to.length === 7 ? lastDayOf(query.to) : query.to;
  if (to === undefined) {
    // A month after today: lists prepared ahead of a planned discharge are accepted that far.
    const latest = await deps.cases.latestMonth(scope, addMonths(deps.clock.now().toISOString().slice(0, 7), 1), lookBackMonths);
    to = latest === null ? deps.clock.now().toISOString().slice(0, 10) : lastDayOf(latest);
    // `from` alone, after the latest data: an empty page, not a range error.
    if (query.from !== undefined && query.from.slice(0, 7) > to.slice(0, 7)) to = lastDayOf(query.from.slice(0, 7));
  }
  const from = query.from === undefined ? `${addMonths(to.slice(0, 7), -11)}-01` : query.from.length === 7 ? `${query.from}-01` : query.from;
  if (from > to) throw invalid('The date range is empty.', [{ code: 'inconsistent', path: 'query.from', message: `query.from ${from} must not be after query.to ${to}.` }]);
  if (monthsBetween(from, to).length > 36) throw invalid('The date range is too long.', [{ code: 'out-of-range', path: 'query.from', message: `query.from ${from} to query.to ${to} spans more than 36 months.` }]);
  const page = await deps.cases.listCases({ ...scope, from, to, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
  return {
    status: 200,
    body: { items: page.items.map(({ trace: _trace, ...c }) => c), ...(page.cursor ? { cursor: page.cursor } : {}) },
  };
});

export const handler = listCasesHandler(awsDeps);
