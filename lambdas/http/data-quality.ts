/**
 * GET /v1/data-quality?hospitalId=&month= — the problem data of one hospital and month: records
 * received, rejection rate by reason, grey codes, missing optional fields. From counters kept
 * at ingest per (hospital, month, batch).
 */
import type { Ports } from '../../models/ports.ts';
import { scopeHospital } from '../shared/auth.ts';
import { awsDeps } from '../shared/deps.ts';
import { invalid } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import { dataQualityQuery } from './schemas.ts';

const rate = (n: number, d: number): number => (d === 0 ? 0 : Math.round((n / d) * 10000) / 10000);

export const dataQualityHandler = (deps: Pick<Ports, 'quality'>) => httpHandler({ name: 'dataQuality', roles: ['hospital', 'analyst', 'admin'], query: dataQualityQuery }, async ({ principal, query }) => {
  const hospitalId = scopeHospital(principal!, query.hospitalId);
  if (hospitalId === undefined) throw invalid('Name the hospital.', [{ code: 'required', path: 'query.hospitalId', message: 'query.hospitalId is required for analyst and admin keys.' }]);
  const q = await deps.quality.forMonth(hospitalId, query.month);
  return {
    status: 200,
    body: {
      hospitalId,
      month: query.month,
      batches: q.batches,
      received: q.received,
      accepted: q.accepted,
      rejected: q.rejected,
      rejectionRate: rate(q.rejected, q.received),
      rejectionsByReason: Object.entries(q.reasons).sort((a, b) => b[1] - a[1]).map(([reason, records]) => ({ reason, records, rate: rate(records, q.received) })),
      greyCodes: q.greyCodes,
      warned: q.warned,
      missingOptionalFields: Object.entries(q.missing).sort((a, b) => b[1] - a[1]).map(([field, records]) => ({ field, records, rate: rate(records, q.accepted) })),
    },
  };
});

export const handler = dataQualityHandler(awsDeps);
