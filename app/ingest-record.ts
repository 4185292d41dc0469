/**
 * One record of an ingest batch (`POST /v1/settlement-lists`, the replay job): checked in ingest
 * mode (record.ts: strict, grey codes refused), scoped to the caller's hospital, pseudonymised
 * (`patientId` → its keyed HMAC, never stored in clear) and grouped (DRG with its trace; DIP too
 * when a catalogue is active) into the case row that is stored. The batch's bookkeeping (raw
 * body, lake, table, counters, content hash) stays with the ingest orchestration.
 */
import type { StoredCase, StoredRecord } from '../models/ports.ts';
import type { SettlementRecord } from '../models/settlement/schema.ts';
import type { Problem } from '../models/settlement/validate.ts';
import { dipOfCase, type ActiveDipCatalog } from './dip-case.ts';
import { checkRecord, groupRecord, type Scheme } from './record.ts';

export interface IngestContext extends Scheme {
  /** A hospital key's hospital: its records may leave `hospitalId` out (its own is filled in) and may hold no other. */
  ownHospital: string | undefined;
  /** patientId → its keyed pseudonym. */
  pseudonymise: (patientId: string) => string;
  dip: ActiveDipCatalog | null;
  /** The batch's receipt date (YYYY-MM-DD): dates after it plus a small margin are refused. */
  today: string;
  /** The scheme `pack` is (id and pack hash), recorded with each case's grouping. */
  groupedBy: { scheme: string; packHash: string };
}

/** The stored case before the batch's bookkeeping (content hash, batch id, ingest time, version). */
export type IngestedCase = Omit<StoredCase, 'version' | 'contentHash' | 'batchId' | 'ingestedAt'>;

export type IngestOutcome =
  | { ok: true; record: SettlementRecord; case: IngestedCase; warnings: Problem[] }
  | { ok: false; listId: string | null; problems: Problem[]; warnings: Problem[] };

export function ingestRecord(value: unknown, ctx: IngestContext): IngestOutcome {
  let raw = value;
  if (ctx.ownHospital !== undefined && raw !== null && typeof raw === 'object' && !Array.isArray(raw) && (raw as Record<string, unknown>).hospitalId === undefined) {
    raw = { ...(raw as Record<string, unknown>), hospitalId: ctx.ownHospital };
  }
  const v = checkRecord(raw, ctx.codeSets, 'ingest', ctx, ctx.today);
  if (!v.ok) return { ok: false, listId: v.listId ?? null, problems: v.errors, warnings: v.warnings };
  const record = v.record;
  if (ctx.ownHospital !== undefined && record.hospitalId !== ctx.ownHospital) {
    return { ok: false, listId: record.listId, warnings: v.warnings, problems: [{ code: 'wrong-hospital', path: 'hospitalId', message: `hospitalId ${JSON.stringify(record.hospitalId)} is another hospital; a hospital key submits its own cases only.` }] };
  }
  const stored = storedRecord(record, ctx.pseudonymise);
  const grouped = groupRecord(ctx, record, { trace: true });
  return {
    ok: true,
    record,
    warnings: v.warnings,
    case: {
      hospitalId: stored.hospitalId,
      listId: record.listId,
      record: stored,
      grouping: { status: grouped.status, mdc: grouped.mdc, adrg: grouped.adrg, drg: grouped.drg, ...(grouped.severity ? { severity: grouped.severity } : {}), ...ctx.groupedBy },
      ...(ctx.dip ? { dip: dipOfCase(ctx.dip, record) } : {}),
      trace: grouped.trace,
    },
  };
}

/** The record as stored: `patientId` replaced by its pseudonym, hospitalId present. */
export function storedRecord(record: SettlementRecord, pseudonymise: (patientId: string) => string): StoredRecord & { hospitalId: string } {
  const { patientId, ...rest } = record;
  const out = { ...rest, hospitalId: record.hospitalId! } as StoredRecord & { hospitalId: string };
  if (patientId !== undefined) out.patientRef = pseudonymise(patientId);
  return out;
}
