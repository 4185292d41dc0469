/**
 * How cases move between groups when the same cases are grouped under two schemes: the
 * transition table T(a → b) = the number of cases in group a under scheme A and in group b under
 * scheme B, at DRG or at ADRG level. A "group" is the pair (status, code): ungroupable cases
 * (no code) form their own row, and ambiguous cases their scheme's QY group (歧义组, e.g. `FQY`),
 * marked by their status. Σ T = the number of cases; comparing a scheme with itself gives only
 * diagonal rows (a → a).
 */
import type { ComparedCases } from './compared-cases.ts';

export type GroupLevel = 'drg' | 'adrg';
export type StatusName = 'grouped' | 'ambiguous' | 'ungroupable';

const statusNames: readonly StatusName[] = ['grouped', 'ambiguous', 'ungroupable'];

/** A group of one scheme: its status and code (null for ungroupable cases). */
export interface GroupKey {
  status: StatusName;
  code: string | null;
}

export interface Transition {
  from: GroupKey;
  to: GroupKey;
  cases: number;
  /** cases / all compared cases. */
  share: number;
  /** The case's group differs (status or code). */
  changed: boolean;
}

/** Transition counts at `level`, largest flows first (ties: by the from code, then the to code). */
export function transitions(cases: ComparedCases, level: GroupLevel): Transition[] {
  const codes = level === 'drg' ? cases.drgs : cases.adrgs;
  const [a, b] = cases.schemes;
  const from = a[level];
  const to = b[level];
  // Key of a group: status × (codes + 1) + (code index + 1); a pair: keyA × width + keyB.
  const width = 3 * (codes.length + 1);
  const counts = new Map<number, number>();
  for (let i = 0; i < cases.size; i++) {
    const pair = (a.status[i]! * (codes.length + 1) + from[i]! + 1) * width + b.status[i]! * (codes.length + 1) + to[i]! + 1;
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  const key = (k: number): GroupKey => {
    const code = (k % (codes.length + 1)) - 1;
    return { status: statusNames[Math.floor(k / (codes.length + 1))]!, code: code < 0 ? null : codes[code]! };
  };
  const rows: Transition[] = [];
  for (const [pair, n] of counts) {
    const ka = Math.floor(pair / width);
    const kb = pair % width;
    rows.push({ from: key(ka), to: key(kb), cases: n, share: n / cases.size, changed: ka !== kb });
  }
  return rows.sort((x, y) => y.cases - x.cases || compareKeys(x.from, y.from) || compareKeys(x.to, y.to));
}

function compareKeys(x: GroupKey, y: GroupKey): number {
  const cx = x.code ?? '';
  const cy = y.code ?? '';
  return cx < cy ? -1 : cx > cy ? 1 : statusNames.indexOf(x.status) - statusNames.indexOf(y.status);
}

/** Number of cases whose group changes at `level` (status or code). */
export function changedCases(cases: ComparedCases, level: GroupLevel): number {
  const [a, b] = cases.schemes;
  let n = 0;
  for (let i = 0; i < cases.size; i++) if (a.status[i] !== b.status[i] || a[level][i] !== b[level][i]) n++;
  return n;
}

/** A group as one label: its code, or `(ungroupable)`. */
export function groupLabel(key: GroupKey): string {
  return key.code ?? `(${key.status})`;
}
