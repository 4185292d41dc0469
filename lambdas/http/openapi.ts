/** GET /openapi.json — OpenAPI 3.1, generated from the route declaration and the zod schemas. */
import { z } from 'zod';
import { routes, type RouteDecl } from '../../app/routes.ts';
import { dipCatalogSchema } from '../../models/grouping/dip/catalog.ts';
import { settlementRecordSchema } from '../../models/settlement/schema.ts';
import { httpHandler } from '../shared/http.ts';
import * as s from './schemas.ts';

type Io = { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; records?: boolean; response?: z.ZodType; status?: number };

const io: Record<string, Io> = {
  Health: { response: z.object({ status: z.literal('ok'), service: z.string() }) },
  OpenApi: {},
  IngestSettlementLists: { records: true, response: s.ingestResponse },
  GetCase: { params: s.listIdParams, query: s.caseQuery, response: s.caseResponse },
  ListCases: { query: s.listQuery, response: s.caseListResponse },
  Group: { records: true, query: s.groupQuery, response: s.groupResponse },
  CreateSimulation: { body: s.simulationRequest, response: s.jobResponse, status: 202 },
  GetSimulation: { params: s.jobIdParams, response: s.jobResponse },
  DataQuality: { query: s.dataQualityQuery, response: s.dataQualityResponse },
  CreateStressTest: { body: s.stressTestRequest, status: 202 },
  GetStressTest: { params: s.stressTestIdParams },
  LatestForecast: {},
  CreateSupervisionRun: { body: s.supervisionRunRequest, response: s.supervisionRunResponse, status: 202 },
  GetSupervisionRun: { params: s.jobIdParams, query: s.supervisionRunQuery, response: s.supervisionRunResponse },
  LatestSupervisionRun: { query: s.supervisionRunQuery, response: s.supervisionRunResponse },
  Overview: { query: s.overviewQuery },
  PutDipCatalog: { body: dipCatalogSchema },
  WhoAmI: {},
};

function json(schema: z.ZodType, io: 'input' | 'output' = 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const doc = json(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, sch]) => ({ name, in: where, required: where === 'path' || (doc.required ?? []).includes(name), schema: sch }));
}

function operation(r: RouteDecl): unknown {
  const spec = io[r.id] ?? {};
  const responses: Record<string, unknown> = {
    [String(spec.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: spec.response ? json(spec.response) : {} } } },
  };
  const errors: Record<string, string> = { 400: 'Malformed body', 413: 'Body over 6 MB', 415: 'Unsupported Content-Type', 422: 'Schema failure, with field paths', 401: 'No key', 403: 'Wrong role or another hospital\'s data', 404: 'Not found', 429: 'Throttled', 501: 'Not implemented yet' };
  for (const [code, description] of Object.entries(errors)) responses[code] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const op: Record<string, unknown> = {
    operationId: r.id,
    summary: r.summary,
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
    responses,
  };
  if (r.roles) {
    op.security = [{ bearer: [] }];
    op['x-roles'] = r.roles;
  }
  if (spec.records) {
    const records = { type: 'array', items: { $ref: '#/components/schemas/SettlementRecord' } };
    op.requestBody = {
      required: true,
      content: {
        'application/json': { schema: records },
        'application/x-ndjson': { schema: { $ref: '#/components/schemas/SettlementRecord' } },
        'text/csv': { schema: { type: 'string', description: 'Header = field names; lists joined by "|"; costs.<category> columns.' } },
      },
    };
  } else if (spec.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: json(spec.body, 'input') } } };
  }
  return op;
}

export function openApiDocument(): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: '3.1.0',
    info: { title: 'payreform', version: '1', description: 'DRG/DIP payment reform: settlement-list ingest, CHS-DRG grouping, payment simulation.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key; roles hospital (with its hospitalId), analyst, admin.' } },
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
