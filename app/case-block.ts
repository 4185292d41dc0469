/**
 * Settlement records → a grouped CaseTable for `payreform simulate`: checked (record.ts, group
 * mode: grey codes warn), require what pricing needs (hospitalId, dischargeDate, totalCost),
 * group once per `ambiguous` mode the policies use. With a DIP policy (`dip: true`) a block also
 * carries what the DIP catalogue and grouper read (`DipColumns`: diagnosis, procedures, severity,
 * age, disposition), since the catalogue is built from the reference years before any case can be
 * placed in a packet. Shared by the CLI's in-process path and its worker threads (cli/simulate-worker.ts),
 * which return the same `CaseBlock`s.
 */
import type { AmbiguousMode, GroupingInput, Severity } from '../models/grouping/drg/grouper.ts';
import { severityFromPack } from '../models/grouping/dip/cases.ts';
import { icuDays, severityIndex, typingFlags } from '../models/grouping/dip/codes.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import { intern } from '../models/intern.ts';
import { GroupStatus, type CaseTableBuilder } from '../models/payment/cases.ts';
import type { DipColumns } from '../models/payment/simulate-dip.ts';
import type { RawRecord } from '../models/settlement/readers.ts';
import type { SettlementRecord } from '../models/settlement/schema.ts';
import { groupRecord, type Scheme } from './record.ts';
import { lineRejection, validForGrouping } from './valid-record.ts';

export interface CaseContext extends Scheme {
  modes: AmbiguousMode[];
  /** Carry the DIP columns (a DIP policy is simulated). */
  dip?: boolean;
}

/**
 * A block of records in columns (what a worker sends back: typed arrays and short string lists).
 * Hospitals and DRGs are indices into the block's own lists of distinct codes, so a block
 * carries a few hundred strings besides its list ids instead of one per case and field.
 */
export interface CaseBlock {
  records: number;
  rejected: number;
  /** Rejection sentences (the first few of the block). */
  errors: string[];
  listIds: string[];
  /** The block's distinct hospital ids; `hospital` indexes them. */
  hospitals: string[];
  hospital: Int32Array;
  year: Int32Array;
  lengthOfStay: Int32Array;
  cost: Float64Array;
  level: Uint8Array;
  /** The block's distinct DRG codes; `drg` indexes them. */
  drgs: string[];
  /** Per mode (context order): index into `drgs` (−1: no DRG), and GroupStatus. */
  drg: Int32Array[];
  status: Uint8Array[];
  /** With `dip`: the DIP fields of each accepted case. */
  dip?: DipColumns;
}

const severityCache = new WeakMap<RulePack, (record: GroupingInput) => Severity>();

function severityOf(pack: RulePack): (record: GroupingInput) => Severity {
  let f = severityCache.get(pack);
  if (!f) {
    f = severityFromPack(pack);
    severityCache.set(pack, f);
  }
  return f;
}

/** What DIP reads of a checked record (a settlement record as validated, or a lake line, which is the stored record). */
export type DipFactsRecord = Pick<SettlementRecord, 'principalDiagnosis' | 'secondaryDiagnoses' | 'procedures' | 'ageYears' | 'ageDays' | 'dischargeDisposition' | 'insuranceType' | 'lengthOfStay' | 'totalCost' | 'costs' | 'icuHours' | 'sex'>;

/** Empty DIP columns for `n` cases. */
export function newDipColumns(n: number): DipColumns {
  return { diagnosis: [], procedures: [], severity: new Uint8Array(n), ageYears: new Float64Array(n), ageDays: new Int32Array(n), disposition: [], flags: new Uint8Array(n), insurance: new Uint8Array(n), icuDays: new Uint16Array(n), secondary: [] };
}

/** Put case `k`'s DIP facts into the columns (the string columns are pushed: call in row order). */
export function putDipFacts(dip: DipColumns, k: number, r: DipFactsRecord, severity: (record: GroupingInput) => Severity): void {
  dip.diagnosis.push(r.principalDiagnosis);
  dip.procedures.push(r.procedures.join('|'));
  dip.secondary.push(r.secondaryDiagnoses.join('|'));
  dip.severity[k] = severityIndex(severity(r));
  dip.ageYears[k] = r.ageYears;
  dip.ageDays[k] = r.ageDays ?? -1;
  dip.disposition.push(r.dischargeDisposition);
  dip.flags[k] = typingFlags(r);
  dip.insurance[k] = r.insuranceType === 'employee' ? 1 : r.insuranceType === 'resident' ? 2 : 0;
  dip.icuDays[k] = icuDays(r.icuHours);
}

