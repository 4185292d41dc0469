/**
 * The API Gateway (HTTP API) Lambda authorizer, simple responses: `Authorization: Bearer <key>`
 * → SHA-256 → `KEY#<sha256>` item → `{isAuthorized, context: {role, hospitalId}}`. No header:
 * API Gateway answers 401 itself (identity source missing); an unknown key: 403. Results are
 * cached in the container for a minute (and by API Gateway for five).
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { bearerKey, hashKey } from '../shared/auth.ts';
import { logger } from '../shared/observability.ts';
import { getApiKey } from '../shared/repositories.ts';

/** `keyId`: a prefix of the key's hash, for per-key throttling in the handlers (never the key). */
type Context = { role: string; hospitalId: string; keyId: string };
const cache = new Map<string, { at: number; result: APIGatewaySimpleAuthorizerWithContextResult<Context> }>();
const ttlMs = 60_000;

export const handler = async (event: APIGatewayRequestAuthorizerEventV2 & { authorizationToken?: string }): Promise<APIGatewaySimpleAuthorizerWithContextResult<Context>> => {
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? event.identitySource?.[0] ?? event.authorizationToken;
  const key = bearerKey(header);
  const denied = { isAuthorized: false, context: { role: '', hospitalId: '', keyId: '' } };
  if (!key) return denied;
  const hash = hashKey(key);
  const hit = cache.get(hash);
  if (hit && Date.now() - hit.at < ttlMs) return hit.result;
  const stored = await getApiKey(hash);
  const result = stored ? { isAuthorized: true, context: { role: stored.role, hospitalId: stored.hospitalId ?? '', keyId: hash.slice(0, 16) } } : denied;
  if (!stored) logger.info('unknown key refused', { keyHashPrefix: hash.slice(0, 8) });
  cache.set(hash, { at: Date.now(), result });
  return result;
};
