/**
 * The medical-insurance 2.0 code sets (医保版 ICD-10 诊断 / ICD-9-CM-3 手术操作 2.0) and their grey
 * code lists (灰码), parsed from the plain-text reference files. Pure: the caller reads the files
 * (see `lib/codesets.ts`).
 *
 * File forms:
 * - code list: one `code name` per line — the code is everything up to the first space or tab,
 *   the name is the rest (names may contain spaces);
 * - grey list: one code per line (anything after the first whitespace is ignored).
 * A UTF-8 BOM, CRLF line ends, surrounding whitespace and blank lines are tolerated everywhere.
 */

/** The four reference lists the validator checks codes against. */
export interface CodeSets {
  /** ICD-10 medical-insurance 2.0: code → name. */
  diagnoses: Map<string, string>;
  /** ICD-9-CM-3 medical-insurance 2.0: code → name. */
  procedures: Map<string, string>;
  /** Grey diagnosis codes (灰码): valid codes that must not be the principal diagnosis. */
  greyDiagnoses: Set<string>;
  /** Grey procedure codes (灰码): valid codes that must not be the principal (first) procedure. */
  greyProcedures: Set<string>;
}

/** Parse a `code name` list into a map code → name (name `''` when a line has only a code). */
export function parseCodeList(text: string): Map<string, string> {
  const codes = new Map<string, string>();
  forEachLine(text, (line) => {
    const split = firstWhitespace(line);
    if (split === -1) codes.set(line, '');
    else codes.set(line.slice(0, split), line.slice(split + 1).trim());
  });
  return codes;
}

/** Parse a grey-code list (one code per line) into a set. */
export function parseGreyList(text: string): Set<string> {
  const codes = new Set<string>();
  forEachLine(text, (line) => {
    const split = firstWhitespace(line);
    codes.add(split === -1 ? line : line.slice(0, split));
  });
  return codes;
}

/** Call `visit` with every non-blank line, trimmed (BOM and `\r` removed). */
function forEachLine(text: string, visit: (line: string) => void): void {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line.length > 0) visit(line);
  }
}

/** Index of the first space or tab in `line`, or -1. */
function firstWhitespace(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) return i;
  }
  return -1;
}
