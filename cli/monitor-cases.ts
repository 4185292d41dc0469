/**
 * Settlement records → screening rows for `payreform monitor`: parse, validate (group mode:
 * grey codes only warn), require the hospital, group (CHS-DRG, trace off) and work out the
 * complication level (models/supervision/case-table.ts). Rejected records are counted with a
 * sentence each (the first few are shown), never dropped silently.
 */
import type { AmbiguousMode } from '../models/grouping/drg/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import type { CodeSets } from '../models/settlement/codes.ts';
import type { RawRecord } from '../models/settlement/readers.ts';
import { validateRecord } from '../models/settlement/validate.ts';
import { caseRow, type SupervisionTableBuilder } from '../models/supervision/case-table.ts';

export interface MonitorContext {
  pack: RulePack;
  codeSets: CodeSets;
  ambiguous: AmbiguousMode;
}

export interface Tally {
  records: number;
  accepted: number;
  rejected: number;
  /** The first rejection sentences. */
  errors: string[];
}

export function emptyTally(): Tally {
  return { records: 0, accepted: 0, rejected: 0, errors: [] };
}

const maxErrors = 20;

/** Validate, group and append each raw record of a batch. */
export function addRecords(raws: readonly RawRecord[], ctx: MonitorContext, builder: SupervisionTableBuilder, tally: Tally, file: string): void {
  const reject = (raw: RawRecord, listId: string | undefined, message: string) => {
    tally.rejected++;
    if (tally.errors.length < maxErrors) tally.errors.push(`${file} line ${raw.line}${listId ? ` (listId ${listId})` : ''}: ${message}`);
  };
  for (const raw of raws) {
    tally.records++;
    if (raw.error !== undefined) {
      reject(raw, undefined, raw.error);
      continue;
    }
    const v = validateRecord(raw.value, { mode: 'group', codeSets: ctx.codeSets });
    if (!v.ok) {
      const e = v.errors[0]!;
      reject(raw, v.listId, `${e.path || 'the record'} ${e.message}${v.errors.length > 1 ? ` (and ${v.errors.length - 1} more problems)` : ''}`);
      continue;
    }
    if (v.record.hospitalId === undefined) {
      reject(raw, v.record.listId, 'hospitalId is required to screen a case (every rule compares hospitals)');
      continue;
    }
    builder.add(caseRow(v.record, ctx.pack, ctx.ambiguous));
    tally.accepted++;
  }
}
