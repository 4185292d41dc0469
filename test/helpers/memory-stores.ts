/**
 * In-memory adapters of every port in `models/ports.ts`, for fast handler and job tests. They keep
 * the semantics callers rely on, and `test/integration/ports-contract.test.ts` runs the same
 * assertions against them and against the DynamoDB/S3 adapters on dynalite and s3rver:
 *
 * - cases: idempotent `putCase` (created / unchanged / replaced), earlier versions in the history,
 *   pages in discharge-date order month by month with an opaque cursor that is refused (400) when
 *   it is not one this store handed out for the same query;
 * - conditional writes: a partition result counts once, a supervision run is claimed once;
 * - updates create the item when there is none (as UpdateItem does); `undefined` fields are
 *   dropped and every value is copied in and out (as a round trip through the table would).
 *
 * They live with the tests, not in `lambdas/`: nothing deployed or run locally uses them (the
 * local stack runs the real adapters against dynalite and s3rver).
 */
import type {
  ApiKeyStore, BatchRecord, BatchStore, CaseQuery, CaseStore, CaseWrite, Clock, DipCatalogPointer, DipCatalogSummary, ForecastAlert, ForecastStore, ObjectStore, Ports,
  PutOutcome, QualityCounters, QualityStore, SimulationJob, SimulationJobStore, StoredCase, StoredForecast, StoredKey, StoredRecord, StoredStressTest,
  StressTestStore, SupervisionRun, SupervisionRunStore,
} from '../../models/ports.ts';
import { addAcceptedCase, addRejections, emptyCounters } from '../../models/settlement/quality-counters.ts';
import { malformed } from '../../lambdas/shared/errors.ts';
import * as k from '../../lambdas/shared/keys.ts';
import { addMonths, monthsBetween } from '../../lambdas/shared/months.ts';

/** A copy as the table would give it back: `undefined` fields dropped, nothing shared with the caller. */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

const caseKey = (hospitalId: string, listId: string): string => `${hospitalId}\u0000${listId}`;

export function memoryCaseStore(): CaseStore {
  const cases = new Map<string, StoredCase>();
  const history = new Map<string, { version: number; contentHash: string; replacedAt: string; record: StoredRecord; batchId: string }[]>();

  const former = new Map<string, string[]>();
  const monthOf = (c: { record: StoredRecord }): string => (c.record.dischargeDate ?? '0000-00').slice(0, 7);

  const writeCase = async (input: Omit<StoredCase, 'version'>, replay = false): Promise<CaseWrite> => {
    const id = caseKey(input.hospitalId, input.listId);
    const previous = cases.get(id);
    if (!previous) {
      cases.set(id, copy({ ...input, version: 1 }));
      former.set(id, []);
      return { outcome: 'created', version: 1, formerMonths: [] };
    }
    const was = former.get(id) ?? [];
    if (previous.contentHash === input.contentHash) return { outcome: 'unchanged', version: previous.version, formerMonths: was };
    const versions = history.get(id) ?? [];
    if (replay && (previous.ingestedAt >= input.ingestedAt || versions.some((v) => v.contentHash === input.contentHash && v.batchId === input.batchId))) return { outcome: 'superseded', version: previous.version, formerMonths: was };
    versions.push({ version: previous.version, contentHash: previous.contentHash, replacedAt: input.ingestedAt, record: previous.record, batchId: previous.batchId });
    history.set(id, versions);
    const formerMonths = [...new Set([...was, monthOf(previous)])].filter((m) => m !== monthOf(input)).sort();
    former.set(id, formerMonths);
    cases.set(id, copy({ ...input, version: previous.version + 1 }));
    return { outcome: 'replaced', version: previous.version + 1, formerMonths };
  };
  const putCase = async (input: Omit<StoredCase, 'version'>): Promise<PutOutcome> => {
    const { outcome } = await writeCase(input);
    return outcome === 'superseded' ? 'unchanged' : outcome;
  };

  /** The sort key of a case in the query's index (GSI1 by hospital, GSI2 by DRG), and the partition it is in. */
  const indexed = (q: CaseQuery, month: string): { sk: string; c: StoredCase }[] => {
    const out: { sk: string; c: StoredCase }[] = [];
    if (q.drg === undefined && q.hospitalId === undefined) return out; // no index partition to read, as on DynamoDB
    for (const c of cases.values()) {
      const date = c.record.dischargeDate ?? '0000-00-00';
      if (date.slice(0, 7) !== month) continue;
      if (q.hospitalId !== undefined && c.hospitalId !== q.hospitalId) continue;
      if (q.drg !== undefined && (c.grouping.drg ?? k.noDrg) !== q.drg) continue;
      if (date < q.from || date > q.to) continue;
      out.push({ sk: q.drg !== undefined ? k.byDrgSk(c.hospitalId, date, c.listId) : k.byMonthSk(date, c.listId), c });
    }
    return out.sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  };
  const partitionOf = (q: CaseQuery, month: string): string => (q.drg !== undefined ? k.byDrgPk(q.drg, month) : k.byMonthPk(q.hospitalId ?? '', month));

  interface Cursor { m: number; k?: { pk: string; sk: string } }
  const decode = (text: string, months: number): Cursor => {
    try {
      const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
      if (typeof c.m === 'number' && Number.isInteger(c.m) && c.m >= 0 && c.m < months && (c.k === undefined || (typeof c.k === 'object' && c.k !== null && typeof c.k.pk === 'string' && typeof c.k.sk === 'string'))) return c;
    } catch {
      // fall through
    }
    throw malformed('The cursor is not one this service handed out; start again without it.');
  };

  return {
    putCase,
    async putCases(items) {
      const outcomes: PutOutcome[] = [];
      for (const item of items) outcomes.push(await putCase(item));
      return outcomes;
    },
    async writeCases(items, _concurrency, options) {
      const out: CaseWrite[] = [];
      for (const item of items) out.push(await writeCase(item, options?.replay === true));
      return out;
    },
    async getCase(hospitalId, listId) {
      return copy(cases.get(caseKey(hospitalId, listId)) ?? null);
    },
    async caseHistory(hospitalId, listId) {
      return copy((history.get(caseKey(hospitalId, listId)) ?? []).map(({ batchId: _b, ...v }) => v));
    },
    async latestMonth(q, notAfter, months) {
      if (q.drg === undefined && q.hospitalId === undefined) return null;
      const earliest = addMonths(notAfter, -(months - 1));
      let latest: string | null = null;
      for (const c of cases.values()) {
        const month = (c.record.dischargeDate ?? '0000-00').slice(0, 7);
        if (month > notAfter || month < earliest) continue;
        if (q.hospitalId !== undefined && c.hospitalId !== q.hospitalId) continue;
        if (q.drg !== undefined && (c.grouping.drg ?? k.noDrg) !== q.drg) continue;
        if (latest === null || month > latest) latest = month;
      }
      return latest;
    },
    async listCases(q) {
      const months = monthsBetween(q.from, q.to);
      if (months.length === 0) return { items: [] };
      const cursor = q.cursor ? decode(q.cursor, months.length) : { m: 0 };
      if (cursor.k && cursor.k.pk !== partitionOf(q, months[cursor.m]!)) throw malformed('The cursor does not belong to this query; start again without it.');
      const items: StoredCase[] = [];
      let after = cursor.k?.sk;
      for (let m = cursor.m; m < months.length; m++, after = undefined) {
        const rows = indexed(q, months[m]!).filter((r) => after === undefined || r.sk > after);
        for (const [i, r] of rows.entries()) {
          if (items.length === q.limit) {
            return { items, cursor: Buffer.from(JSON.stringify({ m, k: { pk: partitionOf(q, months[m]!), sk: rows[i - 1]?.sk ?? after } }), 'utf8').toString('base64url') };
          }
          items.push(copy(r.c));
        }
        if (items.length === q.limit && m + 1 < months.length) return { items, cursor: Buffer.from(JSON.stringify({ m: m + 1 }), 'utf8').toString('base64url') };
      }
      return { items };
    },
  };
}

