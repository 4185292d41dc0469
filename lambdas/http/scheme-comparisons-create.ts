/**
 * POST /v1/scheme-comparisons — compare two held DRG schemes on the stored cases of a period
 * (analyst, admin). The schemes must be ones the deployment holds (422 at `schemes.0` / `schemes.1`
 * naming the held ids); the status object (`queued`) is written, then the request object
 * `jobs/scheme-comparisons/<id>/request.json`, whose creation starts the job (S3 → EventBridge →
 * SchemeComparisonRun on AWS; in-process on the local stack). Answers 202 with the status. A
 * `policy` prices each scheme's cases: it must be a valid DRG policy (422 with field paths under
 * `policy`; a `weightsTable` must name a payment table the deployment holds), checked now, not in
 * the job.
 */
import { randomUUID } from 'node:crypto';
import type { Ports } from '../../models/ports.ts';
import { parseServicePolicy, PolicyError } from '../../models/payment/policy.ts';
import { underPath } from '../../models/problem.ts';
import { policyTableWeights } from '../../app/policy-weights.ts';
import { writeStatus, type SchemeComparisonRequest, type SchemeComparisonStatus } from '../jobs/scheme-comparison.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { invalid } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';
import * as k from '../shared/keys.ts';
import { heldPaymentTable, holdsScheme, schemeIds } from '../shared/reference.ts';
import { unknownSchemeMessage } from '../../app/scheme-index.ts';
import { schemeComparisonRequest } from './schemas.ts';

export const createSchemeComparisonHandler = (deps: Pick<Ports, 'objects' | 'clock'>) => httpHandler({ name: 'createSchemeComparison', roles: ['analyst', 'admin'], body: schemeComparisonRequest }, async ({ body }) => {
  const unknown = body.schemes.flatMap((s, i) => (holdsScheme(s) ? [] : [{ code: 'invalid-value' as const, path: `schemes.${i}`, message: `${unknownSchemeMessage(s, schemeIds())}.` }]));
  if (unknown.length > 0) throw invalid(`${unknown[0]!.message[0]!.toUpperCase()}${unknown[0]!.message.slice(1)}`, unknown);
  if (body.policy !== undefined) {
    try {
      const policy = parseServicePolicy(body.policy);
      if (policy.method !== 'drg') throw new PolicyError([{ code: 'invalid-value', path: 'method', message: 'method must be "drg": a scheme comparison prices each scheme\'s DRGs' }]);
      policyTableWeights(policy, heldPaymentTable);
    } catch (error) {
      if (error instanceof PolicyError) throw invalid('The policy is not valid.', underPath(error.problems, 'policy'));
      throw error;
    }
  }
  const id = randomUUID();
  const now = deps.clock.now().toISOString();
  const schemes = body.schemes as [string, string];
  const status: SchemeComparisonStatus = {
    id,
    status: 'queued',
    createdAt: now,
    updatedAt: now,
    request: { schemes, from: body.from ?? null, to: body.to ?? null, hospitalIds: body.hospitalIds ?? null },
    progress: { phase: 'queued', partitionsDone: 0, partitionsTotal: null, casesRead: 0 },
  };
  const request: SchemeComparisonRequest = { schemes, ...(body.from ? { from: body.from, to: body.to } : {}), ...(body.hospitalIds ? { hospitalIds: body.hospitalIds } : {}), ...(body.policy ? { policy: body.policy } : {}) };
  await writeStatus(deps.objects, status);
  await deps.objects.put(config().LAKE_BUCKET, k.schemeComparisonRequestKey(id), JSON.stringify(request), 'application/json');
  return { status: 202, headers: { location: `/v1/scheme-comparisons/${id}` }, body: status };
});

export const handler = createSchemeComparisonHandler(awsDeps);
