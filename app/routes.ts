/**
 * The one declaration of the service's routes and background functions. The CDK stack
 * (`infra/stacks/service-stack.ts`) and the serverless-offline configuration of the local stack
 * (`infra/local/serverless-config.ts`) are both generated from it; `test/infra/routes.test.ts` proves
 * they agree.
 */
import type { Role } from './principal.ts';

export interface RouteDecl {
  /** Function id: CDK construct id and serverless function name. */
  id: string;
  method: 'GET' | 'POST' | 'PUT';
  /** API Gateway path, `{param}` for path parameters. */
  path: string;
  /** Handler source, relative to the repository root; the export is `handler`. */
  entry: string;
  /** null: public (no key). Otherwise the roles the handler admits (the authorizer only resolves the key). */
  roles: readonly Role[] | null;
  summary: string;
  /** Needs the rule pack and code sets in its bundle. */
  reference?: boolean;
  timeoutSeconds?: number;
  memoryMb?: number;
}

const all: Role[] = ['hospital', 'analyst', 'admin'];

export const routes: readonly RouteDecl[] = [
  { id: 'Health', method: 'GET', path: '/health', entry: 'lambdas/http/health.ts', roles: null, summary: 'Liveness; no key needed.' },
  { id: 'OpenApi', method: 'GET', path: '/openapi.json', entry: 'lambdas/http/openapi.ts', roles: null, summary: 'The OpenAPI 3.1 document, generated from the zod schemas.' },
  { id: 'IngestSettlementLists', method: 'POST', path: '/v1/settlement-lists', entry: 'lambdas/http/settlement-lists.ts', roles: ['hospital', 'admin'], summary: 'Ingest settlement records (JSON array, JSON Lines, CSV or an Excel workbook, ≤ 6 MB): validate, pseudonymise, group, store.', reference: true, timeoutSeconds: 29, memoryMb: 1769 },
  { id: 'GetCase', method: 'GET', path: '/v1/cases/{listId}', entry: 'lambdas/http/cases-get.ts', roles: all, summary: 'One stored case with its DRG, weight and trace.', reference: true },
  { id: 'ListCases', method: 'GET', path: '/v1/cases', entry: 'lambdas/http/cases-list.ts', roles: all, summary: 'Cases by hospital and/or DRG and discharge dates, paginated.' },
  { id: 'Group', method: 'POST', path: '/v1/group', entry: 'lambdas/http/group.ts', roles: all, summary: 'Group 1–1 000 records without storing them (DRG under the default or a named scheme, and DIP when a catalogue is active).', reference: true, memoryMb: 1024 },
  { id: 'ListSchemes', method: 'GET', path: '/v1/schemes', entry: 'lambdas/http/schemes-list.ts', roles: all, summary: 'The DRG schemes this deployment holds: id, name, DRG and ADRG counts, pack hash and format, payment table, which is the default.', reference: true },
  { id: 'PutDipCatalog', method: 'PUT', path: '/v1/dip-catalog', entry: 'lambdas/http/dip-catalog-put.ts', roles: ['admin'], summary: 'Make a DIP catalogue (written by payreform dip build) the active one: validated, stored in S3, pointer in the table.', memoryMb: 1024, timeoutSeconds: 29 },
  { id: 'GetDipCatalog', method: 'GET', path: '/v1/dip-catalog', entry: 'lambdas/http/dip-catalog-get.ts', roles: ['analyst', 'admin'], summary: 'The active DIP catalogue: id (sha-256), builtAt, packets, core coverage, RIV.' },
  { id: 'CreateSimulation', method: 'POST', path: '/v1/simulations', entry: 'lambdas/http/simulations-create.ts', roles: ['analyst', 'admin'], summary: 'Start a payment simulation over the stored cases (async job).' },
  { id: 'GetSimulation', method: 'GET', path: '/v1/simulations/{id}', entry: 'lambdas/http/simulations-get.ts', roles: ['analyst', 'admin'], summary: 'Status, progress and results of a simulation.' },
  { id: 'DataQuality', method: 'GET', path: '/v1/data-quality', entry: 'lambdas/http/data-quality.ts', roles: ['hospital', 'analyst', 'admin'], summary: 'Records received, rejections by reason, grey codes, missing fields per hospital and month.' },
  { id: 'CreateStressTest', method: 'POST', path: '/v1/stress-tests', entry: 'lambdas/http/stress-tests-create.ts', roles: ['analyst', 'admin'], summary: 'Run a fund stress test (Monte Carlo) for a scenario.', memoryMb: 1024, timeoutSeconds: 29 },
  { id: 'GetStressTest', method: 'GET', path: '/v1/stress-tests/{id}', entry: 'lambdas/http/stress-tests-get.ts', roles: ['analyst', 'admin'], summary: 'A stress test\'s result.' },
  { id: 'WhoAmI', method: 'GET', path: '/v1/me', entry: 'lambdas/http/me.ts', roles: all, summary: 'The role (and hospital) of the calling key.' },
  { id: 'Overview', method: 'GET', path: '/v1/overview', entry: 'lambdas/http/overview.ts', roles: all, summary: 'Cases by month, in-group rate and CMI by hospital for a year, from the stored cases (a hospital sees its own).', reference: true, memoryMb: 1024 },
  { id: 'CreateSupervisionRun', method: 'POST', path: '/v1/supervision-runs', entry: 'lambdas/http/supervision-runs-create.ts', roles: ['analyst', 'admin'], summary: 'Start a supervision run (rule-set overrides, discharge months, hospitals): screens the stored cases for abuse patterns (async job).' },
  { id: 'GetSupervisionRun', method: 'GET', path: '/v1/supervision-runs/{id}', entry: 'lambdas/http/supervision-runs-get.ts', roles: all, summary: 'Status, progress and results of a supervision run: hospitals ranked by risk, a hospital\'s flags with evidence (a hospital sees its own).' },
  { id: 'LatestSupervisionRun', method: 'GET', path: '/v1/supervision-runs/latest', entry: 'lambdas/http/supervision-runs-latest.ts', roles: all, summary: 'The last supervision run that succeeded, as GET /v1/supervision-runs/{id}.' },
  { id: 'CreateSchemeComparison', method: 'POST', path: '/v1/scheme-comparisons', entry: 'lambdas/http/scheme-comparisons-create.ts', roles: ['analyst', 'admin'], summary: 'Start a comparison of two held DRG schemes over the stored cases of a period (async job).', reference: true },
  { id: 'GetSchemeComparison', method: 'GET', path: '/v1/scheme-comparisons/{id}', entry: 'lambdas/http/scheme-comparisons-get.ts', roles: ['analyst', 'admin'], summary: 'Status, progress and result of a scheme comparison: transitions between DRGs and ADRGs, CMI, RIV and CV under each scheme, CMI by hospital.' },
  { id: 'LatestForecast', method: 'GET', path: '/v1/forecasts/latest', entry: 'lambdas/http/forecasts-latest.ts', roles: ['analyst', 'admin'], summary: 'The latest monthly expenditure forecast.' },
];

