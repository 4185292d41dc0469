/** Data-quality counters (received, accepted, rejected by reason, grey codes, missing fields): zero, and a month's sum over its batches. */
import type { QualityCounters } from '../ports.ts';

export function emptyCounters(): QualityCounters {
  return { received: 0, accepted: 0, rejected: 0, reasons: {}, greyCodes: 0, warned: 0, missing: {} };
}

/** Add one batch's counters into `total` (fields a stored item lacks count as zero). */
export function addCounters(total: QualityCounters, q: Partial<QualityCounters>): void {
  total.received += Number(q.received ?? 0);
  total.accepted += Number(q.accepted ?? 0);
  total.rejected += Number(q.rejected ?? 0);
  total.greyCodes += Number(q.greyCodes ?? 0);
  total.warned += Number(q.warned ?? 0);
  for (const [r, n] of Object.entries(q.reasons ?? {})) total.reasons[r] = (total.reasons[r] ?? 0) + n;
  for (const [f, n] of Object.entries(q.missing ?? {})) total.missing[f] = (total.missing[f] ?? 0) + n;
}
