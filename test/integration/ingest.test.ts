/**
 * Ingest against real dynalite and s3rver (no storage mocks): idempotent re-send, a changed
 * record replaces the old with history, pseudonymised patientId, raw batch and lake objects,
 * data-quality counters, listing by month and DRG with pagination, and a simulation run by the
 * same functions the state machine calls.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { devCasesWithMadeUpDetails } from '../../infra/local/demo.ts';
import { useLocalService } from './storage.ts';

/** Real dynalite and s3rver for this file, and the service's modules once they run. */
const m = useLocalService();

const hospital = { role: 'hospital' as const, hospitalId: 'HOSP001' };
const lines = devCasesWithMadeUpDetails().filter((l) => l.includes('"HOSP001"')).slice(0, 60);
const ingest = (body: string, principal: { role: 'hospital'; hospitalId: string } | { role: 'admin' } = hospital) =>
  m.ingest.ingestBatch({ principal, body, contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: new Date('2026-01-15T10:00:00Z'), ...m.deps.awsDeps });

describe('ingest on dynalite + s3rver', () => {
  it('stores a batch, and a re-send stores nothing twice', async () => {
    const withPatient = lines.map((l, i) => (i === 0 ? l.replace('{', '{"patientId":"P-123456",') : l));
    const first = await ingest(withPatient.join('\n'));
    expect(first.accepted + first.rejected).toBe(lines.length);
    expect(first.created).toBe(first.accepted);
    const again = await ingest(withPatient.join('\n'));
    expect(again).toMatchObject({ batchId: first.batchId, created: 0, unchanged: first.accepted, replaced: 0 });
    // The same records in other batches are unchanged too.
    const halves = await Promise.all([ingest(withPatient.slice(0, 30).join('\n')), ingest(withPatient.slice(30).join('\n'))]);
    expect(halves.reduce((s, r) => s + r.created, 0)).toBe(0);

    const listId = (JSON.parse(lines[0]!) as { listId: string }).listId;
    const stored = await m.repo.dynamoCaseStore.getCase('HOSP001', listId);
    expect(stored?.version).toBe(1);
    expect(stored?.record.patientRef).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(stored)).not.toContain('P-123456');
    // Raw batch kept, lake written (gzipped JSON Lines, no patientId).
    const batch = await m.repo.getBatch('HOSP001', first.batchId);
    expect(batch?.status).toBe('processed');
    expect(await m.objects.s3ObjectStore.get(process.env.RAW_BUCKET!, batch!.rawKey)).not.toBeNull();
    const lakeKeys = await m.objects.s3ObjectStore.list(process.env.LAKE_BUCKET!, 'cases/');
    expect(lakeKeys.length).toBeGreaterThan(0);
    const text = gunzipSync((await m.objects.s3ObjectStore.get(process.env.LAKE_BUCKET!, lakeKeys[0]!))!).toString();
    expect(text).not.toContain('patientId');
  });

  it('replaces a changed record and keeps the old version in the history', async () => {
    let original = JSON.parse(lines[1]!) as { listId: string; totalCost: number };
    for (const l of lines.slice(1)) {
      original = JSON.parse(l) as { listId: string; totalCost: number };
      if (await m.repo.dynamoCaseStore.getCase('HOSP001', original.listId)) break;
    }
    const changed = JSON.stringify({ ...original, totalCost: original.totalCost + 100 });
    const r = await ingest(changed);
    expect(r).toMatchObject({ replaced: 1, created: 0 });
    const stored = await m.repo.dynamoCaseStore.getCase('HOSP001', original.listId);
    expect(stored?.version).toBe(2);
    expect(stored?.record.totalCost).toBe(original.totalCost + 100);
    const history = await m.repo.dynamoCaseStore.caseHistory('HOSP001', original.listId);
    expect(history).toHaveLength(1);
    expect(history[0]!.record.totalCost).toBe(original.totalCost);
  });

  it('rejects another hospital\'s records from a hospital key and counts data quality', async () => {
    const other = JSON.stringify({ ...JSON.parse(lines[2]!), hospitalId: 'HOSP009', listId: 'X-1' });
    const grey = JSON.stringify({ ...JSON.parse(lines[3]!), listId: 'GREY-1', principalDiagnosis: 'I21.000' });
    const r = await ingest([other, grey].join('\n'));
    expect(r.accepted).toBe(0);
    expect(r.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['hospitalId', 'principalDiagnosis']));
    const month = (JSON.parse(lines[3]!) as { dischargeDate: string }).dischargeDate.slice(0, 7);
    const q = await m.repo.qualityCounters('HOSP001', month);
    expect(q.rejected).toBeGreaterThanOrEqual(1);
    expect(q.reasons['principalDiagnosis:grey-code']).toBeGreaterThanOrEqual(1);
    expect(q.greyCodes).toBeGreaterThanOrEqual(1);
  });

  it('lists by discharge month and by DRG with a cursor', async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await m.repo.dynamoCaseStore.listCases({ hospitalId: 'HOSP001', from: '2025-01-01', to: '2025-12-31', limit: 7, ...(cursor ? { cursor } : {}) });
      for (const c of page.items) {
        expect(seen.has(c.listId)).toBe(false);
        seen.add(c.listId);
      }
      cursor = page.cursor;
    } while (cursor);
    const stored = (await Promise.all(lines.map((l) => m.repo.dynamoCaseStore.getCase('HOSP001', (JSON.parse(l) as { listId: string }).listId)))).filter((c) => c !== null);
    expect(seen.size).toBe(stored.length);
    const drg = stored.find((c) => c!.grouping.drg)!.grouping.drg!;
    const byDrg = await m.repo.dynamoCaseStore.listCases({ drg, from: '2025-01-01', to: '2025-12-31', limit: 100 });
    expect(byDrg.items.length).toBe(stored.filter((c) => c!.grouping.drg === drg).length);
  });

  it('runs a simulation over the lake with the state machine\'s functions', async () => {
    const admin = { role: 'admin' as const };
    await ingest(devCasesWithMadeUpDetails().slice(0, 400).join('\n'), admin);
    const id = 'sim-integration-1';
    const now = new Date().toISOString();
    await m.repo.putJob({ id, status: 'queued', createdAt: now, updatedAt: now, request: {} });
    await m.objects.s3ObjectStore.put(process.env.LAKE_BUCKET!, m.keys.simulationRequestKey(id), JSON.stringify({ policy: { method: 'drg', referenceYears: [2025], settlementYear: 2025, budget: 8_000_000 } }));
    await m.sim.runSimulationInProcess(m.deps.awsDeps, id);
    const job = await m.repo.getJob(id);
    expect(job?.error).toBeUndefined();
    expect(job?.status).toBe('succeeded');
    expect(job?.partitionsDone).toBe(job?.partitionsTotal);
    const result = JSON.parse(Buffer.from((await m.objects.s3ObjectStore.get(process.env.LAKE_BUCKET!, job!.resultKey!))!).toString()) as { totals: { payment: number; cases: number } };
    expect(result.totals.payment).toBeCloseTo(8_000_000, 2);
    expect(result.totals.cases).toBeGreaterThan(300);
  });
});


