/** GET /v1/cases/{listId} and GET /v1/cases over in-memory stores filled through the ingest route. */
import { admin, analyst, call, type Caller, devLines, ensureReference, hosp1, hosp2, ingestThrough } from './harness.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCaseHandler } from '../../../lambdas/http/cases-get.ts';
import { listCasesHandler } from '../../../lambdas/http/cases-list.ts';
import { reference } from '../../../lambdas/shared/reference.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';

describe('cases', () => {
  const ports = memoryPorts(testClock('2026-01-15T10:00:00Z'));
  const getCase = getCaseHandler(ports);
  const listCases = listCasesHandler(ports);
  let own: { listId: string; dischargeDate: string }[];
  let theirs: string[];

  beforeAll(async () => {
    await ensureReference();
    const h1 = await devLines('HOSP001', 12);
    const h2 = await devLines('HOSP002', 6);
    expect((await ingestThrough(ports, hosp1, h1)).status).toBe(200);
    expect((await ingestThrough(ports, admin, h2)).status).toBe(200);
    // The cases ingest accepted (a dev case or two is refused by validation).
    const stored = async (hospitalId: string, lines: string[]) => (await Promise.all(lines.map(async (l) => {
      const r = JSON.parse(l) as { listId: string; dischargeDate: string };
      return (await ports.cases.getCase(hospitalId, r.listId)) ? [r] : [];
    }))).flat();
    own = await stored('HOSP001', h1);
    theirs = (await stored('HOSP002', h2)).map((r) => r.listId);
    expect(own.length).toBeGreaterThan(8);
  });

  describe('GET /v1/cases/{listId}', () => {
    it('answers the hospital\'s own case: pseudonymised record, grouping, weight, trace, version', async () => {
      const out = await call(getCase, { caller: hosp1, params: { listId: own[0]!.listId } });
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ hospitalId: 'HOSP001', listId: own[0]!.listId, version: 1, record: { dischargeDate: own[0]!.dischargeDate } });
      expect(out.body.record).not.toHaveProperty('patientId');
      expect(out.body.weight).toBe(out.body.grouping.drg ? (reference().weights.get(out.body.grouping.drg) ?? null) : null);
      expect(out.body.trace.length).toBeGreaterThan(0);
      // The scheme and pack that grouped it.
      expect(out.body.grouping).toMatchObject({ scheme: 'chs-drg-1.1', packHash: reference().scheme.packHash });
    });

    it('a hospital key never reads another hospital\'s case: 404 by listId, 403 by naming the hospital', async () => {
      const byId = await call(getCase, { caller: hosp1, params: { listId: theirs[0]! } });
      expect(byId.status).toBe(404);
      expect(byId.body.message).not.toContain('HOSP002');
      expect((await call(getCase, { caller: hosp1, params: { listId: theirs[0]! }, query: { hospitalId: 'HOSP002' } })).status).toBe(403);
      expect((await call(getCase, { caller: hosp2, params: { listId: theirs[0]! } })).status).toBe(200);
    });

    it('analysts and admins name the hospital (422 without it); unknown cases are 404, a bad listId 422, no key 401', async () => {
      const missing = await call(getCase, { caller: analyst, params: { listId: own[0]!.listId } });
      expect(missing.status).toBe(422);
      expect(missing.body.problems).toEqual([expect.objectContaining({ path: 'query.hospitalId' })]);
      expect((await call(getCase, { caller: analyst, params: { listId: own[0]!.listId }, query: { hospitalId: 'HOSP001' } })).body.listId).toBe(own[0]!.listId);
      expect((await call(getCase, { caller: admin, params: { listId: 'NO-SUCH-CASE' }, query: { hospitalId: 'HOSP001' } })).status).toBe(404);
      expect((await call(getCase, { caller: hosp1, params: { listId: 'not a list id' } })).status).toBe(422);
      expect((await call(getCase, { params: { listId: own[0]!.listId } })).status).toBe(401);
    });
  });

  describe('GET /v1/cases', () => {
    const all = async (caller: Caller, query: Record<string, string>): Promise<{ listId: string; hospitalId: string; record: { dischargeDate: string } }[]> => {
      const items = [];
      let cursor: string | undefined;
      do {
        const out = await call(listCases, { caller, query: { ...query, ...(cursor ? { cursor } : {}) } });
        expect(out.status).toBe(200);
        items.push(...out.body.items);
        cursor = out.body.cursor;
      } while (cursor);
      return items;
    };

    it('a hospital lists its own cases in discharge order, page by page, without traces; dates default to the latest twelve months of data', async () => {
      const items = await all(hosp1, { limit: '5' });
      expect(items.map((c) => c.listId).sort()).toEqual(own.map((c) => c.listId).sort());
      const dates = items.map((c) => c.record.dischargeDate);
      expect(dates).toEqual([...dates].sort());
      expect(items.every((c) => c.hospitalId === 'HOSP001' && !('trace' in c))).toBe(true);
    });

    it('the default window is the latest 12 months of data, not of the calendar; from/to take months as well as dates', async () => {
      // Two years after the data: the window still ends at the latest discharge month stored.
      const later = listCasesHandler({ ...ports, clock: testClock('2028-06-01T00:00:00Z') });
      const items = [];
      let cursor: string | undefined;
      do {
        const out = await call(later, { caller: hosp1, query: { limit: '50', ...(cursor ? { cursor } : {}) } });
        expect(out.status).toBe(200);
        items.push(...out.body.items);
        cursor = out.body.cursor;
      } while (cursor);
      expect(items.map((c: { listId: string }) => c.listId).sort()).toEqual(own.map((c) => c.listId).sort());
      const byMonth = await all(analyst, { hospitalId: 'HOSP001', from: '2025-01', to: '2025-03' });
      const byDate = await all(analyst, { hospitalId: 'HOSP001', from: '2025-01-01', to: '2025-03-31' });
      expect(byMonth.map((c) => c.listId)).toEqual(byDate.map((c) => c.listId));
      expect(byMonth.every((c) => c.record.dischargeDate >= '2025-01-01' && c.record.dischargeDate <= '2025-03-31')).toBe(true);
      expect(byMonth.length).toBe(own.filter((c) => c.dischargeDate <= '2025-03-31').length);
      // A hospital without data: an empty page; a month that is not one: 422.
      expect((await call(later, { caller: analyst, query: { hospitalId: 'HOSP404' } })).body).toEqual({ items: [] });
      expect((await call(later, { caller: hosp1, query: { from: '2025-13' } })).status).toBe(422);
    });

    it('a hospital naming another hospital is 403; analysts give a hospital or a DRG', async () => {
      expect((await call(listCases, { caller: hosp1, query: { hospitalId: 'HOSP002' } })).status).toBe(403);
      const none = await call(listCases, { caller: analyst, query: {} });
      expect(none.status).toBe(422);
      expect(none.body.problems[0].path).toBe('query.hospitalId');
      expect((await all(analyst, { hospitalId: 'HOSP002', from: '2025-01-01', to: '2025-12-31' })).map((c) => c.listId).sort()).toEqual([...theirs].sort());
      const stored = await ports.cases.getCase('HOSP002', theirs[0]!);
      const drg = stored!.grouping.drg ?? 'NONE';
      const byDrg = await all(admin, { drg, from: '2025-01-01', to: '2025-12-31' });
      expect(byDrg.map((c) => `${c.hospitalId}/${c.listId}`)).toContain(`HOSP002/${theirs[0]}`);
      expect(byDrg.every((c) => (c as unknown as { grouping: { drg: string | null } }).grouping.drg === stored!.grouping.drg)).toBe(true);
    });

    it('refuses an empty or too long range (422), a bad limit (422) and a cursor it did not hand out (400)', async () => {
      expect((await call(listCases, { caller: hosp1, query: { from: '2025-06-01', to: '2025-01-01' } })).status).toBe(422);
      expect((await call(listCases, { caller: hosp1, query: { from: '2020-01-01', to: '2025-01-01' } })).status).toBe(422);
      expect((await call(listCases, { caller: hosp1, query: { limit: '0' } })).status).toBe(422);
      const foreign = await call(listCases, { caller: hosp1, query: { cursor: 'bm90LWEtY3Vyc29y' } });
      expect(foreign.status).toBe(400);
      expect(foreign.body.code).toBe('malformed');
    });
  });
});
