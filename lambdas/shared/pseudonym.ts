/**
 * Pseudonymisation of `patientId`: a keyed HMAC-SHA256, so the same patient maps to the same
 * reference across hospitals and batches (readmissions stay visible) while the id itself is
 * never stored or logged. The key comes from the environment locally and from Secrets Manager
 * on AWS (through the Parameters and Secrets Lambda extension, fetched once per container).
 */
import { createHmac } from 'node:crypto';
import type { RecordFormat } from '../../models/settlement/readers.ts';
import { csvField, readCsvRows } from '../../models/text/csv.ts';
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

/**
 * How a pseudonymised `patientId` is written in a kept raw body: `pseudonym:<32 hex>`. A replay
 * (and only a replay: a client's own value is always hashed) takes such a value as the pseudonym
 * itself instead of hashing it again; an unmarked value (a body kept before bodies were
 * pseudonymised) is hashed as usual.
 */
export const pseudonymMarker = 'pseudonym:';
const marked = /^pseudonym:[0-9a-f]{32}$/;

/** The pseudonym carried by a marked raw-body value, or null. */
export function markedPseudonym(value: unknown): string | null {
  return typeof value === 'string' && marked.test(value) ? value.slice(pseudonymMarker.length) : null;
}

/**
 * The `patientId` value to keep in a raw body: a marked pseudonym for a valid id; a value the
 * validator refuses anyway (a number, an over-long string) becomes `{ pseudonym }`, still refused
 * on replay for the same reason (not a string) without keeping it in clear; an empty string or
 * null carries nothing and stays.
 */
function keptPatientId(secret: string, value: unknown): unknown {
  if (value === null || value === '' || value === undefined) return value;
  if (typeof value === 'string' && value.length <= 128) return `${pseudonymMarker}${pseudonymise(secret, value)}`;
  return { pseudonym: pseudonymise(secret, typeof value === 'string' ? value : JSON.stringify(value)) };
}

function withKeptPatientId(secret: string, record: unknown): unknown {
  if (record === null || typeof record !== 'object' || Array.isArray(record) || !('patientId' in record)) return record;
  return { ...record, patientId: keptPatientId(secret, (record as Record<string, unknown>).patientId) };
}

/**
 * The raw body as kept for replay: the same records in the same format (JSON array, JSON Lines,
 * CSV with the same header and cells), every `patientId` pseudonymised and marked. `records` are
 * the body's parsed records (JSON, JSON Lines); CSV is rewritten cell by cell so its text is kept.
 */
export async function pseudonymiseBody(body: string, format: RecordFormat, records: readonly unknown[], secret: string): Promise<string> {
  if (format === 'json') return JSON.stringify(records.map((r) => withKeptPatientId(secret, r)));
  if (format === 'jsonl') return records.map((r) => `${JSON.stringify(withKeptPatientId(secret, r))}\n`).join('');
  const rows: string[] = [];
  let column = -1;
  for await (const row of readCsvRows(single(body))) {
    if (rows.length === 0) column = row.fields.findIndex((f) => f.trim() === 'patientId');
    else if (column >= 0 && row.fields.length > column) {
      const kept = keptPatientId(secret, row.fields[column]!.trim());
      // A CSV cell is always text: a refused id stays refused (longer than 128) without being kept.
      row.fields[column] = typeof kept === 'string' ? kept : `${'-'.repeat(97)}${(kept as { pseudonym: string }).pseudonym}`;
    }
    rows.push(row.fields.map((f) => csvField(f)).join(','));
  }
  return `${rows.join('\n')}\n`;
}

async function* single(text: string): AsyncGenerator<string> {
  yield text;
}