export interface JobDecl {
  id: string;
  entry: string;
  summary: string;
  reference?: boolean;
  timeoutSeconds: number;
  memoryMb: number;
}

/** Functions outside the HTTP API: the authorizer and the jobs. */
export const authorizer: JobDecl = { id: 'Authorizer', entry: 'lambdas/http/authorizer.ts', summary: 'Resolves a bearer key (by its SHA-256) to role and hospital.', timeoutSeconds: 5, memoryMb: 256 };

export const jobs: readonly JobDecl[] = [
  { id: 'SimulationCoordinator', entry: 'lambdas/jobs/simulation-coordinator.ts', summary: 'Lists the partitions of stored cases (month × hospital) a simulation reads and writes the Distributed Map manifest.', timeoutSeconds: 300, memoryMb: 512 },
  { id: 'SimulationPartition', entry: 'lambdas/jobs/simulation-partition.ts', summary: 'One phase of the payment model (weights, rate, price; DIP: the cases\' DIP facts) over one partition of the stored cases.', reference: true, timeoutSeconds: 300, memoryMb: 1769 },
  { id: 'SimulationStep', entry: 'lambdas/jobs/simulation-step.ts', summary: 'Merges the partitions\' aggregates: derives weights, solves the base rate, finalizes the result; for DIP builds the catalogue and settles the year over all cases.', reference: true, timeoutSeconds: 900, memoryMb: 3008 },
  { id: 'Forecast', entry: 'lambdas/jobs/forecast.ts', summary: 'Monthly: expenditure series from the stored cases → ETS forecast.', timeoutSeconds: 600, memoryMb: 1024 },
  { id: 'SupervisionRun', entry: 'lambdas/jobs/supervision-run.ts', summary: 'A supervision run over a period of the stored cases (requested, or monthly for the previous month): screen, rank hospitals, store flags.', reference: true, timeoutSeconds: 900, memoryMb: 3008 },
  { id: 'SchemeComparisonRun', entry: 'lambdas/jobs/scheme-comparison.ts', summary: 'A requested scheme comparison: regroups the period\'s stored cases under two held schemes and stores the comparison.', reference: true, timeoutSeconds: 900, memoryMb: 3008 },
  { id: 'StressTestRun', entry: 'lambdas/jobs/stress-test.ts', summary: 'A requested fund stress test (and sweep): runs the Monte Carlo model and stores the result.', timeoutSeconds: 120, memoryMb: 1769 },
  { id: 'ReplayBatch', entry: 'lambdas/jobs/replay-batch.ts', summary: 'Re-processes a raw batch kept in S3 (after a failure midway).', reference: true, timeoutSeconds: 300, memoryMb: 1769 },
];

/** `/v1/cases/{listId}` → `/v1/cases/:listId`-free form used to compare route sets. */
export function routeKey(r: { method: string; path: string }): string {
  return `${r.method} ${r.path}`;
}
