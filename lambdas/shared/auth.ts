/**
 * API keys and roles. A key is stored only as the SHA-256 of its text (`KEY#<sha256>` items);
 * the Lambda authorizer resolves `Authorization: Bearer <key>` to a principal that API Gateway
 * hands to the handlers in `requestContext.authorizer.lambda`.
 *
 * Scoping rule (decided here, documented in the README): a hospital key sees only its own
 * hospital. Reads are always looked up inside the caller's own partition (`HOSP#<own id>`), so a
 * case of another hospital is never even read; asking explicitly for another hospital's data
 * (`hospitalId=` of someone else) is 403 before any lookup, whether that data exists or not. A
 * hospital therefore cannot tell another hospital's existing case from a missing one.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { forbidden, unauthorized } from './errors.ts';

export const roles = ['hospital', 'analyst', 'admin'] as const;
export type Role = (typeof roles)[number];

export const principalSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('hospital'), hospitalId: z.string().min(1) }),
  z.object({ role: z.literal('analyst') }),
  z.object({ role: z.literal('admin') }),
]);
export type Principal = z.infer<typeof principalSchema>;

/** The stored form of a key: hash, role, hospital, label. */
export const apiKeySchema = z.object({
  key: z.string().min(20),
  role: z.enum(roles),
  hospitalId: z.string().min(1).optional(),
  label: z.string().optional(),
}).refine((k) => (k.role === 'hospital') === (k.hospitalId !== undefined), { message: 'a hospital key needs a hospitalId, other roles must not have one' });
export type ApiKey = z.infer<typeof apiKeySchema>;

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key text of `Authorization: Bearer <key>` (case-insensitive scheme), or null. */
export function bearerKey(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** What the authorizer hands to the handlers; `refusal` is set (and `role` empty) for a missing or unknown key. */
export interface AuthorizerContext {
  role: string;
  hospitalId: string;
  refusal: '' | 'missing-key' | 'unknown-key';
  /** A 16-hex prefix of the key's hash, for per-key throttling in the handlers (never the key); '' when refused. */
  keyId: string;
}

/**
 * The principal API Gateway attached from the authorizer's context: 401 when there is no key
 * (or no context at all), 403 when the key is not one this service issued.
 */
export function principalFrom(event: { requestContext?: unknown }): Principal {
  const ctx = event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } } | undefined;
  const lambda = ctx?.authorizer?.lambda;
  if (lambda?.refusal === 'unknown-key') throw forbidden('This key is not one the service issued (or it was revoked).');
  if (!lambda || typeof lambda.role !== 'string' || lambda.role === '') throw unauthorized();
  const raw = lambda.role === 'hospital' ? { role: lambda.role, hospitalId: lambda.hospitalId } : { role: lambda.role };
  const parsed = principalSchema.safeParse(raw);
  if (!parsed.success) throw unauthorized();
  return parsed.data;
}

/**
 * Who is calling, for throttling: the key's id the authorizer handed over (a prefix of the key's
 * hash, never the key), or — from an authorizer that did not send one — the role and hospital.
 */
export function callerKey(event: { requestContext?: unknown }, principal: Principal): string {
  const lambda = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } } | undefined)?.authorizer?.lambda;
  const keyId = lambda?.keyId;
  if (typeof keyId === 'string' && keyId !== '') return keyId;
  return principal.role === 'hospital' ? `hospital:${principal.hospitalId}` : principal.role;
}

export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) {
    throw forbidden(`This route is for ${allowed.join(' or ')} keys; yours is a ${principal.role} key.`);
  }
}

/**
 * The hospital a request may read: a hospital key gets its own (asking for another → 403, the
 * same answer whether or not that hospital has data); analysts and admins get what they asked for.
 */
export function scopeHospital(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role !== 'hospital') return requested;
  if (requested !== undefined && requested !== principal.hospitalId) {
    throw forbidden('A hospital key can only read its own hospital\'s data.');
  }
  return principal.hospitalId;
}
