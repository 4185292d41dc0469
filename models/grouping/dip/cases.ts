/**
 * Cases in columns for the DIP catalogue builder: per case its codes key (principal diagnosis and
 * procedures in record order, `K80.100x002|51.2300+99.1800`, an index into an interned list — the
 * builder reads each distinct key once under the policy's packet rules), its year, cost, the
 * auxiliary typing bits (`typingFlags`) and the learned-tier features (severity, age band,
 * outcome) as typed arrays. `readDipCase` turns one valid settlement record into that row;
 * the CLI reads files (in worker threads) and fills a table with `DipCaseTableBuilder`.
 */
import { caseSeverity, indexRulePack, type GroupingInput, type Severity } from '../drg/grouper.ts';
import type { RulePack } from '../drg/pack.ts';
import { itemCosts } from './item-scores.ts';
import { ageBandIndex, icuBandIndex, icuDays, outcomeIndex, ruleSecondaries, severityIndex, typingFlags, type ProcedureClasses, type ProcedureKind } from './codes.ts';
import { intern } from '../../intern.ts';

/** The record fields DIP reads (a subset of the settlement record). */
export interface DipInput extends GroupingInput {
  dischargeDisposition: string;
  /** 重症监护时长 in hours (ICU-day auxiliary types). */
  icuHours?: number | undefined;
  dischargeDate?: string | undefined;
  totalCost?: number | undefined;
  lengthOfStay?: number | undefined;
  costs?: Partial<Record<string, number>> | undefined;
}

/** What DIP needs besides the catalogue: procedure classes and the severity (MCC/CC) of a case. */
export interface DipReference {
  procedureClasses: ProcedureClasses;
  severity: (record: GroupingInput) => Severity;
  /** Secondary-diagnosis prefixes the policy's rule packets read (`secondaryPrefixesOf`): those secondary diagnoses join the codes key. */
  secondaryPrefixes?: readonly string[] | undefined;
}

/** The severity function of a DRG rule pack: MCC/CC lists with their exclusion tables. */
export function severityFromPack(pack: RulePack): (record: GroupingInput) => Severity {
  const index = indexRulePack(pack);
  return (record) => caseSeverity(index, record, null);
}

const kindLetter: Record<ProcedureKind, string> = { surgery: 's', intervention: 'i', therapeutic: 't', diagnostic: 'd' };
const letterKind: Record<string, ProcedureKind> = { s: 'surgery', i: 'intervention', t: 'therapeutic', d: 'diagnostic' };

/**
 * The codes key of a case: the principal diagnosis, then its classified procedures in record order
 * with their class letter — `K80.100x002|51.2300:s+99.1800:t` — and, after `#`, the secondary
 * diagnoses a rule packet reads (`Z51.100|99.2500:t#C92.000`). Unclassified procedures and other
 * secondary diagnoses never count, so they are left out; the builder reads each distinct key once.
 */
export function codesKey(principalDiagnosis: string, procedures: readonly string[], classes: ProcedureClasses, secondaries: readonly string[] = []): string {
  let list = '';
  for (const code of procedures) {
    const kind = classes.get(code);
    if (kind !== undefined) list += `${list === '' ? '' : '+'}${code}:${kindLetter[kind]}`;
  }
  return `${principalDiagnosis}|${list}${secondaries.length > 0 ? `#${secondaries.join('+')}` : ''}`;
}

/** Split a codes key back into the principal diagnosis, the procedures and their classes. */
export function splitCodesKey(key: string): { principalDiagnosis: string; procedures: string[]; classes: Map<string, ProcedureKind>; secondaryDiagnoses: string[] } {
  const bar = key.indexOf('|');
  const hash = key.indexOf('#', bar);
  const list = key.slice(bar + 1, hash < 0 ? undefined : hash);
  const secondaryDiagnoses = hash < 0 ? [] : key.slice(hash + 1).split('+');
  const classes = new Map<string, ProcedureKind>();
  const procedures: string[] = [];
  if (list !== '') {
    for (const part of list.split('+')) {
      const colon = part.lastIndexOf(':');
      const code = part.slice(0, colon);
      procedures.push(code);
      classes.set(code, letterKind[part.slice(colon + 1)]!);
    }
  }
  return { principalDiagnosis: key.slice(0, bar), procedures, classes, secondaryDiagnoses };
}

/** One case as the catalogue sees it. */
export interface DipCaseRow {
  codesKey: string;
  /** Discharge year (NaN when the record has no discharge date). */
  year: number;
  /** Total cost (NaN when absent). */
  cost: number;
  /** Auxiliary typing bits (`TypeFlag`). */
  flags: number;
  severity: number;
  ageBand: number;
  outcome: number;
  /** `icuBandIndex` of the ICU days + 1 (0: fewer than 2 days in intensive care). */
  icuBand: number;
  /** Drug and material cost from the itemised costs (NaN without them): the dRW / cRW monitoring scores. */
  drugCost: number;
  materialCost: number;
}

