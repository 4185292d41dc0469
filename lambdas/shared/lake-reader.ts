/**
 * Reading the cases lake (`cases/year=/month=/hospital=/<batch>.jsonl.gz`, written by ingest):
 * a case re-sent in a later batch has a line in each batch's object, so every reader keeps the
 * latest version (by `ingestedAt`) of each case — one case being a hospital's listId.
 */
import { gunzipSync } from 'node:zlib';
import type { ObjectStore } from '../../models/ports.ts';
import { config } from './config.ts';

/** The fields every lake line has that the latest-version rule reads. */
export interface LakeLineKey {
  listId: string;
  hospitalId?: string;
  ingestedAt: string;
}

/** The latest version of each case in the lake objects `keys`, in the order the cases first appear. */
export async function latestLakeLines<T extends LakeLineKey>(objects: ObjectStore, keys: Iterable<string>): Promise<T[]> {
  const bucket = config().LAKE_BUCKET;
  const latest = new Map<string, T>();
  for (const key of keys) {
    const bytes = await objects.get(bucket, key);
    if (!bytes) continue;
    for (const line of gunzipSync(bytes).toString('utf8').split('\n')) {
      if (line === '') continue;
      const c = JSON.parse(line) as T;
      const id = `${c.hospitalId ?? ''}\u0000${c.listId}`;
      const seen = latest.get(id);
      if (!seen || seen.ingestedAt <= c.ingestedAt) latest.set(id, c);
    }
  }
  return [...latest.values()];
}
