/**
 * A requested scheme comparison (`POST /v1/scheme-comparisons` writes the status object and
 * `jobs/scheme-comparisons/<id>/request.json`; the request object's creation starts this, S3 →
 * EventBridge → the SchemeComparisonRun function on AWS, in-process on the local stack): the
 * stored cases of the period are read from the lake as supervision runs read them (latest
 * version of each case, partitions in order), regrouped under both held schemes by the shared
 * step of app/scheme-comparison.ts, compared (models/comparison/) and stored as `result.json`;
 * `status.json` says how far it got. The job's state lives in those objects only: a redelivered
 * event finds the status past `queued` and does nothing; a failed run may be started again.
 *
 * Cases without `totalCost` (optional at ingest) have no cost to compare and are counted in
 * `skipped.withoutCost`, never silently left out. With a `policy` (a DRG policy, validated when
 * the comparison was requested) each scheme's cases are also priced by it, as `compare-schemes
 * --policy` prices them: its weights give the CMI, and each hospital's payment under A and under B
 * is in the result.
 */
import { ComparedCasesBuilder } from '../../models/comparison/compared-cases.ts';
import type { Transition } from '../../models/comparison/transitions.ts';
import type { ObjectStore, Ports } from '../../models/ports.ts';
import { CaseTableBuilder } from '../../models/payment/cases.ts';
import { parseServicePolicy, type PaymentPolicy } from '../../models/payment/policy.ts';
import type { PolicyResult } from '../../models/payment/simulate.ts';
import { addComparedRecord, comparedSchemes, type ComparisonContext } from '../../app/scheme-comparison.ts';
import { policyTableWeights } from '../../app/policy-weights.ts';
import { simulatePolicy } from '../../app/simulate.ts';
import { config } from '../shared/config.ts';
import { awsDeps } from '../shared/deps.ts';
import * as k from '../shared/keys.ts';
import { logger } from '../shared/observability.ts';
import { heldPaymentTable, schemeById } from '../shared/reference.ts';
import { partitionsOf, readPartition } from './supervision.ts';

export interface SchemeComparisonRequest {
  schemes: [string, string];
  from?: string;
  to?: string;
  hospitalIds?: string[];
  /** A DRG payment policy document (checked when the comparison was requested). */
  policy?: Record<string, unknown>;
}

export interface SchemeComparisonStatus {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  createdAt: string;
  updatedAt: string;
  request: { schemes: [string, string]; from: string | null; to: string | null; hospitalIds: string[] | null };
  progress: { phase: 'queued' | 'reading' | 'comparing' | 'done'; partitionsDone: number; partitionsTotal: number | null; casesRead: number };
  summary?: { cases: number; changedDrg: number; changedAdrg: number; from: string; to: string };
  error?: string;
}

/** The transitions kept in the stored result, per level (largest first; `rows` says how many there were). */
export const storedTransitions = 500;

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

