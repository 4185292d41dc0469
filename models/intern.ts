/**
 * Interning: a table's string column kept as small integers into a list of distinct values.
 * `intern(index, list, key)` is the position of `key` in `list`, appended (and indexed) when new.
 */
export function intern(index: Map<string, number>, list: string[], key: string): number {
  let i = index.get(key);
  if (i === undefined) {
    i = list.length;
    index.set(key, i);
    list.push(key);
  }
  return i;
}
