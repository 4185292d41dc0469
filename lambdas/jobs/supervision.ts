/**
 * A supervision run: the cases of a period from the lake → `caseRow` (CHS-DRG, complication
 * level) → `screenCases` → results in the lake bucket, status and progress in the run item.
 *
 * One job screens the whole period at once, not a fan-out per lake partition: the admission
 * rules (split, frequent) follow a patient across hospitals and months, and the peer rules
 * compare hospitals, so every rule needs all of the period's cases in one table. Partitions are
 * read in order (a few fetched ahead), deduplicated (latest version of each listId; a case whose
 * latest version moved to another month is left out by its tombstone, see lake-reader.ts) and appended
 * to the table one at a time, so memory holds the table, not the JSON.
 *
 * Started three ways, all ending in `runSupervision`:
 * - `POST /v1/supervision-runs` writes the run item and `jobs/supervision/<id>/request.json`; on
 *   AWS the object's creation event (S3 → EventBridge) invokes the SupervisionRun function, on
 *   the local stack the same event runs it in-process;
 * - the monthly EventBridge schedule invokes the same function with a scheduled event: it
 *   screens the previous calendar month as run `monthly-<yyyy-mm>` (a redelivered event finds
 *   the run claimed and does nothing);
 * - tests call `runMonthlySupervision` / `runSupervision` directly.
 *
 * Stored: `jobs/supervision/<id>/result.json` (rule set, period, counts by rule, the hospitals
 * ranked by risk with each rule's contribution) and `…/flags/hospital=<h>.json` (that hospital's
 * flags, highest score first) — per hospital, so a hospital key's read touches only its own.
 */
import type { ObjectStore, Ports, SupervisionRun } from '../../models/ports.ts';
import type { SettlementRecord } from '../../models/settlement/schema.ts';
import { caseRow, SupervisionTableBuilder } from '../../models/supervision/case-table.ts';
import type { Flag } from '../../models/supervision/flags.ts';
import { parseRuleSet, ruleDefinitions, type RuleSet } from '../../models/supervision/rule-set.ts';
import { screenCases } from '../../models/supervision/screen.ts';
import { config } from '../shared/config.ts';
import * as k from '../shared/keys.ts';
import { latestLakeLines, type LakeLineKey } from '../shared/lake-reader.ts';
import { logger } from '../shared/observability.ts';
import { reference } from '../shared/reference.ts';

/** The stores a supervision run reads and writes: the lake's objects and the run item. */
export type SupervisionPorts = Pick<Ports, 'objects' | 'supervisionRuns'>;

/** What a run screens: `request.json`. Months are YYYY-MM, inclusive; no period = the latest month in the lake. */
export interface SupervisionRequest {
  ruleSet?: unknown;
  from?: string;
  to?: string;
  hospitalIds?: string[];
}

/** A flag as stored and served: the score rounded to 4 places. */
export type StoredFlag = Flag;

export interface SupervisionResult {
  id: string;
  createdAt: string;
  period: { from: string; to: string };
  hospitalIds: string[] | null;
  ruleSet: RuleSet;
  definitions: typeof ruleDefinitions;
  cases: number;
  flags: number;
  byRule: ReturnType<typeof screenCases>['byRule'];
  hospitals: ReturnType<typeof screenCases>['hospitals'];
  timings: Record<string, number>;
}

const month = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month before `now`'s (UTC), YYYY-MM. */
export function previousMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const s = `${y}-${String(m).padStart(2, '0')}`;
    if (s > to) break;
    out.push(s);
    if (++m === 13) {
      m = 1;
      y++;
    }
  }
  return out;
}

