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
import { lineRejection, validForGrouping } from '../app/valid-record.ts';
import { caseRow, type SupervisionCases, type SupervisionTableBuilder } from '../models/supervision/case-table.ts';
import type { LineBlock } from './line-blocks.ts';

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

/** A worker's task: a block of lines of `file` (its base name, for the rejection sentences). */
export interface MonitorTask {
  block: LineBlock;
  file: string;
}

/** A worker's answer: the block's rows in columns and its tally. */
export interface MonitorBlock {
  table: SupervisionCases;
  tally: Tally;
}

/** Add a worker's block to the run (blocks in input order give the table and tally of the in-process path). */
export function takeBlock(block: MonitorBlock, builder: SupervisionTableBuilder, tally: Tally): void {
  builder.append(block.table);
  tally.records += block.tally.records;
  tally.accepted += block.tally.accepted;
  tally.rejected += block.tally.rejected;
  for (const e of block.tally.errors) if (tally.errors.length < maxErrors) tally.errors.push(e);
}

/** Validate, group and append each raw record of a batch. */
export function addRecords(raws: readonly RawRecord[], ctx: MonitorContext, builder: SupervisionTableBuilder, tally: Tally, file: string): void {
  const reject = (rejection: string) => {
    tally.rejected++;
    if (tally.errors.length < maxErrors) tally.errors.push(`${file} ${rejection}`);
  };
  for (const raw of raws) {
    tally.records++;
    const { record, rejection } = validForGrouping(raw, ctx.codeSets);
    if (!record) {
      reject(rejection);
      continue;
    }
    if (record.hospitalId === undefined) {
      reject(lineRejection(raw, record.listId, 'hospitalId is required to screen a case (every rule compares hospitals)'));
      continue;
    }
    builder.add(caseRow(record, ctx.pack, ctx.ambiguous));
    tally.accepted++;
  }
}
