/** Hand-made screening rows for the rule tests: one helper with sensible defaults. */
import { dayNumber, type CaseRow } from '../../../models/supervision/case-table.ts';

let serial = 0;

/** A case row: a plain ES35 stay of 5 days costing 8 000 yuan at HOSP-A (level 2), unless overridden. */
export function row(overrides: Partial<CaseRow> & { admission?: string } = {}): CaseRow {
  const { admission, ...rest } = overrides;
  const los = rest.lengthOfStay ?? 5;
  const admissionDay = admission ? dayNumber(admission) : dayNumber('2025-03-01');
  const drg = rest.drg === undefined ? 'ES35' : rest.drg;
  return {
    listId: `L${++serial}`,
    hospitalId: 'HOSP-A',
    hospitalLevel: 2,
    patientId: `P${serial}`,
    admissionDay,
    dischargeDay: admissionDay + los,
    year: 2025,
    lengthOfStay: los,
    cost: 8000,
    drugMaterialCost: 3200,
    dischargeDisposition: '1',
    drg,
    adrg: drg === null ? null : drg.slice(0, 3),
    mdc: drg === null ? null : `MDC${drg[0]}`,
    severity: 'none',
    complications: '',
    lowerDrg: null,
    ...rest,
  };
}

/** A deterministic pseudo-random sequence in [0, 1) for spreads in fixtures. */
export function jitter(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
