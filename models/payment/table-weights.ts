/**
 * Relative weights from a city's payment table (a policy's `weightsTable`) instead of the
 * reference years' cases. The reference years still give each group's statistics (cases, mean
 * cost, CV, RIV), reported beside the table's RW; pricing reads the table alone, so a DRG the
 * cases reach but the table does not weigh is paid by item (按项目付费) and named
 * (`unweightedGroups`).
 */
import { GroupStatus, groupingOf, type CaseTable } from './cases.ts';
import { parsePaymentTable, relativeWeights } from './payment-table.ts';
import type { PaymentPolicy } from './policy.ts';
import type { PricedCases } from './price.ts';
import { Outlier } from './outliers.ts';
import type { Weights } from './weights.ts';

export interface TableWeights {
  /** The table's name (its file name, or the name of a table the deployment holds). */
  table: string;
  /** The header the weights were read from. */
  column: string;
  /** DRG → RW of the rows with a positive RW. */
  relativeWeights: ReadonlyMap<string, number>;
}

/** Read a payment table's weights; throws PaymentTableError (the columns it saw) when the weight column is not there. */
export function readTableWeights(name: string, text: string, weightsColumn?: string): TableWeights {
  const table = parsePaymentTable(name, text, weightsColumn !== undefined ? { weightsColumn } : {});
  return { table: name, column: table.weightColumn, relativeWeights: relativeWeights(table) };
}

/** The derived weights with the table's RW in place of each group's (NaN where the table has none); pricing then reads the table. */
export function withTableWeights(weights: Weights, table: TableWeights): Weights {
  const groups = new Map([...weights.groups].map(([drg, g]) => [drg, { ...g, relativeWeight: table.relativeWeights.get(drg) ?? NaN }]));
  return { ...weights, groups, table };
}

/** Settlement-year cases paid by item because their group has no weight, by DRG code (ungroupable cases and QY groups the policy pays by item are not counted). */
export function unweightedGroups(table: CaseTable, priced: PricedCases, policy: Pick<PaymentPolicy, 'ambiguous' | 'feeForService'>): Map<string, number> {
  const { drg, status } = groupingOf(table, policy.ambiguous);
  const out = new Map<string, number>();
  for (let k = 0; k < priced.rows.length; k++) {
    if (priced.outlier[k] !== Outlier.ByItem) continue;
    const i = priced.rows[k]!;
    const g = drg[i]!;
    if (g < 0 || (status[i] === GroupStatus.Ambiguous && policy.feeForService.ambiguousGroups)) continue;
    const code = table.drgs[g]!;
    out.set(code, (out.get(code) ?? 0) + 1);
  }
  return out;
}

/** Merge per-partition counts of `unweightedGroups`, largest first (then by code). */
export function mergeUnweighted(parts: readonly (ReadonlyMap<string, number> | Record<string, number>)[]): { drg: string; cases: number }[] {
  const total = new Map<string, number>();
  for (const part of parts) for (const [drg, n] of part instanceof Map ? part : Object.entries(part)) total.set(drg, (total.get(drg) ?? 0) + n);
  return [...total].map(([drg, cases]) => ({ drg, cases })).sort((a, b) => b.cases - a.cases || (a.drg < b.drg ? -1 : 1));
}
