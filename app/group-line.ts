/**
 * One record of `payreform group`: raw parse result → checked (record.ts) → grouped → its
 * output line. Shared by the single-threaded path and the worker threads, so both write the
 * same lines.
 */
import type { GroupOptions } from '../models/grouping/drg/grouper.ts';
import type { RawRecord } from '../models/settlement/readers.ts';
import { checkRecord, groupRecord, type Scheme } from './record.ts';

export interface GroupContext extends Scheme {
  options: GroupOptions;
}

export type LineStatus = 'grouped' | 'ambiguous' | 'ungroupable' | 'invalid';

export interface GroupedLine {
  line: string;
  status: LineStatus;
  warned: boolean;
  /** A sentence for stderr (a line that could not be parsed at all). */
  error?: string;
}

export function groupRawRecord(raw: RawRecord, ctx: GroupContext): GroupedLine {
  if (raw.error !== undefined) {
    return { line: JSON.stringify({ listId: null, status: 'invalid', mdc: null, adrg: null, drg: null, errors: [{ path: '', message: raw.error }] }), status: 'invalid', warned: false, error: raw.error };
  }
  const validation = checkRecord(raw.value, ctx.codeSets, 'group', ctx);
  if (!validation.ok) {
    const row = { listId: validation.listId ?? null, status: 'invalid', mdc: null, adrg: null, drg: null, errors: validation.errors, ...(validation.warnings.length > 0 ? { warnings: validation.warnings } : {}) };
    return { line: JSON.stringify(row), status: 'invalid', warned: validation.warnings.length > 0 };
  }
  const result = groupRecord(ctx, validation.record, ctx.options);
  const warned = validation.warnings.length > 0;
  // The common row is written by hand (JSON.stringify of an object costs twice as much); listId
  // is [A-Za-z0-9_.-] and the group codes are letters and digits, so no escaping is needed.
  let line = `{"listId":"${validation.record.listId}","status":"${result.status}","mdc":${quoted(result.mdc)},"adrg":${quoted(result.adrg)},"drg":${quoted(result.drg)}`;
  if (warned) line += `,"warnings":${JSON.stringify(validation.warnings)}`;
  if (ctx.options.trace) line += `,"trace":${JSON.stringify(result.trace)}`;
  return { line: line + '}', status: result.status, warned };
}

function quoted(code: string | null): string {
  return code === null ? 'null' : `"${code}"`;
}

export interface ChunkResult {
  output: string;
  counts: Record<LineStatus, number>;
  warned: number;
  records: number;
  errors: string[];
}

export function emptyCounts(): Record<LineStatus, number> {
  return { grouped: 0, ambiguous: 0, ungroupable: 0, invalid: 0 };
}
