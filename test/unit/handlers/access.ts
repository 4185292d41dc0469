/** The authorizer over an in-memory key store, and the routes that need no store: health, me, the OpenAPI document. */
import { admin, call, hosp1 } from './harness.ts';
import { describe, expect, it } from 'vitest';
import { authorizerHandler } from '../../../lambdas/http/authorizer.ts';
import { handler as health } from '../../../lambdas/http/health.ts';
import { handler as me } from '../../../lambdas/http/me.ts';
import { handler as openapi } from '../../../lambdas/http/openapi.ts';
import { hashKey } from '../../../lambdas/shared/auth.ts';
import { memoryPorts } from '../../helpers/memory-stores.ts';

describe('authorizer, health, me, openapi', () => {
  const event = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as Parameters<ReturnType<typeof authorizerHandler>>[0];

  describe('authorizer', () => {
    it('resolves a stored key to its role and hospital; lets unknown, missing and malformed keys through with the refusal for the handler to answer 403/401', async () => {
      const ports = memoryPorts();
      await ports.apiKeys.put(hashKey('hospital-key-0123456789'), { role: 'hospital', hospitalId: 'HOSP001', label: 'dev' });
      await ports.apiKeys.put(hashKey('analyst-key-0123456789'), { role: 'analyst' });
      const authorize = authorizerHandler(ports);
      expect(await authorize(event('Bearer hospital-key-0123456789'))).toEqual({ isAuthorized: true, context: { role: 'hospital', hospitalId: 'HOSP001', refusal: '', keyId: hashKey('hospital-key-0123456789').slice(0, 16) } });
      expect(await authorize(event('bearer   analyst-key-0123456789 '))).toEqual({ isAuthorized: true, context: { role: 'analyst', hospitalId: '', refusal: '', keyId: hashKey('analyst-key-0123456789').slice(0, 16) } });
      expect(await authorize(event('Bearer someone-elses-key-0123456789'))).toEqual({ isAuthorized: true, context: { role: '', hospitalId: '', refusal: 'unknown-key', keyId: '' } });
      expect(await authorize(event())).toEqual({ isAuthorized: true, context: { role: '', hospitalId: '', refusal: 'missing-key', keyId: '' } });
      expect((await authorize(event('Basic aGVsbG8='))).context.refusal).toBe('missing-key');
    });

    it('keeps an answer for a minute, then reads the key again', async () => {
      const ports = memoryPorts();
      const key = 'rotating-key-0123456789';
      await ports.apiKeys.put(hashKey(key), { role: 'analyst' });
      const authorize = authorizerHandler(ports);
      expect((await authorize(event(`Bearer ${key}`))).context.role).toBe('analyst');
      await ports.apiKeys.put(hashKey(key), { role: 'admin' });
      ports.clock.advance(59_000);
      expect((await authorize(event(`Bearer ${key}`))).context.role).toBe('analyst');
      ports.clock.advance(2_000);
      expect((await authorize(event(`Bearer ${key}`))).context.role).toBe('admin');
    });
  });

  describe('health, me, openapi', () => {
    it('GET /health needs no key', async () => {
      const out = await call(health, { path: '/health' });
      expect(out).toMatchObject({ status: 200, body: { status: 'ok', service: 'payreform' } });
      expect(out.headers['x-content-type-options']).toBe('nosniff');
    });

    it('GET /v1/me answers the caller\'s principal, 401 without one', async () => {
      expect(await call(me, { caller: hosp1, path: '/v1/me' })).toMatchObject({ status: 200, body: { role: 'hospital', hospitalId: 'HOSP001' } });
      expect((await call(me, { caller: admin, path: '/v1/me' })).body).toEqual({ role: 'admin' });
      const anonymous = await call(me, { path: '/v1/me' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('unauthorized');
    });

    it('GET /openapi.json is an OpenAPI 3.1 document naming the routes', async () => {
      const out = await call(openapi, { path: '/openapi.json' });
      expect(out.status).toBe(200);
      expect(out.body.openapi).toMatch(/^3\.1\./);
      expect(Object.keys(out.body.paths)).toEqual(expect.arrayContaining(['/v1/cases', '/v1/settlement-lists', '/v1/simulations']));
    });
  });
});
