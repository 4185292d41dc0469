/**
 * Who calls the service: the roles, the principal the authorizer resolves a key to, and the
 * stored form of an API key (only the SHA-256 of its text is kept). Shared by the handlers
 * (lambdas/shared/auth.ts), the route table (routes.ts) and the local stack's key seeding.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';

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

/** The SHA-256 of a key's text: how a key is stored and looked up. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
