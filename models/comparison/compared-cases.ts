/**
 * The cases of a scheme comparison in columns: per case its cost and hospital, and its group
 * under each of the two schemes (status, DRG, ADRG). Codes of both schemes are interned in one
 * list each (`drgs`, `adrgs`), so a code that both schemes use has one index. Filled row by row
 * by `ComparedCasesBuilder` (growing typed arrays); the comparison functions only read it.
 */
import { intern } from '../intern.ts';
import { GroupStatus } from '../payment/cases.ts';

export { GroupStatus };

/** One scheme's grouping of the cases: status (GroupStatus), and indexes into `drgs` / `adrgs` (−1: none). */
export interface SchemeGrouping {
  status: Uint8Array;
  drg: Int32Array;
  adrg: Int32Array;
}

export interface ComparedCases {
  size: number;
  /** 住院总费用 of each case, yuan. */
  cost: Float64Array;
  /** Index into `hospitals`. */
  hospital: Int32Array;
  hospitals: string[];
  /** DRG and ADRG codes the groupings index into (both schemes; an ambiguous case's ADRG is its QY group). */
  drgs: string[];
  adrgs: string[];
  /** The grouping under scheme A, then under scheme B. */
  schemes: [SchemeGrouping, SchemeGrouping];
}

/** A case's group under one scheme, as the grouper gives it. */
export interface CaseGroup {
  status: 'grouped' | 'ambiguous' | 'ungroupable';
  drg: string | null;
  adrg: string | null;
}

const statusCode = { grouped: GroupStatus.Grouped, ambiguous: GroupStatus.Ambiguous, ungroupable: GroupStatus.Ungroupable } as const;

function emptyGrouping(capacity: number): SchemeGrouping {
  return { status: new Uint8Array(capacity), drg: new Int32Array(capacity), adrg: new Int32Array(capacity) };
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Fills `ComparedCases` row by row, interning hospitals and codes. */
export class ComparedCasesBuilder {
  private capacity: number;
  private readonly hospitalIndex = new Map<string, number>();
  private readonly drgIndex = new Map<string, number>();
  private readonly adrgIndex = new Map<string, number>();
  private readonly cases: ComparedCases;

  constructor(capacity = 1024) {
    this.capacity = Math.max(1, capacity);
    this.cases = { size: 0, cost: new Float64Array(this.capacity), hospital: new Int32Array(this.capacity), hospitals: [], drgs: [], adrgs: [], schemes: [emptyGrouping(this.capacity), emptyGrouping(this.capacity)] };
  }

  /** Append a case: its cost (yuan), hospital, and its group under scheme A and scheme B. Returns its row. */
  add(cost: number, hospitalId: string, a: CaseGroup, b: CaseGroup): number {
    const c = this.cases;
    if (c.size === this.capacity) this.grow();
    const i = c.size++;
    c.cost[i] = cost;
    c.hospital[i] = intern(this.hospitalIndex, c.hospitals, hospitalId);
    [a, b].forEach((g, s) => {
      const column = c.schemes[s]!;
      column.status[i] = statusCode[g.status];
      column.drg[i] = g.drg === null ? -1 : intern(this.drgIndex, c.drgs, g.drg);
      column.adrg[i] = g.adrg === null ? -1 : intern(this.adrgIndex, c.adrgs, g.adrg);
    });
    return i;
  }

  private grow(): void {
    const c = this.cases;
    const n = this.capacity * 2;
    c.cost = grown(c.cost, n);
    c.hospital = grown(c.hospital, n);
    for (const g of c.schemes) {
      g.status = grown(g.status, n);
      g.drg = grown(g.drg, n);
      g.adrg = grown(g.adrg, n);
    }
    this.capacity = n;
  }

  /** The cases with their arrays cut to size. */
  finish(): ComparedCases {
    const c = this.cases;
    const n = c.size;
    const cut = (g: SchemeGrouping): SchemeGrouping => ({ status: g.status.slice(0, n), drg: g.drg.slice(0, n), adrg: g.adrg.slice(0, n) });
    return { ...c, cost: c.cost.slice(0, n), hospital: c.hospital.slice(0, n), hospitals: [...c.hospitals], drgs: [...c.drgs], adrgs: [...c.adrgs], schemes: [cut(c.schemes[0]), cut(c.schemes[1])] };
  }
}

