/**
 * Least privilege: the one table of what each function may do to the table, the two buckets and
 * the secret — exactly the calls its code makes, nothing from CDK's broad `grantRead*` groups.
 * `constructs/grants.ts` turns an entry into IAM statements (KMS actions follow from it: decrypt
 * for anything read, data keys for anything written); `test/infra/grants.test.ts` asserts the
 * synthesized policies function by function against its own literal copy, so a widened entry
 * fails that test, and the README's IAM table repeats it for operators.
 *
 * DynamoDB calls → actions: Get → GetItem, Put (conditional or not) → PutItem, Update →
 * UpdateItem, Query → Query, BatchGet → BatchGetItem, BatchWrite → BatchWriteItem. No function
 * may Scan or DeleteItem. S3: get → GetObject, put → PutObject, list → ListBucket on the
 * bucket with an `s3:prefix` condition; no function may delete an object.
 */

export type TableAction = 'GetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'BatchGetItem' | 'BatchWriteItem';

/** Lake key prefixes (see lambdas/shared/keys.ts); a grant covers `<prefix>*`. */
export type LakePrefix = 'cases/' | 'catalogs/dip/' | 'jobs/simulations/' | 'jobs/stress-tests/' | 'jobs/supervision/' | 'jobs/scheme-comparisons/';

export interface FunctionAccess {
  table?: {
    actions: readonly TableAction[];
    /** Partition-key patterns the function touches (`dynamodb:LeadingKeys`, StringLike); omitted: any item. */
    leadingKeys?: readonly string[];
    /** Query on these GSIs (instead of the table). */
    indexes?: readonly ('byMonth' | 'byDrg')[];
    /** Query on these GSIs as well as `actions` on the table (same leading keys). */
    indexQueries?: readonly ('byMonth' | 'byDrg')[];
  };
  /** The raw-batch bucket (`raw/…` keys). */
  raw?: { get?: true; put?: true };
  lake?: { get?: readonly LakePrefix[]; put?: readonly LakePrefix[]; list?: readonly LakePrefix[] };
  /** Reads the pseudonymisation secret. */
  secret?: true;
}

// Every case write is conditional (PutItem); BatchGetItem finds the existing versions. A replay
// also queries a case's history (Query) so it never brings back a version another batch replaced.
const ingest: FunctionAccess = {
  table: { actions: ['GetItem', 'PutItem', 'BatchGetItem'], leadingKeys: ['HOSP#*', 'CATALOG#DIP'] },
  raw: { put: true },
  lake: { get: ['catalogs/dip/'], put: ['cases/'] },
  secret: true,
};
const supervisionRead: FunctionAccess = { table: { actions: ['GetItem'], leadingKeys: ['SUPERVISION#*'] }, lake: { get: ['jobs/supervision/'] } };

export const access: Readonly<Record<string, FunctionAccess>> = {
  Health: {},
  OpenApi: {},
  WhoAmI: {},
  ListSchemes: {},
  Authorizer: { table: { actions: ['GetItem'], leadingKeys: ['KEY#*'] } },
  IngestSettlementLists: ingest,
  ReplayBatch: { ...ingest, table: { ...ingest.table!, actions: [...ingest.table!.actions, 'Query'] }, raw: { get: true } },
  GetCase: { table: { actions: ['GetItem'], leadingKeys: ['HOSP#*'] } },
  ListCases: { table: { actions: ['Query'], indexes: ['byMonth', 'byDrg'] } },
  // Rejections from the per-batch counters (table), accepted cases from the cases themselves (byMonth).
  DataQuality: { table: { actions: ['Query'], leadingKeys: ['HOSP#*'], indexQueries: ['byMonth'] } },
  Group: { table: { actions: ['GetItem'], leadingKeys: ['CATALOG#DIP'] }, lake: { get: ['catalogs/dip/'] } },
  PutDipCatalog: { table: { actions: ['PutItem'], leadingKeys: ['CATALOG#DIP'] }, lake: { put: ['catalogs/dip/'] } },
  GetDipCatalog: { table: { actions: ['GetItem'], leadingKeys: ['CATALOG#DIP'] } },
  CreateSimulation: { table: { actions: ['PutItem'], leadingKeys: ['SIM#*'] }, lake: { put: ['jobs/simulations/'] } },
  GetSimulation: { table: { actions: ['GetItem'], leadingKeys: ['SIM#*'] }, lake: { get: ['jobs/simulations/'] } },
  CreateStressTest: { table: { actions: ['PutItem'], leadingKeys: ['STRESS#*'] }, lake: { put: ['jobs/stress-tests/'] } },
  GetStressTest: { table: { actions: ['GetItem'], leadingKeys: ['STRESS#*'] } },
  LatestForecast: { table: { actions: ['GetItem'], leadingKeys: ['FORECAST#*'] } },
  Overview: { lake: { get: ['cases/'], list: ['cases/'] } },
  CreateSupervisionRun: { table: { actions: ['PutItem'], leadingKeys: ['SUPERVISION#*'] }, lake: { put: ['jobs/supervision/'] } },
  GetSupervisionRun: supervisionRead,
  LatestSupervisionRun: supervisionRead,
  SimulationCoordinator: { table: { actions: ['UpdateItem'], leadingKeys: ['SIM#*'] }, lake: { get: ['jobs/simulations/'], put: ['jobs/simulations/'], list: ['cases/'] } },
  SimulationPartition: { table: { actions: ['PutItem', 'UpdateItem'], leadingKeys: ['SIM#*'] }, lake: { get: ['cases/', 'jobs/simulations/'], put: ['jobs/simulations/'], list: ['cases/'] } },
  SimulationStep: { table: { actions: ['UpdateItem'], leadingKeys: ['SIM#*'] }, lake: { get: ['jobs/simulations/'], put: ['jobs/simulations/'] } },
  Forecast: { table: { actions: ['PutItem'], leadingKeys: ['FORECAST#*', 'ALERT#*'] }, lake: { get: ['cases/'], list: ['cases/'] } },
  SupervisionRun: { table: { actions: ['GetItem', 'PutItem', 'UpdateItem'], leadingKeys: ['SUPERVISION#*'] }, lake: { get: ['cases/', 'jobs/supervision/'], put: ['jobs/supervision/'], list: ['cases/'] } },
  // Scheme comparisons keep their state in objects (request, status, result): no table access.
  CreateSchemeComparison: { lake: { put: ['jobs/scheme-comparisons/'] } },
  GetSchemeComparison: { lake: { get: ['jobs/scheme-comparisons/'] } },
  SchemeComparisonRun: { lake: { get: ['cases/', 'jobs/scheme-comparisons/'], put: ['jobs/scheme-comparisons/'], list: ['cases/'] } },
  StressTestRun: { table: { actions: ['GetItem', 'PutItem'], leadingKeys: ['STRESS#*'] }, lake: { get: ['jobs/stress-tests/'] } },
};

/** The state machine's own role: the Distributed Map's ItemReader reads the simulation manifest. */
export const stateMachineAccess: FunctionAccess = { lake: { get: ['jobs/simulations/'] } };

export function accessOf(id: string): FunctionAccess {
  const a = access[id];
  if (!a) throw new Error(`infra/access.ts has no entry for function ${id}: declare what it may touch`);
  return a;
}
