/**
 * One truth per case, on real dynalite + s3rver: whatever sequence of sends, corrections that
 * move a case to another month or year, identical re-sends, concurrent re-sends of one listId
 * with different content and replays of earlier batches, every aggregate — simulation partition
 * inputs, overview, supervision case table, forecast series, data quality — holds each
 * (hospital, listId) once, at the version the table holds, and the lake's latest version of
 * each case is the table's.
 */
import fc from 'fast-check';
import { devCasesWithMadeUpDetails } from '../../infra/local/demo.ts';
import type { ObjectStore } from '../../models/ports.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalService } from './storage.ts';

const m = useLocalService();

/** Discharge months the sends choose from: two in 2023, two in 2024. */
const months = ['2023-03', '2023-10', '2024-02', '2024-07'] as const;
const years = ['2023', '2024'];

interface Content {
  month: number;
  cost: number;
}

/** A valid settlement record of `hospitalId` discharged on the 15th of `months[c.month]`. */
function record(hospitalId: string, listId: string, c: Content): string {
  const discharge = `${months[c.month]}-15`;
  const admission = new Date(Date.parse(`${discharge}T00:00:00Z`) - 5 * 86_400_000).toISOString().slice(0, 10);
  return JSON.stringify({
    listId, hospitalId, sex: 'F', ageYears: 41, lengthOfStay: 5, dischargeDisposition: '1', principalDiagnosis: 'S05.104', secondaryDiagnoses: [],
    procedures: ['33.4100x002', '03.5903'], admissionDate: admission, dischargeDate: discharge, totalCost: 1000 + c.cost * 100,
  });
}

let clock = Date.parse('2026-01-01T00:00:00Z');
const ingest = (hospitalId: string, lines: string[]) => m.ingest.ingestBatch({
  principal: { role: 'hospital', hospitalId }, body: lines.join('\n'), contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: new Date((clock += 1000)), ...m.deps.awsDeps,
});

interface Truth {
  hospitalId: string;
  listId: string;
  version: number;
  month: string;
  cost: number;
}

/** The table's view of the cases `ids` of `hospitalId`. */
async function tableTruth(hospitalId: string, ids: Iterable<string>): Promise<Truth[]> {
  const out: Truth[] = [];
  for (const listId of ids) {
    const c = await m.repo.dynamoCaseStore.getCase(hospitalId, listId);
    if (c) out.push({ hospitalId, listId, version: c.version, month: c.record.dischargeDate!.slice(0, 7), cost: c.record.totalCost ?? 0 });
  }
  return out;
}

const bucket = (): string => process.env.LAKE_BUCKET!;
const sum = (xs: number[]): number => Math.round(xs.reduce((s, x) => s + x, 0) * 100) / 100;

