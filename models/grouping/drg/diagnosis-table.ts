/**
 * What a rule pack says about one diagnosis code, gathered from four of its tables: which MDCs'
 * principal-diagnosis tables (主诊表) list it, which exclusion tables (排除表) hold it as a
 * principal diagnosis, and its MCC and CC exclusion tables (严重 / 一般并发症或合并症). The grouper
 * asks once per distinct code and remembers the answer.
 *
 * Two forms answer the same questions: {@link diagnosisTableOf} reads the pack's own objects
 * (the tables are inverted when first asked), and {@link diagnosisTableFromBytes} bisects the
 * sorted text {@link diagnosisTableText} wrote — one line per code, so a start that groups a few
 * cases reads a few lines instead of building maps of ~50 000 codes. A pack is given its text
 * form with {@link useDiagnosisTable} (the pack cache does, for the packs it reads).
 */
import type { RulePack } from './pack.ts';
import { compareCodeWithBytes } from '../../text/bytes.ts';

/** One diagnosis code's entries in the pack's tables. */
export interface DiagnosisEntry {
  /** Bit i set: the pack's i-th MDC lists the code as a principal diagnosis (at most 26 MDCs). */
  mdcMask: number;
  /** The exclusion tables holding the code as a principal diagnosis, in the pack's table order. */
  excludedBy: readonly string[];
  /** Its MCC exclusion table; null: an MCC no principal excludes; undefined: not an MCC. */
  mcc: string | null | undefined;
  /** The same for CC. */
  cc: string | null | undefined;
}

/** Diagnosis code → its entry (undefined: in none of the four tables). */
export interface DiagnosisTable {
  get(code: string): DiagnosisEntry | undefined;
}

const attached = new WeakMap<RulePack, DiagnosisTable>();

/** Let `pack` be read through `table` (its text form); the grouper then never builds the maps. */
export function useDiagnosisTable(pack: RulePack, table: DiagnosisTable): void {
  attached.set(pack, table);
}

/** The table the grouper reads for `pack`: the one given with {@link useDiagnosisTable}, else the pack's own objects. */
export function diagnosisTableFor(pack: RulePack): DiagnosisTable {
  return attached.get(pack) ?? diagnosisTableOf(pack);
}

const noTables: readonly string[] = Object.freeze([]);

/**
 * Principal diagnosis → the exclusion tables (排除表) holding it, in the pack's table order.
 * Nearly every principal is in one table: the one-table lists are shared per table.
 */
export function exclusionTablesByPrincipal(pack: RulePack): Map<string, readonly string[]> {
  const byPrincipal = new Map<string, readonly string[]>();
  for (const table in pack.exclusions) {
    const only: readonly string[] = [table];
    for (const code of pack.exclusions[table]!) {
      const tables = byPrincipal.get(code);
      if (tables === undefined) byPrincipal.set(code, only);
      else if (!tables.includes(table)) byPrincipal.set(code, [...tables, table]);
    }
  }
  return byPrincipal;
}

/**
 * The table read from the pack's objects: MCC and CC by key; principal → MDCs and principal →
 * exclusion tables inverted once, when first asked.
 */
export function diagnosisTableOf(pack: RulePack): DiagnosisTable {
  let principals: { masks: Map<string, number>; tables: Map<string, readonly string[]> } | undefined;
  const invert = () => {
    const masks = new Map<string, number>();
    pack.mdcs.forEach((mdc, i) => {
      if (mdc.principalDiagnoses === undefined) return;
      for (const code of pack.lists[mdc.principalDiagnoses] ?? []) masks.set(code, (masks.get(code) ?? 0) | (1 << i));
    });
    return { masks, tables: exclusionTablesByPrincipal(pack) };
  };
  return {
    get(code) {
      const mcc = Object.hasOwn(pack.mcc, code) ? pack.mcc[code]! : undefined;
      const cc = Object.hasOwn(pack.cc, code) ? pack.cc[code]! : undefined;
      const { masks, tables } = (principals ??= invert());
      const mdcMask = masks.get(code);
      const excludedBy = tables.get(code);
      if (mdcMask === undefined && excludedBy === undefined && mcc === undefined && cc === undefined) return undefined;
      return { mdcMask: mdcMask ?? 0, excludedBy: excludedBy ?? noTables, mcc, cc };
    },
  };
}

