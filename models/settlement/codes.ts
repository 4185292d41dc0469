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
import { compareCodeWithBytes } from '../text/bytes.ts';

/**
 * A code list as its users ask it: is a code in it, its name, every code in the file's order.
 * A `Map` of code → name is one; {@link codeListFromBytes} is another that needs no parsing.
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
  // The reference grey lists are bare codes, `\n`-ended: no whitespace but the line ends means
  // every non-empty line is its code, and native split and Set do the work (a start parses them).
  if (!/[^\S\n]/.test(text)) {
    const bare = new Set(text.split('\n'));
    bare.delete('');
    return bare;
  }
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
 * map costs. The reference lists are sorted by code, so `has` bisects the bytes, reading only
 * the lines it lands on, and remembers each code it found (a long run then asks a `Set`, as fast
 * as the map it replaces; codes not found are not remembered, so foreign input cannot grow it).
 *
 * A found code is in the list whatever the file's order. "Not there" is only trusted from a
 * list known to be sorted: the first code not found makes one pass over every line (no string
 * is made) that notes where each code is and checks the order; a file that is not sorted, or
 * has a line the bytes cannot be read from exactly as {@link parseCodeList} reads it, is parsed
 * and the map answers from then on. Names and the codes in the file's order always come from
 * `names` (the full parse), on first use.
 *
 * Lines read from the bytes: spaces and tabs, then a code of printable ASCII ending at a space,
 * a tab or the line's end (`\r\n` or `\n`); blank lines; a UTF-8 BOM at the start.
 */
export function codeListFromBytes(file: Uint8Array, names: () => Map<string, string>): CodeList {
  return new BytesCodeList(file, names);
}

/** Where a line's code starts: after its spaces and tabs. */
function codeStart(bytes: Uint8Array, p: number, eol: number): number {
  while (p < eol && (bytes[p] === 32 || bytes[p] === 9)) p++;
  return p;
}

/** Where the code starting at `start` ends (`start` for a blank line), or -1 when the line cannot be read from its bytes. */
function codeEnd(bytes: Uint8Array, start: number, eol: number): number {
  for (let end = start; end < eol; end++) {
    const b = bytes[end]!;
    if (b === 32 || b === 9) return end;
    if (b < 0x21 || b > 0x7e) return b === 13 && end + 1 === eol ? end : -1;
  }
  return eol;
}

class BytesCodeList implements CodeList {
  private readonly bytes: Uint8Array;
  private readonly first: number;
  private readonly found = new Set<string>();
  private named: Map<string, string> | null = null;
  /** Each code's bytes once the order is checked; null when the file is not sorted or not plain (the map answers); undefined before. */
  private index: { starts: Int32Array; ends: Int32Array } | null | undefined = undefined;

  constructor(
    file: Uint8Array,
    private readonly names: () => Map<string, string>,
  ) {
    // A plain view: a Node Buffer's own indexOf and lastIndexOf are slower than the typed array's.
    this.bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    const b = this.bytes;
    this.first = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  }

  has(code: string): boolean {
    if (this.found.has(code)) return true;
    let there: boolean;
    if (this.index === undefined && this.probe(code)) there = true;
    else {
      this.index ??= this.checkOrder();
      there = this.index === null ? this.map().has(code) : this.search(code, this.index);
    }
    if (there) this.found.add(code);
    return there;
  }

  get(code: string): string | undefined {
    return this.map().get(code);
  }

  keys(): IterableIterator<string> {
    return this.map().keys();
  }

  private map(): Map<string, string> {
    return (this.named ??= this.names());
  }

  /** True when bisecting the lines, as if sorted, lands on `code`; false when it does not (or meets a line it cannot read). */
  private probe(code: string): boolean {
    const bytes = this.bytes;
    let lo = this.first; // [lo, hi): whole lines
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = mid > lo ? Math.max(lo, bytes.lastIndexOf(10, mid - 1) + 1) : lo;
      let eol = bytes.indexOf(10, start);
      if (eol === -1 || eol > hi) eol = hi;
      const codeFrom = codeStart(bytes, start, eol);
      const codeTo = codeEnd(bytes, codeFrom, eol);
      if (codeTo <= codeFrom) return false; // blank or unreadable: leave it to the checked index
      const d = compareCodeWithBytes(code, bytes, codeFrom, codeTo);
      if (d === 0) return true;
      if (d < 0) hi = start;
      else lo = eol + 1;
    }
    return false;
  }

  /** One pass over every line: each code's bytes, or null when a line cannot be read from its bytes or a code is out of order. */
  private checkOrder(): { starts: Int32Array; ends: Int32Array } | null {
    const bytes = this.bytes;
    const n = bytes.length;
    const starts: number[] = [];
    const ends: number[] = [];
    for (let p = this.first; p < n; ) {
      let eol = bytes.indexOf(10, p);
      if (eol === -1) eol = n;
      const start = codeStart(bytes, p, eol);
      const end = codeEnd(bytes, start, eol);
      if (end === -1) return null;
      if (end > start) {
        const last = starts.length - 1;
        if (last >= 0 && compareBytes(bytes, starts[last]!, ends[last]!, start, end) > 0) return null;
        starts.push(start);
        ends.push(end);
      }
      p = eol + 1;
    }
    return { starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
  }

  private search(code: string, { starts, ends }: { starts: Int32Array; ends: Int32Array }): boolean {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = compareCodeWithBytes(code, this.bytes, starts[mid]!, ends[mid]!);
      if (d === 0) return true;
      if (d < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return false;
  }
}

function compareBytes(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < length; k++) {
    const d = bytes[aStart + k]! - bytes[bStart + k]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}