/** Every aggregate against the table: `truth` holds every case of `hospitalId`; `everyone` every case of the lake. */
async function checkAggregates(hospitalId: string, truth: Truth[], everyone: Truth[]): Promise<void> {
  const byId = new Map(truth.map((t) => [t.listId, t]));
  const keys: string[] = [];
  for (const y of years) for (const key of await m.objects.s3ObjectStore.list(bucket(), m.keys.lakeYearPrefix(y))) if (m.keys.parseLakeKey(key)?.hospitalId === hospitalId) keys.push(key);

  // The lake's latest version of each case is the table's.
  const latest = await m.reader.latestLakeLines<{ listId: string; hospitalId: string; ingestedAt: string; version: number; totalCost: number; dischargeDate: string }>(m.objects.s3ObjectStore, keys);
  expect(latest.map((l): [string, number, number, string] => [l.listId, l.version, l.totalCost, l.dischargeDate.slice(0, 7)]).sort()).toEqual(truth.map((t): [string, number, number, string] => [t.listId, t.version, t.cost, t.month]).sort());

  // Simulation: partition by partition, as the state machine's Map reads them.
  const partitions = [...new Set(keys.map((k) => { const p = m.keys.parseLakeKey(k)!; return `${p.year}-${p.month}-${p.hospitalId}`; }))];
  const simulated: [string, number, number][] = [];
  for (const p of partitions) {
    const table = await m.sim.readPartition(m.objects.s3ObjectStore, p, 'qy');
    for (let i = 0; i < table.size; i++) simulated.push([table.listIds[i]!, table.year[i] ?? 0, table.cost[i] ?? 0]);
  }
  expect(simulated.sort()).toEqual(truth.map((t): [string, number, number] => [t.listId, Number(t.month.slice(0, 4)), t.cost]).sort());

  // Supervision: the period's partitions, one at a time, as `runSupervision` reads them.
  const { partitions: period } = await m.sup.partitionsOf(m.objects.s3ObjectStore, { from: '2023-01', to: '2024-12', hospitalIds: [hospitalId] });
  const supervised: [string, string, number][] = [];
  for (const list of period.values()) for (const r of await m.sup.readPartition(m.objects.s3ObjectStore, list)) supervised.push([r.listId, r.dischargeDate!.slice(0, 7), r.totalCost ?? 0]);
  expect(supervised.sort()).toEqual(truth.map((t): [string, string, number] => [t.listId, t.month, t.cost]).sort());

  // Overview, year by year.
  for (const y of years) {
    const s = await m.summary.summariseLake(m.objects.s3ObjectStore, { years: [y], hospitalId });
    const expected = months.filter((mm) => mm.startsWith(y)).map((mm) => ({ month: mm, cases: truth.filter((t) => t.month === mm).length, totalCost: sum(truth.filter((t) => t.month === mm).map((t) => t.cost)) })).filter((x) => x.cases > 0);
    expect(s.months).toEqual(expected);
    expect(s.totals.cases).toBe(truth.filter((t) => t.month.startsWith(y)).length);
  }

  // Forecast series (the whole lake: every hospital).
  const history = await m.forecast.expenditureHistory(m.objects.s3ObjectStore);
  for (const h of history) expect(h.value).toBeCloseTo(sum(everyone.filter((t) => t.month === h.month).map((t) => t.cost)), 2);
  if (everyone.length > 0) expect(history[history.length - 1]?.month).toBe(everyone.map((t) => t.month).sort().at(-1));

  // Data quality: accepted cases of each month, once each.
  for (const mm of months) {
    const q = await m.repo.qualityCounters(hospitalId, mm);
    expect(q.accepted).toBe(truth.filter((t) => t.month === mm).length);
  }
  expect(byId.size).toBe(truth.length);
}

type Op =
  | { kind: 'send'; cases: { id: number; c: Content }[] }
  | { kind: 'resend' }
  | { kind: 'concurrent'; id: number; a: Content; b: Content }
  | { kind: 'replay'; which: number };

const content = fc.record({ month: fc.integer({ min: 0, max: months.length - 1 }), cost: fc.integer({ min: 0, max: 3 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), cases: fc.array(fc.record({ id: fc.integer({ min: 0, max: 3 }), c: content }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resend' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('concurrent' as const), id: fc.integer({ min: 0, max: 3 }), a: content, b: content }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const), which: fc.nat() }) },
);

describe('one truth per case on dynalite + s3rver', () => {
  const everyone = new Map<string, Truth>();
  let run = 0;

  it('every aggregate counts each case once, at the table\'s version, under random sends, moves, re-sends, races and replays', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 7 }), async (ops) => {
      const hospitalId = `HP${String(++run).padStart(3, '0')}`;
      const listId = (id: number): string => `${hospitalId}-L${id}`;
      const ids = new Set<string>();
      const batches: string[] = [];
      /** The last batch sent, while nothing has changed its cases since (a re-send of it must change nothing). */
      let last: { lines: string[]; distinct: boolean } | null = null;
      for (const o of ops) {
        if (o.kind === 'send') {
          last = { lines: o.cases.map((x) => record(hospitalId, listId(x.id), x.c)), distinct: new Set(o.cases.map((x) => x.id)).size === o.cases.length };
          for (const x of o.cases) ids.add(listId(x.id));
          batches.push((await ingest(hospitalId, last.lines)).batchId);
        } else if (o.kind === 'resend' && last) {
          // A batch naming one listId twice stores both versions, in order, each time it is sent.
          const before = await tableTruth(hospitalId, ids);
          const again = await ingest(hospitalId, last.lines);
          if (last.distinct) {
            expect(again.created + again.replaced).toBe(0);
            expect(await tableTruth(hospitalId, ids)).toEqual(before);
          }
        } else if (o.kind === 'concurrent') {
          last = null;
          const id = listId(o.id);
          ids.add(id);
          const before = (await tableTruth(hospitalId, [id]))[0];
          const [ra, rb] = await Promise.all([ingest(hospitalId, [record(hospitalId, id, o.a)]), ingest(hospitalId, [record(hospitalId, id, o.b)])]);
          batches.push(ra.batchId, rb.batchId);
          const after = (await tableTruth(hospitalId, [id]))[0]!;
          // The table keeps one of the two, with one version per distinct change.
          expect([o.a, o.b].some((c) => after.month === months[c.month] && after.cost === 1000 + c.cost * 100)).toBe(true);
          const changes = ra.created + ra.replaced + rb.created + rb.replaced;
          expect(after.version).toBe((before?.version ?? 0) + changes);
        } else if (o.kind === 'replay' && batches.length > 0) {
          const before = await tableTruth(hospitalId, ids);
          const r = await m.replay.handler({ scope: hospitalId, batchId: batches[o.which % batches.length]! });
          expect(r.created + r.replaced).toBe(0);
          expect(await tableTruth(hospitalId, ids)).toEqual(before);
        }
      }
      const truth = await tableTruth(hospitalId, ids);
      for (const t of truth) everyone.set(`${t.hospitalId}|${t.listId}`, t);
      await checkAggregates(hospitalId, truth, [...everyone.values()]);
    }), { numRuns: 12, seed: 20261204, endOnFailure: true });
  }, 240_000);
});

