/**
 * Calling a handler the way API Gateway does, over in-memory ports. Imported first (by
 * handlers.test.ts and by every area module): it sets the service's environment before any
 * handler module reads it (bucket names, the pseudonym key, the reference directory, silent
 * Powertools).
 */
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { projectRoot } from '../../../lib/reference.ts';
import type { ObjectStore } from '../../../models/ports.ts';

export const referenceDir = path.join(projectRoot, '.build', 'reference');

Object.assign(process.env, {
  TABLE_NAME: 'unit-table', RAW_BUCKET: 'unit-raw', LAKE_BUCKET: 'unit-lake', AWS_REGION: 'us-east-1',
  PSEUDONYM_SECRET: 'unit-test-pseudonym-secret-0123', REFERENCE_DIR: referenceDir,
  POWERTOOLS_TRACE_ENABLED: 'false', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_DEV: 'false',
});
delete process.env.DYNAMODB_ENDPOINT;
delete process.env.S3_ENDPOINT;
delete process.env.FUND_BUDGET_YUAN;

export const lakeBucket = 'unit-lake';
export const rawBucket = 'unit-raw';

/** The compiled reference (a rule pack and payment table per scheme, code sets) the handlers load: written once, reused after (the integration tests rewrite it). */
export async function ensureReference(): Promise<void> {
  if (existsSync(path.join(referenceDir, 'schemes', 'index.json')) && existsSync(path.join(referenceDir, 'codes'))) return;
  const { writeReference } = await import('../../../infra/local/build.ts');
  writeReference(referenceDir);
}

export type Caller = { role: 'hospital'; hospitalId: string } | { role: 'analyst' } | { role: 'admin' };
export const hosp1: Caller = { role: 'hospital', hospitalId: 'HOSP001' };
export const hosp2: Caller = { role: 'hospital', hospitalId: 'HOSP002' };
export const analyst: Caller = { role: 'analyst' };
export const admin: Caller = { role: 'admin' };

export interface Request {
  /** No caller: no authorizer context (a public route, or a 401). */
  caller?: Caller;
  method?: string;
  path?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** An object is sent as JSON. */
  body?: string | object;
  headers?: Record<string, string>;
  base64?: boolean;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever the answer holds
  body: any;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

let requests = 0;

/** One request through the handler's whole middy stack; the answer with its JSON body parsed. */
export async function call(handler: Handler, request: Request = {}): Promise<Answer> {
  const requestId = `unit-${++requests}`;
  const body = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const event = {
    version: '2.0',
    routeKey: `${request.method ?? 'GET'} ${request.path ?? '/'}`,
    rawPath: request.path ?? '/',
    rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...request.headers },
    ...(request.params ? { pathParameters: request.params } : {}),
    ...(request.query ? { queryStringParameters: request.query } : {}),
    isBase64Encoded: request.base64 ?? false,
    ...(body !== undefined ? { body } : {}),
    requestContext: {
      requestId,
      http: { method: request.method ?? 'GET', path: request.path ?? '/' },
      ...(request.caller ? { authorizer: { lambda: request.caller.role === 'hospital' ? { role: 'hospital', hospitalId: request.caller.hospitalId } : { role: request.caller.role } } } : {}),
    },
  } as unknown as APIGatewayProxyEventV2;
  const out = (await handler(event, { awsRequestId: requestId, functionName: 'unit' } as Context)) as { statusCode: number; headers?: Record<string, string>; body?: string };
  return { status: out.statusCode, headers: out.headers ?? {}, body: out.body ? JSON.parse(out.body) : undefined };
}

/** Read a JSON object the handler or job stored. */
export async function storedJson<T = unknown>(objects: ObjectStore, bucket: string, key: string): Promise<T | null> {
  const bytes = await objects.get(bucket, key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : null;
}

/** One lake object (`cases/year=/month=/hospital=/batch-<id>.jsonl.gz`) holding these lines, as ingest writes them. */
export async function putLakeLines(objects: ObjectStore, key: string, lines: readonly object[]): Promise<void> {
  await objects.put(lakeBucket, key, gzipSync(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'), 'application/x-ndjson');
}

/** Dev cases (2025, hospitals HOSP001–005) as JSON Lines, `n` of one hospital. */
export async function devLines(hospitalId: string, n: number, skip = 0): Promise<string[]> {
  const { devCasesWithMadeUpDetails } = await import('../../../infra/local/demo.ts');
  return devCasesWithMadeUpDetails().filter((l) => l.includes(`"${hospitalId}"`)).slice(skip, skip + n);
}

/** POST /v1/settlement-lists through the real handler over these ports. */
export async function ingestThrough(ports: import('../../../models/ports.ts').Ports, caller: Caller, lines: readonly string[]): Promise<Answer> {
  const { ingestHandler } = await import('../../../lambdas/http/settlement-lists.ts');
  return call(ingestHandler(ports), { caller, method: 'POST', path: '/v1/settlement-lists', body: lines.join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
}
