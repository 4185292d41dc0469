/**
 * DynamoDB repositories over the single table (key strings from `keys.ts`). No transactions,
 * streams, PartiQL or TTL: each operation is one conditional write or a query, so the same code
 * runs on dynalite.
 *
 * Idempotent ingest: a case is written with `attribute_not_exists(pk)`; when it exists, an
 * identical content hash means an identical re-send (nothing written), a different one means a
 * changed record — the old version is copied to a `CASE#<listId>#V#<n>` history item first, then
 * the case is replaced under the condition that it still has the old hash and version
 * (optimistic locking; a lost race retries). A crash between the two writes leaves a history
 * item and the old case, which the next re-send completes — never two cases. These conditional
 * writes are the one place a case's version number is decided; the lake copies it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { addAcceptedCase, addRejections, emptyCounters } from '../../models/settlement/quality-counters.ts';
import type { ApiKeyStore, BatchRecord, BatchStore, CasePage, CaseQuery, CaseStore, CaseWrite, PutOutcome, QualityCounters, QualityStore, SimulationJob, SimulationJobStore, StoredCase, StoredKey, StoredRecord } from '../../models/ports.ts';
import { dynamo } from './aws.ts';
import { config } from './config.ts';
import { malformed } from './errors.ts';
import * as k from './keys.ts';
import { addMonths, monthsBetween } from './months.ts';

export type { BatchRecord, JobStatus, QualityCounters, SimulationJob, StoredKey } from '../../models/ports.ts';
export { emptyCounters, monthsBetween };

const table = (): string => config().TABLE_NAME;

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException');
}

function month(date: string): string {
  return date.slice(0, 7);
}

function caseItem(c: StoredCase, formerMonths: readonly string[]): Record<string, unknown> {
  const discharge = c.record.dischargeDate ?? '0000-00-00';
  return {
    pk: k.hospitalPk(c.hospitalId),
    sk: k.caseSk(c.listId),
    type: 'case',
    ...c,
    ...(formerMonths.length > 0 ? { formerMonths } : {}),
    dischargeDate: discharge,
    gsi1pk: k.byMonthPk(c.hospitalId, month(discharge)),
    gsi1sk: k.byMonthSk(discharge, c.listId),
    gsi2pk: k.byDrgPk(c.grouping.drg ?? k.noDrg, month(discharge)),
    gsi2sk: k.byDrgSk(c.hospitalId, discharge, c.listId),
  };
}

function fromItem(item: Record<string, unknown>): StoredCase {
  return {
    hospitalId: item.hospitalId as string,
    listId: item.listId as string,
    record: item.record as StoredRecord,
    grouping: item.grouping as StoredCase['grouping'],
    ...(item.dip ? { dip: item.dip as NonNullable<StoredCase['dip']> } : {}),
    trace: (item.trace ?? []) as StoredCase['trace'],
    contentHash: item.contentHash as string,
    version: item.version as number,
    batchId: item.batchId as string,
    ingestedAt: item.ingestedAt as string,
  };
}

interface WriteOptions {
  /** Whether the case is known to exist (skips the doomed create). */
  exists?: boolean;
  /** A replay: never replace a version stored by a later (or concurrent) batch, nor bring back one of this batch's that was replaced. */
  replay?: boolean;
}

