/** POST /v1/settlement-lists, GET /v1/data-quality and the ReplayBatch job over in-memory stores. */
import { analyst, call, devLines, ensureReference, hosp1, hosp2, ingestThrough, lakeBucket, rawBucket } from './harness.ts';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataQualityHandler } from '../../../lambdas/http/data-quality.ts';
import { replayBatchHandler } from '../../../lambdas/jobs/replay-batch.ts';
import * as k from '../../../lambdas/shared/keys.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';

describe('ingest, data quality, replay', () => {
  let lines: string[];
  beforeAll(async () => {
    await ensureReference();
    lines = await devLines('HOSP001', 10);
  });

  describe('POST /v1/settlement-lists', () => {
    it('stores the accepted cases pseudonymised, the raw body, the lake objects and the batch; a re-send stores nothing twice', async () => {
      const ports = memoryPorts(testClock('2026-01-15T10:00:00Z'));
      const body = [lines[0]!.replace('{', '{"patientId":"P-123456",'), ...lines.slice(1)];
      const first = await ingestThrough(ports, hosp1, body);
      expect(first.status).toBe(200);
      expect(first.body.accepted + first.body.rejected).toBe(lines.length);
      expect(first.body.created).toBe(first.body.accepted);

      const listId = (JSON.parse(lines[0]!) as { listId: string }).listId;
      const stored = await ports.cases.getCase('HOSP001', listId);
      expect(stored).toMatchObject({ hospitalId: 'HOSP001', listId, version: 1, batchId: first.body.batchId, ingestedAt: '2026-01-15T10:00:00.000Z' });
      expect(stored!.record).not.toHaveProperty('patientId');
      expect(stored!.record.patientRef).toMatch(/^[0-9a-f]{16,}$/);

      const batch = await ports.batches.get('HOSP001', first.body.batchId);
      expect(batch).toMatchObject({ status: 'processed', counts: { records: lines.length, accepted: first.body.accepted } });
      expect(await ports.objects.get(rawBucket, batch!.rawKey)).not.toBeNull();
      const lake = await ports.objects.list(lakeBucket, 'cases/');
      expect(lake.length).toBeGreaterThan(0);
      const lakeText = (await Promise.all(lake.map(async (key) => gunzipSync((await ports.objects.get(lakeBucket, key))!).toString()))).join('');
      expect(lakeText.trim().split('\n')).toHaveLength(first.body.accepted);
      expect(lakeText).not.toContain('P-123456');

      const again = await ingestThrough(ports, hosp1, body);
      expect(again.body).toMatchObject({ batchId: first.body.batchId, created: 0, unchanged: first.body.accepted, replaced: 0 });
    });

    it('a changed record replaces the stored one and keeps the old version', async () => {
      const ports = memoryPorts();
      await ingestThrough(ports, hosp1, lines.slice(0, 1));
      const changed = JSON.parse(lines[0]!) as { listId: string; totalCost: number };
      const out = await ingestThrough(ports, hosp1, [JSON.stringify({ ...changed, totalCost: changed.totalCost + 100 })]);
      expect(out.body).toMatchObject({ accepted: 1, replaced: 1, created: 0 });
      expect((await ports.cases.getCase('HOSP001', changed.listId))).toMatchObject({ version: 2, record: { totalCost: changed.totalCost + 100 } });
      expect((await ports.cases.caseHistory('HOSP001', changed.listId)).map((v) => v.record.totalCost)).toEqual([changed.totalCost]);
    });

    it('a hospital key cannot file another hospital\'s records; analysts cannot ingest; no key is 401', async () => {
      const ports = memoryPorts();
      const other = (await devLines('HOSP002', 1))[0]!;
      const out = await ingestThrough(ports, hosp1, [other]);
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ accepted: 0, rejected: 1, errors: [expect.objectContaining({ index: 0, path: 'hospitalId' })] });
      expect(await ports.cases.getCase('HOSP002', (JSON.parse(other) as { listId: string }).listId)).toBeNull();
      expect((await ingestThrough(ports, analyst, lines)).status).toBe(403);
      const { ingestHandler } = await import('../../../lambdas/http/settlement-lists.ts');
      expect((await call(ingestHandler(ports), { method: 'POST', body: lines.join('\n') })).status).toBe(401);
      expect(await ports.cases.getCase('HOSP001', (JSON.parse(lines[0]!) as { listId: string }).listId)).toBeNull();
    });

    it('a body that is not well-formed is 400 (the batch item says malformed; the body, which cannot be pseudonymised, is not kept), another content type 415', async () => {
      const ports = memoryPorts();
      const { ingestHandler } = await import('../../../lambdas/http/settlement-lists.ts');
      const ingest = ingestHandler(ports);
      const broken = await call(ingest, { caller: hosp1, method: 'POST', body: '[{"listId": ', headers: { 'content-type': 'application/json' } });
      expect(broken.status).toBe(400);
      expect(broken.body.code).toBe('malformed');
      expect(await ports.objects.list(rawBucket, 'raw/hospital=HOSP001/')).toEqual([]);
      expect(await ports.objects.list(lakeBucket, 'cases/')).toEqual([]);
      expect((await call(ingest, { caller: hosp1, method: 'POST', body: '<xml/>', headers: { 'content-type': 'application/xml' } })).status).toBe(415);
    });
  });

  describe('GET /v1/data-quality', () => {
    it('counts what ingest received, accepted and rejected, by reason, for the hospital and month', async () => {
      const ports = memoryPorts();
      const bad = JSON.stringify({ ...(JSON.parse(lines[0]!) as object), sex: 'X', listId: 'BAD-1' });
      const month = (JSON.parse(lines[0]!) as { dischargeDate: string }).dischargeDate.slice(0, 7);
      const sameMonth = lines.filter((l) => (JSON.parse(l) as { dischargeDate: string }).dischargeDate.startsWith(month));
      await ingestThrough(ports, hosp1, [...sameMonth, bad]);
      const dataQuality = dataQualityHandler(ports);
      const out = await call(dataQuality, { caller: hosp1, query: { month } });
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ hospitalId: 'HOSP001', month, batches: 1, received: sameMonth.length + 1 });
      expect(out.body.rejected).toBeGreaterThanOrEqual(1);
      expect(out.body.rejectionsByReason).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'sex:invalid' })]));
      expect(out.body.rejectionRate).toBeCloseTo(out.body.rejected / out.body.received, 4);
      expect((await call(dataQuality, { caller: analyst, query: { month, hospitalId: 'HOSP001' } })).body).toEqual(out.body);
    });

    it('403 for another hospital, 422 without a hospital (analyst) or with a bad month', async () => {
      const dataQuality = dataQualityHandler(memoryPorts());
      expect((await call(dataQuality, { caller: hosp2, query: { month: '2025-03', hospitalId: 'HOSP001' } })).status).toBe(403);
      expect((await call(dataQuality, { caller: analyst, query: { month: '2025-03' } })).status).toBe(422);
      const bad = await call(dataQuality, { caller: hosp1, query: { month: '2025-13' } });
      expect(bad.status).toBe(422);
      expect(bad.body.problems[0].path).toBe('query.month');
    });
  });

  describe('ReplayBatch job', () => {
    it('finishes a batch whose raw body was kept but never processed, and is idempotent after that', async () => {
      const ports = memoryPorts();
      const body = lines.join('\n');
      const rawKey = k.rawBatchKey('admin', '2026-01-10', 'b-replay');
      await ports.objects.put(rawBucket, rawKey, body, 'application/x-ndjson');
      await ports.batches.put({ scope: 'admin', batchId: 'b-replay', status: 'received', rawKey, contentType: 'application/x-ndjson', receivedAt: '2026-01-10T08:00:00.000Z' });
      const replay = replayBatchHandler(ports);
      const first = await replay({ scope: 'admin', batchId: 'b-replay' });
      expect(first.created).toBe(first.accepted);
      expect(first.accepted).toBeGreaterThan(0);
      const listId = (JSON.parse(lines[0]!) as { listId: string }).listId;
      expect((await ports.cases.getCase('HOSP001', listId))?.ingestedAt).toBe('2026-01-10T08:00:00.000Z');
      expect((await ports.batches.get('admin', first.batchId))?.status).toBe('processed');
      expect(await replay({ scope: 'admin', batchId: 'b-replay' })).toMatchObject({ created: 0, unchanged: first.accepted });
    });

    it('fails with a sentence for an unknown batch or a missing raw object', async () => {
      const ports = memoryPorts();
      const replay = replayBatchHandler(ports);
      await expect(replay({ scope: 'HOSP001', batchId: 'nope' })).rejects.toThrow('no batch nope for HOSP001');
      await ports.batches.put({ scope: 'HOSP001', batchId: 'gone', status: 'received', rawKey: 'raw/gone', contentType: 'application/json', receivedAt: '2026-01-10T08:00:00.000Z' });
      await expect(replay({ scope: 'HOSP001', batchId: 'gone' })).rejects.toThrow('the raw object raw/gone is missing');
    });
  });
});
