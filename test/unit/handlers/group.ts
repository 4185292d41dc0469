/** POST /v1/group and the DIP catalogue routes (PUT/GET /v1/dip-catalog) over in-memory stores. */
import { admin, analyst, call, devLines, ensureReference, hosp1, lakeBucket } from './harness.ts';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDipCatalog } from '../../../models/grouping/dip/build.ts';
import { defaultCatalogPolicy } from '../../../models/grouping/dip/policy.ts';
import { getDipCatalogHandler } from '../../../lambdas/http/dip-catalog-get.ts';
import { putDipCatalogHandler } from '../../../lambdas/http/dip-catalog-put.ts';
import { groupHandler } from '../../../lambdas/http/group.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';
import { record, tableOf } from '../dip/helpers.ts';

describe('group and DIP catalogue', () => {
  let lines: string[];
  beforeAll(async () => {
    await ensureReference();
    lines = await devLines('HOSP003', 3);
  });

  /** A small catalogue written the way `payreform dip build` writes one. */
  const catalog = buildDipCatalog(
    tableOf(Array.from({ length: 60 }, (_, i) => record({ principalDiagnosis: ['K80.100x002', 'K81.000', 'K82.900'][i % 3]!, procedures: i % 2 ? ['51.2300'] : [], totalCost: 800 + (i % 10) * 90 }))),
    defaultCatalogPolicy({ coreThreshold: 5 }),
    '2026-01-01T00:00:00.000Z',
  );

  describe('POST /v1/group', () => {
    it('groups records without storing anything: status, DRG, weight per record, invalid ones with their problems, counts', async () => {
      const ports = memoryPorts();
      const group = groupHandler(ports);
      const body = [...lines.map((l) => JSON.parse(l) as object), { listId: 'BROKEN', sex: 'X' }];
      const out = await call(group, { caller: hosp1, method: 'POST', body });
      expect(out.status).toBe(200);
      expect(out.body.results).toHaveLength(4);
      expect(out.body.results[3]).toMatchObject({ index: 3, listId: 'BROKEN', status: 'invalid', drg: null });
      expect(out.body.results[3].errors.length).toBeGreaterThan(0);
      expect(out.body.counts.invalid).toBe(1);
      expect(Object.values(out.body.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(4);
      expect(out.body.results.slice(0, 3).every((r: { trace?: unknown; dip?: unknown }) => r.trace === undefined && r.dip === undefined)).toBe(true);
      expect(await ports.cases.getCase('HOSP003', (JSON.parse(lines[0]!) as { listId: string }).listId)).toBeNull();
      expect(await ports.objects.list(lakeBucket, '')).toEqual([]);
    });

    it('explains with ?explain=true; refuses more than 1 000 records (413, before parsing) and a broken body (400)', async () => {
      const group = groupHandler(memoryPorts());
      const explained = await call(group, { caller: analyst, method: 'POST', query: { explain: 'true' }, body: lines.slice(0, 1).join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
      expect(explained.body.results[0].trace.length).toBeGreaterThan(0);
      const many = await call(group, { caller: admin, method: 'POST', body: Array.from({ length: 1001 }, () => ({})) });
      expect(many.status).toBe(413);
      expect(many.body.problems[0]).toMatchObject({ code: 'too-many', path: 'body' });
      expect((await call(group, { caller: admin, method: 'POST', body: '[{' })).status).toBe(400);
      expect((await call(group, { caller: admin, method: 'POST', query: { explain: 'yes' }, body: [] })).status).toBe(422);
    });
  });

  describe('PUT and GET /v1/dip-catalog', () => {
    it('an admin activates a catalogue: stored by its hash, pointer set, summary served; /v1/group then carries the DIP packet', async () => {
      const ports = memoryPorts(testClock('2026-02-01T00:00:00Z'));
      const get = getDipCatalogHandler(ports);
      expect((await call(get, { caller: analyst })).status).toBe(404);
      const put = await call(putDipCatalogHandler(ports), { caller: admin, method: 'PUT', body: JSON.stringify(catalog) });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{64}$/), activatedAt: '2026-02-01T00:00:00.000Z', packets: catalog.packets.length, builtAt: catalog.builtAt });
      expect(await ports.objects.list(lakeBucket, 'catalogs/dip/')).toEqual([`catalogs/dip/${put.body.id}.json`]);
      expect(await call(get, { caller: analyst })).toMatchObject({ status: 200, body: put.body });

      const grouped = await call(groupHandler(ports), { caller: hosp1, method: 'POST', body: lines.map((l) => JSON.parse(l) as object) });
      const valid = grouped.body.results.filter((r: { status: string }) => r.status !== 'invalid');
      expect(valid.length).toBeGreaterThan(0);
      for (const r of valid) expect(r.dip).toMatchObject({ catalog: put.body.id, packet: expect.any(String) });
    });

    it('a gzipped catalogue is read; roles: PUT admin only, GET analyst and admin', async () => {
      const ports = memoryPorts();
      const put = putDipCatalogHandler(ports);
      const zipped = await call(put, { caller: admin, method: 'PUT', body: gzipSync(JSON.stringify(catalog)).toString('base64'), base64: true, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect(zipped.status).toBe(200);
      expect((await call(put, { caller: analyst, method: 'PUT', body: JSON.stringify(catalog) })).status).toBe(403);
      expect((await call(getDipCatalogHandler(ports), { caller: hosp1 })).status).toBe(403);
    });

    it('refuses broken JSON (400) and a document that is not a catalogue (422 with field paths), activating nothing', async () => {
      const ports = memoryPorts();
      const put = putDipCatalogHandler(ports);
      expect((await call(put, { caller: admin, method: 'PUT', body: '{"packets": [' })).status).toBe(400);
      const wrong = await call(put, { caller: admin, method: 'PUT', body: JSON.stringify({ ...catalog, packets: 'none' }) });
      expect(wrong.status).toBe(422);
      expect(wrong.body.problems.map((p: { path: string }) => p.path)).toContain('packets');
      expect(await ports.dipCatalog.active()).toBeNull();
      expect(await ports.objects.list(lakeBucket, 'catalogs/')).toEqual([]);
    });
  });
});