async function writeCase(input: Omit<StoredCase, 'version'>, options: WriteOptions = {}): Promise<CaseWrite> {
  const db = dynamo();
  let tryCreate = options.exists !== true;
  for (let attempt = 0; attempt < 8; attempt++) {
    if (tryCreate) {
      try {
        // The legacy `Expected` form of attribute_not_exists(pk): same semantics on DynamoDB, and
        // dynalite answers it ~2.5× faster than a ConditionExpression (no expression parser) — this
        // is the write every new case takes.
        await db.send(new PutCommand({ TableName: table(), Item: caseItem({ ...input, version: 1 }, []), Expected: { pk: { Exists: false } } }));
        return { outcome: 'created', version: 1, formerMonths: [] };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    tryCreate = true;
    const old = await db.send(new GetCommand({ TableName: table(), Key: { pk: k.hospitalPk(input.hospitalId), sk: k.caseSk(input.listId) }, ConsistentRead: true }));
    if (!old.Item) continue; // deleted in between: try creating again
    const previous = fromItem(old.Item);
    const former = (old.Item.formerMonths ?? []) as string[];
    if (previous.contentHash === input.contentHash) return { outcome: 'unchanged', version: previous.version, formerMonths: former };
    if (options.replay && (previous.ingestedAt >= input.ingestedAt || await inHistory(input))) return { outcome: 'superseded', version: previous.version, formerMonths: former };
    await db.send(new PutCommand({
      TableName: table(),
      Item: { pk: k.hospitalPk(input.hospitalId), sk: k.caseVersionSk(input.listId, previous.version), type: 'case-version', version: previous.version, contentHash: previous.contentHash, record: previous.record, grouping: previous.grouping, batchId: previous.batchId, ingestedAt: previous.ingestedAt, replacedAt: input.ingestedAt },
    }));
    const now = month(input.record.dischargeDate ?? '0000-00');
    const formerMonths = [...new Set([...former, month(previous.record.dischargeDate ?? '0000-00')])].filter((m) => m !== now).sort();
    try {
      await db.send(new PutCommand({
        TableName: table(),
        Item: caseItem({ ...input, version: previous.version + 1 }, formerMonths),
        ConditionExpression: 'contentHash = :old AND #version = :v',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':old': previous.contentHash, ':v': previous.version },
      }));
      return { outcome: 'replaced', version: previous.version + 1, formerMonths };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new Error('the case kept changing under concurrent writes; retry the batch');
}

/** Whether this batch's content of the case was stored once and has been replaced since (a replay must not bring it back). */
async function inHistory(input: Omit<StoredCase, 'version'>): Promise<boolean> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'contentHash = :h AND batchId = :b',
      ExpressionAttributeValues: { ':pk': k.hospitalPk(input.hospitalId), ':prefix': k.caseVersionPrefix(input.listId), ':h': input.contentHash, ':b': input.batchId },
      ExclusiveStartKey: startKey,
    }));
    if ((out.Items ?? []).length > 0) return true;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return false;
}

export const dynamoCaseStore: CaseStore = {
  async putCase(input) {
    const { outcome } = await writeCase(input);
    return outcome === 'superseded' ? 'unchanged' : outcome;
  },

  async getCase(hospitalId, listId) {
    const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.hospitalPk(hospitalId), sk: k.caseSk(listId) } }));
    return out.Item ? fromItem(out.Item) : null;
  },

  async caseHistory(hospitalId, listId) {
    const out = await dynamo().send(new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': k.hospitalPk(hospitalId), ':prefix': k.caseVersionPrefix(listId) },
    }));
    return (out.Items ?? []).map((i) => ({ version: i.version as number, contentHash: i.contentHash as string, replacedAt: i.replacedAt as string, record: i.record as StoredRecord }));
  },

  async listCases(query) {
    return listCases(query);
  },

  async latestMonth(query, notAfter, months) {
    return latestMonth(query, notAfter, months);
  },

  async putCases(items, concurrency) {
    return putCases(items, concurrency);
  },

  async writeCases(items, concurrency, options) {
    return writeCases(items, concurrency, options);
  },
};

/** Many cases at once, with the same outcomes as `putCase` (see `writeCases`). */
export async function putCases(items: readonly Omit<StoredCase, 'version'>[], concurrency: number): Promise<PutOutcome[]> {
  return (await writeCases(items, concurrency)).map((w) => (w.outcome === 'superseded' ? 'unchanged' : w.outcome));
}

/**
 * Many cases at once: one consistent BatchGetItem per 100 cases finds which exist and with what
 * content; identical ones are `unchanged` without a write; every other one is one conditional
 * write (`attribute_not_exists` for a new case, the old hash and version for a change), so two
 * requests racing on one listId are serialised by DynamoDB — each gets its own version number
 * and the loser's content goes to the history. The versions of one listId repeated inside the
 * batch are written in batch order; different listIds `concurrency` at a time.
 */
