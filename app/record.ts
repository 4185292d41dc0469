/**
 * The one path from a raw record to a grouped case, shared by every entry point (the CLI
 * commands, the HTTP handlers, the ingest and simulation jobs):
 *
 *   read (models/settlement/readers.ts: JSON Lines, CSV, JSON arrays — each adapter feeds the
 *   raw values it read)
 *   → map clinical-edition codes (`checkRecord`, models/settlement/code-map.ts: a record whose
 *     `codeEdition` — its own, else the run's or batch's default — is `gl-2.0` has its codes
 *     mapped to the insurance edition, the originals kept; the maps load on the first such record)
 *   → validate (`checkRecord`: models/settlement/validate.ts, in `ingest` or `group` mode)
 *   → group under the chosen scheme (`groupRecord`: the rule pack and code sets, loaded once by
 *     the adapter and passed in as a `Scheme`)
 *   → the row each entry point writes (`group-line.ts`, `group-result.ts`, `ingest-record.ts`,
 *     `case-block.ts`, and the CLI's monitor and DIP rows through `valid-record.ts`).
 *
 * No I/O and no per-record closures: these run in the CLI's hot loops.
 */
import { groupCase, type GroupingInput, type GroupOptions, type GroupResult } from '../models/grouping/drg/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import { mapClinicalCodes, type ClinicalCodeMaps, type CodeEdition } from '../models/settlement/code-map.ts';
import type { CodeSets } from '../models/settlement/codes.ts';
import { validateRecord, type Validation, type ValidationMode } from '../models/settlement/validate.ts';

/** The grouping scheme an entry point loaded once: the compiled CHS-DRG rule pack and the ICD code sets. */
export interface Scheme {
  pack: RulePack;
  codeSets: CodeSets;
  /** Clinical-edition (国临版) → insurance-edition maps, loaded on first call (only a `gl-2.0` record needs them). */
  codeMaps?: () => ClinicalCodeMaps;
  /** The edition of records that do not name theirs: the run's (`--code-edition`) or the batch's (`?codeEdition=`) default; `chs-2.0` when absent. */
  codeEdition?: CodeEdition;
}

/** How an entry point reads clinical-edition codes: the lazy maps and the default edition. */
export type CodeEditions = Pick<Scheme, 'codeMaps' | 'codeEdition'>;

/**
 * Map a raw record's clinical-edition codes (when its edition, or `codes.codeEdition` for a record
 * that names none, is `gl-2.0`) and validate it (`mode`: `ingest` stores cases, `group` only
 * groups them). A code without a mapping refuses the record with its path, like any other
 * problem. `today` (YYYY-MM-DD, the caller's clock; default the system date) bounds admission
 * and discharge dates.
 */
export function checkRecord(value: unknown, codeSets: CodeSets, mode: ValidationMode, codes?: CodeEditions, today?: string): Validation {
  if (value !== null && typeof value === 'object' && ((value as Record<string, unknown>).codeEdition ?? codes?.codeEdition) === 'gl-2.0') {
    if (codes?.codeMaps === undefined) {
      return { ok: false, errors: [{ code: 'invalid-value', path: 'codeEdition', message: 'codeEdition "gl-2.0" cannot be read here: this entry point has no clinical-edition code maps.' }], warnings: [], ...listIdOf(value) };
    }
    const mapped = mapClinicalCodes(value, codes.codeMaps(), 'gl-2.0');
    if (!mapped.ok) return { ok: false, errors: mapped.problems, warnings: [], ...listIdOf(value) };
    value = mapped.record;
  }
  return validateRecord(value, { mode, codeSets, ...(today !== undefined ? { today } : {}) });
}

function listIdOf(value: unknown): { listId?: string } {
  const id = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).listId : undefined;
  return typeof id === 'string' ? { listId: id } : {};
}

/** Group a checked record under the scheme's rule pack. */
export function groupRecord(scheme: Pick<Scheme, 'pack'>, record: GroupingInput, options: GroupOptions): GroupResult {
  return groupCase(scheme.pack, record, options);
}
