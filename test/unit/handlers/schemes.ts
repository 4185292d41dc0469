/** The schemes a deployment holds (lambdas/shared/reference.ts): the index, the default validated with the configuration, packs loaded lazily. */
import { admin, analyst, call, devLines, ensureReference, hosp1, ingestThrough, lakeBucket, putLakeLines, storedJson } from './harness.ts';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { referencePath } from '../../../lib/reference.ts';
import { listCasesHandler } from '../../../lambdas/http/cases-list.ts';
import { overviewHandler } from '../../../lambdas/http/overview.ts';
import { groupHandler } from '../../../lambdas/http/group.ts';
import { handler as listSchemes } from '../../../lambdas/http/schemes-list.ts';
import { createSimulationHandler } from '../../../lambdas/http/simulations-create.ts';
import { runSimulationInProcess } from '../../../lambdas/jobs/simulation.ts';
import * as k from '../../../lambdas/shared/keys.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';
import { config, resetConfig } from '../../../lambdas/shared/config.ts';
import { defaultSchemeId, loadedSchemeIds, reference, resetReference, schemeById, schemeEntries, schemeIds } from '../../../lambdas/shared/reference.ts';
import { ServiceError } from '../../../lambdas/shared/errors.ts';

describe('the schemes a deployment holds', () => {
  beforeAll(ensureReference);
  afterEach(() => {
    delete process.env.DEFAULT_SCHEME;
    delete process.env.HELD_SCHEMES;
    resetConfig();
    resetReference();
  });

  it('holds the national text and every local scheme by default, chs-drg-1.1 the default, and parses no pack to list them', () => {
    resetReference();
    expect(schemeIds()).toEqual(expect.arrayContaining(['chs-drg-1.1', 'chs_drg_10', 'chs_drg_11', 'suzhou_2023', 'taizhou_2022', 'zhejiang_2022']));
    expect(schemeIds()).toHaveLength(15);
    expect(defaultSchemeId()).toBe('chs-drg-1.1');
    const suzhou = schemeEntries().find((s) => s.id === 'suzhou_2023')!;
    expect(suzhou).toMatchObject({ name: 'Suzhou 2023', source: 'opendrg', drgs: 648, adrgs: 376, paymentTable: 'suzhou-2023' });
    expect(suzhou.packHash).toMatch(/^[0-9a-f]{64}$/);
    expect(loadedSchemeIds()).toEqual([]);
    expect(schemeById('suzhou_2023').pack.scheme).toBe('suzhou_2023');
    expect(loadedSchemeIds()).toEqual(['suzhou_2023']);
    // A Suzhou DRG gets Suzhou's own weight, never the national table's.
    expect(schemeById('suzhou_2023').weights).not.toBe(schemeById('chs-drg-1.1').weights);
  });

  it('DEFAULT_SCHEME chooses the default: reference() is then that scheme\'s pack and weights', () => {
    process.env.DEFAULT_SCHEME = 'suzhou_2023';
    resetConfig();
    resetReference();
    expect(defaultSchemeId()).toBe('suzhou_2023');
    expect(reference().scheme.id).toBe('suzhou_2023');
    expect(reference().pack.scheme).toBe('suzhou_2023');
    expect(reference().paymentTable).toBe('suzhou-2023');
  });

  it('an unknown default is one configuration error naming the ids held (with HELD_SCHEMES at cold start; without it, at the index)', () => {
    process.env.DEFAULT_SCHEME = 'suzhou';
    process.env.HELD_SCHEMES = 'chs-drg-1.1,suzhou_2023';
    resetConfig();
    expect(() => config()).toThrow('invalid service configuration: DEFAULT_SCHEME: the scheme "suzhou" is not held by this deployment; it holds chs-drg-1.1, suzhou_2023');
    delete process.env.HELD_SCHEMES;
    resetConfig();
    resetReference();
    expect(() => defaultSchemeId()).toThrow(/DEFAULT_SCHEME: the scheme "suzhou" is not held by this deployment; it holds chs-drg-1.1, beijing_2022, .*zhejiang_2022$/);
    process.env.DEFAULT_SCHEME = 'chs-drg-1.1';
    process.env.HELD_SCHEMES = 'chs-drg-1.1,lisbon_2024';
    resetConfig();
    resetReference();
    expect(() => schemeIds()).toThrow(/HELD_SCHEMES: the scheme "lisbon_2024" is not held by this deployment/);
  });

  it('HELD_SCHEMES narrows what is held; an id not held is a 422 naming the held ids', () => {
    process.env.HELD_SCHEMES = 'chs-drg-1.1,suzhou_2023';
    resetConfig();
    resetReference();
    expect(schemeIds()).toEqual(['chs-drg-1.1', 'suzhou_2023']);
    let thrown: unknown;
    try {
      schemeById('taizhou_2022', 'scheme');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServiceError);
    expect((thrown as ServiceError).code).toBe('invalid');
    expect((thrown as ServiceError).details).toEqual({ problems: [{ code: 'invalid-value', path: 'scheme', message: 'the scheme "taizhou_2022" is not held by this deployment; it holds chs-drg-1.1, suzhou_2023.' }] });
  });
});

