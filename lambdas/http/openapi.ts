/**
 * GET /openapi.json — OpenAPI 3.1, generated from the route declaration and the zod schemas the
 * handlers use: requests, every success body (job results included), the error answers each
 * operation can give (all with the one `Error` body, the authorizer's 401/403 included), the
 * headers that go with them (`Location` on 202, `WWW-Authenticate` on 401, `Retry-After` on
 * 429) and the limits the service enforces. Response objects are closed
 * (`additionalProperties: false`): a field the service sends must be declared here.
 * test/e2e/contract.test.ts validates every answer of the local stack against this document.
 */
import { z } from 'zod';
import { routes, type RouteDecl } from '../../app/routes.ts';
import { xlsxMediaType } from '../../lib/record-content.ts';
import { dipCatalogSchema } from '../../models/grouping/dip/catalog.ts';
import { settlementRecordSchema } from '../../models/settlement/schema.ts';
import { defaultLimits } from '../shared/config.ts';
import { httpHandler } from '../shared/http.ts';
import { forecastResponse, schemeComparisonResponse, stressTestResponse } from './result-schemas.ts';
import * as s from './schemas.ts';

type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 415 | 422 | 429 | 500;

interface Io {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Settlement records in the body (JSON array, JSON Lines or CSV), at most `maxRecords`. */
  records?: { maxRecords?: number };
  /** The success body (the OpenAPI route: a literal JSON Schema). */
  response: z.ZodType | Record<string, unknown>;
  status?: 200 | 202;
  /** Error answers beyond the ones every operation of its kind can give (see `errorsOf`). */
  errors?: ErrorStatus[];
  /** Limits and rules stated in words in the operation's description. */
  notes?: string;
}

const supervisionRunQueryNote = 'A hospital key sees only its own hospital: its flags, its own entry among the ranked hospitals, and another hospital\'s stays in evidence only as `{ otherHospital: true, … }`. `hospitalId` chooses whose flags are paged (an analyst without it gets the ranking only).';