export async function writeCases(items: readonly Omit<StoredCase, 'version'>[], concurrency: number, options: { replay?: boolean } = {}): Promise<CaseWrite[]> {
  const db = dynamo();
  const out = new Array<CaseWrite>(items.length);
  const existing = new Map<string, { contentHash: string; version: number; formerMonths: string[] }>();
  const keyOf = (h: string, l: string): string => `${h}\u0000${l}`;
  const gets: Record<string, unknown>[][] = [];
  const byKey = new Map<string, number[]>();
  let chunk: Record<string, unknown>[] = [];
  items.forEach((c, i) => {
    const id = keyOf(c.hospitalId, c.listId);
    const list = byKey.get(id);
    if (list) {
      list.push(i);
      return;
    }
    byKey.set(id, [i]);
    chunk.push({ pk: k.hospitalPk(c.hospitalId), sk: k.caseSk(c.listId) });
    if (chunk.length === 100) {
      gets.push(chunk);
      chunk = [];
    }
  });
  if (chunk.length > 0) gets.push(chunk);
  await runLimited(gets, concurrency, async (keys) => {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean; ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }> | undefined = {
      [table()]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'hospitalId, listId, contentHash, #version, formerMonths', ExpressionAttributeNames: { '#version': 'version' } },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      const page = await db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of page.Responses?.[table()] ?? []) {
        existing.set(keyOf(item.hospitalId as string, item.listId as string), { contentHash: item.contentHash as string, version: Number(item.version), formerMonths: (item.formerMonths ?? []) as string[] });
      }
      request = page.UnprocessedKeys as typeof request;
      if (request && Object.keys(request).length > 0) await backoff(attempt);
    }
  });
  await runLimited([...byKey.entries()], concurrency, async ([id, indexes]) => {
    const found = existing.get(id);
    for (const [n, i] of indexes.entries()) {
      if (n === 0 && found && found.contentHash === items[i]!.contentHash) out[i] = { outcome: 'unchanged', version: found.version, formerMonths: found.formerMonths };
      else out[i] = await writeCase(items[i]!, { exists: n > 0 || found !== undefined, ...(options.replay ? { replay: true } : {}) });
    }
  });
  return out;
}

async function runLimited<T>(work: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, work.length) }, async () => {
    while (next < work.length) await fn(work[next++]!);
  }));
}

function backoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random())));
}

interface Cursor {
  /** Index of the month being read. */
  m: number;
  /** DynamoDB's LastEvaluatedKey inside that month. */
  k?: Record<string, unknown>;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

/** The attributes of a LastEvaluatedKey of each index: the table's key and the index's. */
const startKeyShapes = [['pk', 'sk', 'gsi1pk', 'gsi1sk'], ['pk', 'sk', 'gsi2pk', 'gsi2sk']].map((names) => names.sort().join(','));

/** A DynamoDB start key as this service hands it out: exactly one index's key attributes, all short strings. */
function isStartKey(k: unknown): k is Record<string, string> {
  if (typeof k !== 'object' || k === null || Array.isArray(k)) return false;
  const entries = Object.entries(k);
  if (!entries.every(([, v]) => typeof v === 'string' && v.length > 0 && v.length <= 1024)) return false;
  return startKeyShapes.includes(entries.map(([name]) => name).sort().join(','));
}

/** A cursor of a previous page, or 400 (a cursor that is not base64url JSON of this shape would otherwise reach DynamoDB). */
function decodeCursor(text: string, months: number): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor | null;
    if (c !== null && typeof c === 'object' && Number.isInteger(c.m) && c.m >= 0 && c.m < months && (c.k === undefined || isStartKey(c.k))) return c;
  } catch {
    // fall through
  }
  throw malformed('The cursor is not one this service handed out; start again without it.');
}

/**
 * The latest month with a case of the hospital (GSI1) or the DRG (GSI2, optionally one
 * hospital's): a one-item query per month, twelve months at a time, newest first.
 */
async function latestMonth(q: Pick<CaseQuery, 'hospitalId' | 'drg'>, notAfter: string, months: number): Promise<string | null> {
  const holds = async (month: string): Promise<boolean> => {
    const input: QueryCommandInput = q.drg !== undefined
      ? {
          TableName: table(),
          IndexName: k.indexNames.byDrg,
          KeyConditionExpression: q.hospitalId !== undefined ? 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)' : 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': k.byDrgPk(q.drg, month), ...(q.hospitalId !== undefined ? { ':prefix': k.byDrgHospitalPrefix(q.hospitalId) } : {}) },
        }
      : { TableName: table(), IndexName: k.indexNames.byMonth, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': k.byMonthPk(q.hospitalId!, month) } };
    const out = await dynamo().send(new QueryCommand({ ...input, Limit: 1 }));
    return (out.Items?.length ?? 0) > 0;
  };
  for (let back = 0; back < months; back += 12) {
    const batch = Array.from({ length: Math.min(12, months - back) }, (_, i) => addMonths(notAfter, -(back + i)));
    const found = await Promise.all(batch.map(holds));
    const i = found.indexOf(true);
    if (i !== -1) return batch[i]!;
  }
  return null;
}

