/**
 * Ingest of one batch of settlement records — shared by `POST /v1/settlement-lists` and the
 * replay job (which feeds it a raw batch kept in S3). Order, chosen so nothing is lost and
 * nothing is duplicated:
 *
 * 1. the body is parsed (400 if it is not well-formed: nothing is kept), then the raw body, every
 *    `patientId` pseudonymised and marked (`pseudonymiseBody`), goes to the raw bucket and a
 *    BATCH item is written — before any processing, so a batch that fails midway can be replayed;
 * 2. records are validated (ingest mode, code sets), scoped to the caller's hospital,
 *    pseudonymised and grouped (DRG under the deployment's default scheme, whose id and pack hash
 *    each case records; DIP too when a DIP catalogue is active, see `dip-catalog.ts`);
 * 3. cases are written to DynamoDB by (hospitalId, listId) with conditional writes
 *    (`writeCases`), which decide each case's version — the one authority on what is latest;
 * 4. then the lake: each case's line carries that version, and a tombstone of the same version
 *    goes into each partition an earlier version was discharged in (`formerMonths`); objects are
 *    content-addressed per (year, month, hospital, batch), so a re-write never erases a line.
 *    Written for `unchanged` cases too, so re-sending (or replaying) a batch that stopped between
 *    3 and 4 completes the lake;
 * 5. data-quality counters for (hospital, month, batch) and the batch's outcome are stored.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ingestRecord, storedRecord as storedRecordWith, type IngestContext } from '../../app/ingest-record.ts';
import type { CaseWrite, Ports, QualityCounters, StoredCase, StoredRecord } from '../../models/ports.ts';
import { emptyCounters, missingOptionalFields } from '../../models/settlement/quality-counters.ts';
import { costCategories, settlementFields, type SettlementRecord } from '../../models/settlement/schema.ts';
import type { Problem, ProblemCode } from '../../models/problem.ts';
import type { RecordFormat } from '../../models/settlement/readers.ts';
import type { CodeEdition } from '../../models/settlement/code-map.ts';
import type { Principal } from './auth.ts';
import { parseRecords } from './body.ts';
import { activeDipCatalog } from './dip-catalog.ts';
import { config } from './config.ts';
import * as k from './keys.ts';
import { markedPseudonym, pseudonymise, pseudonymiseBody, pseudonymSecret } from './pseudonym.ts';
import { reference } from './reference.ts';

export interface IngestError {
  index: number;
  listId: string | null;
  code: ProblemCode;
  path: string;
  message: string;
}

export interface IngestResult {
  batchId: string;
  accepted: number;
  rejected: number;
  created: number;
  unchanged: number;
  replaced: number;
  /** Replays only: cases a later batch has changed since, left as they are. */
  superseded?: number;
  errors: IngestError[];
  warnings: number;
}


/** A batch's id: the hash of who sent what (and, for a clinical-edition default, the edition it is read in: the same body read in another edition is another batch). */
export function batchIdOf(scope: string, contentType: string, body: string, codeEdition: CodeEdition = 'chs-2.0'): string {
  return createHash('sha256').update(`${scope}\n${contentType}\n${codeEdition === 'chs-2.0' ? '' : `${codeEdition}\n`}`).update(body).digest('hex').slice(0, 32);
}

/** The scope a batch is filed under: the hospital for a hospital key, `admin` for admin keys. */
export function batchScope(principal: Principal): string {
  return principal.role === 'hospital' ? principal.hospitalId : 'admin';
}