describe('clinical-edition codes on dynalite + s3rver', () => {
  it('a batch read as gl-2.0 stores the insurance codes and keeps the originals, in the table and the lake', async () => {
    // Real pairs of shared/reference/codes: A01.000x002 → A01.003, 45.3300x012 → 45.3400x002.
    const record = { ...(JSON.parse(lines[5]!) as object), listId: 'GL-INT-1', principalDiagnosis: 'A01.000x002', secondaryDiagnoses: [], procedures: ['45.3300x012'] };
    const r = await m.ingest.ingestBatch({ principal: hospital, body: JSON.stringify(record), contentType: 'application/x-ndjson', format: 'jsonl', codeEdition: 'gl-2.0', receivedAt: new Date('2026-01-15T10:00:00Z'), ...m.deps.awsDeps });
    expect(r).toMatchObject({ accepted: 1, rejected: 0 });
    const stored = await m.repo.dynamoCaseStore.getCase('HOSP001', 'GL-INT-1');
    expect(stored?.record).toMatchObject({ codeEdition: 'chs-2.0', principalDiagnosis: 'A01.003', procedures: ['45.3400x002'], originalCodes: { edition: 'gl-2.0', principalDiagnosis: 'A01.000x002', procedures: ['45.3300x012'] } });
    expect((await m.repo.getBatch('HOSP001', r.batchId))?.codeEdition).toBe('gl-2.0');
    const keys = await m.objects.s3ObjectStore.list(process.env.LAKE_BUCKET!, 'cases/');
    const texts = await Promise.all(keys.map(async (key) => gunzipSync((await m.objects.s3ObjectStore.get(process.env.LAKE_BUCKET!, key))!).toString()));
    const line = texts.flatMap((t) => t.trim().split('\n')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.listId === 'GL-INT-1');
    expect(line).toMatchObject({ principalDiagnosis: 'A01.003', originalCodes: { principalDiagnosis: 'A01.000x002' } });
  });
});