async function readJson<T>(objects: ObjectStore, key: string): Promise<T | null> {
  const bytes = await objects.get(config().LAKE_BUCKET, key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : null;
}

async function writeJson(objects: ObjectStore, key: string, value: unknown): Promise<void> {
  await objects.put(config().LAKE_BUCKET, key, JSON.stringify(value), 'application/json');
}

/** Store a new status (fields over the old ones, `updatedAt` now). */
export async function writeStatus(objects: ObjectStore, status: SchemeComparisonStatus): Promise<void> {
  await writeJson(objects, k.schemeComparisonStatusKey(status.id), status);
}

/**
 * The status object, read while the job may be rewriting it. S3 replaces an object atomically (a
 * GET sees the old or the new one), but s3rver — the local stack's S3 — truncates and rewrites
 * the file in place, so a poll can meet a half-written status: such a read is tried again (a few
 * times, 50 ms apart) before it counts as an error.
 */
export async function readStatus(objects: ObjectStore, id: string, attempts = 5): Promise<SchemeComparisonStatus | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readJson<SchemeComparisonStatus>(objects, k.schemeComparisonStatusKey(id));
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export async function readResult(objects: ObjectStore, id: string): Promise<unknown> {
  return readJson(objects, k.schemeComparisonResultKey(id));
}

const transitionRows = (rows: Transition[]) => rows.slice(0, storedTransitions);

/** Run a queued (or failed) comparison and store its result. Never throws: a failure is stored in its status. */
export async function runRequestedSchemeComparison(deps: Pick<Ports, 'objects'>, id: string): Promise<SchemeComparisonStatus['status'] | 'missing' | 'skipped'> {
  const { objects } = deps;
  const [request, status] = await Promise.all([readJson<SchemeComparisonRequest>(objects, k.schemeComparisonRequestKey(id)), readStatus(objects, id)]);
  if (!request || !status) return 'missing';
  if (status.status !== 'queued' && status.status !== 'failed') return 'skipped';
  let current: SchemeComparisonStatus = { ...status, status: 'running', updatedAt: new Date().toISOString(), progress: { phase: 'reading', partitionsDone: 0, partitionsTotal: null, casesRead: 0 } };
  const update = async (fields: Partial<SchemeComparisonStatus>) => {
    current = { ...current, ...fields, updatedAt: new Date().toISOString() };
    await writeStatus(objects, current);
  };
  try {
    const schemes = request.schemes.map((s, i) => schemeById(s, `schemes.${i}`)) as [ReturnType<typeof schemeById>, ReturnType<typeof schemeById>];
    const { from, to, partitions } = await partitionsOf(objects, request);
    await update({ request: { ...current.request, from, to }, progress: { phase: 'reading', partitionsDone: 0, partitionsTotal: partitions.size, casesRead: 0 } });
    const builder = new ComparedCasesBuilder(1 << 12);
    const policy = request.policy === undefined ? undefined : (parseServicePolicy(request.policy) as PaymentPolicy);
    const ctx: ComparisonContext = { schemes: [{ pack: schemes[0].pack }, { pack: schemes[1].pack }], ...(policy ? { ambiguous: policy.ambiguous } : {}) };
    if (policy) ctx.tables = [new CaseTableBuilder([policy.ambiguous], 1 << 12), new CaseTableBuilder([policy.ambiguous], 1 << 12)];
    let withoutCost = 0;
    let read = 0;
    let done = 0;
    let lastReport = Date.now();
    for (const keys of partitions.values()) {
      for (const record of await readPartition(objects, keys)) {
        read++;
        if (record.hospitalId === undefined || record.totalCost === undefined) {
          withoutCost++;
          continue;
        }
        addComparedRecord(builder, record, ctx);
      }
      done++;
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        await update({ progress: { phase: 'reading', partitionsDone: done, partitionsTotal: partitions.size, casesRead: read } });
      }
    }
    await update({ progress: { phase: 'comparing', partitionsDone: done, partitionsTotal: partitions.size, casesRead: read } });
    const cases = builder.finish();
    if (cases.size === 0) throw new Error(`the period ${from}…${to} holds no stored case with a cost to compare (${read} cases read)`);
    const priced = policy && ctx.tables ? (ctx.tables.map((t) => simulatePolicy(t.finish(), policy, policyTableWeights(policy, heldPaymentTable))) as [PolicyResult, PolicyResult]) : undefined;
    const comparison = comparedSchemes(cases, priced);
    const result = {
      id,
      createdAt: new Date().toISOString(),
      period: { from, to },
      hospitalIds: request.hospitalIds ?? null,
      schemes: schemes.map((s, i) => {
        const q = comparison.schemes[i]!;
        return { id: s.entry.id, name: s.entry.name, packHash: s.entry.packHash, ...q, inGroupRate: finite(q.inGroupRate), cmi: finite(q.cmi), riv: finite(q.riv), meanCv: finite(q.meanCv), shareCvAboveOne: finite(q.shareCvAboveOne) };
      }),
      cases: comparison.cases,
      skipped: { withoutCost },
      changed: { drg: comparison.changed.drg, adrg: comparison.changed.adrg, drgShare: comparison.changed.drg / comparison.cases, adrgShare: comparison.changed.adrg / comparison.cases },
      transitions: { drg: transitionRows(comparison.transitions.drg), adrg: transitionRows(comparison.transitions.adrg), drgRows: comparison.transitions.drg.length, adrgRows: comparison.transitions.adrg.length },
      hospitals: comparison.hospitals.map((h) => ({
        hospitalId: h.hospitalId,
        cases: h.cases,
        totalCost: h.totalCost,
        cmi: [finite(h.cmi[0]), finite(h.cmi[1])],
        ...(h.paymentCents ? { payment: [h.paymentCents[0] / 100, h.paymentCents[1] / 100], paymentChange: h.differenceCents! / 100, paymentChangeShare: finite(h.differenceShare!) } : {}),
      })),
      policy: policy && priced ? { name: policy.name ?? null, version: policy.version, payment: [priced[0].totals.paymentCents / 100, priced[1].totals.paymentCents / 100], baseRate: [finite(priced[0].rate.baseRate), finite(priced[1].rate.baseRate)] } : null,
    };
    await writeJson(objects, k.schemeComparisonResultKey(id), result);
    await update({ status: 'succeeded', progress: { phase: 'done', partitionsDone: done, partitionsTotal: partitions.size, casesRead: read }, summary: { cases: comparison.cases, changedDrg: comparison.changed.drg, changedAdrg: comparison.changed.adrg, from, to } });
    logger.info('scheme comparison stored', { id, cases: comparison.cases, schemes: request.schemes.join(' → ') });
    return 'succeeded';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error('scheme comparison failed', { id, errorMessage: message.slice(0, 300) });
    await update({ status: 'failed', error: `The comparison could not be made: ${message.slice(0, 400)}.` });
    return 'failed';
  }
}

/** The SchemeComparisonRun function: `{key}` from the request object's creation event, or `{id}`. */
export const schemeComparisonRunHandler = (deps: Pick<Ports, 'objects'>) => async (event: { id?: string; key?: string }): Promise<{ id: string; status: string }> => {
  const id = event.id ?? event.key?.split('/')[2];
  if (!id) throw new Error('a scheme comparison run needs an id or a request key');
  return { id, status: await runRequestedSchemeComparison(deps, id) };
};

export const handler = schemeComparisonRunHandler(awsDeps);