/**
 * One page of cases, by hospital (GSI1) or by DRG (GSI2, optionally one hospital's), in
 * discharge-date order month by month; the cursor carries the month and DynamoDB's key. A cursor
 * is checked against the query's own partition keys, so it cannot be used to read another
 * hospital's partition.
 */
async function listCases(q: CaseQuery): Promise<CasePage> {
  const months = monthsBetween(q.from, q.to);
  if (months.length === 0) return { items: [] };
  const cursor = q.cursor ? decodeCursor(q.cursor, months.length) : { m: 0 };
  const items: StoredCase[] = [];
  let m = cursor.m;
  let startKey = cursor.k;
  while (m < months.length && items.length < q.limit) {
    const mm = months[m]!;
    const input: QueryCommandInput = q.drg !== undefined
      ? {
          TableName: table(),
          IndexName: k.indexNames.byDrg,
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: q.hospitalId !== undefined
            ? { ':pk': k.byDrgPk(q.drg, mm), ':lo': `${k.byDrgHospitalPrefix(q.hospitalId)}${q.from}`, ':hi': `${k.byDrgHospitalPrefix(q.hospitalId)}${q.to}~` }
            : { ':pk': k.byDrgPk(q.drg, mm), ':lo': 'HOSP#', ':hi': 'HOSP$' },
          ...(q.hospitalId === undefined ? { FilterExpression: 'dischargeDate BETWEEN :from AND :to' } : {}),
        }
      : {
          TableName: table(),
          IndexName: k.indexNames.byMonth,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': k.byMonthPk(q.hospitalId!, mm), ':lo': q.from, ':hi': `${q.to}~` },
        };
    if (q.drg !== undefined && q.hospitalId === undefined) {
      input.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ':from': q.from, ':to': q.to };
    }
    if (startKey) {
      const [expected, sortName] = q.drg !== undefined ? ['gsi2pk', 'gsi2sk'] : ['gsi1pk', 'gsi1sk'];
      const values = input.ExpressionAttributeValues as Record<string, string>;
      const sortKey = startKey[sortName];
      // The partition and the sort key's range of this very query: DynamoDB refuses a start key outside them (a 500 otherwise).
      if (startKey[expected] !== values[':pk'] || typeof sortKey !== 'string' || sortKey < values[':lo']! || sortKey > values[':hi']!) {
        throw malformed('The cursor does not belong to this query; start again without it.');
      }
      input.ExclusiveStartKey = startKey;
    }
    input.Limit = q.limit - items.length;
    const out = await dynamo().send(new QueryCommand(input));
    for (const item of out.Items ?? []) items.push(fromItem(item));
    if (out.LastEvaluatedKey) {
      startKey = out.LastEvaluatedKey;
    } else {
      m++;
      startKey = undefined;
    }
  }
  if (m >= months.length) return { items };
  return { items, cursor: encodeCursor(startKey ? { m, k: startKey } : { m }) };
}

// ---------------------------------------------------------------------------------------------
// Batches

export async function putBatch(b: BatchRecord): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.hospitalPk(b.scope), sk: k.batchSk(b.batchId), type: 'batch', ...b } }));
}

export async function getBatch(scope: string, batchId: string): Promise<BatchRecord | null> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.hospitalPk(scope), sk: k.batchSk(batchId) } }));
  return out.Item ? (out.Item as unknown as BatchRecord) : null;
}

// ---------------------------------------------------------------------------------------------
// Data quality. Rejected records: counters per hospital, month and batch (a re-sent identical
// batch overwrites its own counters instead of adding to them), summed over the month's batch
// items. Accepted cases are counted from the cases themselves (GSI byMonth): each case once, in
// the month of its latest version, whatever batches sent or corrected it.

export async function putQualityCounters(hospitalId: string, monthKey: string, batchId: string, counters: QualityCounters): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.hospitalPk(hospitalId), sk: `${k.dataQualitySk(monthKey)}#BATCH#${batchId}`, type: 'dq', month: monthKey, batchId, ...counters } }));
}

