/**
 * Ports: the interfaces the domain's adapters implement. Handlers and jobs depend on these, never
 * on a storage SDK directly; `lambdas/shared/` implements them with DynamoDB and S3 (the same
 * adapters run against dynalite and s3rver locally). Pure types only: no I/O here.
 */
import type { GroupResult } from './grouping/drg/grouper.ts';
import type { SettlementRecord } from './settlement/schema.ts';

/** Wall-clock time, injectable for tests. */
export interface Clock {
  now(): Date;
}

/** A stored record: the settlement record with `patientId` replaced by `patientRef` (keyed HMAC). */
export type StoredRecord = Omit<SettlementRecord, 'patientId'> & { hospitalId: string; patientRef?: string };

/** The grouping of a stored case (the trace is kept with the case, not in the lake). */
export interface CaseGrouping {
  status: GroupResult['status'];
  mdc: string | null;
  adrg: string | null;
  drg: string | null;
  severity?: GroupResult['severity'];
}

/** The DIP packet of a stored case, when a DIP catalogue was active at ingest (`groupDip`'s result without the trace). */
export interface CaseDip {
  /** 'fallback': a catch-all packet (the catalogue's reference years never saw the case's category × class). */
  status: 'grouped' | 'fallback';
  packet: string;
  kind: 'core' | 'comprehensive';
  score: number;
  auxiliary: { tier: string; rule: string; coefficient: number } | null;
  /** The catalogue it was grouped with (sha-256 of the document). */
  catalog: string;
}

/** One case as stored: the pseudonymised record, its grouping and bookkeeping. */
export interface StoredCase {
  hospitalId: string;
  listId: string;
  record: StoredRecord;
  grouping: CaseGrouping;
  /** Present when a DIP catalogue was active when the case was ingested. */
  dip?: CaseDip;
  trace: GroupResult['trace'];
  /** sha256 of the canonical record: equal hashes mean an identical re-send. */
  contentHash: string;
  /** 1 for the first version, +1 for each change. */
  version: number;
  batchId: string;
  ingestedAt: string;
}

/** What a put did: a new case, an identical re-send, or a changed record replacing the old one (the old one goes to the history). */
export type PutOutcome = 'created' | 'unchanged' | 'replaced';

export interface CaseQuery {
  hospitalId?: string;
  drg?: string;
  /** Inclusive discharge-date range, YYYY-MM-DD. */
  from: string;
  to: string;
  limit: number;
  cursor?: string;
}

export interface CasePage {
  items: StoredCase[];
  cursor?: string;
}

export interface CaseStore {
  /** Idempotent by (hospitalId, listId): never a second copy; a changed record replaces the old and the change is recorded. */
  putCase(item: Omit<StoredCase, 'version'>): Promise<PutOutcome>;
  getCase(hospitalId: string, listId: string): Promise<StoredCase | null>;
  listCases(query: CaseQuery): Promise<CasePage>;
  /** Earlier versions of a case, oldest first. */
  caseHistory(hospitalId: string, listId: string): Promise<{ version: number; contentHash: string; replacedAt: string; record: StoredRecord }[]>;
}

/** A blob store (S3 buckets, or s3rver locally). */
export interface ObjectStore {
  put(bucket: string, key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** null when there is no such object. */
  get(bucket: string, key: string): Promise<Uint8Array | null>;
  /** Every key under `prefix`. */
  list(bucket: string, prefix: string): Promise<string[]>;
}