const io: Record<string, Io> = {
  Health: { response: s.healthResponse },
  OpenApi: { response: { type: 'object', required: ['openapi', 'info', 'paths'], properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' }, components: { type: 'object' } } } },
  IngestSettlementLists: { records: { maxRecords: defaultLimits.MAX_RECORDS_PER_REQUEST }, query: s.ingestQuery, response: s.ingestResponse, notes: `1 to ${defaultLimits.MAX_RECORDS_PER_REQUEST} records per call (more: 413, before parsing). Records that fail validation are listed in \`errors\` (with index, code and path); the rest are stored. A hospital key may only send its own hospital's records.` },
  GetCase: { params: s.listIdParams, query: s.caseQuery, response: s.caseResponse, errors: [404], notes: '`hospitalId` is required for analyst and admin keys (422 without it); a hospital key reads only its own cases, and another hospital\'s case is the same 404 as a missing one.' },
  ListCases: { query: s.listQuery, response: s.caseListResponse, errors: [400], notes: 'Analyst and admin keys give `hospitalId`, `drg` or both (422 otherwise). `from` and `to` are dates or months (`2025-01`: its first day as `from`, its last as `to`); the range spans at most 36 months (default: the latest 12 months of data — up to the end of the latest discharge month stored for the hospital or DRG, not up to today). A cursor not handed out for this query is 400.' },
  Group: { records: { maxRecords: defaultLimits.MAX_GROUP_RECORDS }, query: s.groupQuery, response: s.groupResponse, notes: `1 to ${defaultLimits.MAX_GROUP_RECORDS} records per call (more: 413, before parsing). Nothing is stored. \`scheme\` names another held scheme (GET /v1/schemes; one not held is 422, naming those held); the answer's \`scheme\` says which scheme and pack grouped the records, and each weight comes from that scheme's payment table (null when it has none).` },
  ListSchemes: { response: s.schemesResponse },
  PutDipCatalog: { body: dipCatalogSchema, response: s.dipCatalogSummary, errors: [415], notes: 'The body may be gzipped (`Content-Encoding: gzip`).' },
  GetDipCatalog: { response: s.dipCatalogSummary, errors: [404] },
  CreateSimulation: { body: s.simulationRequest, response: s.simulationJobResponse, status: 202, notes: 'The policy and `scheme` are validated at once (422 with `policy.…` paths; a scheme the deployment does not hold is 422 naming those held); the job then runs asynchronously: poll the `Location`. With `scheme`, every stored case is regrouped under it; the result\'s `scheme` says which scheme and pack hash grouped the cases.' },
  GetSimulation: { params: s.jobIdParams, response: s.simulationJobResponse, errors: [404] },
  DataQuality: { query: s.dataQualityQuery, response: s.dataQualityResponse, notes: '`hospitalId` is required for analyst and admin keys (422 without it).' },
  CreateStressTest: { body: s.stressTestRequest, response: stressTestResponse, status: 202, notes: 'At most 1 000 000 simulated paths per request (paths × (1 + sweep values)); poll the `Location`.' },
  GetStressTest: { params: s.stressTestIdParams, response: stressTestResponse, errors: [404] },
  LatestForecast: { response: forecastResponse, errors: [404], notes: '404 until the monthly forecast job has made a forecast (or when its last run could not: the message says why).' },
  CreateSupervisionRun: { body: s.supervisionRunRequest, response: s.supervisionRunResponse, status: 202, notes: 'A run screens at most 24 discharge months (`from`…`to`, both or neither; default: the latest discharge month stored); poll the `Location`.' },
  GetSupervisionRun: { params: s.jobIdParams, query: s.supervisionRunQuery, response: s.supervisionRunResponse, errors: [400, 404], notes: supervisionRunQueryNote },
  LatestSupervisionRun: { query: s.supervisionRunQuery, response: s.supervisionRunResponse, errors: [400, 404], notes: supervisionRunQueryNote },
  CreateSchemeComparison: { body: s.schemeComparisonRequest, response: schemeComparisonResponse, status: 202, notes: 'Both schemes must be held by the deployment (422 at `schemes.0` / `schemes.1` naming the ones it holds; GET /v1/schemes lists them). At most 24 discharge months (`from`…`to`, both or neither; default: the latest month stored); poll the `Location`. With `policy` (a DRG payment policy, as for POST /v1/simulations; 422 at its own paths under `policy`) each scheme\'s cases are priced by it and the result has each hospital\'s payment under A and B.' },
  GetSchemeComparison: { params: s.jobIdParams, response: schemeComparisonResponse, errors: [404] },
  Overview: { query: s.overviewQuery, response: s.overviewResponse },
  WhoAmI: { response: s.meResponse },
};

const errorText: Record<ErrorStatus, string> = {
  400: 'Malformed: the body is not valid JSON / JSON Lines / CSV, or a cursor was not handed out for this query',
  401: 'No API key: send `Authorization: Bearer <key>`',
  403: 'A key the service did not issue, a role this operation is not for, or another hospital\'s data',
  404: 'Not found (for a hospital key, also another hospital\'s case)',
  413: `Body over ${defaultLimits.MAX_BODY_BYTES} bytes (6 MB), or more records than one request may carry`,
  415: 'Unsupported Content-Type or Content-Encoding, or a body whose content is not its Content-Type\'s format (a workbook sent as text/csv)',
  422: 'The request does not match this document: `problems` lists each field (path, code, message)',
  429: 'Throttled: retry after `Retry-After` seconds',
  500: 'The service failed; the message names the request id',
};

const headers = {
  401: { 'WWW-Authenticate': { required: true, description: 'Bearer', schema: { type: 'string' } } },
  429: { 'Retry-After': { required: true, description: 'Seconds to wait', schema: { type: 'string', pattern: '^\\d+$' } } },
  202: { Location: { required: true, description: 'Where to poll the job', schema: { type: 'string' } } },
} as const;

/** Every error an operation can answer: its own plus those of its kind (keyed, with a body, with parameters). */
export function errorsOf(r: RouteDecl): ErrorStatus[] {
  const spec = io[r.id]!;
  const out = new Set<ErrorStatus>([500, ...(spec.errors ?? [])]);
  if (r.roles) [401, 403, 429].forEach((c) => out.add(c as ErrorStatus));
  if (spec.body || spec.records) [400, 413, 422].forEach((c) => out.add(c as ErrorStatus));
  if (spec.records) out.add(415);
  if (spec.params || spec.query) out.add(422);
  return [...out].sort();
}

function json(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _drop, ...doc } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return doc;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const doc = json(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, sch]) => ({ name, in: where, required: where === 'path' || (doc.required ?? []).includes(name), schema: sch }));
}

