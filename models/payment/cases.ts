/**
 * Grouped cases in columns — what the payment phases read. Grouping happens once (per
 * `ambiguous` mode); the typed arrays are then priced by as many policies as asked
 * ("group once, price many times"). A table is one partition: the CLI builds one for all
 * its input; the service (issue 4) builds one per lake partition and merges the aggregates the
 * phases produce, never the tables.
 */
import { intern } from '../intern.ts';

/** Grouping outcome of a case: a DRG (grouped or the MDC's ambiguous group xQY) or none. */
export const GroupStatus = { Grouped: 0, Ambiguous: 1, Ungroupable: 2 } as const;
export type GroupStatus = (typeof GroupStatus)[keyof typeof GroupStatus];

export type AmbiguousMode = 'qy' | 'fallthrough';

/** One grouping of the cases: per case a DRG index into `drgs` (−1 when ungroupable) and its status. */
export interface CaseGrouping {
  drg: Int32Array;
  status: Uint8Array;
}

export interface CaseTable {
  size: number;
  /** 清单流水号 of each case (for per-case output). */
  listIds: string[];
  /** Year of discharge (the settlement year of the case). */
  year: Int32Array;
  lengthOfStay: Int32Array;
  /** 住院总费用, yuan. */
  cost: Float64Array;
  /** Index into `hospitals`. */
  hospital: Int32Array;
  /** Hospital level 1–3 of the case (0 when the record has none). */
  level: Uint8Array;
  hospitals: string[];
  /** DRG codes the groupings index into. */
  drgs: string[];
  groupings: Partial<Record<AmbiguousMode, CaseGrouping>>;
}

/** Fills a CaseTable row by row (growing its arrays), interning hospitals and DRG codes. */
export class CaseTableBuilder {
  private capacity: number;
  private readonly hospitalIndex = new Map<string, number>();
  private readonly drgIndex = new Map<string, number>();
  readonly table: CaseTable;

  constructor(readonly modes: readonly AmbiguousMode[], capacity = 1024) {
    this.capacity = capacity;
    const groupings: Partial<Record<AmbiguousMode, CaseGrouping>> = {};
    for (const m of modes) groupings[m] = { drg: new Int32Array(capacity), status: new Uint8Array(capacity) };
    this.table = {
      size: 0,
      listIds: [],
      year: new Int32Array(capacity),
      lengthOfStay: new Int32Array(capacity),
      cost: new Float64Array(capacity),
      hospital: new Int32Array(capacity),
      level: new Uint8Array(capacity),
      hospitals: [],
      drgs: [],
      groupings,
    };
  }

  /** The index of a DRG code (interned). */
  drg(code: string): number {
    return intern(this.drgIndex, this.table.drgs, code);
  }

  /** Append a case; `groups[k]` is its grouping under `modes[k]` (drg null when ungroupable). Returns its row. */
  add(row: { listId: string; year: number; lengthOfStay: number; cost: number; hospitalId: string; level: number }, groups: readonly { drg: string | null; status: GroupStatus }[]): number {
    const t = this.table;
    if (t.size === this.capacity) this.grow();
    const i = t.size++;
    t.listIds.push(row.listId);
    t.year[i] = row.year;
    t.lengthOfStay[i] = row.lengthOfStay;
    t.cost[i] = row.cost;
    t.hospital[i] = this.hospital(row.hospitalId);
    t.level[i] = row.level;
    for (let k = 0; k < this.modes.length; k++) {
      const g = t.groupings[this.modes[k]!]!;
      const r = groups[k]!;
      g.drg[i] = r.drg === null ? -1 : this.drg(r.drg);
      g.status[i] = r.status;
    }
    return i;
  }

  /**
   * Append cases given in columns (a block of them), hospitals and DRGs as indices into the
   * block's own lists (`hospitals`, `drgs`; DRG −1: none); `groupings[k]` is under `modes[k]`.
   * The same table as `add` row by row, with one lookup per distinct code instead of per case.
   */
  addColumns(block: { listIds: readonly string[]; year: Int32Array; lengthOfStay: Int32Array; cost: Float64Array; level: Uint8Array; hospitals: readonly string[]; hospital: Int32Array; drgs: readonly string[]; groupings: readonly { drg: Int32Array; status: Uint8Array }[] }): void {
    const n = block.listIds.length;
    const t = this.table;
    while (t.size + n > this.capacity) this.grow();
    const at = t.size;
    for (let i = 0; i < n; i++) t.listIds.push(block.listIds[i]!);
    t.year.set(block.year.subarray(0, n), at);
    t.lengthOfStay.set(block.lengthOfStay.subarray(0, n), at);
    t.cost.set(block.cost.subarray(0, n), at);
    t.level.set(block.level.subarray(0, n), at);
    const hospitals = block.hospitals.map((id) => this.hospital(id));
    for (let i = 0; i < n; i++) t.hospital[at + i] = hospitals[block.hospital[i]!]!;
    const drgs = block.drgs.map((code) => this.drg(code));
    for (let k = 0; k < this.modes.length; k++) {
      const g = t.groupings[this.modes[k]!]!;
      const { drg, status } = block.groupings[k]!;
      for (let i = 0; i < n; i++) g.drg[at + i] = drg[i]! < 0 ? -1 : drgs[drg[i]!]!;
      g.status.set(status.subarray(0, n), at);
    }
    t.size += n;
  }

  /** The index of a hospital id (interned). */
  private hospital(id: string): number {
    return intern(this.hospitalIndex, this.table.hospitals, id);
  }

  private grow(): void {
    const t = this.table;
    const n = this.capacity * 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const grow8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    t.year = grow32(t.year);
    t.lengthOfStay = grow32(t.lengthOfStay);
    const cost = new Float64Array(n);
    cost.set(t.cost);
    t.cost = cost;
    t.hospital = grow32(t.hospital);
    t.level = grow8(t.level);
    for (const m of this.modes) {
      const g = t.groupings[m]!;
      g.drg = grow32(g.drg);
      g.status = grow8(g.status);
    }
    this.capacity = n;
  }

  /** The table with its arrays cut to size. */
  finish(): CaseTable {
    const t = this.table;
    const n = t.size;
    const groupings: Partial<Record<AmbiguousMode, CaseGrouping>> = {};
    for (const m of this.modes) groupings[m] = { drg: t.groupings[m]!.drg.slice(0, n), status: t.groupings[m]!.status.slice(0, n) };
    return { ...t, year: t.year.slice(0, n), lengthOfStay: t.lengthOfStay.slice(0, n), cost: t.cost.slice(0, n), hospital: t.hospital.slice(0, n), level: t.level.slice(0, n), groupings };
  }
}

/** The grouping of a table under `mode`, or an Error naming the mode when the cases were not grouped that way. */
export function groupingOf(table: CaseTable, mode: AmbiguousMode): CaseGrouping {
  const g = table.groupings[mode];
  if (!g) throw new Error(`the cases were not grouped with ambiguous = "${mode}"`);
  return g;
}
