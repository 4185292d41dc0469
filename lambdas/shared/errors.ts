/**
 * Domain and request errors, and their mapping to HTTP — in this one place. Handlers throw
 * these (or let storage errors bubble up); `errorResponse` turns anything thrown into a JSON
 * answer `{code, message, details?}` and never a stack trace. Field problems are the models'
 * problems (`{ code, path, message }`, codes from `models/problem.ts`), paths relative to the request.
 */
import type { Problem } from '../../models/problem.ts';

export type FieldProblem = Problem;

export type ErrorCode =
  | 'malformed' | 'unsupported-media-type' | 'too-large' | 'invalid' | 'unauthorized' | 'forbidden'
  | 'not-found' | 'conflict' | 'throttled' | 'not-implemented' | 'internal';

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra answer headers (`retry-after` of a throttled request). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const malformed = (message: string, details?: unknown): ServiceError => new ServiceError('malformed', message, details);
export const unsupportedMediaType = (message: string): ServiceError => new ServiceError('unsupported-media-type', message);
export const tooLarge = (message: string, details?: unknown): ServiceError => new ServiceError('too-large', message, details);
export const invalid = (message: string, problems: FieldProblem[]): ServiceError => new ServiceError('invalid', message, { problems });
export const unauthorized = (message = 'An API key is required: send "Authorization: Bearer <key>".'): ServiceError => new ServiceError('unauthorized', message);
export const forbidden = (message: string): ServiceError => new ServiceError('forbidden', message);
export const notFound = (message: string): ServiceError => new ServiceError('not-found', message);
/** 429: slow down; `retryAfterSeconds` becomes the Retry-After header. */
export const throttled = (message: string, retryAfterSeconds: number): ServiceError => new ServiceError('throttled', message, undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
export const notImplemented = (message: string): ServiceError => new ServiceError('not-implemented', message);

const statusOf: Record<ErrorCode, number> = {
  malformed: 400,
  'unsupported-media-type': 415,
  'too-large': 413,
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  throttled: 429,
  'not-implemented': 501,
  internal: 500,
};

/** DynamoDB / S3 error names that mean "slow down": answered 429 with Retry-After. */
const throttleNames = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'SlowDown', 'TooManyRequestsException']);

export interface ErrorAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** For the log: was this the service's fault? */
  internal: boolean;
}

/** Any thrown value → the HTTP answer. Unknown errors become a 500 naming the request id only. */
export function errorResponse(error: unknown, requestId: string): ErrorAnswer {
  let e: ServiceError;
  if (error instanceof ServiceError) e = error;
  else if (error instanceof Error && throttleNames.has(error.name)) e = new ServiceError('throttled', 'The service is busy; retry after a short wait.');
  else e = new ServiceError('internal', `Something went wrong on our side; the request id is ${requestId}.`);
  const statusCode = statusOf[e.code];
  const headers: Record<string, string> = {};
  if (statusCode === 429) headers['retry-after'] = '1';
  if (statusCode === 401) headers['www-authenticate'] = 'Bearer';
  Object.assign(headers, e.headers);
  const body = JSON.stringify(e.details === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, ...(e.details as object) });
  return { statusCode, headers, body, internal: statusCode >= 500 && e.code !== 'not-implemented' };
}
