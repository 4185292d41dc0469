/**
 * GET /v1/supervision-runs/{id} — status and progress of a supervision run and, once it has
 * succeeded, its results: the hospitals ranked by risk with each rule's contribution, counts by
 * rule, the rule set and its definitions; with `?hospitalId=` (and optionally `rule=`), that
 * hospital's flags with their evidence, highest score first, `limit` per page with a `cursor`.
 *
 * A hospital key (decided here, documented in the README) sees only its own hospital: the
 * ranking holds its own entry (its rank among `hospitalsRanked`), counts are its own, its flags
 * are served whatever `hospitalId` it leaves out (another hospital's → 403), and the evidence
 * of a flag that names another hospital's stays (a frequent-admission window spanning hospitals)
 * keeps only how many there were (`redactEvidence`).
 */
import type { ObjectStore, Ports, SupervisionRun } from '../../models/ports.ts';
import type { Principal } from '../shared/auth.ts';
import { scopeHospital } from '../shared/auth.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import { notFound } from '../shared/errors.ts';
import { httpHandler, type RouteResult } from '../shared/http.ts';
import * as k from '../shared/keys.ts';
import type { StoredFlag, SupervisionResult } from '../jobs/supervision.ts';
import type { Evidence } from '../../models/supervision/flags.ts';
import { jobIdParams, supervisionRunQuery } from './schemas.ts';
import type { z } from 'zod';
import { counted } from '../../models/text/plural.ts';

async function readJson<T>(objects: ObjectStore, key: string): Promise<T | null> {
  const bytes = await objects.get(config().LAKE_BUCKET, key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : null;
}

const isOtherHospital = (v: unknown, own: string): boolean =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>).hospitalId === 'string' && (v as Record<string, unknown>).hospitalId !== own;

/**
 * A flag's evidence as a hospital key sees it: every stay of another hospital (an object naming
 * another `hospitalId`, such as the stays of a frequent-admission window spanning hospitals) is
 * taken out — no date, DRG, listId or cost of it is served — and only their number remains, as
 * `otherHospitalStays`. The reason sentence, which may quote such a stay's dates, is then
 * rewritten from the counts. Analysts and admins get the evidence as stored.
 */
export function redactEvidence(evidence: Evidence, own: string): Evidence {
  let hidden = 0;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const kept: unknown[] = [];
      for (const v of value) {
        if (isOtherHospital(v, own)) hidden++;
        else kept.push(walk(v));
      }
      return kept;
    }
    if (value === null || typeof value !== 'object') return value;
    if (isOtherHospital(value, own)) {
      hidden++;
      return null;
    }
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, walk(v)]));
  };
  const out = walk(evidence) as Evidence;
  if (hidden === 0) return out;
  const total = typeof out.admissionsInWindow === 'number' ? out.admissionsInWindow : null;
  const window = typeof out.windowDays === 'number' ? ` within ${counted(out.windowDays, 'day')}` : '';
  out.reason = total !== null
    ? `The patient was admitted ${total} times${window}, ${hidden} of them at other hospitals (not shown); this stay is one of them.`
    : `This flag also rests on ${hidden} stay(s) at other hospitals, which are not shown.`;
  out.otherHospitalStays = hidden;
  return out;
}

/** The answer for one run, as the principal may see it. */
export async function supervisionRunAnswer(deps: Pick<Ports, 'objects'>, principal: Principal, run: SupervisionRun, query: z.output<typeof supervisionRunQuery>): Promise<RouteResult> {
  const own = principal.role === 'hospital' ? principal.hospitalId : null;
  const flagsOf = scopeHospital(principal, query.hospitalId);
  const { summary, ...base } = run;
  const body: Record<string, unknown> = { ...base, ...(summary && !own ? { summary } : {}) };
  // Which hospitals an analyst asked for is not a hospital's business: only whether it was one.
  if (own && run.request.hospitalIds) body.request = { ...run.request, hospitalIds: run.request.hospitalIds.filter((h) => h === own) };
  if (run.status === 'succeeded') {
    const result = await readJson<SupervisionResult>(deps.objects, k.supervisionResultKey(run.id));
    if (!result) throw notFound(`The results of supervision run ${run.id} are missing.`);
    const hospitals = own ? result.hospitals.filter((h) => h.hospitalId === own) : result.hospitals;
    const byRule = own ? Object.fromEntries(Object.entries(hospitals[0]?.rules ?? {}).map(([r, x]) => [r, { caseFlags: x.caseFlags, hospitalFlags: x.hospitalFlags }])) : result.byRule;
    const flagCount = own ? Object.values(byRule).reduce((s, x) => s + x.caseFlags + x.hospitalFlags, 0) : result.flags;
    body.result = {
      period: result.period,
      hospitalIds: own ? [own] : result.hospitalIds,
      ruleSet: result.ruleSet,
      definitions: result.definitions,
      cases: own ? (hospitals[0]?.cases ?? 0) : result.cases,
      flags: flagCount,
      byRule,
      hospitalsRanked: result.hospitals.length,
      hospitals,
    };
    if (flagsOf !== undefined) {
      let all = (await readJson<StoredFlag[]>(deps.objects, k.supervisionFlagsKey(run.id, flagsOf))) ?? [];
      if (query.rule) all = all.filter((f) => f.rule === query.rule);
      const start = Number(query.cursor ?? 0);
      const page = all.slice(start, start + query.limit);
      body.flags = {
        hospitalId: flagsOf,
        rule: query.rule ?? null,
        total: all.length,
        items: own ? page.map((f) => ({ ...f, evidence: redactEvidence(f.evidence, own) })) : page,
        ...(start + query.limit < all.length ? { cursor: String(start + query.limit) } : {}),
      };
    }
  }
  return { status: 200, body };
}

export const getSupervisionRunHandler = (deps: Pick<Ports, 'supervisionRuns' | 'objects'>) => httpHandler({ name: 'getSupervisionRun', roles: ['hospital', 'analyst', 'admin'], params: jobIdParams, query: supervisionRunQuery }, async ({ principal, params, query }) => {
  const run = await deps.supervisionRuns.get(params.id);
  if (!run) throw notFound(`There is no supervision run ${params.id}.`);
  return supervisionRunAnswer(deps, principal!, run, query);
});

export const handler = getSupervisionRunHandler(awsDeps);
