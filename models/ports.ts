/**
 * Ports: the interfaces the domain's adapters implement. Handlers and jobs depend on these, never
 * on a storage SDK directly; `lambdas/shared/` implements them with DynamoDB and S3 (the same
 * adapters run against dynalite and s3rver locally). Pure types only: no I/O here.
 */
import type { GroupResult } from './grouping/drg/grouper.ts';
import type { CodeEdition } from './settlement/code-map.ts';
import type { SettlementRecord } from './settlement/schema.ts';

/** Wall-clock time, injectable for tests. */
export interface Clock {
  now(): Date;
}

/** A stored record: the settlement record with `patientId` replaced by `patientRef` (keyed HMAC). */
export type StoredRecord = Omit<SettlementRecord, 'patientId'> & { hospitalId: string; patientRef?: string };

/** The grouping of a stored case (the trace is kept with the case, not in the lake). */
export interface CaseGrouping {
  status: GroupResult['status'];
  mdc: string | null;
  adrg: string | null;
  drg: string | null;
  severity?: GroupResult['severity'];
  /** The id of the scheme that grouped the case (absent on cases stored before schemes were recorded: the national CHS-DRG 1.1 text grouped them). */
  scheme?: string;
  /** sha256 of the compiled rule pack that grouped it. */
  packHash?: string;
}

/** The DIP packet of a stored case, when a DIP catalogue was active at ingest (`groupDip`'s result without the trace). */
export interface CaseDip {
  /** 'fallback': ungrouped (no packet by the rules; paid by item): `packet` is the catch-all of its class, shown for information. */
  status: 'grouped' | 'fallback';
  packet: string;
  kind: 'core' | 'comprehensive';
  /** The packet's score; null for an ungrouped case when the catalogue has no catch-all packet (an imported list). */
  score: number | null;
  auxiliary: { tier: string; rule: string; coefficient: number } | null;
  /** The catalogue it was grouped with (sha-256 of the document). */
  catalog: string;
}

/** One case as stored: the pseudonymised record, its grouping and bookkeeping. */
export interface StoredCase {
  hospitalId: string;
  listId: string;
  record: StoredRecord;
  grouping: CaseGrouping;
  /** Present when a DIP catalogue was active when the case was ingested. */
  dip?: CaseDip;
  trace: GroupResult['trace'];
  /** sha256 of the canonical record: equal hashes mean an identical re-send. */
  contentHash: string;
  /** 1 for the first version, +1 for each change. */
  version: number;
  batchId: string;
  ingestedAt: string;
}

/** What a put did: a new case, an identical re-send, or a changed record replacing the old one (the old one goes to the history). */
export type PutOutcome = 'created' | 'unchanged' | 'replaced';

export interface CaseQuery {
  hospitalId?: string;
  drg?: string;
  /** Inclusive discharge-date range, YYYY-MM-DD. */
  from: string;
  to: string;
  limit: number;
  cursor?: string;
}

export interface CasePage {
  items: StoredCase[];
  cursor?: string;
}

/** What writing one case did (see `CaseStore.writeCases`). */
export interface CaseWrite {
  outcome: PutOutcome | 'superseded';
  version: number;
  formerMonths: string[];
}

export interface CaseStore {
  /** Idempotent by (hospitalId, listId): never a second copy; a changed record replaces the old and the change is recorded. */
  putCase(item: Omit<StoredCase, 'version'>): Promise<PutOutcome>;
  /** Many cases at once, with the same outcomes as `putCase` (one per item, in order); `concurrency` bounds the writes in flight. */
  putCases(items: readonly Omit<StoredCase, 'version'>[], concurrency: number): Promise<PutOutcome[]>;
  /**
   * `putCases` saying what each write did, as the one authority on versions: the version the case
   * now has and the discharge months (YYYY-MM) of its earlier versions other than the current one
   * (where the lake needs tombstones). With `replay`, a case another batch changed since is
   * `superseded` and left alone.
   */
  writeCases(items: readonly Omit<StoredCase, 'version'>[], concurrency: number, options?: { replay?: boolean }): Promise<CaseWrite[]>;
  getCase(hospitalId: string, listId: string): Promise<StoredCase | null>;
  /** One page in discharge-date order; a cursor this store did not hand out for this query is a `malformed` error (400). */
  listCases(query: CaseQuery): Promise<CasePage>;
  /**
   * The latest discharge month (YYYY-MM) holding a case of the hospital, the DRG or both, looking
   * back at most `months` months from `notAfter` (YYYY-MM); null when there is none.
   */
  latestMonth(query: Pick<CaseQuery, 'hospitalId' | 'drg'>, notAfter: string, months: number): Promise<string | null>;
  /** Earlier versions of a case, oldest first. */
  caseHistory(hospitalId: string, listId: string): Promise<{ version: number; contentHash: string; replacedAt: string; record: StoredRecord }[]>;
}

