/**
 * GET /v1/cases?hospitalId=&from=&to=&drg=&limit=&cursor= — a page of cases in discharge order.
 * A hospital key lists its own hospital; analysts and admins give a hospitalId, a drg, or both
 * (a whole province is read from the lake by jobs, not paged out of DynamoDB).
 * Dates default to the twelve months up to today; at most 36 months per query.
 */
import type { Ports } from '../../models/ports.ts';
import { scopeHospital } from '../shared/auth.ts';
import { awsDeps } from '../shared/deps.ts';
import { invalid } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { monthsBetween } from '../shared/months.ts';
import { listQuery } from './schemas.ts';

export const listCasesHandler = (deps: Pick<Ports, 'cases' | 'clock'>) => httpHandler({ name: 'listCases', roles: ['hospital', 'analyst', 'admin'], query: listQuery }, async ({ principal, query }) => {
  const hospitalId = scopeHospital(principal!, query.hospitalId);
  if (hospitalId === undefined && query.drg === undefined) {
    throw invalid('Give a hospitalId, a drg, or both.', [{ code: 'required', path: 'query.hospitalId', message: 'query.hospitalId or query.drg is required for analyst and admin keys.' }]);
  }
  const today = deps.clock.now().toISOString().slice(0, 10);
  const to = query.to ?? today;
  const from = query.from ?? `${Number(to.slice(0, 4)) - 1}-${to.slice(5, 7)}-01`;
  if (from > to) throw invalid('The date range is empty.', [{ code: 'inconsistent', path: 'query.from', message: 'query.from must not be after query.to.' }]);
  if (monthsBetween(from, to).length > 36) throw invalid('The date range is too long.', [{ code: 'out-of-range', path: 'query.from', message: 'query.from to query.to must span at most 36 months.' }]);
  const page = await deps.cases.listCases({ ...(hospitalId ? { hospitalId } : {}), ...(query.drg ? { drg: query.drg } : {}), from, to, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
  return {
    status: 200,
    body: { items: page.items.map(({ trace: _trace, ...c }) => c), ...(page.cursor ? { cursor: page.cursor } : {}) },
  };
});

export const handler = listCasesHandler(awsDeps);