/** Read a valid record into its DIP row. */
export function readDipCase(record: DipInput, reference: DipReference): DipCaseRow {
  const items = itemCosts(record.costs);
  return {
    codesKey: codesKey(record.principalDiagnosis, record.procedures, reference.procedureClasses, ruleSecondaries(record.secondaryDiagnoses, reference.secondaryPrefixes ?? [])),
    year: record.dischargeDate ? Number(record.dischargeDate.slice(0, 4)) : NaN,
    cost: record.totalCost ?? NaN,
    flags: typingFlags(record),
    severity: severityIndex(reference.severity(record)),
    ageBand: ageBandIndex(record.ageYears, record.ageDays),
    outcome: outcomeIndex(record.dischargeDisposition),
    icuBand: icuBandIndex(icuDays(record.icuHours)) + 1,
    drugCost: items.drugs,
    materialCost: items.materials,
  };
}

/** Cases in columns (a whole table, or a worker's block with its own interned keys). */
export interface DipCaseTable {
  size: number;
  /** Index into `codesKeys`. */
  codes: Int32Array;
  codesKeys: string[];
  year: Int32Array;
  cost: Float64Array;
  flags: Uint8Array;
  severity: Uint8Array;
  ageBand: Uint8Array;
  outcome: Uint8Array;
  /** ICU band + 1 (0: none), see `DipCaseRow.icuBand`. */
  icuBand: Uint8Array;
  drugCost: Float64Array;
  materialCost: Float64Array;
}
export type DipCaseBlock = DipCaseTable;

function emptyTable(n: number): DipCaseTable {
  return { size: 0, codes: new Int32Array(n), codesKeys: [], year: new Int32Array(n), cost: new Float64Array(n), flags: new Uint8Array(n), severity: new Uint8Array(n), ageBand: new Uint8Array(n), outcome: new Uint8Array(n), icuBand: new Uint8Array(n), drugCost: new Float64Array(n), materialCost: new Float64Array(n) };
}

/** Collects rows into a block with its own interned keys. */
export class DipCaseBlockBuilder {
  private readonly rows: DipCaseRow[] = [];
  add(row: DipCaseRow): void {
    this.rows.push(row);
  }
  finish(): DipCaseBlock {
    const n = this.rows.length;
    const index = new Map<string, number>();
    const block = emptyTable(n);
    block.size = n;
    this.rows.forEach((r, i) => {
      block.codes[i] = intern(index, block.codesKeys, r.codesKey);
      block.year[i] = Number.isFinite(r.year) ? r.year : 0;
      block.cost[i] = r.cost;
      block.flags[i] = r.flags;
      block.severity[i] = r.severity;
      block.ageBand[i] = r.ageBand;
      block.outcome[i] = r.outcome;
      block.icuBand[i] = r.icuBand;
      block.drugCost[i] = r.drugCost;
      block.materialCost[i] = r.materialCost;
    });
    return block;
  }
}

const columns = ['year', 'cost', 'flags', 'severity', 'ageBand', 'outcome', 'icuBand', 'drugCost', 'materialCost'] as const;

/** Appends blocks (re-interning their keys) into one growing table. */
export class DipCaseTableBuilder {
  private readonly index = new Map<string, number>();
  private capacity: number;
  private t: DipCaseTable;

  constructor(capacity = 1 << 16) {
    this.capacity = capacity;
    this.t = emptyTable(capacity);
  }

  addBlock(block: DipCaseBlock): void {
    while (this.t.size + block.size > this.capacity) this.grow();
    const map = Int32Array.from(block.codesKeys, (k) => intern(this.index, this.t.codesKeys, k));
    const o = this.t.size;
    for (let i = 0; i < block.size; i++) this.t.codes[o + i] = map[block.codes[i]!]!;
    for (const c of columns) (this.t[c] as Int32Array).set(block[c].subarray(0, block.size) as Int32Array, o);
    this.t.size += block.size;
  }

  addRows(rows: readonly DipCaseRow[]): void {
    const b = new DipCaseBlockBuilder();
    for (const r of rows) b.add(r);
    this.addBlock(b.finish());
  }

  private grow(): void {
    const n = this.capacity * 2;
    const next = emptyTable(n);
    next.size = this.t.size;
    next.codesKeys = this.t.codesKeys;
    next.codes.set(this.t.codes);
    for (const c of columns) (next[c] as Int32Array).set(this.t[c] as Int32Array);
    this.t = next;
    this.capacity = n;
  }

  finish(): DipCaseTable {
    const t = this.t;
    const n = t.size;
    return { size: n, codes: t.codes.slice(0, n), codesKeys: t.codesKeys, year: t.year.slice(0, n), cost: t.cost.slice(0, n), flags: t.flags.slice(0, n), severity: t.severity.slice(0, n), ageBand: t.ageBand.slice(0, n), outcome: t.outcome.slice(0, n), icuBand: t.icuBand.slice(0, n), drugCost: t.drugCost.slice(0, n), materialCost: t.materialCost.slice(0, n) };
  }
}