async function readJson<T>(objects: ObjectStore, key: string): Promise<T | null> {
  const bytes = await objects.get(config().LAKE_BUCKET, key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : null;
}

async function writeJson(objects: ObjectStore, key: string, value: unknown): Promise<void> {
  await objects.put(config().LAKE_BUCKET, key, JSON.stringify(value), 'application/json');
}

/** Lake partitions (`yyyy-mm` + hospital) of the period, sorted; the latest month in the lake when no period is given. */
export async function partitionsOf(objects: ObjectStore, request: SupervisionRequest): Promise<{ from: string; to: string; partitions: Map<string, string[]> }> {
  const bucket = config().LAKE_BUCKET;
  let { from, to } = request;
  const years = from && to ? [...new Set(monthsOf(from, to).map((m) => m.slice(0, 4)))] : null;
  const keys: string[] = [];
  if (years) for (const y of years) keys.push(...(await objects.list(bucket, k.lakeYearPrefix(y))));
  else keys.push(...(await objects.list(bucket, 'cases/')));
  const parsed = keys.map((key) => ({ key, p: k.parseLakeKey(key) })).filter((x): x is { key: string; p: NonNullable<ReturnType<typeof k.parseLakeKey>> } => x.p !== null);
  if (!from || !to) {
    const latest = parsed.reduce((m, x) => (`${x.p.year}-${x.p.month}` > m ? `${x.p.year}-${x.p.month}` : m), '');
    from = to = latest || previousMonth(new Date());
  }
  const wanted = request.hospitalIds ? new Set(request.hospitalIds) : null;
  const partitions = new Map<string, string[]>();
  for (const { key, p } of parsed) {
    const m = `${p.year}-${p.month}`;
    if (m < from || m > to || (wanted && !wanted.has(p.hospitalId))) continue;
    const id = `${m}/${p.hospitalId}`;
    let list = partitions.get(id);
    if (!list) partitions.set(id, (list = []));
    list.push(key);
  }
  return { from, to, partitions: new Map([...partitions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

interface LakeLine extends LakeLineKey, Record<string, unknown> {
  patientRef?: string;
}

/** One partition's cases, latest version of each listId, as settlement records (the pseudonym stands in for patientId). */
export async function readPartition(objects: ObjectStore, keys: readonly string[]): Promise<SettlementRecord[]> {
  return (await latestLakeLines<LakeLine>(objects, keys)).map(({ patientRef, group: _g, contentHash: _h, batchId: _b, ingestedAt: _i, version: _v, ...record }) => ({ ...record, ...(patientRef ? { patientId: patientRef } : {}) }) as unknown as SettlementRecord);
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Screen a run's period and store its results; the run item says how far it got. Never throws: a failure is stored on the run. */
export async function runSupervision(deps: SupervisionPorts, id: string, request: SupervisionRequest): Promise<SupervisionRun['status']> {
  const { objects } = deps;
  try {
    const ruleSet = parseRuleSet(request.ruleSet ?? {});
    if ((request.from && !month.test(request.from)) || (request.to && !month.test(request.to))) throw new Error('from and to must be months written YYYY-MM');
    const { from, to, partitions } = await partitionsOf(objects, request);
    await deps.supervisionRuns.update(id, { status: 'running', request: { from, to, hospitalIds: request.hospitalIds ?? null, ruleSet: { name: ruleSet.name, version: ruleSet.version } }, progress: { phase: 'reading', partitionsDone: 0, partitionsTotal: partitions.size, casesRead: 0 } });

    const { pack, weights, paymentTable } = reference();
    const builder = new SupervisionTableBuilder(1 << 12);
    const list = [...partitions.values()];
    const ahead = 4;
    const pending = list.slice(0, ahead).map((keys) => readPartition(objects, keys));
    let lastReport = Date.now();
    for (let i = 0; i < list.length; i++) {
      const records = await pending[i]!;
      if (i + ahead < list.length) pending.push(readPartition(objects, list[i + ahead]!));
      pending[i] = Promise.resolve([]);
      for (const r of records) if (r.hospitalId) builder.add(caseRow(r, pack));
      if (Date.now() - lastReport > 2000 || i === list.length - 1) {
        lastReport = Date.now();
        await deps.supervisionRuns.update(id, { progress: { phase: i === list.length - 1 ? 'screening' : 'reading', partitionsDone: i + 1, partitionsTotal: list.length, casesRead: builder.size } });
      }
    }
    const table = builder.finish();
    const screened = screenCases(table, ruleSet, { relativeWeights: weights, name: paymentTable ?? undefined });
    await deps.supervisionRuns.update(id, { progress: { phase: 'storing', partitionsDone: list.length, partitionsTotal: list.length, casesRead: table.size } });

    const byHospital = new Map<string, StoredFlag[]>();
    for (const f of screened.flags) {
      let l = byHospital.get(f.hospitalId);
      if (!l) byHospital.set(f.hospitalId, (l = []));
      l.push({ ...f, score: round4(f.score) });
    }
    for (const [hospitalId, flags] of byHospital) {
      flags.sort((a, b) => b.score - a.score || a.rule.localeCompare(b.rule) || (a.listId ?? '').localeCompare(b.listId ?? ''));
      await writeJson(objects, k.supervisionFlagsKey(id, hospitalId), flags);
    }
    const result: SupervisionResult = {
      id,
      createdAt: new Date().toISOString(),
      period: { from, to },
      hospitalIds: request.hospitalIds ?? null,
      ruleSet,
      definitions: ruleDefinitions,
      cases: screened.cases,
      flags: screened.flags.length,
      byRule: screened.byRule,
      hospitals: screened.hospitals,
      timings: screened.timings,
    };
    await writeJson(objects, k.supervisionResultKey(id), result);
    await deps.supervisionRuns.update(id, {
      status: 'succeeded',
      progress: { phase: 'done', partitionsDone: list.length, partitionsTotal: list.length, casesRead: table.size },
      summary: { cases: table.size, flags: screened.flags.length, hospitals: screened.hospitals.length, from, to },
    });
    await deps.supervisionRuns.setLatest(id);
    logger.info('supervision run stored', { id, cases: table.size, flags: screened.flags.length, from, to });
    return 'succeeded';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error('supervision run failed', { id, errorMessage: message.slice(0, 300) });
    await deps.supervisionRuns.update(id, { status: 'failed', error: message.slice(0, 500) });
    return 'failed';
  }
}

/** A queued run started by its request object (S3 event, or the local stack's in-process stand-in). */
export async function runRequestedSupervision(deps: SupervisionPorts, id: string): Promise<SupervisionRun['status'] | 'skipped'> {
  if (!(await deps.supervisionRuns.claim(id))) return 'skipped';
  const request = await readJson<SupervisionRequest>(deps.objects, k.supervisionRequestKey(id));
  if (!request) {
    await deps.supervisionRuns.update(id, { status: 'failed', error: 'the run\'s request object is missing' });
    return 'failed';
  }
  return runSupervision(deps, id, request);
}

/** The monthly schedule: screen the previous calendar month with the default rule set, as run `monthly-<yyyy-mm>`. */
export async function runMonthlySupervision(deps: SupervisionPorts, now: Date): Promise<{ id: string; status: SupervisionRun['status'] | 'skipped' }> {
  const period = previousMonth(now);
  const id = `monthly-${period}`;
  const ruleSet = parseRuleSet({});
  if (!(await deps.supervisionRuns.get(id))) {
    const at = now.toISOString();
    await deps.supervisionRuns.put({ id, status: 'queued', trigger: 'schedule', createdAt: at, updatedAt: at, request: { from: period, to: period, hospitalIds: null, ruleSet: { name: ruleSet.name, version: ruleSet.version } }, progress: { phase: 'queued', partitionsDone: 0, partitionsTotal: null, casesRead: 0 } });
  }
  if (!(await deps.supervisionRuns.claim(id))) return { id, status: 'skipped' };
  return { id, status: await runSupervision(deps, id, { from: period, to: period }) };
}