/** A code or table id the text form cannot hold (it separates fields and items with these). */
const separators = /[\t\n,]/;

const utf8 = new TextEncoder();

/** `a` against `b` in UTF-8 byte order (code point order), the order of the text form's lines. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const common = Math.min(a.length, b.length);
  for (let k = 0; k < common; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

/**
 * The table as text: one line per diagnosis code in any of the four tables, in UTF-8 byte
 * order of the codes: `code TAB mask TAB tables TAB mcc TAB cc`, the mask in decimal, the
 * exclusion tables comma-separated, mcc and cc empty when absent, `-` for null, else `=` and the
 * table id. Null when a code or table id holds a tab, a line end or a comma.
 */
export function diagnosisTableText(pack: RulePack): string | null {
  const table = diagnosisTableOf(pack);
  const codes = new Set<string>();
  for (const mdc of pack.mdcs) if (mdc.principalDiagnoses !== undefined) for (const code of pack.lists[mdc.principalDiagnoses] ?? []) codes.add(code);
  for (const id in pack.exclusions) {
    if (separators.test(id)) return null;
    for (const code of pack.exclusions[id]!) codes.add(code);
  }
  for (const code in pack.mcc) codes.add(code);
  for (const code in pack.cc) codes.add(code);
  const level = (id: string | null | undefined) => (id === undefined ? '' : id === null ? '-' : `=${id}`);
  const lines: string[] = [];
  const sorted = [...codes].map((code) => ({ code, bytes: utf8.encode(code) })).sort((a, b) => compareBytes(a.bytes, b.bytes));
  for (const { code } of sorted) {
    if (separators.test(code)) return null;
    const e = table.get(code)!;
    if ((e.mcc != null && separators.test(e.mcc)) || (e.cc != null && separators.test(e.cc))) return null;
    lines.push(`${code}\t${e.mdcMask}\t${e.excludedBy.join(',')}\t${level(e.mcc)}\t${level(e.cc)}\n`);
  }
  return lines.join('');
}

/**
 * The table answered from its text's UTF-8 bytes (see {@link diagnosisTableText}) by bisecting
 * the lines: ~15 lines read per code, no string made but the found line's fields, no map built.
 * Lines of the same exclusion tables share one list.
 */
export function diagnosisTableFromBytes(bytes: Uint8Array): DiagnosisTable {
  const decoder = new TextDecoder();
  const tableLists = new Map<string, readonly string[]>();
  const tablesOf = (field: string): readonly string[] => {
    if (field === '') return noTables;
    let list = tableLists.get(field);
    if (list === undefined) tableLists.set(field, (list = Object.freeze(field.split(','))));
    return list;
  };
  const level = (field: string) => (field === '' ? undefined : field === '-' ? null : field.slice(1));
  return {
    get(code) {
      const key = isAscii(code) ? null : utf8.encode(code);
      let lo = 0; // [lo, hi): whole lines, each ending in '\n'
      let hi = bytes.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const start = mid > lo ? Math.max(lo, bytes.lastIndexOf(10, mid - 1) + 1) : lo;
        const tab = bytes.indexOf(9, start);
        const eol = bytes.indexOf(10, tab);
        if (tab === -1 || eol === -1) return undefined; // not the table's text
        const d = key === null ? compareCodeWithBytes(code, bytes, start, tab) : compareBytes(key, bytes.subarray(start, tab));
        if (d < 0) hi = start;
        else if (d > 0) lo = eol + 1;
        else {
          const fields = decoder.decode(bytes.subarray(tab + 1, eol)).split('\t');
          return { mdcMask: Number(fields[0]), excludedBy: tablesOf(fields[1]!), mcc: level(fields[2]!), cc: level(fields[3]!) };
        }
      }
      return undefined;
    },
  };
}

function isAscii(code: string): boolean {
  for (let k = 0; k < code.length; k++) if (code.charCodeAt(k) > 0x7f) return false;
  return true;
}
