/**
 * Reading a monthly series from `month,value` CSV rows (months "YYYY-MM", consecutive, oldest
 * first; an optional header row `month,value`). Errors name the line. Pure: the rows come from
 * models/text/csv.ts over whatever stream the adapter opened.
 */
import type { CsvRow } from '../text/csv.ts';
import { formatMonth, parseMonth, type MonthlySeries } from './forecast.ts';

/** An input problem, with the 1-based line it was found on (0 when it concerns the whole input). */
export class SeriesError extends Error {
  constructor(
    readonly lineNumber: number,
    detail: string,
  ) {
    super(lineNumber > 0 ? `line ${lineNumber}: ${detail}` : detail);
    this.name = 'SeriesError';
  }
}

/** Collect the rows into a consecutive monthly series, or throw SeriesError naming the line. */
export async function readMonthlySeries(rows: AsyncIterable<CsvRow>): Promise<MonthlySeries> {
  let start: number | null = null;
  let previous: number | null = null;
  const values: number[] = [];
  let first = true;
  for await (const row of rows) {
    const { lineNumber, fields } = row;
    if (row.error) throw new SeriesError(lineNumber, row.error);
    const isHeader = first && fields[0]?.trim().toLowerCase() === 'month';
    first = false;
    if (isHeader) {
      if (fields.length !== 2 || fields[1]?.trim().toLowerCase() !== 'value') throw new SeriesError(lineNumber, 'the header must be "month,value"');
      continue;
    }
    if (fields.length !== 2) throw new SeriesError(lineNumber, `expected 2 fields (month,value), found ${fields.length}`);
    const monthText = fields[0]!.trim();
    const valueText = fields[1]!.trim();
    const month = parseMonth(monthText);
    if (month === null) throw new SeriesError(lineNumber, `month "${monthText}" is not a month written YYYY-MM`);
    const value = Number(valueText);
    if (valueText === '' || !Number.isFinite(value)) throw new SeriesError(lineNumber, `value "${valueText}" is not a number`);
    if (previous !== null && month !== previous + 1) {
      const expected = formatMonth(previous + 1);
      const why = month <= previous ? 'months must be in increasing order without repeats' : 'months must be consecutive, without gaps';
      throw new SeriesError(lineNumber, `month ${monthText} follows ${formatMonth(previous)}; expected ${expected} (${why})`);
    }
    if (start === null) start = month;
    previous = month;
    values.push(value);
  }
  if (start === null) throw new SeriesError(0, 'the input has no data rows (expected lines "YYYY-MM,value")');
  return { start: formatMonth(start), values };
}