/** Canonical JSON of a stored record (fields in documentation order, cost categories sorted). */
export function canonicalHash(record: StoredRecord): string {
  const ordered: Record<string, unknown> = {};
  for (const field of settlementFields) {
    const name = field === 'patientId' ? 'patientRef' : field;
    const value = (record as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (name === 'costs') {
      const costs: Record<string, unknown> = {};
      for (const c of costCategories) if ((value as Record<string, unknown>)[c] !== undefined) costs[c] = (value as Record<string, unknown>)[c];
      ordered[name] = costs;
    } else ordered[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}

/** The data-quality reason kind of each problem code (the counters' keys predate the codes; they stay as they were). */
const reasonKind: Record<ProblemCode, string> = {
  required: 'missing',
  'grey-code': 'grey-code',
  'unknown-code': 'unknown-code',
  'unmapped-code': 'unmapped-code',
  inconsistent: 'inconsistent',
  'wrong-hospital': 'wrong-hospital',
  'invalid-type': 'invalid',
  'invalid-format': 'invalid',
  'invalid-value': 'invalid',
  'out-of-range': 'invalid',
  'too-many': 'invalid',
  'unknown-field': 'invalid',
  duplicate: 'invalid',
};

/** Rejection reason of a problem: `<top-level field>:<kind>`, the kind from the problem's code. */
export function reasonOf(problem: Problem): string {
  const root = problem.path.split(/[.[]/)[0] || 'record';
  return `${root}:${reasonKind[problem.code]}`;
}

function monthOf(raw: unknown, fallback: string): string {
  const d = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).dischargeDate : undefined;
  return typeof d === 'string' && /^\d{4}-(0[1-9]|1[0-2])/.test(d) ? d.slice(0, 7) : fallback;
}

function hospitalOf(raw: unknown, fallback: string): string {
  const h = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).hospitalId : undefined;
  return typeof h === 'string' && h.trim() !== '' && h.length <= 64 ? h.trim() : fallback;
}

/** Run `work` over `items` with at most `concurrency` in flight. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(runners);
  return out;
}

/** The stores ingest writes to (and reads the active DIP catalogue from). */
export interface IngestInput extends Pick<Ports, 'objects' | 'cases' | 'batches' | 'quality' | 'dipCatalog'> {
  principal: Principal;
  body: string;
  contentType: string;
  format: RecordFormat;
  /** The code edition of records that do not name theirs (`?codeEdition=`, kept on the batch for a replay); default `chs-2.0`. */
  codeEdition?: CodeEdition;
  receivedAt: Date;
  /** Set by a replay: the raw body is already in S3 (pseudonymised), and a case another batch changed since is left alone. */
  replay?: boolean;
  /** The batch id, given by a replay (the kept body is pseudonymised, so its hash is not the id). */
  batchId?: string;
}

export async function ingestBatch(input: IngestInput): Promise<IngestResult> {
  const c = config();
  const scope = batchScope(input.principal);
  const codeEdition = input.codeEdition ?? 'chs-2.0';
  const edition = codeEdition === 'chs-2.0' ? {} : { codeEdition };
  const batchId = input.batchId ?? batchIdOf(scope, input.contentType, input.body, codeEdition);
  const receivedAt = input.receivedAt.toISOString();
  const receivedDate = receivedAt.slice(0, 10);
  const rawKey = k.rawBatchKey(scope, receivedDate, batchId);

  // 1. Parse, then keep the raw body (pseudonymised) first: whatever happens next, the batch can be replayed.
  let raws: unknown[];
  try {
    raws = await parseRecords(input.body, input.format);
  } catch (error) {
    await input.batches.put({ scope, batchId, status: 'malformed', rawKey, contentType: input.contentType, receivedAt, ...edition });
    throw error;
  }
  const secret = await pseudonymSecret();
  if (!input.replay) await input.objects.put(c.RAW_BUCKET, rawKey, await pseudonymiseBody(input.body, input.format, raws, secret), input.contentType);
  await input.batches.put({ scope, batchId, status: 'received', rawKey, contentType: input.contentType, receivedAt, ...edition });

  // 2. Validate, scope, pseudonymise, group.
  const { pack, codeSets, codeMaps, scheme } = reference();
  const dip = await activeDipCatalog(input);
  const errors: IngestError[] = [];
  const cases: (Omit<StoredCase, 'version'> & { warned?: true })[] = [];
  const counters = new Map<string, QualityCounters>();
  const fallbackMonth = receivedDate.slice(0, 7);
  const ownHospital = input.principal.role === 'hospital' ? input.principal.hospitalId : undefined;
  let warnings = 0;

  const ctx: IngestContext = { pack, codeSets, codeMaps, codeEdition, ownHospital, pseudonymise: patientRefOf(secret, input.replay === true), dip, today: receivedDate, groupedBy: { scheme: scheme.id, packHash: scheme.packHash } };
  for (let index = 0; index < raws.length; index++) {
    const raw = raws[index];
    const hospital = ownHospital ?? hospitalOf(raw, scope);
    const counterKey = `${hospital}|${monthOf(raw, fallbackMonth)}`;
    let q = counters.get(counterKey);
    if (!q) counters.set(counterKey, (q = emptyCounters()));
    q.received++;
    // Validate, scope, pseudonymise, group: the one record path (app/ingest-record.ts).
    const outcome = ingestRecord(raw, ctx);
    if (outcome.warnings.length > 0) {
      q.warned++;
      warnings += outcome.warnings.length;
    }
    if (!outcome.ok) {
      q.rejected++;
      const reasons = new Set(outcome.problems.map(reasonOf));
      for (const r of reasons) q.reasons[r] = (q.reasons[r] ?? 0) + 1;
      if ([...reasons].some((r) => r.endsWith(':grey-code'))) q.greyCodes++;
      for (const p of outcome.problems) errors.push({ index, listId: outcome.listId, code: p.code, path: p.path, message: p.message });
      continue;
    }
    q.accepted++;
    for (const f of missingOptionalFields(outcome.case.record)) q.missing[f] = (q.missing[f] ?? 0) + 1;
    cases.push({ ...outcome.case, contentHash: canonicalHash(outcome.case.record), batchId, ingestedAt: receivedAt, ...(outcome.warnings.length > 0 ? { warned: true as const } : {}) });
  }

  // 3. DynamoDB decides each case's version.
  const writes = await input.cases.writeCases(cases, c.WRITE_CONCURRENCY, { replay: input.replay === true });
  const count = (o: CaseWrite['outcome']): number => writes.filter((x) => x.outcome === o).length;

  // 4. The lake, after the table: one gzipped JSON Lines object per partition and batch.
  const partitions = new Map<string, { year: string; month: string; hospitalId: string; lines: string[] }>();
  const add = (yearMonth: string, hospitalId: string, line: Record<string, unknown>): void => {
    const id = `${yearMonth}|${hospitalId}`;
    let p = partitions.get(id);
    if (!p) partitions.set(id, (p = { year: yearMonth.slice(0, 4), month: yearMonth.slice(5, 7), hospitalId, lines: [] }));
    p.lines.push(JSON.stringify(line));
  };
  cases.forEach((cs, i) => {
    const w = writes[i]!;
    if (w.outcome === 'superseded') return;
    add(cs.record.dischargeDate!.slice(0, 7), cs.hospitalId, lakeLine(cs, w.version));
    for (const m of w.formerMonths) add(m, cs.hospitalId, tombstoneLine(cs, w.version));
  });
  await mapLimit([...partitions.values()], 8, async (p) => {
    const text = p.lines.join('\n') + '\n';
    const tag = createHash('sha256').update(text).digest('hex').slice(0, 16);
    await input.objects.put(c.LAKE_BUCKET, k.lakeObjectKey(p.year, p.month, p.hospitalId, batchId, tag), gzipSync(text), 'application/x-ndjson');
  });

  // 5. Counters and the batch's outcome.
  await mapLimit([...counters], 8, async ([key, q]) => {
    const [hospital, monthKey] = key.split('|') as [string, string];
    await input.quality.put(hospital, monthKey, batchId, q);
  });
  const result: IngestResult = {
    batchId,
    accepted: cases.length,
    rejected: raws.length - cases.length,
    created: count('created'),
    unchanged: count('unchanged'),
    replaced: count('replaced'),
    ...(input.replay ? { superseded: count('superseded') } : {}),
    errors,
    warnings,
  };
  await input.batches.put({ scope, batchId, status: 'processed', rawKey, contentType: input.contentType, receivedAt, ...edition, counts: { records: raws.length, accepted: result.accepted, rejected: result.rejected, created: result.created, unchanged: result.unchanged, replaced: result.replaced } });
  return result;
}

/**
 * How ingest pseudonymises `patientId`: its keyed HMAC. In a replay a marked value of the kept
 * body is the pseudonym already (see `pseudonymMarker`).
 */
function patientRefOf(secret: string, replay: boolean): (patientId: string) => string {
  return (patientId) => (replay ? markedPseudonym(patientId) : null) ?? pseudonymise(secret, patientId);
}

/** The record as stored (app/ingest-record.ts), with ingest's pseudonymisation. */
export function storedRecord(record: SettlementRecord, secret: string, replay = false): StoredRecord & { hospitalId: string } {
  return storedRecordWith(record, patientRefOf(secret, replay));
}

/**
 * One line of the lake: the stored record (every field a scheme can split on — stay, disposition,
 * department, ICU hours, amounts — so a simulation can regroup it under another scheme), its
 * grouping with the scheme and pack hash that made it, the version the table gave it and
 * bookkeeping (no trace).
 */
export function lakeLine(cs: Omit<StoredCase, 'version'>, version: number): Record<string, unknown> {
  return { ...cs.record, group: cs.grouping, version, contentHash: cs.contentHash, batchId: cs.batchId, ingestedAt: cs.ingestedAt };
}

/** A tombstone: version `version` of the case is not in this partition (it was discharged in another month). */
export function tombstoneLine(cs: Omit<StoredCase, 'version'>, version: number): Record<string, unknown> {
  return { hospitalId: cs.hospitalId, listId: cs.listId, version, tombstone: true, batchId: cs.batchId, ingestedAt: cs.ingestedAt };
}
