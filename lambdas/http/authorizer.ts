/**
 * The API Gateway (HTTP API) Lambda authorizer, simple responses: `Authorization: Bearer <key>`
 * → SHA-256 → `KEY#<sha256>` item → context `{role, hospitalId}`.
 *
 * It never answers `isAuthorized: false`: API Gateway (and serverless-offline) would then send
 * their own fixed body (`{"message":"Forbidden"}`, `{"statusCode","error","message"}`), not the
 * service's `Error`. Instead a missing or unknown key is allowed through with an empty role and
 * `refusal` = `missing-key` / `unknown-key`, and the handler's middleware (`principalFrom` in
 * lambdas/shared/auth.ts) answers 401 (with `WWW-Authenticate: Bearer`) or 403 with the `Error`
 * body of the OpenAPI document — before any validation or storage access. The route is
 * configured without an identity source and without a gateway cache so that a request without
 * a key reaches the authorizer too; results are cached here in the container for a minute.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { Ports } from '../../models/ports.ts';
import { bearerKey, hashKey, type AuthorizerContext } from '../shared/auth.ts';
import { awsDeps } from '../shared/deps.ts';
import { logger } from '../shared/observability.ts';

type AuthorizerEvent = APIGatewayRequestAuthorizerEventV2 & { authorizationToken?: string };
type Result = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;
type Cache = Map<string, { at: number; result: Result }>;
const ttlMs = 60_000;

/** The authorizer over these ports, with its own cache (one per container). */
export function authorizerHandler(deps: Pick<Ports, 'apiKeys' | 'clock'>): (event: AuthorizerEvent) => Promise<Result> {
  const cache: Cache = new Map();
  return (event) => authorize(deps, cache, event);
}

const authorize = async (deps: Pick<Ports, 'apiKeys' | 'clock'>, cache: Cache, event: AuthorizerEvent): Promise<Result> => {
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? event.identitySource?.[0] ?? event.authorizationToken;
  const key = bearerKey(header);
  if (!key) return { isAuthorized: true, context: { role: '', hospitalId: '', refusal: 'missing-key', keyId: '' } };
  const hash = hashKey(key);
  const hit = cache.get(hash);
  if (hit && deps.clock.now().getTime() - hit.at < ttlMs) return hit.result;
  const stored = await deps.apiKeys.get(hash);
  const context: AuthorizerContext = stored ? { role: stored.role, hospitalId: stored.hospitalId ?? '', refusal: '', keyId: hash.slice(0, 16) } : { role: '', hospitalId: '', refusal: 'unknown-key', keyId: '' };
  const result = { isAuthorized: true, context };
  if (!stored) logger.info('unknown key refused', { keyHashPrefix: hash.slice(0, 8) });
  cache.set(hash, { at: deps.clock.now().getTime(), result });
  return result;
};

export const handler = authorizerHandler(awsDeps);