/** The cut of DIP columns to their first `k` cases. */
export function cutDipColumns(dip: DipColumns, k: number): DipColumns {
  return { ...dip, severity: dip.severity.slice(0, k), ageYears: dip.ageYears.slice(0, k), ageDays: dip.ageDays.slice(0, k), flags: dip.flags.slice(0, k), insurance: dip.insurance.slice(0, k), icuDays: dip.icuDays.slice(0, k) };
}

/** The severity (MCC/CC) function of a rule pack, built once per pack. */
export function dipSeverityOf(pack: RulePack): (record: GroupingInput) => Severity {
  return severityOf(pack);
}

const statusCode = { grouped: GroupStatus.Grouped, ambiguous: GroupStatus.Ambiguous, ungroupable: GroupStatus.Ungroupable } as const;
const maxErrorsPerBlock = 20;

/** Turn raw records into a CaseBlock (validated and grouped). */
export function caseBlock(raws: readonly RawRecord[], ctx: CaseContext): CaseBlock {
  const n = raws.length;
  const block: CaseBlock = {
    records: n,
    rejected: 0,
    errors: [],
    listIds: [],
    hospitals: [],
    hospital: new Int32Array(n),
    year: new Int32Array(n),
    lengthOfStay: new Int32Array(n),
    cost: new Float64Array(n),
    level: new Uint8Array(n),
    drgs: [],
    drg: ctx.modes.map(() => new Int32Array(n)),
    status: ctx.modes.map(() => new Uint8Array(n)),
  };
  const hospitals = new Map<string, number>();
  const drgs = new Map<string, number>();
  let dip: DipColumns | null = ctx.dip ? newDipColumns(n) : null;
  const severity = ctx.dip ? severityOf(ctx.pack) : null;
  let k = 0;
  const reject = (rejection: string) => {
    block.rejected++;
    if (block.errors.length < maxErrorsPerBlock) block.errors.push(rejection);
  };
  for (const raw of raws) {
    const { record: r, rejection } = validForGrouping(raw, ctx.codeSets, ctx);
    if (!r) {
      reject(rejection);
      continue;
    }
    const missing = r.hospitalId === undefined ? 'hospitalId' : r.dischargeDate === undefined ? 'dischargeDate' : r.totalCost === undefined ? 'totalCost' : null;
    if (missing) {
      reject(lineRejection(raw, r.listId, `${missing} is required to pay a case (the hospital, the settlement year and the cost)`));
      continue;
    }
    block.listIds.push(r.listId);
    block.hospital[k] = intern(hospitals, block.hospitals, r.hospitalId!);
    block.year[k] = Number(r.dischargeDate!.slice(0, 4));
    block.lengthOfStay[k] = r.lengthOfStay;
    block.cost[k] = r.totalCost!;
    block.level[k] = r.hospitalLevel ?? 0;
    for (let m = 0; m < ctx.modes.length; m++) {
      const g = groupRecord(ctx, r, { ambiguous: ctx.modes[m]!, trace: false });
      block.drg[m]![k] = g.drg === null ? -1 : intern(drgs, block.drgs, g.drg);
      block.status[m]![k] = statusCode[g.status];
    }
    if (dip) putDipFacts(dip, k, r, severity!);
    k++;
  }
  if (k < n) {
    block.hospital = block.hospital.slice(0, k);
    block.year = block.year.slice(0, k);
    block.lengthOfStay = block.lengthOfStay.slice(0, k);
    block.cost = block.cost.slice(0, k);
    block.level = block.level.slice(0, k);
    block.drg = block.drg.map((d) => d.slice(0, k));
    block.status = block.status.map((s) => s.slice(0, k));
    if (dip) dip = cutDipColumns(dip, k);
  }
  if (dip) block.dip = dip;
  return block;
}

/** The typed arrays of a block, to transfer to the main thread. */
export function blockTransfer(block: CaseBlock): ArrayBuffer[] {
  const dip = block.dip ? [block.dip.severity.buffer, block.dip.ageYears.buffer, block.dip.ageDays.buffer, block.dip.flags.buffer, block.dip.insurance.buffer, block.dip.icuDays.buffer] : [];
  return [block.hospital.buffer, block.year.buffer, block.lengthOfStay.buffer, block.cost.buffer, block.level.buffer, ...block.drg.map((d) => d.buffer), ...block.status.map((s) => s.buffer), ...dip] as ArrayBuffer[];
}

/** Append a block's accepted cases to the table (modes in the builder's order = the context's). */
export function appendBlock(builder: CaseTableBuilder, block: CaseBlock): void {
  builder.addColumns({ ...block, groupings: block.drg.map((drg, m) => ({ drg, status: block.status[m]! })) });
}
