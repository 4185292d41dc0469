/**
 * Reading the cases lake (`cases/year=/month=/hospital=/<batch>.jsonl.gz`, written by ingest
 * after the table). One case is a hospital's listId; its lines carry the `version` DynamoDB's
 * conditional write gave it. A case re-sent in a later batch has a line in each batch's object,
 * and a case whose new version was discharged in another month leaves a tombstone (the same
 * version, `tombstone: true`, no record) in each partition an earlier version was in. Every
 * reader keeps, per case, the line with the highest version — a record before a tombstone of the
 * same version — and drops the case when that line is a tombstone. So a partition read alone
 * holds exactly the cases whose latest version was discharged in it, and reading several
 * partitions together gives each case once. Lines written before versions existed count as
 * version 0 (the later `ingestedAt` wins among them).
 */
import { gunzipSync } from 'node:zlib';
import type { ObjectStore } from '../../models/ports.ts';
import { config } from './config.ts';

/** The fields every lake line has that the latest-version rule reads. */
export interface LakeLineKey {
  listId: string;
  hospitalId?: string;
  ingestedAt: string;
  version?: number;
  tombstone?: true;
}

/** True when line `a` is a later state of its case than line `b`. */
export function laterLine(a: LakeLineKey, b: LakeLineKey): boolean {
  const va = a.version ?? 0;
  const vb = b.version ?? 0;
  if (va !== vb) return va > vb;
  const ra = a.tombstone === true ? 0 : 1;
  const rb = b.tombstone === true ? 0 : 1;
  if (ra !== rb) return ra > rb;
  return a.ingestedAt >= b.ingestedAt;
}

/** The latest version of each case in `lines`, tombstoned cases dropped, in the order the cases first appear. */
export function latestOf<T extends LakeLineKey>(lines: Iterable<T>): T[] {
  const latest = new Map<string, T>();
  for (const c of lines) {
    const id = `${c.hospitalId ?? ''}\u0000${c.listId}`;
    const seen = latest.get(id);
    if (!seen || laterLine(c, seen)) latest.set(id, c);
  }
  const out: T[] = [];
  for (const c of latest.values()) if (c.tombstone !== true) out.push(c);
  return out;
}

/** Every line of the lake objects `keys`, parsed, in order. */
export async function* lakeLines<T>(objects: ObjectStore, keys: Iterable<string>): AsyncGenerator<T> {
  const bucket = config().LAKE_BUCKET;
  for (const key of keys) {
    const bytes = await objects.get(bucket, key);
    if (!bytes) continue;
    for (const line of gunzipSync(bytes).toString('utf8').split('\n')) if (line !== '') yield JSON.parse(line) as T;
  }
}

/** The latest version of each case in the lake objects `keys` (see the module comment). */
export async function latestLakeLines<T extends LakeLineKey>(objects: ObjectStore, keys: Iterable<string>): Promise<T[]> {
  const lines: T[] = [];
  for await (const line of lakeLines<T>(objects, keys)) lines.push(line);
  return latestOf(lines);
}
