/**
 * GET /v1/overview?year= — cases and cost by discharge month, the in-group rate and CMI by
 * hospital, from the cases lake (default: the latest year in the lake). A hospital key sees its
 * own hospital only. Each case weighs what the payment table of the scheme that grouped it says.
 */
import type { Ports } from '../../models/ports.ts';
import { scopeHospital } from '../shared/auth.ts';
import { awsDeps } from '../shared/deps.ts';
import { httpHandler } from '../shared/http.ts';
import { lakeYears, summariseLake } from '../shared/lake-summary.ts';
import { storedCaseWeight } from '../shared/reference.ts';
import { overviewQuery, type overviewResponse } from './schemas.ts';
import type { z } from 'zod';

export const overviewHandler = (deps: Pick<Ports, 'objects'>) => httpHandler({ name: 'overview', roles: ['hospital', 'analyst', 'admin'], query: overviewQuery }, async ({ principal, query }) => {
  const hospitalId = scopeHospital(principal!, undefined);
  const years = await lakeYears(deps.objects);
  const year = query.year ?? years[years.length - 1] ?? null;
  const summary = year ? await summariseLake(deps.objects, { years: [year], ...(hospitalId ? { hospitalId } : {}), weightOf: storedCaseWeight }) : { months: [], hospitals: [], totals: { cases: 0, inGroupRate: 0, cmi: null, totalCost: 0 } };
  return { status: 200, body: { year, years, ...(hospitalId ? { hospitalId } : {}), ...summary } satisfies z.output<typeof overviewResponse> };
});

export const handler = overviewHandler(awsDeps);
