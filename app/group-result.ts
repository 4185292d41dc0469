/**
 * One record of `POST /v1/group` (a hospital's pre-check, nothing stored): checked in group mode
 * (record.ts), grouped, with the DRG's relative weight from the payment table and the DIP
 * packet when a catalogue is active. The row the API answers for each record, in input order.
 */
import type { GroupResult } from '../models/grouping/drg/grouper.ts';
import type { CaseDip } from '../models/ports.ts';
import type { Problem } from '../models/settlement/validate.ts';
import { dipOfCase, type ActiveDipCatalog } from './dip-case.ts';
import { checkRecord, groupRecord, type Scheme } from './record.ts';

export interface GroupResultContext extends Scheme {
  /** DRG → relative weight (RW) of the payment table. */
  weights: ReadonlyMap<string, number>;
  dip: ActiveDipCatalog | null;
  /** Keep the grouper's trace. */
  explain: boolean;
}

export interface GroupResultRow {
  index: number;
  listId: string | null;
  status: GroupResult['status'] | 'invalid';
  mdc: string | null;
  adrg: string | null;
  drg: string | null;
  severity?: GroupResult['severity'];
  weight: number | null;
  dip?: CaseDip;
  errors?: Problem[];
  warnings?: Problem[];
  trace?: GroupResult['trace'];
}

export type GroupCounts = Record<GroupResultRow['status'], number>;

export function emptyGroupCounts(): GroupCounts {
  return { grouped: 0, ambiguous: 0, ungroupable: 0, invalid: 0 };
}

/** The row of the `index`-th raw record; `counts` is incremented by its status. */
export function groupResultRow(raw: unknown, index: number, ctx: GroupResultContext, counts: GroupCounts): GroupResultRow {
  const v = checkRecord(raw, ctx.codeSets, 'group', ctx);
  const warnings = v.warnings.length > 0 ? { warnings: v.warnings } : {};
  if (!v.ok) {
    counts.invalid++;
    return { index, listId: v.listId ?? null, status: 'invalid', mdc: null, adrg: null, drg: null, weight: null, errors: v.errors, ...warnings };
  }
  const g = groupRecord(ctx, v.record, { trace: ctx.explain });
  counts[g.status]++;
  return {
    index, listId: v.record.listId, status: g.status, mdc: g.mdc, adrg: g.adrg, drg: g.drg,
    ...(g.severity ? { severity: g.severity } : {}),
    weight: g.drg ? (ctx.weights.get(g.drg) ?? null) : null,
    ...(ctx.dip ? { dip: dipOfCase(ctx.dip, v.record) } : {}),
    ...warnings,
    ...(ctx.explain ? { trace: g.trace } : {}),
  };
}
