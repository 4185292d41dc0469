/**
 * Cases in columns for the DIP catalogue builder: per case its core key (diagnosis at 4
 * characters × counted procedures) and comprehensive key (category × procedure class) as indices
 * into interned key lists, its year, cost and the auxiliary features (severity, age band,
 * outcome) as typed arrays. `readDipCase` turns one valid settlement record into that row;
 * the CLI reads files (in worker threads) and fills a table with `DipCaseTableBuilder`.
 */
import { caseSeverity, indexRulePack, type GroupingInput, type Severity } from '../drg/grouper.ts';
import type { RulePack } from '../drg/pack.ts';
import { ageBandIndex, category3, comprehensiveKey, coreKey, diagnosis4, outcomeIndex, readProcedures, severityIndex, type ProcedureClasses } from './codes.ts';

/** The record fields DIP reads (a subset of the settlement record). */
export interface DipInput extends GroupingInput {
  dischargeDisposition: string;
  dischargeDate?: string | undefined;
  totalCost?: number | undefined;
  lengthOfStay?: number;
}

/** What DIP needs besides the catalogue: procedure classes and the severity (MCC/CC) of a case. */
export interface DipReference {
  procedureClasses: ProcedureClasses;
  severity: (record: GroupingInput) => Severity;
}

/** The severity function of a DRG rule pack: MCC/CC lists with their exclusion tables. */
export function severityFromPack(pack: RulePack): (record: GroupingInput) => Severity {
  const index = indexRulePack(pack);
  return (record) => caseSeverity(index, record, null);
}

/** One case as the catalogue sees it. */
export interface DipCaseRow {
  coreKey: string;
  comprehensiveKey: string;
  /** Discharge year (NaN when the record has no discharge date). */
  year: number;
  /** Total cost (NaN when absent). */
  cost: number;
  severity: number;
  ageBand: number;
  outcome: number;
}

/** Read a valid record into its DIP row. */
export function readDipCase(record: DipInput, reference: DipReference): DipCaseRow {
  const reading = readProcedures(record.procedures, reference.procedureClasses);
  return {
    coreKey: coreKey(diagnosis4(record.principalDiagnosis), reading.counted),
    comprehensiveKey: comprehensiveKey(category3(record.principalDiagnosis), reading.comprehensiveClass),
    year: record.dischargeDate ? Number(record.dischargeDate.slice(0, 4)) : NaN,
    cost: record.totalCost ?? NaN,
    severity: severityIndex(reference.severity(record)),
    ageBand: ageBandIndex(record.ageYears, record.ageDays),
    outcome: outcomeIndex(record.dischargeDisposition),
  };
}

export interface DipCaseTable {
  size: number;
  /** Index into `coreKeys` / `comprehensiveKeys`. */
  core: Int32Array;
  comprehensive: Int32Array;
  coreKeys: string[];
  comprehensiveKeys: string[];
  year: Int32Array;
  cost: Float64Array;
  severity: Uint8Array;
  ageBand: Uint8Array;
  outcome: Uint8Array;
}

/** A block of rows with block-local key lists (what a worker thread sends back). */
export interface DipCaseBlock {
  size: number;
  coreKeys: string[];
  comprehensiveKeys: string[];
  core: Int32Array;
  comprehensive: Int32Array;
  year: Int32Array;
  cost: Float64Array;
  severity: Uint8Array;
  ageBand: Uint8Array;
  outcome: Uint8Array;
}

/** Collects rows into a block with its own interned keys. */
export class DipCaseBlockBuilder {
  private readonly rows: DipCaseRow[] = [];
  add(row: DipCaseRow): void {
    this.rows.push(row);
  }
  finish(): DipCaseBlock {
    const n = this.rows.length;
    const coreIndex = new Map<string, number>();
    const compIndex = new Map<string, number>();
    const block: DipCaseBlock = { size: n, coreKeys: [], comprehensiveKeys: [], core: new Int32Array(n), comprehensive: new Int32Array(n), year: new Int32Array(n), cost: new Float64Array(n), severity: new Uint8Array(n), ageBand: new Uint8Array(n), outcome: new Uint8Array(n) };
    this.rows.forEach((r, i) => {
      block.core[i] = intern(coreIndex, block.coreKeys, r.coreKey);
      block.comprehensive[i] = intern(compIndex, block.comprehensiveKeys, r.comprehensiveKey);
      block.year[i] = Number.isFinite(r.year) ? r.year : 0;
      block.cost[i] = r.cost;
      block.severity[i] = r.severity;
      block.ageBand[i] = r.ageBand;
      block.outcome[i] = r.outcome;
    });
    return block;
  }
}

function intern(index: Map<string, number>, list: string[], key: string): number {
  let i = index.get(key);
  if (i === undefined) {
    i = list.length;
    index.set(key, i);
    list.push(key);
  }
  return i;
}

/** Appends blocks (re-interning their keys) into one growing table. */
export class DipCaseTableBuilder {
  private readonly coreIndex = new Map<string, number>();
  private readonly compIndex = new Map<string, number>();
  private capacity: number;
  private t: DipCaseTable;

  constructor(capacity = 1 << 16) {
    this.capacity = capacity;
    this.t = { size: 0, core: new Int32Array(capacity), comprehensive: new Int32Array(capacity), coreKeys: [], comprehensiveKeys: [], year: new Int32Array(capacity), cost: new Float64Array(capacity), severity: new Uint8Array(capacity), ageBand: new Uint8Array(capacity), outcome: new Uint8Array(capacity) };
  }

  addBlock(block: DipCaseBlock): void {
    while (this.t.size + block.size > this.capacity) this.grow();
    const coreMap = Int32Array.from(block.coreKeys, (k) => intern(this.coreIndex, this.t.coreKeys, k));
    const compMap = Int32Array.from(block.comprehensiveKeys, (k) => intern(this.compIndex, this.t.comprehensiveKeys, k));
    const o = this.t.size;
    for (let i = 0; i < block.size; i++) {
      this.t.core[o + i] = coreMap[block.core[i]!]!;
      this.t.comprehensive[o + i] = compMap[block.comprehensive[i]!]!;
    }
    this.t.year.set(block.year, o);
    this.t.cost.set(block.cost, o);
    this.t.severity.set(block.severity, o);
    this.t.ageBand.set(block.ageBand, o);
    this.t.outcome.set(block.outcome, o);
    this.t.size += block.size;
  }

  addRows(rows: readonly DipCaseRow[]): void {
    const b = new DipCaseBlockBuilder();
    for (const r of rows) b.add(r);
    this.addBlock(b.finish());
  }

  private grow(): void {
    const n = this.capacity * 2;
    const t = this.t;
    const g = <A extends Int32Array | Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.t = {
      ...t,
      core: g(t.core, (k) => new Int32Array(k)),
      comprehensive: g(t.comprehensive, (k) => new Int32Array(k)),
      year: g(t.year, (k) => new Int32Array(k)),
      cost: g(t.cost, (k) => new Float64Array(k)),
      severity: g(t.severity, (k) => new Uint8Array(k)),
      ageBand: g(t.ageBand, (k) => new Uint8Array(k)),
      outcome: g(t.outcome, (k) => new Uint8Array(k)),
    };
    this.capacity = n;
  }

  finish(): DipCaseTable {
    const t = this.t;
    const n = t.size;
    return { ...t, core: t.core.slice(0, n), comprehensive: t.comprehensive.slice(0, n), year: t.year.slice(0, n), cost: t.cost.slice(0, n), severity: t.severity.slice(0, n), ageBand: t.ageBand.slice(0, n), outcome: t.outcome.slice(0, n) };
  }
}
