/**
 * The one path from a raw record to a grouped case, shared by every entry point (the CLI
 * commands, the HTTP handlers, the ingest and simulation jobs):
 *
 *   read (models/settlement/readers.ts: JSON Lines, CSV, JSON arrays — each adapter feeds the
 *   raw values it read)
 *   → validate (`checkRecord`: models/settlement/validate.ts, in `ingest` or `group` mode)
 *   → map clinical-edition codes (`mapClinicalCodes`: a no-op step until the mapping tables exist)
 *   → group under the chosen scheme (`groupRecord`: the rule pack and code sets, loaded once by
 *     the adapter and passed in as a `Scheme`)
 *   → the row each entry point writes (`group-line.ts`, `group-result.ts`, `ingest-record.ts`,
 *     `case-block.ts`, and the CLI's monitor and DIP rows through `valid-record.ts`).
 *
 * No I/O and no per-record closures: these run in the CLI's hot loops.
 */
import { groupCase, type GroupingInput, type GroupOptions, type GroupResult } from '../models/grouping/drg/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import type { CodeSets } from '../models/settlement/codes.ts';
import type { SettlementRecord } from '../models/settlement/schema.ts';
import { validateRecord, type Validation, type ValidationMode } from '../models/settlement/validate.ts';

/** The grouping scheme an entry point loaded once: the compiled CHS-DRG rule pack and the ICD code sets. */
export interface Scheme {
  pack: RulePack;
  codeSets: CodeSets;
}

/**
 * Map the clinical-edition codes of a valid record to the medical-insurance edition the scheme
 * is written in (临床版 → 医保版). A no-op today: every accepted code is already a
 * medical-insurance 2.0 code; the step exists so the mapping lands in one place.
 */
export function mapClinicalCodes(record: SettlementRecord): SettlementRecord {
  return record;
}

/** Validate a raw value (`mode`: `ingest` stores cases, `group` only groups them) and map its codes. */
export function checkRecord(value: unknown, codeSets: CodeSets, mode: ValidationMode): Validation {
  const v = validateRecord(value, { mode, codeSets });
  if (v.ok) v.record = mapClinicalCodes(v.record);
  return v;
}

/** Group a checked record under the scheme's rule pack. */
export function groupRecord(scheme: Pick<Scheme, 'pack'>, record: GroupingInput, options: GroupOptions): GroupResult {
  return groupCase(scheme.pack, record, options);
}
