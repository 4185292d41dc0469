/**
 * The API Gateway (HTTP API) Lambda authorizer, simple responses: `Authorization: Bearer <key>`
 * → SHA-256 → `KEY#<sha256>` item → `{isAuthorized, context: {role, hospitalId}}`. No header:
 * API Gateway answers 401 itself (identity source missing); an unknown key: 403. Results are
 * cached in the container for a minute (and by API Gateway for five).
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { Ports } from '../../models/ports.ts';
import { bearerKey, hashKey } from '../shared/auth.ts';
import { awsDeps } from '../shared/deps.ts';
import { logger } from '../shared/observability.ts';

type Context = { role: string; hospitalId: string };
type AuthorizerEvent = APIGatewayRequestAuthorizerEventV2 & { authorizationToken?: string };
type Cache = Map<string, { at: number; result: APIGatewaySimpleAuthorizerWithContextResult<Context> }>;
const ttlMs = 60_000;

/** The authorizer over these ports, with its own cache (one per container). */
export function authorizerHandler(deps: Pick<Ports, 'apiKeys' | 'clock'>): (event: AuthorizerEvent) => Promise<APIGatewaySimpleAuthorizerWithContextResult<Context>> {
  const cache: Cache = new Map();
  return (event) => authorize(deps, cache, event);
}

const authorize = async (deps: Pick<Ports, 'apiKeys' | 'clock'>, cache: Cache, event: AuthorizerEvent): Promise<APIGatewaySimpleAuthorizerWithContextResult<Context>> => {
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? event.identitySource?.[0] ?? event.authorizationToken;
  const key = bearerKey(header);
  const denied = { isAuthorized: false, context: { role: '', hospitalId: '' } };
  if (!key) return denied;
  const hash = hashKey(key);
  const hit = cache.get(hash);
  if (hit && deps.clock.now().getTime() - hit.at < ttlMs) return hit.result;
  const stored = await deps.apiKeys.get(hash);
  const result = stored ? { isAuthorized: true, context: { role: stored.role, hospitalId: stored.hospitalId ?? '' } } : denied;
  if (!stored) logger.info('unknown key refused', { keyHashPrefix: hash.slice(0, 8) });
  cache.set(hash, { at: deps.clock.now().getTime(), result });
  return result;
};

export const handler = authorizerHandler(awsDeps);