/** A blob store (S3 buckets, or s3rver locally). */
export interface ObjectStore {
  put(bucket: string, key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** null when there is no such object. */
  get(bucket: string, key: string): Promise<Uint8Array | null>;
  /** Every key under `prefix`. */
  list(bucket: string, prefix: string): Promise<string[]>;
}

// ---------------------------------------------------------------------------------------------
// The other stores. Each port lists exactly the operations the handlers and jobs use; the
// DynamoDB adapters live in `lambdas/shared/` (repositories.ts, fund-store.ts,
// supervision-store.ts, dip-catalog-store.ts), the in-memory ones in `test/helpers/memory-stores.ts`.

/** A received batch of settlement records (replayable from its raw object). */
export interface BatchRecord {
  /** The hospital for a hospital key, `admin` for admin keys. */
  scope: string;
  batchId: string;
  status: 'received' | 'processed' | 'malformed';
  rawKey: string;
  contentType: string;
  receivedAt: string;
  /** The batch's default code edition (`?codeEdition=`); absent: `chs-2.0`. A replay reads the body with it. */
  codeEdition?: CodeEdition;
  counts?: Record<string, number>;
}

export interface BatchStore {
  /** Writes (or overwrites) the batch's item. */
  put(batch: BatchRecord): Promise<void>;
  get(scope: string, batchId: string): Promise<BatchRecord | null>;
}

/** Data-quality counters of one (hospital, month, batch). */
export interface QualityCounters {
  received: number;
  accepted: number;
  rejected: number;
  /** Rejections by reason (`principalDiagnosis:grey-code`, `lengthOfStay:inconsistent`, …): records, not problems. */
  reasons: Record<string, number>;
  /** Records with a grey code (灰码) as principal diagnosis/procedure (rejected at ingest). */
  greyCodes: number;
  /** Records with warnings (repeated codes, unknown fields). */
  warned: number;
  /** Accepted records missing each optional field. */
  missing: Record<string, number>;
}

export interface QualityStore {
  /** Per (hospital, month, batch): a re-sent identical batch overwrites its own counters instead of adding to them. */
  put(hospitalId: string, month: string, batchId: string, counters: QualityCounters): Promise<void>;
  /** The sum over the month's batches, and how many batches there were. */
  forMonth(hospitalId: string, month: string): Promise<QualityCounters & { batches: number }>;
}

/** An API key as stored (under the SHA-256 of its text). */
export interface StoredKey {
  role: 'hospital' | 'analyst' | 'admin';
  hospitalId?: string;
  label?: string;
}

export interface ApiKeyStore {
  put(sha256: string, key: StoredKey): Promise<void>;
  /** Only `role`, `hospitalId` and `label`; null for an unknown key. */
  get(sha256: string): Promise<StoredKey | null>;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface SimulationJob {
  id: string;
  status: JobStatus;
  createdAt: string;
  updatedAt: string;
  request: unknown;
  partitionsTotal?: number;
  partitionsDone?: number;
  casesRead?: number;
  summary?: unknown;
  resultKey?: string;
  error?: string;
}

export interface SimulationJobStore {
  put(job: SimulationJob): Promise<void>;
  /** Strongly consistent. */
  get(id: string): Promise<SimulationJob | null>;
  /** Sets the given fields (undefined ones are left alone); creates the item when there is none, as DynamoDB's UpdateItem does. */
  update(id: string, fields: Partial<Omit<SimulationJob, 'id'>>): Promise<void>;
  /**
   * Store one partition's result and count it done — once: a redelivered partition finds its
   * result already there and does not count twice. The job's done count after this partition,
   * or null when it was a repeat.
   */
  putPartitionResult(id: string, partition: string, result: unknown, cases: number): Promise<number | null>;
}

export interface StoredStressTest {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  createdAt: string;
  scenario: unknown;
  preset: string | null;
  result?: unknown;
  sweep?: unknown;
  /** Why it failed (status `failed`). */
  error?: string;
}

export interface StressTestStore {
  /** Stores the job; a succeeded one is also `latest` (the overview's fund alert). */
  put(item: StoredStressTest): Promise<void>;
  /** `latest`: the most recent that succeeded. */
  get(id: string): Promise<StoredStressTest | null>;
}

export interface StoredForecast {
  /** When the job ran. */
  createdAt: string;
  /** The monthly expenditure series the forecast was fitted on (Σ totalCost by discharge month). */
  history: { month: string; value: number }[];
  /** The forecast report (models/fund/forecast.ts), or null with `message` when it could not be made. */
  report: unknown;
  message?: string;
  /** The budget alert this run raised (also stored by itself under the run's month), or null. */
  alert?: ForecastAlert | null;
}

export interface ForecastAlert {
  kind: 'forecast-over-budget';
  /** The run's month (YYYY-MM). */
  month: string;
  createdAt: string;
  /** FUND_BUDGET_YUAN when the job ran. */
  budget: number;
  /** Σ mean of the 12 forecast months, and the months. */
  forecastTotal: number;
  from: string;
  to: string;
  /** forecastTotal − budget. */
  excess: number;
  message: string;
}

export interface ForecastStore {
  /** Stores the run's forecast under its month and as the latest. */
  put(month: string, item: StoredForecast): Promise<void>;
  latest(): Promise<StoredForecast | null>;
  putAlert(alert: ForecastAlert): Promise<void>;
  getAlert(month: string): Promise<ForecastAlert | null>;
}

export interface SupervisionProgress {
  phase: 'queued' | 'reading' | 'screening' | 'storing' | 'done';
  partitionsDone: number;
  partitionsTotal: number | null;
  casesRead: number;
}

export interface SupervisionRun {
  id: string;
  status: JobStatus;
  trigger: 'api' | 'schedule';
  createdAt: string;
  updatedAt: string;
  /** Period (discharge months, inclusive; null until the run resolves the default), hospitals, rule set name and version. */
  request: { from: string | null; to: string | null; hospitalIds: string[] | null; ruleSet: { name: string; version: string } };
  progress: SupervisionProgress;
  summary?: { cases: number; flags: number; hospitals: number; from: string; to: string };
  error?: string;
}

export interface SupervisionRunStore {
  put(run: SupervisionRun): Promise<void>;
  /** Strongly consistent. */
  get(id: string): Promise<SupervisionRun | null>;
  /** Sets the given fields and `updatedAt` (now unless given); creates the item when there is none. */
  update(id: string, fields: Partial<Omit<SupervisionRun, 'id'>>): Promise<void>;
  /** queued (or failed, for a retry) → running, once: true for the one caller that claimed it, false for a redelivery or a missing run. */
  claim(id: string): Promise<boolean>;
  /** Point `latest` at a run that succeeded. */
  setLatest(id: string): Promise<void>;
  latestId(): Promise<string | null>;
}

/** What `GET /v1/dip-catalog` answers (kept on the pointer: no object read to answer it). */
export interface DipCatalogSummary {
  /** sha-256 of the validated document; also the name of its object. */
  id: string;
  key: string;
  builtAt: string;
  activatedAt: string;
  policy: { name: string | null; version: string };
  referenceYears: number[];
  packets: number;
  corePackets: number;
  comprehensivePackets: number;
  tieredPackets: number;
  packetsWithAuxiliary: number;
  /** Reference cases the catalogue was built from. */
  cases: number;
  coreCoverage: number;
  riv: number;
  rivWithAuxiliary: number;
}

/** The one pointer naming the active DIP catalogue (the catalogue itself is an object). */
export interface DipCatalogPointer {
  /** The active catalogue's summary, or null when none was ever activated. Strongly consistent. */
  active(): Promise<DipCatalogSummary | null>;
  /** Point at this catalogue: the write is the activation. */
  activate(summary: DipCatalogSummary): Promise<void>;
}

/**
 * Every port a handler or job may be given. The Lambda entry points are built once per container
 * with the AWS adapters (`lambdas/shared/deps.ts`); tests build them with in-memory ones. Each
 * handler or job asks only for the ports it uses (`Pick<Ports, 'cases' | 'clock'>`).
 */
export interface Ports {
  cases: CaseStore;
  batches: BatchStore;
  quality: QualityStore;
  apiKeys: ApiKeyStore;
  simulations: SimulationJobStore;
  stressTests: StressTestStore;
  forecasts: ForecastStore;
  supervisionRuns: SupervisionRunStore;
  dipCatalog: DipCatalogPointer;
  objects: ObjectStore;
  clock: Clock;
}