/** `line` discharged on `discharge` instead, its admission moved with it (same length of stay). */
function moved(line: string, discharge: string, totalCost?: number): string {
  const r = JSON.parse(line) as { lengthOfStay: number; admissionDate: string; dischargeDate: string; totalCost: number };
  const admission = new Date(Date.parse(`${discharge}T00:00:00Z`) - r.lengthOfStay * 86_400_000).toISOString().slice(0, 10);
  return JSON.stringify({ ...r, admissionDate: admission, dischargeDate: discharge, ...(totalCost !== undefined ? { totalCost } : {}) });
}

async function simulate(id: string, year: number): Promise<{ totals: { cases: number; totalCost: number } }> {
  const now = new Date().toISOString();
  await m.repo.putJob({ id, status: 'queued', createdAt: now, updatedAt: now, request: {} });
  await m.objects.s3ObjectStore.put(bucket(), m.keys.simulationRequestKey(id), JSON.stringify({ policy: { method: 'drg', referenceYears: [year], settlementYear: year, baseRate: 20_000 }, hospitalIds: ['HOSP001'] }));
  await m.sim.runSimulationInProcess(m.deps.awsDeps, id);
  const job = await m.repo.getJob(id);
  expect(job?.error).toBeUndefined();
  return JSON.parse(Buffer.from((await m.objects.s3ObjectStore.get(bucket(), job!.resultKey!))!).toString()) as { totals: { cases: number; totalCost: number } };
}

