/**
 * The one middy stack of every HTTP handler. In order:
 * Powertools tracer / logger (Lambda context, no event logging) / metrics → error mapping (any
 * throw → JSON answer with the right status, never a stack trace) → security headers → body
 * size limit (413) → authorization (principal from the authorizer; role → 403) → validation of
 * path, query and JSON body with zod (422 with field paths; 400 for unparseable JSON) → the
 * route's function, which only parses → calls models/ → maps the result.
 *
 * Settlement-record bodies (`body: 'records'`) are parsed by Content-Type in `body.ts`.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { callerKey, principalFrom, requireRole, type Principal, type Role } from './auth.ts';
import { config } from './config.ts';
import { errorResponse, invalid, malformed, throttled, tooLarge, type FieldProblem } from './errors.ts';
import { keyBuckets } from './throttle.ts';
import { logger, metrics, tracer } from './observability.ts';
import { problemsOfIssues } from '../../models/problem.ts';
import { stringifyRounded } from '../../models/text/round.ts';

export const securityHeaders: Record<string, string> = {
  'content-type': 'application/json; charset=utf-8',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface RouteSpec<Q extends z.ZodType, P extends z.ZodType, B extends z.ZodType> {
  /** For logs and metrics. */
  name: string;
  /** Who may call; 'public' routes need no key. */
  roles: readonly Role[] | 'public';
  query?: Q;
  params?: P;
  /** A zod schema for a JSON body, or 'text' to receive the body as text (settlement records). */
  body?: B | 'text';
}

export interface RouteInput<Q, P, B> {
  principal: Principal | null;
  query: Q;
  params: P;
  body: B;
  /** The body as text (for 'text' bodies). */
  text: string;
  /** The body's bytes (base64-decoded when API Gateway sent it so): for binary bodies, such as Excel workbooks. */
  bytes: () => Uint8Array;
  contentType: string | undefined;
  requestId: string;
  event: APIGatewayProxyEventV2;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Out = APIGatewayProxyStructuredResultV2;

interface Internal {
  input?: RouteInput<unknown, unknown, unknown>;
}

/** zod issues of `input` → field problems with their codes (`ruleSet.rules.upcoding.fdr`, `query.limit`); one per unknown key. */
export function zodProblems(error: z.ZodError, prefix: string, input: unknown): FieldProblem[] {
  return problemsOfIssues(error.issues, input, {
    prefix: prefix === '' ? [] : [prefix],
    subject: 'the body',
    unknownField: (path) => `${path}: is not a field of this request`,
    sentence: (issue, where) => `${where}: ${issue.message}`,
  });
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const input = value ?? {};
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = zodProblems(parsed.error, where === 'body' ? '' : where, input);
  // A paging cursor is opaque: one not handed out by this service is a malformed request (400), not a field to correct.
  if (where === 'query' && problems.some((p) => p.path === 'query.cursor')) throw malformed('The cursor is not one this service handed out; start again without it.', { problems });
  throw invalid(`The ${where} does not match what this route accepts.`, problems);
}

function bodyText(event: APIGatewayProxyEventV2): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function bodyContent(event: APIGatewayProxyEventV2): Uint8Array {
  if (!event.body) return new Uint8Array(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

function bodyBytes(event: APIGatewayProxyEventV2): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').byteLength : Buffer.byteLength(event.body, 'utf8');
}

/** Build the handler of one route: the shared stack around `fn`. */
export function httpHandler<Q extends z.ZodType = z.ZodType<undefined>, P extends z.ZodType = z.ZodType<undefined>, B extends z.ZodType = z.ZodType<undefined>>(
  spec: RouteSpec<Q, P, B>,
  fn: (input: RouteInput<z.output<Q>, z.output<P>, B extends z.ZodType ? z.output<B> : undefined>) => Promise<RouteResult>,
) {
  const core = async (event: APIGatewayProxyEventV2, context: Context): Promise<Out> => {
    const input = (context as Context & { internalState?: Internal }).internalState?.input;
    if (!input) throw new Error('request input missing');
    const result = await fn(input as never);
    metrics.addMetric(`${spec.name}.ok`, MetricUnit.Count, 1);
    return { statusCode: result.status, headers: { ...result.headers }, body: stringifyRounded(result.body) };
  };

  const prepare: middy.MiddlewareObj<APIGatewayProxyEventV2, Out, Error, Context> = {
    before: async (request) => {
      const event = request.event;
      const c = config();
      const principal = spec.roles === 'public' ? null : principalFrom(event);
      if (principal) {
        const take = keyBuckets(c.THROTTLE_RATE_PER_SECOND, c.THROTTLE_BURST).take(callerKey(event, principal));
        if (!take.ok) throw throttled(`This key makes more than ${c.THROTTLE_RATE_PER_SECOND} requests a second (bursts of ${c.THROTTLE_BURST}); retry after the Retry-After seconds.`, take.retryAfterSeconds);
      }
      const bytes = bodyBytes(event);
      const limit = c.MAX_BODY_BYTES;
      if (bytes > limit) throw tooLarge(`The body is ${bytes} bytes; the limit is ${limit} bytes (6 MB). Split it into smaller batches.`);
      if (principal && spec.roles !== 'public') requireRole(principal, spec.roles);
      const params = parseWith(spec.params, event.pathParameters, 'path');
      const query = parseWith(spec.query, event.queryStringParameters, 'query');
      const text = bodyText(event);
      let body: unknown;
      if (spec.body !== undefined && spec.body !== 'text') {
        let json: unknown;
        try {
          json = text.trim() === '' ? undefined : JSON.parse(text);
        } catch (error) {
          throw malformed(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
        }
        body = parseWith(spec.body, json, 'body');
      }
      const headers = event.headers ?? {};
      const input: RouteInput<unknown, unknown, unknown> = {
        principal, query, params, body, text,
        bytes: () => bodyContent(event),
        contentType: headers['content-type'] ?? headers['Content-Type'],
        requestId: request.context.awsRequestId ?? event.requestContext?.requestId ?? 'unknown',
        event,
      };
      (request.context as Context & { internalState?: Internal }).internalState = { input };
      logger.appendKeys({ route: spec.name, role: principal?.role ?? 'public' });
    },
  };

  const headers: middy.MiddlewareObj<APIGatewayProxyEventV2, Out, Error, Context> = {
    after: async (request) => {
      const response = request.response;
      if (response && typeof response === 'object') response.headers = { ...securityHeaders, ...response.headers };
    },
  };

  const errors: middy.MiddlewareObj<APIGatewayProxyEventV2, Out, Error, Context> = {
    onError: async (request) => {
      const requestId = request.context?.awsRequestId ?? 'unknown';
      const answer = errorResponse(request.error, requestId);
      if (answer.internal) {
        // Name and message only: no request body, no record, no stack in the answer.
        logger.error('request failed', { errorName: request.error?.name, errorMessage: request.error?.message?.slice(0, 300) });
      } else {
        logger.info('request refused', { status: answer.statusCode });
      }
      metrics.addMetric(`${spec.name}.${answer.statusCode}`, MetricUnit.Count, 1);
      request.response = { statusCode: answer.statusCode, headers: { ...securityHeaders, ...answer.headers }, body: answer.body };
    },
  };

  return middy<APIGatewayProxyEventV2, Out, Error, Context>(core)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(headers)
    .use(errors)
    .use(prepare);
}
