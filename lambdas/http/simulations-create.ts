/**
 * POST /v1/simulations — start a payment simulation (analyst, admin), DRG or DIP. The policy is validated by
 * the payment model (422 with field paths; a DRG policy's `weightsTable` must name a payment table
 * the deployment holds, and that table must have its weight column), a job item is written, then the request object
 * goes to S3 under `jobs/simulations/<id>/request.json`: on AWS that object's creation event
 * starts the state machine (S3 → EventBridge → Step Functions); on the local stack the same
 * event runs the job in-process. Answers 202 with the job id. A `scheme` the deployment does not
 * hold is 422 here, naming those it holds; with one, the partitions regroup every stored case
 * under it.
 */
import { randomUUID } from 'node:crypto';
import { parseServicePolicy, PolicyError } from '../../models/payment/policy.ts';
import { policyTableWeights } from '../../app/policy-weights.ts';
import type { Ports } from '../../models/ports.ts';
import { underPath } from '../../models/problem.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { invalid } from '../shared/errors.ts';
import { heldPaymentTable } from '../shared/reference.ts';
import { httpHandler } from '../shared/http.ts';
import * as k from '../shared/keys.ts';
import { requireHeldScheme } from '../shared/reference.ts';
import type { SimulationRequest } from '../jobs/simulation.ts';
import { simulationRequest } from './schemas.ts';

export const createSimulationHandler = (deps: Pick<Ports, 'simulations' | 'objects' | 'clock'>) => httpHandler({ name: 'createSimulation', roles: ['analyst', 'admin'], body: simulationRequest }, async ({ body: request }) => {
  const body = { ...request, policy: withYear(request.policy, request.year) };
  try {
    const policy = parseServicePolicy(body.policy);
    // A weightsTable names a table the deployment holds; its weight column is checked now, not in the job.
    if (policy.method === 'drg') policyTableWeights(policy, heldPaymentTable);
  } catch (error) {
    if (error instanceof PolicyError) throw invalid('The policy is not valid.', underPath(error.problems, 'policy'));
    throw error;
  }
  if (body.scheme !== undefined) requireHeldScheme(body.scheme, 'scheme');
  const id = randomUUID();
  const now = deps.clock.now().toISOString();
  await deps.simulations.put({ id, status: 'queued', createdAt: now, updatedAt: now, request: { year: body.year, name: body.name ?? null, hospitalIds: body.hospitalIds ?? null, scheme: body.scheme ?? null } });
  await deps.objects.put(config().LAKE_BUCKET, k.simulationRequestKey(id), JSON.stringify({ policy: body.policy, ...(body.hospitalIds ? { hospitalIds: body.hospitalIds } : {}), ...(body.scheme ? { scheme: body.scheme } : {}) } satisfies SimulationRequest), 'application/json');
  return {
    status: 202,
    headers: { location: `/v1/simulations/${id}` },
    body: { id, status: 'queued', createdAt: now, updatedAt: now, progress: { partitionsDone: 0, partitionsTotal: null, casesRead: 0 } },
  };
});

/**
 * `year` is the settlement year, used or refused, never ignored: a policy without
 * `settlementYear` takes it; one with another settlementYear is a 422 naming both.
 */
function withYear(policy: Record<string, unknown>, year: string | undefined): Record<string, unknown> {
  if (year === undefined) return policy;
  const settlementYear = policy.settlementYear;
  if (settlementYear === undefined) return { ...policy, settlementYear: Number(year) };
  if (settlementYear !== Number(year)) {
    throw invalid('The request names two settlement years.', [{ code: 'inconsistent', path: 'year', message: `year ${year} is not the policy's settlementYear ${JSON.stringify(settlementYear)}; give one of them, or the same year in both.` }]);
  }
  return policy;
}

export const handler = createSimulationHandler(awsDeps);
