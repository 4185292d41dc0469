/**
 * Aggregates of the cases lake for the console's overview and the monthly forecast job: cases
 * and cost by discharge month, the in-group rate (入组率) and CMI by hospital. Reads the lake's
 * year partitions (`cases/year=/month=/hospital=/…jsonl.gz`), keeping the latest version of each
 * listId as every lake reader does. CMI uses the service's payment table (the same RW each case
 * answer carries). One year of a city (a few hundred thousand cases) reads in seconds; a province
 * is the forecast job's business (it runs monthly with a 10-minute budget), not a page's.
 */
import type { ObjectStore } from '../../models/ports.ts';
import { config } from './config.ts';
import * as k from './keys.ts';
import { latestLakeLines } from './lake-reader.ts';

interface LakeCase {
  listId: string;
  hospitalId: string;
  dischargeDate: string;
  totalCost?: number;
  ingestedAt: string;
  group?: LakeGroup;
}

/** A lake line's stored group, with the scheme and pack that made it (absent on lines written before schemes were recorded). */
export interface LakeGroup {
  status: 'grouped' | 'ambiguous' | 'ungroupable';
  drg: string | null;
  scheme?: string;
  packHash?: string;
}

export interface HospitalSummary {
  hospitalId: string;
  cases: number;
  grouped: number;
  ambiguous: number;
  ungroupable: number;
  /** (grouped + ambiguous) / cases: cases that reached a DRG. */
  inGroupRate: number;
  /** Σ RW / cases with an RW in the payment table (null when none has). */
  cmi: number | null;
  totalCost: number;
}

export interface LakeSummary {
  /** Months (YYYY-MM) with cases, ascending, with cases and total cost. */
  months: { month: string; cases: number; totalCost: number }[];
  hospitals: HospitalSummary[];
  totals: { cases: number; inGroupRate: number; cmi: number | null; totalCost: number };
}

/** Years (YYYY) that have partitions in the lake. */
export async function lakeYears(objects: ObjectStore): Promise<string[]> {
  const years = new Set<string>();
  for (const key of await objects.list(config().LAKE_BUCKET, 'cases/')) {
    const p = k.parseLakeKey(key);
    if (p) years.add(p.year);
  }
  return [...years].sort();
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Cases, in-group rate and CMI per hospital and month. `weightOf` gives a stored group its
 * relative weight — from the table of the scheme that grouped it (GET /v1/overview) — or none
 * (no CMI).
 */
export async function summariseLake(objects: ObjectStore, options: { years: string[]; hospitalId?: string; weightOf?: (group: LakeGroup & { drg: string }) => number | null }): Promise<LakeSummary> {
  const keys: string[] = [];
  for (const year of options.years) {
    for (const key of await objects.list(config().LAKE_BUCKET, k.lakeYearPrefix(year))) {
      const p = k.parseLakeKey(key);
      if (p && (options.hospitalId === undefined || p.hospitalId === options.hospitalId)) keys.push(key);
    }
  }
  const latest = await latestLakeLines<LakeCase>(objects, keys);
  const months = new Map<string, { cases: number; totalCost: number }>();
  const hospitals = new Map<string, HospitalSummary & { rwSum: number; rwCases: number }>();
  for (const c of latest) {
    const month = c.dischargeDate.slice(0, 7);
    const m = months.get(month) ?? { cases: 0, totalCost: 0 };
    m.cases++;
    m.totalCost += c.totalCost ?? 0;
    months.set(month, m);
    let h = hospitals.get(c.hospitalId);
    if (!h) {
      h = { hospitalId: c.hospitalId, cases: 0, grouped: 0, ambiguous: 0, ungroupable: 0, inGroupRate: 0, cmi: null, totalCost: 0, rwSum: 0, rwCases: 0 };
      hospitals.set(c.hospitalId, h);
    }
    h.cases++;
    h.totalCost += c.totalCost ?? 0;
    const status = c.group?.status ?? 'ungroupable';
    h[status]++;
    const rw = c.group?.drg && options.weightOf ? options.weightOf(c.group as LakeGroup & { drg: string }) : null;
    if (rw !== null) {
      h.rwSum += rw;
      h.rwCases++;
    }
  }
  const list = [...hospitals.values()].sort((a, b) => a.hospitalId.localeCompare(b.hospitalId)).map(({ rwSum, rwCases, ...h }) => ({
    ...h,
    inGroupRate: h.cases === 0 ? 0 : round((h.grouped + h.ambiguous) / h.cases, 4),
    cmi: rwCases === 0 ? null : round(rwSum / rwCases, 4),
    totalCost: round(h.totalCost, 2),
  }));
  const all = [...hospitals.values()];
  const cases = all.reduce((s, h) => s + h.cases, 0);
  const rwCases = all.reduce((s, h) => s + h.rwCases, 0);
  return {
    months: [...months.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([month, m]) => ({ month, cases: m.cases, totalCost: round(m.totalCost, 2) })),
    hospitals: list,
    totals: {
      cases,
      inGroupRate: cases === 0 ? 0 : round(all.reduce((s, h) => s + h.grouped + h.ambiguous, 0) / cases, 4),
      cmi: rwCases === 0 ? null : round(all.reduce((s, h) => s + h.rwSum, 0) / rwCases, 4),
      totalCost: round(all.reduce((s, h) => s + h.totalCost, 0), 2),
    },
  };
}
