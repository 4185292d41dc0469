/** The screening table: appending blocks (what monitor's worker threads send back) builds the table adding rows one by one builds. */
import { describe, expect, it } from 'vitest';
import { casesFromRows, SupervisionTableBuilder, type CaseRow } from '../../../models/supervision/case-table.ts';
import { jitter, row } from './fixtures.ts';

function rows(n: number): CaseRow[] {
  const random = jitter(7);
  const drgs = ['ES35', 'ES31', 'GB13', null, 'FM19', 'ES33'];
  return Array.from({ length: n }, (_, i) => {
    const drg = drgs[Math.floor(random() * drgs.length)]!;
    return row({
      hospitalId: `H${Math.floor(random() * 7)}`,
      patientId: random() < 0.2 ? null : `P${Math.floor(random() * 40)}`,
      drg,
      lowerDrg: drg !== null && random() < 0.3 ? 'ES39' : null,
      complications: random() < 0.3 ? 'J18.900,I50.900' : '',
      severity: random() < 0.3 ? 'cc' : 'none',
      cost: Math.round(random() * 1e6) / 100,
      ...(i % 11 === 0 ? { admissionDay: null, dischargeDay: null } : {}),
    });
  });
}

describe('SupervisionTableBuilder.append', () => {
  it('gives the table (codes interned in the same order) that adding the rows one by one gives', () => {
    const all = rows(500);
    const expected = casesFromRows(all);
    const builder = new SupervisionTableBuilder(8);
    for (const [from, to] of [[0, 1], [1, 90], [90, 90], [90, 333], [333, 500]] as const) builder.append(casesFromRows(all.slice(from, to)));
    expect(builder.finish()).toEqual(expected);
  });
});
