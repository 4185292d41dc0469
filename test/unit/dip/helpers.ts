/** Small DIP fixtures: a procedure-class map, a stub severity and a row builder. */
import type { DipCaseRow, DipInput, DipReference } from '../../../models/grouping/dip/cases.ts';
import { DipCaseTableBuilder, readDipCase, type DipCaseTable } from '../../../models/grouping/dip/cases.ts';
import type { ProcedureKind } from '../../../models/grouping/dip/codes.ts';

export const classes = new Map<string, ProcedureKind>([
  ['51.2300', 'surgery'],
  ['51.2200', 'surgery'],
  ['54.5100', 'surgery'],
  ['39.5000', 'intervention'],
  ['99.1800', 'therapeutic'],
  ['87.4400', 'diagnostic'],
  ['88.0100', 'diagnostic'],
]);

/** Severity from marker codes: MCC1 → mcc, CC1 → cc. */
export const reference: DipReference = {
  procedureClasses: classes,
  severity: (r) => (r.secondaryDiagnoses.includes('MCC1') ? 'mcc' : r.secondaryDiagnoses.includes('CC1') ? 'cc' : 'none'),
};

export function record(over: Partial<DipInput> = {}): DipInput {
  return { sex: 'M', ageYears: 50, principalDiagnosis: 'K80.100x002', secondaryDiagnoses: [], procedures: [], dischargeDisposition: '1', dischargeDate: '2025-06-01', totalCost: 1000, ...over };
}

export function tableOf(records: readonly DipInput[], secondaryPrefixes: readonly string[] = []): DipCaseTable {
  const b = new DipCaseTableBuilder(4);
  const ref = { ...reference, secondaryPrefixes };
  b.addRows(records.map((r): DipCaseRow => readDipCase(r, ref)));
  return b.finish();
}
