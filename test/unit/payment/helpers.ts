/** Small hand-made case tables for the payment tests. */
import { CaseTableBuilder, GroupStatus, type CaseTable } from '../../../models/payment/cases.ts';
import { parsePolicy, type PaymentPolicy, type PaymentPolicyInput } from '../../../models/payment/policy.ts';

export interface Row {
  year: number;
  drg: string | null;
  cost: number;
  hospital?: string;
  level?: number;
  los?: number;
  status?: GroupStatus;
}

export function table(rows: readonly Row[]): CaseTable {
  const b = new CaseTableBuilder(['qy'], 4);
  rows.forEach((r, i) => {
    b.add(
      { listId: `L${i}`, year: r.year, lengthOfStay: r.los ?? 5, cost: r.cost, hospitalId: r.hospital ?? 'H1', level: r.level ?? 0 },
      [{ drg: r.drg, status: r.status ?? (r.drg === null ? GroupStatus.Ungroupable : GroupStatus.Grouped) }],
    );
  });
  return b.finish();
}

export function policy(overrides: Partial<PaymentPolicyInput> = {}): PaymentPolicy {
  return parsePolicy({ method: 'drg', referenceYears: [2024], settlementYear: 2025, baseRate: 10_000, ...overrides });
}
