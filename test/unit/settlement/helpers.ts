/** Shared fixtures of the settlement tests: a tiny code set, a valid base record, chunking. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvField } from '../../../models/text/csv.ts';
import { csvHeader } from '../../../models/settlement/readers.ts';
import type { CodeSets } from '../../../models/settlement/codes.ts';

export const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/settlement');

/** A small code set: Z95.200 is a grey diagnosis, 38.6800 a grey procedure. */
export function miniCodeSets(): CodeSets {
  return {
    diagnoses: new Map([['K35.900', '急性阑尾炎'], ['A01.000', '伤寒'], ['Z95.200', '假体心脏瓣膜状态'], ['P07.100', '低出生体重'], ['E11.900', '2型糖尿病']]),
    procedures: new Map([['47.0900', '阑尾切除术'], ['47.0100', '腹腔镜下阑尾切除术'], ['38.6800', '其他切除术']]),
    greyDiagnoses: new Set(['Z95.200']),
    greyProcedures: new Set(['38.6800']),
  };
}

/** A record valid in both modes with `miniCodeSets()`. */
export function baseRecord(): Record<string, unknown> {
  return {
    listId: 'L-0001',
    hospitalId: 'H001',
    sex: 'M',
    ageYears: 34,
    admissionDate: '2024-03-01',
    dischargeDate: '2024-03-05',
    lengthOfStay: 4,
    dischargeDisposition: '1',
    principalDiagnosis: 'K35.900',
    secondaryDiagnoses: ['E11.900'],
    procedures: ['47.0900'],
    totalCost: 8000,
    costs: { bed: 400, surgery: 3000, westernDrugs: 2599.99, materials: 2000.01 },
  };
}

/** Yield `text` as chunks of the given sizes (cycled), as strings or UTF-8 bytes. */
export async function* chunked(text: string | Uint8Array, sizes: number[], asBytes = true): AsyncGenerator<Uint8Array | string> {
  const data = typeof text === 'string' && asBytes ? new TextEncoder().encode(text) : text;
  let at = 0;
  let k = 0;
  while (at < data.length) {
    const size = Math.max(1, sizes[k++ % sizes.length]!);
    yield data.slice(at, at + size);
    at += size;
  }
}

/** Collect an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Write records as CSV with the standard header (lists joined by `|`, costs per category). */
export function toCsv(records: readonly Record<string, unknown>[]): string {
  const header = csvHeader();
  const lines = [header.join(',')];
  for (const record of records) {
    const costs = (record.costs ?? {}) as Record<string, number>;
    lines.push(header.map((column) => {
      if (column.startsWith('costs.')) return csvField(costs[column.slice(6)]);
      const value = record[column];
      if (Array.isArray(value)) return csvField(value.join('|'));
      return csvField(value as string | number | undefined);
    }).join(','));
  }
  return lines.join('\n') + '\n';
}
