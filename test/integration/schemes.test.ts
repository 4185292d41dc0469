/**
 * Schemes in the service over real dynalite and s3rver: ingest records the scheme and pack hash
 * that grouped each case (table item and lake line, with every field a local scheme splits on),
 * and a simulation that names a local scheme regroups the stored cases under it — a real case
 * moves to the group that scheme's own grouper gives it (`expected-<scheme>.jsonl`).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../../lib/reference.ts';
import { useLocalService } from './storage.ts';

const m = useLocalService();
const bucket = (): string => process.env.LAKE_BUCKET!;

/** The local-scheme dev cases, dated in 2025 for one hospital (their department, ICU hours and cost kept). */
function localSchemeCases(n: number, must: string): string[] {
  const lines = readFileSync(referencePath('dev-cases', 'local-schemes', 'cases.jsonl'), 'utf8').trim().split('\n');
  const chosen = [...lines.slice(0, n), lines.find((l) => l.includes(`"${must}"`))!];
  return chosen.map((line, i) => {
    const r = JSON.parse(line) as { lengthOfStay: number };
    const discharge = Date.UTC(2025, i % 12, 10 + (i % 15));
    const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
    return JSON.stringify({ ...r, hospitalId: 'HOSP001', admissionDate: iso(discharge - r.lengthOfStay * 86_400_000), dischargeDate: iso(discharge) });
  });
}

function expectedGroup(scheme: string, listId: string): { status: string; drg: string | null } {
  const line = readFileSync(referencePath('dev-cases', 'local-schemes', `expected-${scheme}.jsonl`), 'utf8').split('\n').find((l) => l.includes(`"${listId}"`))!;
  return JSON.parse(line) as { status: string; drg: string | null };
}

interface Result {
  scheme: { id: string | null; packHash: string | null; regrouped: boolean; stored?: { id: string | null; packHash: string | null; cases: number }[] };
  totals: { cases: number };
  weights: { groups: { drg: string; cases: number }[] };
}

async function simulate(id: string, request: object): Promise<Result> {
  const now = new Date().toISOString();
  await m.repo.putJob({ id, status: 'queued', createdAt: now, updatedAt: now, request: {} });
  await m.objects.s3ObjectStore.put(bucket(), m.keys.simulationRequestKey(id), JSON.stringify({ policy: { method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 15_000 }, ...request }));
  await m.sim.runSimulationInProcess(m.deps.awsDeps, id);
  const job = await m.repo.getJob(id);
  expect(job?.error).toBeUndefined();
  expect(job?.status).toBe('succeeded');
  return JSON.parse(Buffer.from((await m.objects.s3ObjectStore.get(bucket(), job!.resultKey!))!).toString()) as Result;
}

describe('schemes in the service', () => {
  // Foshan 2022 splits FR1 (acute myocardial infarction) on ICU hours: this case (121 ICU hours)
  // is FR10 under Foshan's own grouper, FR19 under the national 1.1.
  const moved = 'L31-001407';

  it('ingest records the scheme and pack hash with each case (item and lake line), and the lake line keeps the fields a local scheme splits on', async () => {
    const lines = localSchemeCases(80, moved);
    const result = await m.ingest.ingestBatch({ principal: { role: 'admin' }, body: lines.join('\n'), contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: new Date('2026-01-15T10:00:00Z'), ...m.deps.awsDeps });
    expect(result.accepted).toBeGreaterThan(40);
    const national = m.reference.schemeEntries().find((s) => s.id === 'chs-drg-1.1')!;
    const item = await m.repo.dynamoCaseStore.getCase('HOSP001', moved);
    expect(item?.grouping).toMatchObject({ status: 'grouped', drg: expectedGroup('chs_drg_11', moved).drg, scheme: 'chs-drg-1.1', packHash: national.packHash });

    const keys = await m.objects.s3ObjectStore.list(bucket(), 'cases/');
    const lakeLines = (await Promise.all(keys.map(async (k) => gunzipSync((await m.objects.s3ObjectStore.get(bucket(), k))!).toString('utf8').trim().split('\n')))).flat().map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = lakeLines.find((l) => l.listId === moved)!;
    expect(line).toMatchObject({ icuHours: 121, department: '内科', dischargeDisposition: '1', lengthOfStay: 19, totalCost: 10720.42, group: { drg: 'FR19', scheme: 'chs-drg-1.1', packHash: national.packHash } });
    expect(lakeLines.filter((l) => l.tombstone !== true).every((l) => (l.group as { scheme?: string }).scheme === 'chs-drg-1.1')).toBe(true);
  });

  it('a simulation naming a local scheme regroups every stored case under it: the case moves to the scheme\'s own group; without one the stored groups are used and counted by scheme', async () => {
    const foshan = m.reference.schemeEntries().find((s) => s.id === 'foshan_2022')!;
    const regrouped = await simulate('sim-scheme-foshan', { scheme: 'foshan_2022' });
    expect(regrouped.scheme).toEqual({ id: 'foshan_2022', packHash: foshan.packHash, regrouped: true });
    expect(expectedGroup('foshan_2022', moved)).toMatchObject({ status: 'grouped', drg: 'FR10' });
    expect(regrouped.weights.groups.find((g) => g.drg === 'FR10')?.cases).toBeGreaterThanOrEqual(1);

    const stored = await simulate('sim-scheme-stored', {});
    expect(stored.totals.cases).toBe(regrouped.totals.cases);
    const national = m.reference.schemeEntries().find((s) => s.id === 'chs-drg-1.1')!;
    expect(stored.scheme).toEqual({ id: null, packHash: null, regrouped: false, stored: [{ id: 'chs-drg-1.1', packHash: national.packHash, cases: stored.totals.cases }] });
    expect(stored.weights.groups.find((g) => g.drg === 'FR10')).toBeUndefined();
    expect(stored.weights.groups.find((g) => g.drg === 'FR19')?.cases).toBeGreaterThanOrEqual(1);
  });
});
