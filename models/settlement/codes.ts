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

/**
 * A code list as its users ask it: is a code in it, its name, every code in the file's order.
 * A `Map` of code → name is one; {@link sortedCodeList} is another that needs no parsing.
 */
export interface CodeList {
  has(code: string): boolean;
  get(code: string): string | undefined;
  keys(): IterableIterator<string>;
}

/** The four reference lists the validator checks codes against. */
export interface CodeSets {
  /** ICD-10 medical-insurance 2.0: code → name. */
  diagnoses: CodeList;
  /** ICD-9-CM-3 medical-insurance 2.0: code → name. */
  procedures: CodeList;
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

/**
 * A `code name` list answered from its file's bytes, without parsing it: a start that checks a
 * few codes spares the ~0.1 s that decoding 1.7 MB of Chinese names and building a 47 000-entry
 * map costs. One pass over the bytes (no string is made) notes where each line's code is and
 * checks that the codes are in ascending byte order; `has` then searches them by bisection and
 * remembers each code it found (so a long run asks a `Set`, as fast as the map it replaces; codes
 * not found are not remembered, so foreign input cannot grow it). Names and the codes in the
 * file's order come from `names` (the full parse), on first use.
 *
 * The pass accepts only what it reads exactly as {@link parseCodeList} does: a UTF-8 BOM at the
 * start, spaces and tabs before a code, codes of printable ASCII ending at a space, a tab or the
 * line's end (`\r\n` or `\n`), blank lines. Anything else — another character in or before a
 * code, a code out of order (equal neighbours are fine) — gives null, and the caller parses.
 */
export function sortedCodeList(file: Uint8Array, names: () => Map<string, string>): CodeList | null {
  // A plain view: a Node Buffer's own indexOf is ~3× slower than the typed array's here.
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const starts: number[] = [];
  const ends: number[] = [];
  const n = bytes.length;
  let p = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let previousStart = 0;
  let previousEnd = 0;
  while (p < n) {
    let eol = bytes.indexOf(10, p);
    if (eol === -1) eol = n;
    let start = p;
    while (start < eol && (bytes[start] === 32 || bytes[start] === 9)) start++;
    let end = start;
    for (; end < eol; end++) {
      const b = bytes[end]!;
      if (b === 32 || b === 9) break;
      if (b < 0x21 || b > 0x7e) {
        if (b === 13 && end + 1 === eol) break;
        return null;
      }
    }
    if (end > start) {
      if (starts.length > 0 && compareBytes(bytes, previousStart, previousEnd, start, end) > 0) return null;
      starts.push(start);
      ends.push(end);
      previousStart = start;
      previousEnd = end;
    }
    p = eol + 1;
  }
  return new SortedCodeList(bytes, Int32Array.from(starts), Int32Array.from(ends), names);
}

function compareBytes(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < length; k++) {
    const d = bytes[aStart + k]! - bytes[bStart + k]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

class SortedCodeList implements CodeList {
  private readonly found = new Set<string>();
  private named: Map<string, string> | null = null;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly names: () => Map<string, string>,
  ) {}

  has(code: string): boolean {
    if (this.found.has(code)) return true;
    if (!this.search(code)) return false;
    this.found.add(code);
    return true;
  }

  get(code: string): string | undefined {
    return (this.named ??= this.names()).get(code);
  }

  keys(): IterableIterator<string> {
    return (this.named ??= this.names()).keys();
  }

  /** Bisection over the codes, comparing UTF-16 units with bytes (the codes are ASCII). */
  private search(code: string): boolean {
    const { bytes, starts, ends } = this;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const start = starts[mid]!;
      const length = ends[mid]! - start;
      const common = Math.min(length, code.length);
      let d = 0;
      for (let k = 0; k < common && d === 0; k++) d = code.charCodeAt(k) - bytes[start + k]!;
      if (d === 0) d = code.length - length;
      if (d === 0) return true;
      if (d < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return false;
  }
}
