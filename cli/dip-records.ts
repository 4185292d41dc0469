/**
 * DIP record handling shared by the in-process path and the worker threads of `payreform dip`:
 * raw records → validated → a DIP case row (for `dip build`) or a grouped output line (for
 * `dip group`). Broken or invalid records are reported (a sentence with the line number) and
 * skipped over; the run goes on.
 */
import { readFileSync } from 'node:fs';
import type { DipCatalog } from '../models/grouping/dip/catalog.ts';
import { DipCaseBlockBuilder, readDipCase, type DipCaseBlock, type DipReference } from '../models/grouping/dip/cases.ts';
import { parseProcedureClasses } from '../models/grouping/dip/codes.ts';
import { groupDip } from '../models/grouping/dip/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import type { CodeSets } from '../models/settlement/codes.ts';
import type { CodeEditions } from '../app/record.ts';
import type { RawRecord } from '../models/settlement/readers.ts';
import { dipReference as dipReferenceOf } from '../app/dip-case.ts';
import { validForGrouping } from '../app/valid-record.ts';
import { CliError } from '../lib/cli-error.ts';
import { referencePath } from '../lib/reference.ts';

/** Procedure classes from `$PAYREFORM_REFERENCE_DIR/codes/icd9cm3-procedure-class.dat`. */
export function loadProcedureClasses(file = referencePath('codes', 'icd9cm3-procedure-class.dat')): ReturnType<typeof parseProcedureClasses> {
  try {
    return parseProcedureClasses(readFileSync(file, 'utf8'));
  } catch {
    throw new CliError(`cannot read the procedure classes ${file} (set PAYREFORM_REFERENCE_DIR to the reference directory).`);
  }
}

/** The DIP grouping reference of a pack, with the procedure classes of the reference directory unless given. */
export function dipReference(pack: RulePack, procedureClasses = loadProcedureClasses()): DipReference {
  return dipReferenceOf(pack, procedureClasses);
}

/** The code sets a record is checked against, and how its clinical-edition codes are read. */
export interface RecordCodes extends CodeEditions {
  codeSets: CodeSets;
}

/** At most this many error sentences per block go back to the main thread. */
const maxErrorsPerBlock = 20;

export interface DipCaseBlockResult {
  block: DipCaseBlock;
  records: number;
  invalid: number;
  errors: string[];
}

/** Validate raw records and read them as DIP case rows. */
export function dipCaseBlock(raws: readonly RawRecord[], codes: RecordCodes, reference: DipReference): DipCaseBlockResult {
  const builder = new DipCaseBlockBuilder();
  const result = { records: raws.length, invalid: 0, errors: [] as string[] };
  for (const raw of raws) {
    const record = validRecord(raw, codes, result);
    if (record) builder.add(readDipCase(record, reference));
  }
  return { block: builder.finish(), ...result };
}

export type DipLineStatus = 'grouped' | 'fallback' | 'invalid';

export interface DipGroupBlockResult {
  output: string;
  records: number;
  invalid: number;
  errors: string[];
  counts: Record<DipLineStatus, number>;
}

export interface DipGroupContext extends RecordCodes {
  catalog: DipCatalog;
  reference: DipReference;
  explain: boolean;
}

/** Validate and group raw records; one output line per record, in order. */
export function dipGroupBlock(raws: readonly RawRecord[], ctx: DipGroupContext): DipGroupBlockResult {
  const result: DipGroupBlockResult = { output: '', records: raws.length, invalid: 0, errors: [], counts: { grouped: 0, fallback: 0, invalid: 0 } };
  const lines: string[] = [];
  for (const raw of raws) {
    const record = validRecord(raw, ctx, result);
    if (!record) {
      result.counts.invalid++;
      const listId = typeof (raw.value as { listId?: unknown } | undefined)?.listId === 'string' ? (raw.value as { listId: string }).listId : null;
      lines.push(JSON.stringify({ listId, status: 'invalid', packet: null, kind: null, score: null, auxiliary: null }));
      continue;
    }
    const g = groupDip(ctx.catalog, record, ctx.reference, { trace: ctx.explain });
    result.counts[g.status]++;
    const row: Record<string, unknown> = { listId: record.listId, status: g.status, packet: g.packet, kind: g.kind, score: g.score, auxiliary: g.auxiliary && { tier: g.auxiliary.tier, coefficient: g.auxiliary.coefficient } };
    if (ctx.explain) row.trace = g.trace;
    lines.push(JSON.stringify(row));
  }
  result.output = lines.length > 0 ? lines.join('\n') + '\n' : '';
  return result;
}

function validRecord(raw: RawRecord, codes: RecordCodes, result: { invalid: number; errors: string[] }) {
  const report = (message: string) => {
    result.invalid++;
    if (result.errors.length < maxErrorsPerBlock) result.errors.push(message);
  };
  const { record, rejection } = validForGrouping(raw, codes.codeSets, codes);
  if (!record) {
    report(rejection);
    return null;
  }
  return record;
}

/** The typed arrays of a case block, to transfer to the main thread. */
export function dipBlockTransfer(block: DipCaseBlock): ArrayBuffer[] {
  return [block.codes.buffer, block.year.buffer, block.cost.buffer, block.flags.buffer, block.severity.buffer, block.ageBand.buffer, block.outcome.buffer, block.icuBand.buffer, block.drugCost.buffer, block.materialCost.buffer] as ArrayBuffer[];
}
