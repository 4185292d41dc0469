/**
 * Real city DRG payment tables (`shared/reference/payment-tables/*.csv`): per DRG its relative
 * weight (RW) and, where the city publishes them, payment standards (支付标准) by hospital level
 * and insurance type. Column layouts differ by city; headers are read by meaning, not position:
 * - the DRG code: the column named like DRG编码 / 分组编码 / 病组编码 / DRG代码, else the first;
 * - the weight: the column a policy names (`weightsColumn`), else the first of RW, 权重,
 *   初始权重, 标准分值 (exactly), else a column whose name holds 权重 or 分值 (相对权重, 基准分值).
 * A table without a weight column is refused with the columns it has (`PaymentTableError`).
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
  /** 相对权重 RW; null where the city publishes none (blank, or a note such as 按项目据实支付: paid by item). */
  rw: number | null;
  /** Payment standards in yuan, in the order of `PaymentTable.standardColumns` (null where blank). */
  standards: (number | null)[];
}

export interface PaymentTable {
  name: string;
  /** The headers the DRG codes and the weights were read from. */
  drgColumn: string;
  weightColumn: string;
  standardColumns: StandardColumn[];
  rows: PaymentTableRow[];
}

/** A table that cannot be used: `column` says whether the weight column is what is missing. */
export class PaymentTableError extends Error {
  constructor(
    message: string,
    readonly reason: 'weight-column' | 'row',
  ) {
    super(message);
    this.name = 'PaymentTableError';
  }
}

/** The usual names of the weight column, in the order they are looked for. */
export const weightColumnNames = ['RW', '权重', '初始权重', '标准分值'] as const;

const drgColumnName = /^(DRGs?|分组|病组|DRG分组|DRG病组)(编码|代码|编号)$|^DRG$/i;

/** Index of the weight column: `wanted` exactly, else the usual names, else a name holding 权重 / 分值; -1 when none. */
function weightColumnOf(header: readonly string[], wanted: string | undefined): number {
  if (wanted !== undefined) return header.indexOf(wanted.trim());
  for (const n of weightColumnNames) {
    const i = header.findIndex((h) => h.toUpperCase() === n);
    if (i !== -1) return i;
  }
  return header.findIndex((h) => h.includes('权重') || h.includes('分值'));
}

export interface PaymentTableOptions {
  /** The weight column's header, when it has another name than the usual ones. */
  weightsColumn?: string;
}

/**
 * Parse a payment-table CSV. Throws a PaymentTableError naming the columns the header has when
 * the weight column is not found, or the line when a row cannot be read.
 */
export function parsePaymentTable(name: string, text: string, options: PaymentTableOptions = {}): PaymentTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = parseQuoted(lines[0] ?? '').fields.map((h) => h.trim());
  const named = header.findIndex((h) => drgColumnName.test(h));
  const drgColumn = named === -1 ? 0 : named;
  const nameColumn = header.findIndex((h, i) => i !== drgColumn && h.includes('名称'));
  const rwColumn = weightColumnOf(header, options.weightsColumn);
  if (rwColumn === -1 || rwColumn === drgColumn) {
    const seen = header.length > 0 && header.some((h) => h !== '') ? header.map((h) => `"${h}"`).join(', ') : 'none (the file is empty)';
    const wanted = options.weightsColumn !== undefined ? `column "${options.weightsColumn}" (the policy's weightsColumn)` : `weight column (${weightColumnNames.join(', ')}, or one named with 权重 or 分值)`;
    throw new PaymentTableError(`the payment table ${name} has no ${wanted}; its columns are ${seen}`, 'weight-column');
  }
  const standardIndexes = header.map((h, i) => (h.includes('支付标准') ? i : -1)).filter((i) => i !== -1);
  const standardColumns = standardIndexes.map((i) => describeStandard(header[i]!));
  const rows: PaymentTableRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = parseQuoted(lines[i]!).fields.map((c) => c.trim());
    const drg = cells[drgColumn] ?? '';
    if (drg === '') throw new PaymentTableError(`${name} line ${i + 1}: no DRG code in the column "${header[drgColumn]}"`, 'row');
    rows.push({
      drg,
      name: nameColumn === -1 ? '' : (cells[nameColumn] ?? ''),
      rw: number(cells[rwColumn], name, i + 1, header[rwColumn]!),
      standards: standardIndexes.map((c) => number(cells[c], name, i + 1, header[c]!)),
    });
  }
  return { name, weightColumn: header[rwColumn]!, drgColumn: header[drgColumn]!, standardColumns, rows };
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

/**
 * A number cell: blank, or a note in words with no digit (北京's 按项目据实支付 "paid by item at
 * cost"), is no number — such a group has no weight and is paid by item; a cell with digits that
 * is not a number (a typo) is an error naming the line.
 */
function number(cell: string | undefined, name: string, line: number, column: string): number | null {
  if (cell === undefined || cell === '' || !/\d/.test(cell)) return null;
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new PaymentTableError(`${name} line ${line}: ${column} "${cell}" is not a number`, 'row');
  return value;
}

/**
 * A group code a grouper can give: a letter, then 2–5 letters or digits — national (`BR21`),
 * local (`HJ1B`, `RC12`, `AA1`) and ambiguous (`FQY`) groups; not the rows cities add for
 * ungrouped cases (`0000`, `0`, `000P`).
 */
const groupCode = /^[A-Z][A-Z0-9]{2,5}$/;

/** The groups of the table with a positive RW, as a map DRG → RW (ambiguous groups included: some cities weight them). */
export function relativeWeights(table: PaymentTable): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of table.rows) if (row.rw !== null && row.rw > 0 && groupCode.test(row.drg)) out.set(row.drg, row.rw);
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
