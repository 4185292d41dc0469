/**
 * One contract, two implementations: the same assertions run against the in-memory adapters
 * (test/helpers/memory-stores.ts, which the handler unit tests use) and the DynamoDB/S3 adapters
 * on dynalite and s3rver. Whatever the handler tests learn from the memory stores holds for the
 * real ones.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ports, StoredCase } from '../../models/ports.ts';
import { memoryPorts } from '../helpers/memory-stores.ts';
import { startStorage, type Storage } from './storage.ts';

let storage: Storage | undefined;
let real: Ports;

beforeAll(async () => {
  storage = await startStorage();
  real = (await import('../../lambdas/shared/deps.ts')).awsDeps;
});
afterAll(async () => storage?.stop());

const implementations: [string, () => Ports][] = [
  ['in-memory adapters', () => memoryPorts()],
  ['DynamoDB/S3 adapters on dynalite and s3rver', () => real],
];

function aCase(hospitalId: string, listId: string, dischargeDate: string, drg: string | null, contentHash = `h-${listId}`): Omit<StoredCase, 'version'> {
  return {
    hospitalId, listId,
    record: { listId, hospitalId, dischargeDate, admissionDate: dischargeDate, lengthOfStay: 3, totalCost: 1000, sex: 'F', ageYears: 40, principalDiagnosis: 'J18.900', secondaryDiagnoses: [], procedures: [] } as unknown as StoredCase['record'],
    grouping: { status: drg ? 'grouped' : 'ungroupable', mdc: drg ? 'E' : null, adrg: drg ? drg.slice(0, 3) : null, drg },
    trace: [],
    contentHash,
    batchId: 'b1',
    ingestedAt: '2026-01-15T10:00:00.000Z',
  };
}

const errorCode = async (promise: Promise<unknown>): Promise<string | undefined> => promise.then(() => undefined, (e: { code?: string }) => e.code);

describe.each(implementations)('ports contract: %s', (_name, make) => {
  let ports: Ports;
  /** Every key of this run is unique, so both runs can share one dynalite table. */
  let run: string;
  beforeAll(() => {
    ports = make();
    run = randomUUID().slice(0, 8);
  });

  it('cases: putCase is idempotent by (hospital, listId) and keeps the replaced versions', async () => {
    const h = `H${run}`;
    expect(await ports.cases.putCase(aCase(h, 'L1', '2025-03-04', 'ES31'))).toBe('created');
    expect(await ports.cases.putCase(aCase(h, 'L1', '2025-03-04', 'ES31'))).toBe('unchanged');
    expect(await ports.cases.putCase({ ...aCase(h, 'L1', '2025-04-04', 'ES31', 'h-2'), ingestedAt: '2026-02-01T00:00:00.000Z' })).toBe('replaced');
    const stored = await ports.cases.getCase(h, 'L1');
    expect(stored).toMatchObject({ hospitalId: h, listId: 'L1', version: 2, contentHash: 'h-2', record: { dischargeDate: '2025-04-04' } });
    expect(await ports.cases.getCase(`other${run}`, 'L1')).toBeNull();
    const history = await ports.cases.caseHistory(h, 'L1');
    expect(history.map(({ version, contentHash, replacedAt }) => ({ version, contentHash, replacedAt }))).toEqual([{ version: 1, contentHash: 'h-L1', replacedAt: '2026-02-01T00:00:00.000Z' }]);
    expect(history[0]!.record.dischargeDate).toBe('2025-03-04');
  });

  it('cases: putCases gives putCase\'s outcomes, a listId repeated inside the batch included', async () => {
    const h = `B${run}`;
    await ports.cases.putCase(aCase(h, 'old', '2025-01-02', 'ES31'));
    await ports.cases.putCase(aCase(h, 'same', '2025-01-02', 'ES31'));
    const outcomes = await ports.cases.putCases([
      aCase(h, 'new', '2025-01-03', 'ES31'),
      aCase(h, 'old', '2025-01-02', 'ES31', 'changed'),
      aCase(h, 'same', '2025-01-02', 'ES31'),
      aCase(h, 'new', '2025-01-03', 'ES31', 'new-again'),
    ], 4);
    expect(outcomes).toEqual(['created', 'replaced', 'unchanged', 'replaced']);
    expect((await ports.cases.getCase(h, 'new'))?.version).toBe(2);
  });

  it('cases: pages in discharge order month by month, by hospital and by DRG; a foreign cursor is refused', async () => {
    const h = `P${run}`;
    const drg = `D${run}`;
    const dates = ['2025-01-05', '2025-01-20', '2025-02-01', '2025-02-10', '2025-02-11', '2025-04-30', '2025-06-01'];
    await ports.cases.putCases(dates.map((d, i) => aCase(h, `L${String(i).padStart(2, '0')}`, d, i % 2 === 0 ? drg : null)), 4);
    await ports.cases.putCase(aCase(`Q${run}`, 'X', '2025-02-02', drg));
    const all = async (query: Parameters<Ports['cases']['listCases']>[0]): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await ports.cases.listCases({ ...query, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(query.limit);
        seen.push(...page.items.map((c) => `${c.hospitalId}/${c.listId}`));
        cursor = page.cursor;
        if (!cursor) return seen;
      }
      throw new Error('no last page');
    };
    expect(await all({ hospitalId: h, from: '2025-01-01', to: '2025-05-31', limit: 2 })).toEqual(['L00', 'L01', 'L02', 'L03', 'L04', 'L05'].map((l) => `${h}/${l}`));
    expect(await all({ hospitalId: h, from: '2025-01-10', to: '2025-02-10', limit: 100 })).toEqual(['L01', 'L02', 'L03'].map((l) => `${h}/${l}`));
    expect(await all({ drg, from: '2025-01-01', to: '2025-12-31', limit: 1 })).toEqual([`${h}/L00`, `${h}/L02`, `${h}/L04`, `Q${run}/X`, `${h}/L06`]);
    expect(await all({ drg, hospitalId: h, from: '2025-02-01', to: '2025-12-31', limit: 10 })).toEqual([`${h}/L02`, `${h}/L04`, `${h}/L06`]);

    // The latest month of data (the cases route's default window ends there).
    expect(await ports.cases.latestMonth({ hospitalId: h }, '2026-12', 36)).toBe('2025-06');
    expect(await ports.cases.latestMonth({ hospitalId: h }, '2025-05', 36)).toBe('2025-04');
    expect(await ports.cases.latestMonth({ drg }, '2026-12', 36)).toBe('2025-06');
    expect(await ports.cases.latestMonth({ drg, hospitalId: `Q${run}` }, '2026-12', 36)).toBe('2025-02');
    expect(await ports.cases.latestMonth({ hospitalId: h }, '2026-12', 12)).toBeNull();
    expect(await ports.cases.latestMonth({ hospitalId: `none${run}` }, '2026-12', 24)).toBeNull();

    const first = await ports.cases.listCases({ hospitalId: h, from: '2025-01-01', to: '2025-05-31', limit: 1 });
    expect(first.cursor).toBeTypeOf('string');
    expect(await errorCode(ports.cases.listCases({ hospitalId: h, from: '2025-01-01', to: '2025-05-31', limit: 1, cursor: 'not-a-cursor' }))).toBe('malformed');
    expect(await errorCode(ports.cases.listCases({ hospitalId: `Q${run}`, from: '2025-01-01', to: '2025-05-31', limit: 1, cursor: first.cursor! }))).toBe('malformed');
  });

  it('objects: put, get (null when missing) and list by prefix in key order', async () => {
    const bucket = process.env.LAKE_BUCKET ?? 'payreform-lake';
    await ports.objects.put(bucket, `t/${run}/b.json`, '{"b":1}', 'application/json');
    await ports.objects.put(bucket, `t/${run}/a.bin`, new Uint8Array([0, 1, 255]));
    await ports.objects.put(bucket, `t/${run}x/c`, 'c');
    expect(Buffer.from((await ports.objects.get(bucket, `t/${run}/b.json`))!).toString()).toBe('{"b":1}');
    expect([...(await ports.objects.get(bucket, `t/${run}/a.bin`))!]).toEqual([0, 1, 255]);
    expect(await ports.objects.get(bucket, `t/${run}/missing`)).toBeNull();
    expect(await ports.objects.list(bucket, `t/${run}/`)).toEqual([`t/${run}/a.bin`, `t/${run}/b.json`]);
  });

  it('batches, quality counters and API keys', async () => {
    const batch = { scope: `S${run}`, batchId: 'b1', status: 'received' as const, rawKey: 'raw/x', contentType: 'application/json', receivedAt: '2026-01-15T10:00:00.000Z' };
    await ports.batches.put(batch);
    await ports.batches.put({ ...batch, status: 'processed', counts: { records: 3 } });
    expect(await ports.batches.get(batch.scope, 'b1')).toMatchObject({ ...batch, status: 'processed', counts: { records: 3 } });
    expect(await ports.batches.get(batch.scope, 'b2')).toBeNull();

    const h = `Q${run}`;
    const counters = { received: 3, accepted: 2, rejected: 1, reasons: { 'sex:invalid': 1 }, greyCodes: 0, warned: 1, missing: { costs: 2 } };
    await ports.quality.put(h, '2025-03', 'b1', counters);
    await ports.quality.put(h, '2025-03', 'b1', counters); // the same batch again: overwrites
    await ports.quality.put(h, '2025-03', 'b2', { ...counters, reasons: { 'sex:invalid': 1, 'age:missing': 1 } });
    await ports.quality.put(h, '2025-04', 'b3', counters);
    // Rejections add up over the batches; accepted cases are counted from the case store (none here), each once.
    expect(await ports.quality.forMonth(h, '2025-03')).toEqual({ batches: 2, received: 2, accepted: 0, rejected: 2, reasons: { 'sex:invalid': 2, 'age:missing': 1 }, greyCodes: 0, warned: 0, missing: {} });
    expect((await ports.quality.forMonth(h, '2025-05')).batches).toBe(0);

    await ports.apiKeys.put(`k${run}`, { role: 'hospital', hospitalId: 'HOSP001', label: 'dev' });
    await ports.apiKeys.put(`a${run}`, { role: 'analyst' });
    expect(await ports.apiKeys.get(`k${run}`)).toEqual({ role: 'hospital', hospitalId: 'HOSP001', label: 'dev' });
    expect(await ports.apiKeys.get(`a${run}`)).toEqual({ role: 'analyst' });
    expect(await ports.apiKeys.get(`none${run}`)).toBeNull();
  });

  it('simulation jobs: updates set only the given fields; a partition result counts once', async () => {
    const id = `sim-${run}`;
    await ports.simulations.put({ id, status: 'queued', createdAt: 't0', updatedAt: 't0', request: { year: 2025 } });
    await ports.simulations.update(id, { status: 'running', partitionsTotal: 4, partitionsDone: 0, casesRead: 0, error: undefined });
    expect(await ports.simulations.putPartitionResult(id, 'weights#2025-01-H1', null, 10)).toBe(1);
    expect(await ports.simulations.putPartitionResult(id, 'weights#2025-01-H1', null, 10)).toBeNull();
    expect(await ports.simulations.putPartitionResult(id, 'weights#2025-02-H1', { n: 1 }, 5)).toBe(2);
    expect(await ports.simulations.get(id)).toMatchObject({ id, status: 'running', createdAt: 't0', request: { year: 2025 }, partitionsTotal: 4, partitionsDone: 2, casesRead: 15 });
    expect(await ports.simulations.get(`none-${run}`)).toBeNull();
  });

  it('stress tests and forecasts: latest is the last that succeeded; alerts by month', async () => {
    const base = { createdAt: 't', scenario: { paths: 10 }, preset: null };
    await ports.stressTests.put({ id: `st1-${run}`, status: 'succeeded', result: { p: 1 }, ...base });
    await ports.stressTests.put({ id: `st2-${run}`, status: 'running', ...base });
    expect(await ports.stressTests.get(`st2-${run}`)).toEqual({ id: `st2-${run}`, status: 'running', ...base });
    expect((await ports.stressTests.get('latest'))?.id).toBe(`st1-${run}`);
    expect(await ports.stressTests.get(`none-${run}`)).toBeNull();

    const forecast = { createdAt: `t-${run}`, history: [{ month: '2025-01', value: 1 }], report: null, message: 'too short', alert: null };
    await ports.forecasts.put('2026-01', forecast);
    expect(await ports.forecasts.latest()).toEqual(forecast);
    const alert = { kind: 'forecast-over-budget' as const, month: `2026-${run}`, createdAt: 't', budget: 1, forecastTotal: 2, from: '2026-01', to: '2026-12', excess: 1, message: 'over' };
    await ports.forecasts.putAlert(alert);
    expect(await ports.forecasts.getAlert(alert.month)).toEqual(alert);
    expect(await ports.forecasts.getAlert(`none-${run}`)).toBeNull();
  });

  it('supervision runs: claimed once (queued or failed → running), updates, latest', async () => {
    const id = `sv-${run}`;
    const runItem = { id, status: 'queued' as const, trigger: 'api' as const, createdAt: 't0', updatedAt: 't0', request: { from: null, to: null, hospitalIds: null, ruleSet: { name: 'default', version: '1' } }, progress: { phase: 'queued' as const, partitionsDone: 0, partitionsTotal: null, casesRead: 0 } };
    await ports.supervisionRuns.put(runItem);
    expect(await ports.supervisionRuns.claim(id)).toBe(true);
    expect(await ports.supervisionRuns.claim(id)).toBe(false);
    expect(await ports.supervisionRuns.claim(`none-${run}`)).toBe(false);
    await ports.supervisionRuns.update(id, { status: 'failed', error: 'boom' });
    expect(await ports.supervisionRuns.get(id)).toMatchObject({ status: 'failed', error: 'boom', createdAt: 't0' });
    expect(await ports.supervisionRuns.claim(id)).toBe(true);
    const claimed = await ports.supervisionRuns.get(id);
    expect(claimed?.status).toBe('running');
    expect(claimed).not.toHaveProperty('error');
    await ports.supervisionRuns.setLatest(id);
    expect(await ports.supervisionRuns.latestId()).toBe(id);
  });

  it('DIP catalogue pointer: none, then the activated summary', async () => {
    const summary = { id: `c${run}`, key: `catalogs/dip/c${run}.json`, builtAt: 't', activatedAt: 't', policy: { name: null, version: '1' }, referenceYears: [2024], packets: 3, corePackets: 2, comprehensivePackets: 1, tieredPackets: 0, packetsWithAuxiliary: 0, cases: 10, coreCoverage: 0.9, riv: 1, rivWithAuxiliary: 1 };
    const before = await ports.dipCatalog.active();
    expect(before === null || before.id !== summary.id).toBe(true);
    await ports.dipCatalog.activate(summary);
    expect(await ports.dipCatalog.active()).toEqual(summary);
  });
});
