/**
 * A raw record of a bulk CLI (simulate, monitor, dip, drg design) checked for grouping (record.ts:
 * validated in group mode, codes mapped): the record, or the one sentence that refuses it — the
 * reader's own for a broken line (it names the line), else
 * `line N (listId X): <the first problem> (and k more problems)`.
 */
import type { CodeSets } from '../models/settlement/codes.ts';
import type { RawRecord } from '../models/settlement/readers.ts';
import type { SettlementRecord } from '../models/settlement/schema.ts';
import { checkRecord, type CodeEditions } from './record.ts';

export type ValidRecord = { record: SettlementRecord; rejection?: undefined } | { record?: undefined; rejection: string };

export function validForGrouping(raw: RawRecord, codeSets: CodeSets, codes?: CodeEditions): ValidRecord {
  if (raw.error !== undefined) return { rejection: raw.error };
  const v = checkRecord(raw.value, codeSets, 'group', codes);
  if (v.ok) return { record: v.record };
  const e = v.errors[0]!;
  return { rejection: lineRejection(raw, v.listId, `${e.path || 'the record'} ${e.message}${v.errors.length > 1 ? ` (and ${v.errors.length - 1} more problems)` : ''}`) };
}

/** `line N (listId X): message` — a valid record refused for a command's own reason (a field it needs). */
export function lineRejection(raw: RawRecord, listId: string | undefined, message: string): string {
  return `line ${raw.line}${listId ? ` (listId ${listId})` : ''}: ${message}`;
}
