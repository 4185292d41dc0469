/**
 * GET /v1/cases/{listId}[?hospitalId=] — one case. A hospital key reads inside its own
 * hospital only (another hospital's case with the same listId is never looked at, so the answer
 * is the same 404 as for any missing case); analysts and admins name the hospital.
 */
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { invalid, notFound } from '../shared/errors.ts';
import { scopeHospital } from '../shared/auth.ts';
import { httpHandler } from '../shared/http.ts';
import { storedCaseWeight } from '../shared/reference.ts';
import { caseQuery, listIdParams } from './schemas.ts';

export const getCaseHandler = (deps: Pick<Ports, 'cases'>) => httpHandler({ name: 'getCase', roles: ['hospital', 'analyst', 'admin'], params: listIdParams, query: caseQuery }, async ({ principal, params, query }) => {
  const hospitalId = scopeHospital(principal!, query.hospitalId);
  if (hospitalId === undefined) throw invalid('Name the hospital: listId is unique within a hospital.', [{ code: 'required', path: 'query.hospitalId', message: 'query.hospitalId is required for analyst and admin keys.' }]);
  const found = await deps.cases.getCase(hospitalId, params.listId);
  if (!found) throw notFound(`There is no case ${params.listId} for hospital ${hospitalId}.`);
  // The weight of the scheme that grouped the case, never another scheme's table.
  const weight = storedCaseWeight(found.grouping);
  return { status: 200, body: { ...found, weight } };
});

export const handler = getCaseHandler(awsDeps);
