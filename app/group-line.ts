/**
 * One record of `payreform group`: raw parse result → checked (record.ts) → grouped → its
 * output line, written as UTF-8 bytes straight into a `JsonBytes` buffer. Shared by the
 * single-threaded path and the worker threads, so both write the same bytes; a worker hands its
 * block's buffer back (transferred, not copied) and the main thread writes it as it is — no
 * per-line strings to join, clone between threads and encode again.
 */
import type { GroupOptions } from '../models/grouping/drg/grouper.ts';
import { JsonBytes } from '../models/settlement/json.ts';
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

/** What a run counts (a worker per block, the main thread in total). */
export interface GroupCounts {
  counts: Record<LineStatus, number>;
  warned: number;
  records: number;
  /** Sentences for stderr (lines that could not be parsed at all), in input order. */
  errors: string[];
}

export function emptyGroupCounts(): GroupCounts {
  return { counts: emptyCounts(), warned: 0, records: 0, errors: [] };
}

/** The grouped line of one raw record, appended to `out` with its newline; the record is counted in `totals`. */
export function writeGroupedLine(out: JsonBytes, raw: RawRecord, ctx: GroupContext, totals: GroupCounts): void {
  totals.records++;
  if (raw.error !== undefined) {
    out.json(JSON.stringify({ listId: null, status: 'invalid', mdc: null, adrg: null, drg: null, errors: [{ path: '', message: raw.error }] }));
    out.byte(0x0a);
    totals.counts.invalid++;
    totals.errors.push(raw.error);
    return;
  }
  const validation = checkRecord(raw.value, ctx.codeSets, 'group', ctx.codeMaps);
  const warned = validation.warnings.length > 0;
  if (warned) totals.warned++;
  if (!validation.ok) {
    const row = { listId: validation.listId ?? null, status: 'invalid', mdc: null, adrg: null, drg: null, errors: validation.errors, ...(warned ? { warnings: validation.warnings } : {}) };
    out.json(JSON.stringify(row));
    out.byte(0x0a);
    totals.counts.invalid++;
    return;
  }
  const result = groupRecord(ctx, validation.record, ctx.options);
  totals.counts[result.status]++;
  // The common row is written by hand (the bytes JSON.stringify would write): listId is
  // [A-Za-z0-9_.-] (validated), so it needs no escaping.
  out.ascii('{"listId":"');
  out.ascii(validation.record.listId);
  out.ascii(statusKey[result.status]);
  code(out, result.mdc);
  out.ascii(',"adrg":');
  code(out, result.adrg);
  out.ascii(',"drg":');
  code(out, result.drg);
  if (warned) {
    out.ascii(',"warnings":');
    out.json(JSON.stringify(validation.warnings));
  }
  if (ctx.options.trace) {
    out.ascii(',"trace":');
    out.json(JSON.stringify(result.trace));
  }
  out.ascii('}\n');
}

const statusKey = {
  grouped: '","status":"grouped","mdc":',
  ambiguous: '","status":"ambiguous","mdc":',
  ungroupable: '","status":"ungroupable","mdc":',
} as const;

/** A group code (letters and digits in every scheme we know; anything else is escaped as JSON.stringify would). */
function code(out: JsonBytes, value: string | null): void {
  if (value === null) out.ascii('null');
  else out.string(value);
}

const decoder = new TextDecoder();

/** The output line of one record as a string (without its newline): the same bytes `writeGroupedLine` writes. */
export function groupRawRecord(raw: RawRecord, ctx: GroupContext): GroupedLine {
  const out = new JsonBytes(256);
  const totals = emptyGroupCounts();
  writeGroupedLine(out, raw, ctx, totals);
  const status = (Object.keys(totals.counts) as LineStatus[]).find((s) => totals.counts[s] > 0)!;
  const line = decoder.decode(out.result().subarray(0, out.length - 1));
  return { line, status, warned: totals.warned > 0, ...(totals.errors.length > 0 ? { error: totals.errors[0] } : {}) };
}

/** A block of records grouped (a worker's answer): its output bytes and counts. */
export interface ChunkResult extends GroupCounts {
  output: Uint8Array<ArrayBuffer>;
}

export function emptyCounts(): Record<LineStatus, number> {
  return { grouped: 0, ambiguous: 0, ungroupable: 0, invalid: 0 };
}

/** Add a block's counts to the run's. */
export function addGroupCounts(totals: GroupCounts, block: GroupCounts): void {
  totals.records += block.records;
  totals.warned += block.warned;
  for (const k of Object.keys(block.counts) as LineStatus[]) totals.counts[k] += block.counts[k];
  for (const e of block.errors) totals.errors.push(e);
}