export async function qualityCounters(hospitalId: string, monthKey: string): Promise<QualityCounters & { batches: number }> {
  const total = { ...emptyCounters(), batches: 0 };
  await acceptedCases(hospitalId, monthKey, total);
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': k.hospitalPk(hospitalId), ':prefix': `${k.dataQualitySk(monthKey)}#` },
      ExclusiveStartKey: startKey,
    }));
    for (const item of out.Items ?? []) {
      total.batches++;
      addRejections(total, item as Partial<QualityCounters>);
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  total.received = total.accepted + total.rejected;
  return total;
}

/** Add the month's cases (latest versions, GSI byMonth) to `total`: accepted, warned, missing fields. */
async function acceptedCases(hospitalId: string, monthKey: string, total: QualityCounters): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({
      TableName: table(),
      IndexName: k.indexNames.byMonth,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': k.byMonthPk(hospitalId, monthKey) },
      ProjectionExpression: '#record, warned',
      ExpressionAttributeNames: { '#record': 'record' },
      ExclusiveStartKey: startKey,
    }));
    for (const item of out.Items ?? []) {
      addAcceptedCase(total, item.record as StoredRecord, item.warned === true);
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

// ---------------------------------------------------------------------------------------------
// API keys

export async function putApiKey(sha256: string, key: StoredKey): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.apiKeyPk(sha256), sk: k.apiKeySk, type: 'api-key', ...key } }));
}

export async function getApiKey(sha256: string): Promise<StoredKey | null> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.apiKeyPk(sha256), sk: k.apiKeySk } }));
  if (!out.Item) return null;
  const { role, hospitalId, label } = out.Item as StoredKey;
  return { role, ...(hospitalId ? { hospitalId } : {}), ...(label ? { label } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Simulation jobs

export async function putJob(job: SimulationJob): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.simulationPk(job.id), sk: k.jobSk, type: 'simulation', ...job } }));
}

export async function getJob(id: string): Promise<SimulationJob | null> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.simulationPk(id), sk: k.jobSk }, ConsistentRead: true }));
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, type: _type, ...job } = out.Item;
  return job as SimulationJob;
}

export async function updateJob(id: string, fields: Partial<Omit<SimulationJob, 'id'>>): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    sets.push(`#${key} = :${key}`);
  }
  if (sets.length === 0) return;
  await dynamo().send(new UpdateCommand({ TableName: table(), Key: { pk: k.simulationPk(id), sk: k.jobSk }, UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values }));
}

/**
 * Store one partition's result and count it done — once: a redelivered partition (Step
 * Functions retry, SQS redelivery) finds its result already there and does not count twice.
 * Returns the job's done count after this partition, or null when it was a repeat.
 */
export async function putPartitionResult(id: string, partition: string, result: unknown, cases: number): Promise<number | null> {
  try {
    await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.simulationPk(id), sk: k.partitionSk(partition), type: 'partition', result, cases }, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
  const out = await dynamo().send(new UpdateCommand({
    TableName: table(),
    Key: { pk: k.simulationPk(id), sk: k.jobSk },
    UpdateExpression: 'ADD partitionsDone :one, casesRead :n SET updatedAt = :now',
    ExpressionAttributeValues: { ':one': 1, ':n': cases, ':now': new Date().toISOString() },
    ReturnValues: 'UPDATED_NEW',
  }));
  return Number(out.Attributes?.partitionsDone ?? 0);
}

export async function partitionResults(id: string): Promise<{ partition: string; result: unknown; cases: number }[]> {
  const out: { partition: string; result: unknown; cases: number }[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': k.simulationPk(id), ':prefix': k.partitionPrefix },
      ExclusiveStartKey: startKey,
    }));
    for (const item of page.Items ?? []) out.push({ partition: (item.sk as string).slice(k.partitionPrefix.length), result: item.result, cases: Number(item.cases ?? 0) });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The ports these functions implement (models/ports.ts).

export const dynamoBatchStore: BatchStore = { put: putBatch, get: getBatch };
export const dynamoQualityStore: QualityStore = { put: putQualityCounters, forMonth: qualityCounters };
export const dynamoApiKeyStore: ApiKeyStore = { put: putApiKey, get: getApiKey };
export const dynamoSimulationJobStore: SimulationJobStore = { put: putJob, get: getJob, update: updateJob, putPartitionResult };
