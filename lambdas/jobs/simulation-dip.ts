/**
 * A `"method": "dip"` policy on the service: the two DIP phases of app/simulation-phases.ts.
 *
 * - `dipCases` (per lake partition): the latest version of each stored case, in columns — the
 *   case-table fields (listId, hospital, year, stay, cost, level) and the DIP facts the catalogue,
 *   the grouper and the auxiliary typing read (`putDipFacts`, the filler `payreform simulate`
 *   uses on its records: diagnosis, procedures, secondary-diagnosis typing bits, age, outcome,
 *   insurance fund, ICU days). A lake line is the stored record, so it carries all of them.
 *   Cases without a total cost are left out and counted (the CLI rejects them the same way).
 * - `dipSettle` (central): the blocks in manifest order become one case table and
 *   `simulateDipPolicy` runs over it — the same function over the same cases as the CLI; it
 *   takes the cases in a canonical order, so the partitions' order does not matter — and
 *   `dipSimulationResult` writes the document. The catalogue, the year-start point value and the
 *   special-review cap are regional, so this step holds every case of the policy's years in
 *   columns.
 */
import { cutDipColumns, newDipColumns, putDipFacts, type DipFactsRecord } from '../../app/case-block.ts';
import { dipSimulationResult, type DipSimulationResult } from '../../app/dip-simulation-result.ts';
import type { DipReference } from '../../models/grouping/dip/cases.ts';
import { CaseTableBuilder } from '../../models/payment/cases.ts';
import type { DipPaymentPolicy } from '../../models/payment/policy.ts';
import { concatDipColumns, simulateDipPolicy, type DipColumns } from '../../models/payment/simulate-dip.ts';

/** What the DIP phases read of a lake line (the stored record). */
export interface DipLakeLine extends Omit<DipFactsRecord, 'totalCost'> {
  listId: string;
  hospitalId: string;
  hospitalLevel?: number;
  dischargeDate: string;
  totalCost?: number;
}

/** One partition's cases in columns, as written to S3 by the `dipCases` phase. */
export interface DipPartitionBlock {
  listIds: string[];
  hospitalIds: string[];
  year: number[];
  lengthOfStay: number[];
  cost: number[];
  level: number[];
  /** Cases left out for want of a total cost. */
  noCost: number;
  dip: { diagnosis: string[]; procedures: string[]; secondary: string[]; disposition: string[]; severity: number[]; ageYears: number[]; ageDays: number[]; flags: number[]; insurance: number[]; icuDays: number[] };
}

/** The `dipCases` phase over one partition's latest lines. */
export function dipPartitionBlock(lines: readonly DipLakeLine[], reference: DipReference): DipPartitionBlock {
  const block: DipPartitionBlock = { listIds: [], hospitalIds: [], year: [], lengthOfStay: [], cost: [], level: [], noCost: 0, dip: { diagnosis: [], procedures: [], secondary: [], disposition: [], severity: [], ageYears: [], ageDays: [], flags: [], insurance: [], icuDays: [] } };
  let dip = newDipColumns(lines.length);
  let k = 0;
  for (const line of lines) {
    if (line.totalCost === undefined) {
      block.noCost++;
      continue;
    }
    block.listIds.push(line.listId);
    block.hospitalIds.push(line.hospitalId);
    block.year.push(Number(line.dischargeDate.slice(0, 4)));
    block.lengthOfStay.push(line.lengthOfStay);
    block.cost.push(line.totalCost);
    block.level.push(line.hospitalLevel ?? 0);
    putDipFacts(dip, k++, line as DipFactsRecord, reference.severity);
  }
  dip = cutDipColumns(dip, k);
  block.dip = { diagnosis: dip.diagnosis, procedures: dip.procedures, secondary: dip.secondary, disposition: dip.disposition, severity: Array.from(dip.severity), ageYears: Array.from(dip.ageYears), ageDays: Array.from(dip.ageDays), flags: Array.from(dip.flags), insurance: Array.from(dip.insurance), icuDays: Array.from(dip.icuDays) };
  return block;
}

function columnsOf(b: DipPartitionBlock['dip']): DipColumns {
  return { diagnosis: b.diagnosis, procedures: b.procedures, secondary: b.secondary, disposition: b.disposition, severity: Uint8Array.from(b.severity), ageYears: Float64Array.from(b.ageYears), ageDays: Int32Array.from(b.ageDays), flags: Uint8Array.from(b.flags), insurance: Uint8Array.from(b.insurance), icuDays: Uint16Array.from(b.icuDays) };
}

/** The `dipSettle` step: every partition's block → one table → `simulateDipPolicy` → the result document. */
export function settleDip(blocks: readonly DipPartitionBlock[], policy: DipPaymentPolicy, reference: DipReference, builtAt: string): { result: DipSimulationResult; noCost: number } {
  const size = blocks.reduce((s, b) => s + b.listIds.length, 0);
  const builder = new CaseTableBuilder([], Math.max(16, size));
  for (const b of blocks) {
    for (let i = 0; i < b.listIds.length; i++) builder.add({ listId: b.listIds[i]!, year: b.year[i]!, lengthOfStay: b.lengthOfStay[i]!, cost: b.cost[i]!, hospitalId: b.hospitalIds[i]!, level: b.level[i]! }, []);
  }
  const table = builder.finish();
  if (table.size === 0) throw new Error('no cases are stored for the policy\'s years');
  const dip = concatDipColumns(blocks.map((b) => columnsOf(b.dip)));
  const simulated = simulateDipPolicy(table, policy, { dip, procedureClasses: reference.procedureClasses, builtAt });
  return { result: dipSimulationResult(simulated), noCost: blocks.reduce((s, b) => s + b.noCost, 0) };
}
