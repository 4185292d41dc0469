/**
 * Real city DRG payment tables (`shared/reference/payment-tables/*.csv`): per DRG its relative
 * weight (RW) and, where the city publishes them, payment standards (支付标准) by hospital level
 * and insurance type. Column layouts differ by city; headers are read by meaning, not position.
 */
import { parseQuoted } from '../text/csv.ts';

/** Which payment standard a column holds: hospital level (2/3) and/or insurance type, when stated. */
export interface StandardColumn {
  header: string;
  level?: 1 | 2 | 3;
  insuranceType?: 'employee' | 'resident';
}

export interface PaymentTableRow {
  /** DRG code (4 characters, e.g. `BR21`); city-specific codes such as `0000` are kept too. */
  drg: string;
  name: string;
  /** 相对权重 RW; null where the city publishes none (e.g. groups paid case by case). */
  rw: number | null;
  /** Payment standards in yuan, in the order of `PaymentTable.standardColumns` (null where blank). */
  standards: (number | null)[];
}

export interface PaymentTable {
  name: string;
  standardColumns: StandardColumn[];
  rows: PaymentTableRow[];
}

/** Parse a payment-table CSV. Throws an Error naming the line when a row cannot be read. */
export function parsePaymentTable(name: string, text: string): PaymentTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = parseQuoted(lines[0] ?? '').fields.map((h) => h.trim());
  const drgColumn = header.findIndex((h) => h.includes('DRG编码'));
  const nameColumn = header.findIndex((h) => h.includes('名称'));
  const rwColumn = header.findIndex((h) => h === 'RW' || h.includes('权重'));
  if (drgColumn === -1 || rwColumn === -1) throw new Error(`${name}: the header needs a "DRG编码" and an "RW" column`);
  const standardIndexes = header.map((h, i) => (h.includes('支付标准') ? i : -1)).filter((i) => i !== -1);
  const standardColumns = standardIndexes.map((i) => describeStandard(header[i]!));
  const rows: PaymentTableRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = parseQuoted(lines[i]!).fields.map((c) => c.trim());
    const drg = cells[drgColumn] ?? '';
    if (drg === '') throw new Error(`${name} line ${i + 1}: no DRG code`);
    rows.push({
      drg,
      name: nameColumn === -1 ? '' : (cells[nameColumn] ?? ''),
      rw: number(cells[rwColumn], name, i + 1, 'RW'),
      standards: standardIndexes.map((c) => number(cells[c], name, i + 1, header[c]!)),
    });
  }
  return { name, standardColumns, rows };
}

function describeStandard(header: string): StandardColumn {
  const column: StandardColumn = { header };
  if (header.includes('三级')) column.level = 3;
  else if (header.includes('二级')) column.level = 2;
  else if (header.includes('一级')) column.level = 1;
  if (header.includes('职工')) column.insuranceType = 'employee';
  else if (header.includes('居民')) column.insuranceType = 'resident';
  return column;
}

function number(cell: string | undefined, name: string, line: number, column: string): number | null {
  if (cell === undefined || cell === '') return null;
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new Error(`${name} line ${line}: ${column} "${cell}" is not a number`);
  return value;
}

/** The DRGs of the table with a positive RW, as a map DRG → RW. */
export function relativeWeights(table: PaymentTable): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of table.rows) if (row.rw !== null && row.rw > 0 && /^[A-Z]{2}\d[1359]$/.test(row.drg)) out.set(row.drg, row.rw);
  return out;
}

/**
 * The base amount (yuan per RW) implied by a standards column: the median of standard / RW over
 * the DRGs that have both. Cities derive their standards as RW × 费率, so this recovers the 费率.
 */
export function impliedBaseAmount(table: PaymentTable, column = 0): number | null {
  const ratios: number[] = [];
  for (const row of table.rows) {
    const standard = row.standards[column];
    if (row.rw !== null && row.rw > 0 && standard !== null && standard !== undefined && standard > 0) ratios.push(standard / row.rw);
  }
  if (ratios.length === 0) return null;
  ratios.sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  return ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
}