describe('corrections and races (regressions)', () => {
  let lines: string[] = [];
  let parsed: { listId: string; dischargeDate: string; totalCost: number }[] = [];
  beforeAll(() => {
    // 199 of HOSP001's dev cases that ingest accepts.
    const { codeSets } = m.reference.reference();
    lines = devCasesWithMadeUpDetails().filter((l) => l.includes('"HOSP001"') && m.validate.validateRecord(JSON.parse(l), { mode: 'ingest', codeSets }).ok).slice(0, 199);
    expect(lines).toHaveLength(199);
    parsed = lines.map((l) => JSON.parse(l) as { listId: string; dischargeDate: string; totalCost: number });
  });
  const at = (d: string) => ({ principal: { role: 'hospital' as const, hospitalId: 'HOSP001' }, contentType: 'application/x-ndjson', format: 'jsonl' as const, receivedAt: new Date(d), ...m.deps.awsDeps });

  it('a case corrected from March to October is paid once (199 stored = 199 paid); corrected into the next year, no longer in this year\'s', async () => {
    const first = await m.ingest.ingestBatch({ ...at('2026-06-10T08:00:00Z'), body: lines.join('\n') });
    expect(first.accepted).toBe(199);
    const i = parsed.findIndex((p) => p.dischargeDate.startsWith('2025-03'));
    const march = parsed[i]!;
    const october = await m.ingest.ingestBatch({ ...at('2026-06-11T08:00:00Z'), body: moved(lines[i]!, '2025-10-20', march.totalCost + 500) });
    expect(october).toMatchObject({ replaced: 1, created: 0 });
    const all = parsed.reduce((s, p) => s + p.totalCost, 0);
    const r1 = await simulate('truth-move-month', 2025);
    expect(r1.totals.cases).toBe(199);
    expect(r1.totals.totalCost).toBeCloseTo(all + 500, 2);
    const overview = await m.summary.summariseLake(m.objects.s3ObjectStore, { years: ['2025'], hospitalId: 'HOSP001' });
    expect(overview.totals.cases).toBe(199);

    const nextYear = await m.ingest.ingestBatch({ ...at('2026-06-12T08:00:00Z'), body: moved(lines[i]!, '2026-02-03') });
    expect(nextYear).toMatchObject({ replaced: 1 });
    const r2 = await simulate('truth-move-year', 2025);
    expect(r2.totals.cases).toBe(198);
    expect(r2.totals.totalCost).toBeCloseTo(all - march.totalCost, 2);
    const stored = await m.repo.dynamoCaseStore.getCase('HOSP001', march.listId);
    expect(stored).toMatchObject({ version: 3, record: { dischargeDate: '2026-02-03' } });
    expect((await m.repo.qualityCounters('HOSP001', '2025-03')).accepted).toBe(parsed.filter((p) => p.dischargeDate.startsWith('2025-03')).length - 1);
    expect((await m.repo.qualityCounters('HOSP001', '2025-10')).accepted).toBe(parsed.filter((p) => p.dischargeDate.startsWith('2025-10')).length);
    expect((await m.repo.qualityCounters('HOSP001', '2026-02')).accepted).toBe(1);
  }, 120_000);

  it('two versions of one listId sent at the same moment: the table and the lake keep the same one', async () => {
    for (let n = 0; n < 5; n++) {
      const base = moved(lines[n]!, '2025-06-10');
      const listId = `RACE-${n}`;
      const a = JSON.stringify({ ...JSON.parse(base), listId, totalCost: 1111 });
      const b = JSON.stringify({ ...JSON.parse(moved(lines[n]!, '2025-08-10')), listId, totalCost: 2222 });
      const [ra, rb] = await Promise.all([m.ingest.ingestBatch({ ...at('2026-06-13T08:00:00Z'), body: a }), m.ingest.ingestBatch({ ...at('2026-06-13T08:00:00Z'), body: b })]);
      expect(ra.created + rb.created).toBe(1);
      expect(ra.replaced + rb.replaced).toBe(1);
      const stored = (await m.repo.dynamoCaseStore.getCase('HOSP001', listId))!;
      expect(stored.version).toBe(2);
      const paid: number[] = [];
      for (const partition of ['2025-06-HOSP001', '2025-08-HOSP001']) {
        const t = await m.sim.readPartition(m.objects.s3ObjectStore, partition, 'qy');
        for (let i = 0; i < t.size; i++) if (t.listIds[i] === listId) paid.push(t.cost[i]!);
      }
      expect(paid).toEqual([stored.record.totalCost]);
    }
  }, 120_000);

  it('a batch that stopped between the table and the lake is completed by its replay', async () => {
    const line = moved(lines[20]!, '2025-04-05');
    const listId = (JSON.parse(line) as { listId: string }).listId;
    const before = (await m.repo.dynamoCaseStore.getCase('HOSP001', listId))!;
    // The lake refuses every write: the table is written, the lake is not.
    const broken: ObjectStore = { ...m.objects.s3ObjectStore, put: async (b, key, body, type) => {
      if (b === bucket()) throw new Error('lake unavailable');
      return m.objects.s3ObjectStore.put(b, key, body, type);
    } };
    const body = moved(line, '2025-11-05', 4321);
    await expect(m.ingest.ingestBatch({ ...at('2026-06-14T08:00:00Z'), body, ...m.deps.awsDeps, objects: broken })).rejects.toThrow('lake unavailable');
    expect((await m.repo.dynamoCaseStore.getCase('HOSP001', listId))?.version).toBe(before.version + 1);
    const batchId = m.ingest.batchIdOf('HOSP001', 'application/x-ndjson', body);
    expect((await m.repo.getBatch('HOSP001', batchId))?.status).toBe('received');
    const replayed = await m.replay.handler({ scope: 'HOSP001', batchId });
    expect(replayed).toMatchObject({ unchanged: 1, created: 0, replaced: 0 });
    expect((await m.repo.getBatch('HOSP001', batchId))?.status).toBe('processed');
    const where: string[] = [];
    for (const partition of [`${before.record.dischargeDate!.slice(0, 7)}-HOSP001`, '2025-11-HOSP001']) {
      const t = await m.sim.readPartition(m.objects.s3ObjectStore, partition, 'qy');
      for (let i = 0; i < t.size; i++) if (t.listIds[i] === listId) where.push(`${partition}:${t.cost[i]}`);
    }
    expect(where).toEqual(['2025-11-HOSP001:4321']);
  }, 120_000);
});
