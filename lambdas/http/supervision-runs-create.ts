/**
 * POST /v1/supervision-runs — start a supervision run (analyst, admin). The body's rule set is
 * validated by the rule set's own zod schema (422 with field paths such as
 * `ruleSet.rules.split-admission.windowDays`); the run item is written, then the request object
 * `jobs/supervision/<id>/request.json`, whose creation starts the run (S3 → EventBridge → the
 * SupervisionRun function on AWS; in-process on the local stack). Answers 202 with the run id.
 */
import { randomUUID } from 'node:crypto';
import { parseRuleSet } from '../../models/supervision/rule-set.ts';
import type { Ports, SupervisionRun } from '../../models/ports.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { httpHandler } from '../shared/http.ts';
import * as k from '../shared/keys.ts';
import { supervisionRunRequest } from './schemas.ts';

export const createSupervisionRunHandler = (deps: Pick<Ports, 'supervisionRuns' | 'objects' | 'clock'>) => httpHandler({ name: 'createSupervisionRun', roles: ['analyst', 'admin'], body: supervisionRunRequest }, async ({ body }) => {
  const ruleSet = body.ruleSet ?? parseRuleSet({});
  const id = randomUUID();
  const now = deps.clock.now().toISOString();
  const run: SupervisionRun = {
    id,
    status: 'queued',
    trigger: 'api',
    createdAt: now,
    updatedAt: now,
    request: { from: body.from ?? null, to: body.to ?? null, hospitalIds: body.hospitalIds ?? null, ruleSet: { name: ruleSet.name, version: ruleSet.version } },
    progress: { phase: 'queued', partitionsDone: 0, partitionsTotal: null, casesRead: 0 },
  };
  await deps.supervisionRuns.put(run);
  await deps.objects.put(config().LAKE_BUCKET, k.supervisionRequestKey(id), JSON.stringify({ ruleSet, ...(body.from ? { from: body.from, to: body.to } : {}), ...(body.hospitalIds ? { hospitalIds: body.hospitalIds } : {}) }), 'application/json');
  return { status: 202, headers: { location: `/v1/supervision-runs/${id}` }, body: run };
});

export const handler = createSupervisionRunHandler(awsDeps);
