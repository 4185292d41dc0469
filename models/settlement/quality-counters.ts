/** Data-quality counters (received, accepted, rejected by reason, grey codes, missing fields): zero, and a month's sum over its batches. */
import type { QualityCounters, StoredRecord } from '../ports.ts';

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

/** Optional fields whose absence the data-quality report counts. */
export const optionalFields = ['hospitalLevel', 'insuranceType', 'patientId', 'department', 'costs', 'fundPayment', 'selfPay', 'ventilationHours'] as const;

/** The optional fields a stored record lacks (`patientId` is there as its pseudonym `patientRef`). */
export function missingOptionalFields(record: StoredRecord): string[] {
  const r = record as Record<string, unknown>;
  return optionalFields.filter((f) => r[f === 'patientId' ? 'patientRef' : f] === undefined);
}

/** Add one batch's rejections into `total` (its accepted side is counted from the cases, see `addAcceptedCase`). */
export function addRejections(total: QualityCounters, q: Partial<QualityCounters>): void {
  total.rejected += Number(q.rejected ?? 0);
  total.greyCodes += Number(q.greyCodes ?? 0);
  for (const [r, n] of Object.entries(q.reasons ?? {})) total.reasons[r] = (total.reasons[r] ?? 0) + n;
}

/** Add one stored case (its latest version) into `total`: accepted, warned, missing fields. */
export function addAcceptedCase(total: QualityCounters, record: StoredRecord, warned: boolean): void {
  total.accepted++;
  if (warned) total.warned++;
  for (const f of missingOptionalFields(record)) total.missing[f] = (total.missing[f] ?? 0) + 1;
}