export function memoryObjectStore(): ObjectStore {
  const buckets = new Map<string, Map<string, Uint8Array>>();
  const bucket = (name: string): Map<string, Uint8Array> => {
    let b = buckets.get(name);
    if (!b) buckets.set(name, (b = new Map()));
    return b;
  };
  return {
    async put(name, key, body) {
      bucket(name).set(key, typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : new Uint8Array(body));
    },
    async get(name, key) {
      const found = bucket(name).get(key);
      return found ? new Uint8Array(found) : null;
    },
    async list(name, prefix) {
      return [...bucket(name).keys()].filter((key) => key.startsWith(prefix)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    },
  };
}

export function memoryBatchStore(): BatchStore {
  const items = new Map<string, BatchRecord>();
  return {
    async put(b) {
      items.set(`${b.scope}\u0000${b.batchId}`, copy(b));
    },
    async get(scope, batchId) {
      return copy(items.get(`${scope}\u0000${batchId}`) ?? null);
    },
  };
}

/** Rejections summed over the month's batches; accepted cases counted from `cases` (each once, in its latest version's month), as the DynamoDB adapter does. */
export function memoryQualityStore(cases: CaseStore): QualityStore {
  const items = new Map<string, QualityCounters>();
  return {
    async put(hospitalId, month, batchId, counters) {
      items.set(`${hospitalId}\u0000${month}\u0000${batchId}`, copy(counters));
    },
    async forMonth(hospitalId, month) {
      const total = { ...emptyCounters(), batches: 0 };
      const page = await cases.listCases({ hospitalId, from: `${month}-01`, to: `${month}-31`, limit: Number.MAX_SAFE_INTEGER });
      for (const c of page.items) addAcceptedCase(total, c.record, (c as StoredCase & { warned?: boolean }).warned === true);
      const prefix = `${hospitalId}\u0000${month}\u0000`;
      for (const [key, q] of items) {
        if (!key.startsWith(prefix)) continue;
        total.batches++;
        addRejections(total, q);
      }
      total.received = total.accepted + total.rejected;
      return total;
    },
  };
}

export function memoryApiKeyStore(): ApiKeyStore {
  const items = new Map<string, StoredKey>();
  return {
    async put(sha256, key) {
      items.set(sha256, copy(key));
    },
    async get(sha256) {
      const found = items.get(sha256);
      if (!found) return null;
      return { role: found.role, ...(found.hospitalId ? { hospitalId: found.hospitalId } : {}), ...(found.label ? { label: found.label } : {}) };
    },
  };
}

/** Set the defined fields of `fields` on `item` (an update expression's SET). */
function setFields<T extends object>(item: T, fields: object): T {
  const out = { ...item } as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = copy(value);
  return out as T;
}

/** Job items by id: put, get, and an update that sets the given fields (creating the item, as UpdateItem does). */
function jobItems<T extends { id: string }>(stamp: (fields: Partial<T>) => Partial<T> = (fields) => fields) {
  const items = new Map<string, T>();
  return {
    items,
    async put(item: T): Promise<void> {
      items.set(item.id, copy(item));
    },
    async get(id: string): Promise<T | null> {
      return copy(items.get(id) ?? null);
    },
    async update(id: string, fields: Partial<Omit<T, 'id'>>): Promise<void> {
      items.set(id, setFields(items.get(id) ?? ({ id } as T), stamp(fields as Partial<T>)));
    },
  };
}

export function memorySimulationJobStore(clock: Clock): SimulationJobStore {
  const { items: jobs, put, get, update } = jobItems<SimulationJob>();
  const partitions = new Map<string, Map<string, { result: unknown; cases: number }>>();
  return {
    put,
    get,
    update,
    async putPartitionResult(id, partition, result, cases) {
      let done = partitions.get(id);
      if (!done) partitions.set(id, (done = new Map()));
      if (done.has(partition)) return null;
      done.set(partition, copy({ result, cases }));
      const job = jobs.get(id) ?? ({ id } as SimulationJob);
      const partitionsDone = (job.partitionsDone ?? 0) + 1;
      jobs.set(id, { ...job, partitionsDone, casesRead: (job.casesRead ?? 0) + cases, updatedAt: clock.now().toISOString() });
      return partitionsDone;
    },
  };
}

export function memoryStressTestStore(): StressTestStore {
  const items = new Map<string, StoredStressTest>();
  return {
    async put(item) {
      items.set(item.id, copy(item));
      if (item.status === 'succeeded') items.set('latest', copy(item));
    },
    async get(id) {
      return copy(items.get(id) ?? null);
    },
  };
}

export function memoryForecastStore(): ForecastStore {
  const forecasts = new Map<string, StoredForecast>();
  const alerts = new Map<string, ForecastAlert>();
  return {
    async put(month, item) {
      forecasts.set(month, copy(item));
      forecasts.set('latest', copy(item));
    },
    async latest() {
      return copy(forecasts.get('latest') ?? null);
    },
    async putAlert(alert) {
      alerts.set(alert.month, copy(alert));
    },
    async getAlert(month) {
      return copy(alerts.get(month) ?? null);
    },
  };
}

export function memorySupervisionRunStore(clock: Clock): SupervisionRunStore {
  const { items: runs, put, get, update } = jobItems<SupervisionRun>((fields) => ({ ...fields, updatedAt: fields.updatedAt ?? clock.now().toISOString() }));
  let latest: string | null = null;
  return {
    put,
    get,
    update,
    async claim(id) {
      const run = runs.get(id);
      if (!run || (run.status !== 'queued' && run.status !== 'failed')) return false;
      const { error: _error, ...rest } = run;
      runs.set(id, { ...rest, status: 'running', updatedAt: clock.now().toISOString() });
      return true;
    },
    async setLatest(id) {
      latest = id;
    },
    async latestId() {
      return latest;
    },
  };
}

export function memoryDipCatalogPointer(): DipCatalogPointer {
  let active: DipCatalogSummary | null = null;
  return {
    async active() {
      return copy(active);
    },
    async activate(summary) {
      active = copy(summary);
    },
  };
}

/** A clock that stands still until a test moves it. */
export interface TestClock extends Clock {
  set(at: string | Date): void;
  advance(ms: number): void;
}

export function testClock(at: string | Date = '2026-01-15T10:00:00.000Z'): TestClock {
  let now = new Date(at).getTime();
  return {
    now: () => new Date(now),
    set: (t) => {
      now = new Date(t).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Every port over fresh, empty in-memory stores, with a test clock. */
export function memoryPorts(clock: TestClock = testClock()): Ports & { clock: TestClock } {
  const cases = memoryCaseStore();
  return {
    cases,
    batches: memoryBatchStore(),
    quality: memoryQualityStore(cases),
    apiKeys: memoryApiKeyStore(),
    simulations: memorySimulationJobStore(clock),
    stressTests: memoryStressTestStore(),
    forecasts: memoryForecastStore(),
    supervisionRuns: memorySupervisionRunStore(clock),
    dipCatalog: memoryDipCatalogPointer(),
    objects: memoryObjectStore(),
    clock,
  };
}