/** A local-scheme dev case (department, ICU hours and cost filled in). */
function localCase(listId: string): Record<string, unknown> {
  const line = readFileSync(referencePath('dev-cases', 'local-schemes', 'cases.jsonl'), 'utf8').split('\n').find((l) => l.includes(`"${listId}"`))!;
  return JSON.parse(line) as Record<string, unknown>;
}

describe('schemes through the API', () => {
  beforeAll(ensureReference);

  it('GET /v1/schemes: any role sees the held schemes, their counts and pack hashes, and which one is the default', async () => {
    expect((await call(listSchemes, {})).status).toBe(401);
    const out = await call(listSchemes, { caller: hosp1 });
    expect(out.status).toBe(200);
    expect(out.body.default).toBe('chs-drg-1.1');
    expect(out.body.schemes).toHaveLength(schemeIds().length);
    expect(out.body.schemes.filter((s: { default: boolean }) => s.default).map((s: { id: string }) => s.id)).toEqual(['chs-drg-1.1']);
    expect(out.body.schemes.find((s: { id: string }) => s.id === 'zhejiang_2022')).toMatchObject({ name: 'Zhejiang 2022', drgs: 1006, adrgs: 376, source: 'opendrg', packFormat: 2, default: false, paymentTable: null });
    expect(out.body.schemes.find((s: { id: string }) => s.id === 'chs-drg-1.1')).toMatchObject({ drgs: 628, source: 'nhsa-text', paymentTable: 'linyi-2022', packHash: schemeById('chs-drg-1.1').entry.packHash });
  });

  it('POST /v1/group?scheme= groups under another held scheme, weighs by that scheme\'s own table and names the scheme and pack; one not held is 422 naming those held', async () => {
    const group = groupHandler(memoryPorts());
    // 121 ICU hours: Foshan 2022 splits FR1 on them (FR10), the national 1.1 does not (FR19).
    const body = [localCase('L31-001407')];
    const national = await call(group, { caller: hosp1, method: 'POST', body });
    expect(national.status).toBe(200);
    expect(national.body.scheme).toEqual({ id: 'chs-drg-1.1', packHash: schemeById('chs-drg-1.1').entry.packHash });
    expect(national.body.results[0]).toMatchObject({ status: 'grouped', drg: 'FR19', weight: 1.26 });
    const foshan = await call(group, { caller: hosp1, method: 'POST', query: { scheme: 'foshan_2022' }, body });
    expect(foshan.body.scheme).toEqual({ id: 'foshan_2022', packHash: schemeById('foshan_2022').entry.packHash });
    // Foshan's table is not held: no weight rather than the national table's.
    expect(foshan.body.results[0]).toMatchObject({ status: 'grouped', drg: 'FR10', weight: null });
    const suzhou = await call(group, { caller: analyst, method: 'POST', query: { scheme: 'suzhou_2023' }, body: [...body, localCase('L31-000018')] });
    expect(suzhou.body.results.map((r: { drg: string }) => r.drg)).toEqual(['FR19', 'XR3A']);
    // The same code FR19 weighs what Suzhou's table says, not Linyi's 1.26.
    expect(suzhou.body.results[0].weight).toBe(2.148626);

    const unknown = await call(group, { caller: admin, method: 'POST', query: { scheme: 'lisbon_2024' }, body });
    expect(unknown.status).toBe(422);
    expect(unknown.body.problems).toEqual([{ code: 'invalid-value', path: 'query.scheme', message: expect.stringMatching(/^the scheme "lisbon_2024" is not held by this deployment; it holds chs-drg-1\.1, beijing_2022, .*zhejiang_2022\.$/) }]);
    const malformed = await call(group, { caller: admin, method: 'POST', query: { scheme: '../etc' }, body });
    expect(malformed.status).toBe(422);
    expect(malformed.body.problems[0].path).toBe('query.scheme');
  });

  it('POST /v1/simulations: a scheme not held is 422 at once; a held one goes with the request and the result names it', async () => {
    const ports = memoryPorts(testClock('2026-03-01T09:00:00Z'));
    const create = createSimulationHandler(ports);
    const policy = { method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 15_000 };
    const unknown = await call(create, { caller: analyst, method: 'POST', body: { policy, scheme: 'suzhou' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.problems[0]).toMatchObject({ code: 'invalid-value', path: 'scheme' });
    expect(unknown.body.message).toContain('it holds chs-drg-1.1');
    expect(await ports.objects.list(lakeBucket, 'jobs/')).toEqual([]);

    expect((await ingestThrough(ports, admin, await devLines('HOSP001', 30))).body.accepted).toBeGreaterThan(20);
    const out = await call(create, { caller: analyst, method: 'POST', body: { policy, scheme: 'suzhou_2023' } });
    expect(out.status).toBe(202);
    expect(await storedJson(ports.objects, lakeBucket, k.simulationRequestKey(out.body.id))).toEqual({ policy, scheme: 'suzhou_2023' });
    await runSimulationInProcess(ports, out.body.id);
    const job = await ports.simulations.get(out.body.id);
    expect(job?.error).toBeUndefined();
    const result = await storedJson<{ scheme: unknown }>(ports.objects, lakeBucket, job!.resultKey!);
    expect(result!.scheme).toEqual({ id: 'suzhou_2023', packHash: schemeById('suzhou_2023').entry.packHash, regrouped: true });
  });

  it('lake lines written before schemes were recorded still read: regrouped under a scheme (their missing fields as not recorded), or counted as stored by no recorded scheme', async () => {
    const ports = memoryPorts(testClock('2026-03-01T09:00:00Z'));
    const record = localCase('L31-001407');
    const { department: _d, icuHours: _i, ...old } = record;
    await putLakeLines(ports.objects, k.lakeObjectKey('2025', '06', 'HOSP001', 'old'), [
      { ...old, hospitalId: 'HOSP001', admissionDate: '2025-05-20', dischargeDate: '2025-06-08', group: { status: 'grouped', mdc: 'MDCF', adrg: 'FR1', drg: 'FR19' }, ingestedAt: '2025-07-01T00:00:00Z' },
    ]);
    const policy = { method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 15_000 };
    const run = async (body: object): Promise<{ scheme: unknown; weights: { groups: { drg: string }[] } }> => {
      const out = await call(createSimulationHandler(ports), { caller: analyst, method: 'POST', body: { policy, ...body } });
      await runSimulationInProcess(ports, out.body.id);
      const job = await ports.simulations.get(out.body.id);
      expect(job?.error).toBeUndefined();
      return (await storedJson(ports.objects, lakeBucket, job!.resultKey!))!;
    };
    const stored = await run({});
    expect(stored.scheme).toEqual({ id: null, packHash: null, regrouped: false, stored: [{ id: null, packHash: null, cases: 1 }] });
    // Without its ICU hours (not recorded = 0) Foshan does not take the ICU split: FR11, not FR10.
    const foshan = await run({ scheme: 'foshan_2022' });
    expect(foshan.weights.groups.map((g) => g.drg)).toEqual(['FR11']);
  });

  it('GET /v1/overview weighs each case by the table of the scheme that grouped it: the same code FR19 is 2.148626 under Suzhou, 1.26 under the national 1.1', async () => {
    const ports = memoryPorts(testClock('2026-03-01T09:00:00Z'));
    const line = (hospitalId: string, group: object): object => ({ listId: `L-${hospitalId}`, hospitalId, dischargeDate: '2025-06-08', totalCost: 1000, group: { status: 'grouped', mdc: 'MDCF', adrg: 'FR1', drg: 'FR19', ...group }, ingestedAt: '2025-07-01T00:00:00Z' });
    await putLakeLines(ports.objects, k.lakeObjectKey('2025', '06', 'H1', 'b1'), [line('H1', { scheme: 'suzhou_2023', packHash: 'a'.repeat(64) })]);
    await putLakeLines(ports.objects, k.lakeObjectKey('2025', '06', 'H2', 'b1'), [line('H2', { scheme: 'chs-drg-1.1', packHash: 'b'.repeat(64) })]);
    await putLakeLines(ports.objects, k.lakeObjectKey('2025', '06', 'H3', 'b1'), [line('H3', {})]); // stored before schemes were recorded: the national text
    await putLakeLines(ports.objects, k.lakeObjectKey('2025', '06', 'H4', 'b1'), [line('H4', { scheme: 'foshan_2022', packHash: 'c'.repeat(64) })]); // no table held: no weight
    const out = await call(overviewHandler(ports), { caller: analyst, query: { year: '2025' } });
    expect(out.status).toBe(200);
    expect(out.body.hospitals.map((h: { hospitalId: string; cmi: number | null }) => [h.hospitalId, h.cmi])).toEqual([['H1', 2.1486], ['H2', 1.26], ['H3', 1.26], ['H4', null]]);
  });

  it('GET /v1/cases?drg= takes local codes (HJ1B, XR3A) and ambiguous ones (FQY), not lower case or free text', async () => {
    const ports = memoryPorts(testClock('2026-03-01T09:00:00Z'));
    const listCases = listCasesHandler(ports);
    const base = { hospitalId: 'HOSP001', record: { listId: 'L1', hospitalId: 'HOSP001', dischargeDate: '2025-06-01' }, trace: [], contentHash: 'h', batchId: 'b', ingestedAt: '2026-01-01T00:00:00Z' } as const;
    await ports.cases.putCase({ ...base, listId: 'L1', grouping: { status: 'grouped', mdc: 'MDCX', adrg: 'XR3', drg: 'XR3A', scheme: 'suzhou_2023', packHash: 'a'.repeat(64) } } as never);
    await ports.cases.putCase({ ...base, listId: 'L2', record: { ...base.record, listId: 'L2' }, grouping: { status: 'ambiguous', mdc: 'MDCF', adrg: null, drg: 'FQY', scheme: 'suzhou_2023', packHash: 'a'.repeat(64) } } as never);
    for (const [drg, listIds] of [['XR3A', ['L1']], ['FQY', ['L2']], ['HJ1B', []], ['FM19', []]] as const) {
      const out = await call(listCases, { caller: analyst, query: { drg, from: '2025-01-01', to: '2025-12-31' } });
      expect(out.status).toBe(200);
      expect(out.body.items.map((c: { listId: string }) => c.listId)).toEqual(listIds);
    }
    expect((await call(listCases, { caller: analyst, query: { drg: 'fm19' } })).status).toBe(422);
    expect((await call(listCases, { caller: analyst, query: { drg: 'FM19 OR 1=1' } })).status).toBe(422);
  });
});
