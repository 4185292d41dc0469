/**
 * Pseudonymisation of `patientId`: a keyed HMAC-SHA256, so the same patient maps to the same
 * reference across hospitals and batches (readmissions stay visible) while the id itself is
 * never stored or logged. The key comes from the environment locally and from Secrets Manager
 * on AWS (through the Parameters and Secrets Lambda extension, fetched once per container).
 */
import { createHmac } from 'node:crypto';
import { config } from './config.ts';

let secret: Promise<string> | undefined;

export function pseudonymSecret(): Promise<string> {
  secret ??= loadSecret().catch((error: unknown) => {
    secret = undefined;
    throw error;
  });
  return secret;
}

async function loadSecret(): Promise<string> {
  const c = config();
  if (c.PSEUDONYM_SECRET !== undefined) return c.PSEUDONYM_SECRET;
  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(c.PSEUDONYM_SECRET_ID!)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
  });
  if (!response.ok) throw new Error(`the pseudonymisation secret could not be read (status ${response.status})`);
  const value = ((await response.json()) as { SecretString?: string }).SecretString;
  if (!value || value.length < 16) throw new Error('the pseudonymisation secret is empty or shorter than 16 characters');
  return value;
}

/** The pseudonym of a patient id under `key`: 32 hex characters (128 bits of the HMAC). */
export function pseudonymise(key: string, patientId: string): string {
  return createHmac('sha256', key).update(`patient:${patientId}`).digest('hex').slice(0, 32);
}
