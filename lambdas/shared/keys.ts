/**
 * Every DynamoDB key string of the single table is built here and nowhere else.
 *
 * | item | pk | sk |
 * |---|---|---|
 * | case | `HOSP#<hospitalId>` | `CASE#<listId>` |
 * | earlier version of a case | `HOSP#<hospitalId>` | `CASE#<listId>#V#<version, 6 digits>` |
 * | batch | `HOSP#<hospitalId>` | `BATCH#<batchId>` |
 * | data-quality counters | `HOSP#<hospitalId>` | `DQ#<yyyy-mm>` |
 * | API key | `KEY#<sha256 of the key>` | `KEY` |
 * | simulation job / partition result | `SIM#<id>` | `JOB` / `PART#<partition>` |
 * | stress test | `STRESS#<id>` | `JOB` |
 * | forecast | `FORECAST#<yyyy-mm>` | `FORECAST` |
 * | forecast budget alert (the run's month) | `ALERT#forecast#<yyyy-mm>` | `ALERT` |
 * | supervision run (and `latest`, the last that succeeded) | `SUPERVISION#<id>` | `JOB` |
 * | active DIP catalogue (pointer to its S3 object) | `CATALOG#DIP` | `ACTIVE` |
 *
 * GSI1 (`gsi1pk`/`gsi1sk`) lists a hospital's cases by discharge month:
 * `HOSP#<h>#MONTH#<yyyy-mm>` / `<dischargeDate>#<listId>`.
 * GSI2 (`gsi2pk`/`gsi2sk`) lists cases by DRG and discharge month:
 * `DRG#<drg>#MONTH#<yyyy-mm>` / `HOSP#<h>#<dischargeDate>#<listId>`.
 * Month-sharded partition keys keep any one key's write rate bounded during bulk ingest.
 */
import { schemeComparisonPrefix, simulationRequestPrefix, stressTestRequestPrefix, supervisionRequestPrefix } from '../../app/storage-names.ts';

export { schemeComparisonPrefix, simulationRequestPrefix, stressTestRequestPrefix, supervisionRequestPrefix };

export const hospitalPk = (hospitalId: string): string => `HOSP#${hospitalId}`;
export const caseSk = (listId: string): string => `CASE#${listId}`;
export const caseVersionSk = (listId: string, version: number): string => `CASE#${listId}#V#${String(version).padStart(6, '0')}`;
export const caseVersionPrefix = (listId: string): string => `CASE#${listId}#V#`;
export const batchSk = (batchId: string): string => `BATCH#${batchId}`;
export const dataQualitySk = (month: string): string => `DQ#${month}`;
export const apiKeyPk = (sha256: string): string => `KEY#${sha256}`;
export const apiKeySk = 'KEY';
export const simulationPk = (id: string): string => `SIM#${id}`;
export const jobSk = 'JOB';
export const partitionSk = (partition: string): string => `PART#${partition}`;
export const partitionPrefix = 'PART#';
export const stressTestPk = (id: string): string => `STRESS#${id}`;
export const forecastPk = (month: string): string => `FORECAST#${month}`;
export const forecastSk = 'FORECAST';
export const alertPk = (kind: 'forecast', month: string): string => `ALERT#${kind}#${month}`;
export const alertSk = 'ALERT';
export const supervisionPk = (id: string): string => `SUPERVISION#${id}`;
export const dipCatalogPk = 'CATALOG#DIP';
export const dipCatalogSk = 'ACTIVE';

/** GSI1: a hospital's cases discharged in one month. */
export const byMonthPk = (hospitalId: string, month: string): string => `HOSP#${hospitalId}#MONTH#${month}`;
export const byMonthSk = (dischargeDate: string, listId: string): string => `${dischargeDate}#${listId}`;
/** GSI2: the cases of one DRG discharged in one month, across hospitals. */
export const byDrgPk = (drg: string, month: string): string => `DRG#${drg}#MONTH#${month}`;
export const byDrgSk = (hospitalId: string, dischargeDate: string, listId: string): string => `HOSP#${hospitalId}#${dischargeDate}#${listId}`;
export const byDrgHospitalPrefix = (hospitalId: string): string => `HOSP#${hospitalId}#`;
/** The GSI2 value for a case that has no DRG (ungroupable). */
export const noDrg = 'NONE';

export { indexNames } from '../../app/storage-names.ts';

/** S3 keys. The lake is partitioned year/month/hospital so a simulation reads partitions in parallel. */
export const rawBatchKey = (hospitalId: string, receivedDate: string, batchId: string): string => `raw/hospital=${hospitalId}/date=${receivedDate}/${batchId}`;
export const lakePartitionPrefix = (year: string, month: string, hospitalId: string): string => `cases/year=${year}/month=${month}/hospital=${hospitalId}/`;
/**
 * One lake object: the lines one batch wrote into one partition. `contentTag` (a hash of the
 * lines) makes objects content-addressed: an identical re-write lands on the same key, and a
 * write with other versions gets its own object instead of overwriting — no write erases another's line.
 */
export const lakeObjectKey = (year: string, month: string, hospitalId: string, batchId: string, contentTag?: string): string => `${lakePartitionPrefix(year, month, hospitalId)}batch-${batchId}${contentTag ? `-${contentTag}` : ''}.jsonl.gz`;
export const lakeYearPrefix = (year: string): string => `cases/year=${year}/`;
export const simulationRequestKey = (id: string): string => `jobs/simulations/${id}/request.json`;
export const stressTestRequestKey = (id: string): string => `${stressTestRequestPrefix}${id}/request.json`;
/** A supervision run's request (its creation starts the run), result (ranking, counts) and flags, one object per hospital. */
export const supervisionRequestKey = (id: string): string => `${supervisionRequestPrefix}${id}/request.json`;
export const supervisionResultKey = (id: string): string => `${supervisionRequestPrefix}${id}/result.json`;
/** A scheme comparison's request (its creation starts the job), its status (queued … succeeded) and its result. */
export const schemeComparisonRequestKey = (id: string): string => `${schemeComparisonPrefix}${id}/request.json`;
export const schemeComparisonStatusKey = (id: string): string => `${schemeComparisonPrefix}${id}/status.json`;
export const schemeComparisonResultKey = (id: string): string => `${schemeComparisonPrefix}${id}/result.json`;
export const supervisionFlagsKey = (id: string, hospitalId: string): string => `${supervisionRequestPrefix}${id}/flags/hospital=${hospitalId}.json`;
/** DIP catalogues in the lake bucket, one object per content hash (never overwritten); the table's pointer names the active one. */
export const dipCatalogPrefix = 'catalogs/dip/';
export const dipCatalogKey = (sha256: string): string => `${dipCatalogPrefix}${sha256}.json`;

/** Parse `cases/year=2025/month=03/hospital=H1/…` into its partition, or null. */
export function parseLakeKey(key: string): { year: string; month: string; hospitalId: string } | null {
  const m = /^cases\/year=(\d{4})\/month=(\d{2})\/hospital=([^/]+)\//.exec(key);
  return m ? { year: m[1]!, month: m[2]!, hospitalId: m[3]! } : null;
}
