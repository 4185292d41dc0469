/**
 * Service configuration: read from the environment once per container (cold start) and
 * validated with zod, so a misconfigured function fails on its first request with one clear
 * sentence instead of half-working. Every handler and job reads `config()`.
 */
import { z } from 'zod';
import { schemeIdPattern, unknownSchemeMessage } from '../../app/scheme-index.ts';

/** Limits the service enforces unless the environment overrides them (stated in the OpenAPI document). */
export const defaultLimits = { MAX_BODY_BYTES: 6 * 1024 * 1024, MAX_GROUP_RECORDS: 1000, MAX_RECORDS_PER_REQUEST: 10_000 } as const;

const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  RAW_BUCKET: z.string().min(1),
  LAKE_BUCKET: z.string().min(1),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Local stack only: dynalite / s3rver endpoints (absent on AWS). */
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  /** The HMAC key for `patientId`: given directly (local stack) … */
  PSEUDONYM_SECRET: z.string().min(16).optional(),
  /** … or the Secrets Manager secret id, read through the Parameters and Secrets Lambda extension (AWS). */
  PSEUDONYM_SECRET_ID: z.string().min(1).optional(),
  /** Directory holding `schemes/` (a rule pack and payment table per scheme held) and `codes/` (default: `reference/` next to the bundle). */
  REFERENCE_DIR: z.string().min(1).optional(),
  /** The scheme this deployment groups by unless a request names another (default: the one the bundle's scheme index names). */
  DEFAULT_SCHEME: z.string().regex(schemeIdPattern, { error: 'must be a scheme id such as chs-drg-1.1 or suzhou_2023' }).optional(),
  /** The ids of the schemes the bundle holds, comma-separated (set by the stack from the build; default: the bundle's scheme index). */
  HELD_SCHEMES: z.string().transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== '')).pipe(z.array(z.string().regex(schemeIdPattern)).min(1)).optional(),
  /** Largest accepted request body (API Gateway → Lambda allows 6 MB). */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(defaultLimits.MAX_BODY_BYTES),
  /** Records in one POST /v1/group call (more: 413 before parsing). */
  MAX_GROUP_RECORDS: z.coerce.number().int().positive().default(defaultLimits.MAX_GROUP_RECORDS),
  /** Records in one POST /v1/settlement-lists call (more: 413 before parsing). */
  MAX_RECORDS_PER_REQUEST: z.coerce.number().int().positive().default(defaultLimits.MAX_RECORDS_PER_REQUEST),
  /** Requests per second each API key may make, on average (a token bucket per key, in each container). */
  THROTTLE_RATE_PER_SECOND: z.coerce.number().positive().default(50),
  /** Requests a key may make at once before the rate applies (the bucket's size). */
  THROTTLE_BURST: z.coerce.number().int().positive().default(100),
  /** Parallel DynamoDB writes while ingesting one batch. */
  WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** The fund's yearly expenditure budget (yuan); the forecast job raises an alert when the next 12 forecast months exceed it. Unset: no alert. */
  FUND_BUDGET_YUAN: z.coerce.number().positive().optional(),
}).refine((c) => c.PSEUDONYM_SECRET !== undefined || c.PSEUDONYM_SECRET_ID !== undefined, {
  message: 'PSEUDONYM_SECRET (local) or PSEUDONYM_SECRET_ID (AWS) must be set',
  path: ['PSEUDONYM_SECRET'],
}).superRefine((c, ctx) => {
  if (c.DEFAULT_SCHEME !== undefined && c.HELD_SCHEMES !== undefined && !c.HELD_SCHEMES.includes(c.DEFAULT_SCHEME)) {
    ctx.addIssue({ code: 'custom', path: ['DEFAULT_SCHEME'], message: unknownSchemeMessage(c.DEFAULT_SCHEME, c.HELD_SCHEMES) });
  }
});

export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

/** The validated configuration (parsed on first use, then cached for the container's life). */
export function config(): Config {
  if (cached) return cached;
  const parsed = configSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`).join('; ');
    throw new Error(`invalid service configuration: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests that change the environment call this to re-read it. */
export function resetConfig(): void {
  cached = undefined;
}
