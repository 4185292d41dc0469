/**
 * Line-level reading of the CHS-DRG scheme text (the NHSA PDF transcribed to `.txt`/`.dat`).
 *
 * The text came out of a PDF, so besides its grammar it carries artefacts: `~~` where a line
 * was broken inside a name, page numbers on lines of their own, repeated table headers, whole
 * pages run together on one line, names wrapped onto the next line(s). Every such line is
 * recorded as a {@link SourceNote} with what was done about it; a line that fits neither the
 * grammar nor a known artefact is recorded as `uninterpreted`. Nothing is skipped silently.
 */

/** Where a line of the scheme text came from. */
export interface SourceLine {
  file: string;
  /** 1-based. */
  line: number;
  text: string;
}

export type NoteKind =
  | 'joined-line-marker' // `~~` inside a name: the PDF broke the line there; removed
  | 'page-number' // a page number on a line of its own; ignored
  | 'repeated-header' // a table's column header repeated at a page break; ignored
  | 'joined-page' // a whole page run together on one line; split into its entries
  | 'wrapped-name' // a name continued on the next line; joined to its entry
  | 'table-on-next-line' // an entry's exclusion table printed on the line after its name
  | 'spelling-variant' // a clause header spelled differently from the usual form (e.g. `手术 1：` for `手术表 1：`)
  | 'source-difference' // the combined detail text and a per-MDC/ADRG file list different codes; the union is used
  | 'not-a-rule' // OpenDRG: read, but not part of the grouping rules (an unused definition, a file not read)
  | 'uninterpreted'; // fits nothing: listed so a person can look at it

export interface SourceNote extends SourceLine {
  kind: NoteKind;
  explanation: string;
}

/**
 * An ICD-10 (`K80.100`, `A01.000x005+J17.0*`, `S47.x00x002`) or ICD-9-CM-3 (`33.6x00`,
 * `50.5900x001`) code of the medical-insurance 2.0 editions, as the first token of a line.
 */
export const codePattern = /^(?:[A-Z]\d{2}(?:\.[0-9A-Za-z]+)?(?:\+[A-Z]\d{2}(?:\.[0-9A-Za-z]+)?\*)?|\d{2}(?:\.[0-9A-Za-z]+))$/;

/** A code followed by its name on one line: `K80.100 胆囊结石伴急性胆囊炎`. */
export interface CodeEntry {
  code: string;
  name: string;
  source: SourceLine;
}

/** Split a line into its first token and the rest. */
export function firstToken(text: string): [string, string] {
  const space = text.indexOf(' ');
  return space === -1 ? [text, ''] : [text.slice(0, space), text.slice(space + 1).trim()];
}

export function isCode(token: string): boolean {
  return codePattern.test(token);
}

/** A page number printed on its own line (the PDF's footer). */
export function isPageNumber(text: string): boolean {
  return /^\d{1,4}$/.test(text);
}

/** Remove the `~~` join markers from a name, noting the line when there were any. */
export function cleanName(name: string, source: SourceLine, notes: SourceNote[]): string {
  if (!name.includes('~~')) return name;
  notes.push({ ...source, kind: 'joined-line-marker', explanation: 'the PDF broke this line inside a name ("~~"); the marker was removed and the two parts joined' });
  return name.replace(/~~/g, '');
}

/** Split a file's text into numbered, trimmed lines (blank lines kept as empty strings). */
export function sourceLines(file: string, text: string): SourceLine[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => ({ file, line: i + 1, text: line.replace(/^\uFEFF/, '').trim() }));
}

/** Normalise the spacing inside clause headers (`手术表 1：` / `手术表1:`) for comparison. */
export function normaliseHeader(text: string): string {
  return text.replace(/\s+/g, '').replace(/:/g, '：');
}