function operation(r: RouteDecl): unknown {
  const spec = io[r.id];
  if (!spec) throw new Error(`lambdas/http/openapi.ts declares nothing for route ${r.id}`);
  const status = spec.status ?? 200;
  const responses: Record<string, unknown> = {
    [String(status)]: {
      description: status === 202 ? 'Accepted: the job is queued' : 'OK',
      ...(status === 202 ? { headers: headers[202] } : {}),
      content: { 'application/json': { schema: spec.response instanceof z.ZodType ? json(spec.response) : spec.response } },
    },
  };
  for (const code of errorsOf(r)) {
    responses[String(code)] = {
      description: errorText[code],
      ...(code === 401 || code === 429 ? { headers: headers[code] } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const op: Record<string, unknown> = {
    operationId: r.id,
    summary: r.summary,
    ...(spec.notes || r.roles ? { description: [r.roles ? `Roles: ${r.roles.join(', ')}.` : '', spec.notes ?? ''].filter(Boolean).join(' ') } : {}),
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
    responses,
  };
  if (r.roles) {
    op.security = [{ bearer: [] }];
    op['x-roles'] = r.roles;
  }
  if (spec.records) {
    const max = spec.records.maxRecords;
    const records = { type: 'array', items: { $ref: '#/components/schemas/SettlementRecord' }, ...(max ? { minItems: 1, maxItems: max } : {}) };
    op.requestBody = {
      required: true,
      content: {
        'application/json': { schema: records },
        'application/x-ndjson': { schema: { type: 'string', description: `One SettlementRecord (JSON) per line${max ? `, at most ${max} lines` : ''}.` } },
        'text/csv': { schema: { type: 'string', description: `Header = field names; lists joined by "|"; costs.<category> columns${max ? `; at most ${max} rows` : ''}.` } },
        [xlsxMediaType]: {
          schema: {
            type: 'string',
            contentMediaType: xlsxMediaType,
            description: `An Excel workbook: its first sheet is read as CSV is (header row = field names${max ? `, at most ${max} rows` : ''}). Sent as bytes (curl --data-binary @file.xlsx); API Gateway hands it to the service base64-encoded, which makes it count 4/3 against Lambda's 6 MB request limit (about 4.4 MB of workbook).`,
          },
        },
      },
    };
  } else if (spec.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: json(spec.body, 'input') } } };
  }
  return op;
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: '3.1.0',
    info: {
      title: 'payreform',
      version: '1',
      description: 'DRG/DIP payment reform: settlement-list ingest, CHS-DRG grouping, payment simulation, fund stress tests and forecasts, supervision. Every error answer is an `Error`; 401 carries `WWW-Authenticate: Bearer`.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key; roles hospital (with its hospitalId), analyst, admin. `x-roles` on each operation lists the roles it admits (another role: 403).' } },
      schemas: { SettlementRecord: json(settlementRecordSchema, 'input'), Error: json(s.errorBody) },
    },
    paths,
  };
}

let cached: unknown;

export const handler = httpHandler({ name: 'openapi', roles: 'public' }, async () => {
  cached ??= openApiDocument();
  return { status: 200, body: cached };
});
