/**
 * Privacy on real dynalite + s3rver: the raw bodies kept for replay hold no patientId in clear
 * (JSON, JSON Lines, CSV), a replay takes their marked pseudonyms as they are (not hashed again),
 * and a hospital key's supervision evidence shows nothing of another hospital's stays but their
 * number, while an analyst keeps the detail.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { devCasesWithMadeUpDetails } from '../../infra/local/demo.ts';
import { useLocalService } from './storage.ts';

const m = useLocalService();

/** Dev cases of `hospitalId` that ingest accepts. */
function accepted(hospitalId: string): Record<string, unknown>[] {
  const { codeSets } = m.reference.reference();
  return devCasesWithMadeUpDetails().filter((l) => l.includes(`"${hospitalId}"`)).map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => m.validate.validateRecord(r, { mode: 'ingest', codeSets }).ok);
}

const secret = 'integration-test-secret-0123456789';

describe('kept raw bodies', () => {
  const formats = [
    { contentType: 'application/json', format: 'json' as const, body: (rs: Record<string, unknown>[]) => JSON.stringify(rs, null, 2) },
    { contentType: 'application/x-ndjson', format: 'jsonl' as const, body: (rs: Record<string, unknown>[]) => rs.map((r) => JSON.stringify(r)).join('\n') },
    {
      contentType: 'text/csv', format: 'csv' as const, body: (rs: Record<string, unknown>[]) => {
        const cols = [...new Set(rs.flatMap((r) => Object.keys(r)))];
        const cell = (v: unknown): string => (Array.isArray(v) ? v.join('|') : v === undefined ? '' : /[",]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
        return [cols.join(','), ...rs.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n');
      },
    },
  ];

  for (const [n, f] of formats.entries()) {
    it(`hold pseudonyms, never the patientId, and replay to the same pseudonyms (${f.format})`, async () => {
      const records = accepted('HOSP001').slice(n * 3, n * 3 + 3).map((r, i): Record<string, unknown> => ({ ...r, patientId: `P-CLEAR-${f.format}-${i}, "quoted"` }));
      const principal = { role: 'hospital' as const, hospitalId: 'HOSP001' };
      const result = await m.ingest.ingestBatch({ principal, body: f.body(records), contentType: f.contentType, format: f.format, receivedAt: new Date('2026-02-01T09:00:00Z'), ...m.deps.awsDeps });
      expect(result.errors).toEqual([]);
      expect(result.accepted).toBe(3);
      const batch = (await m.repo.getBatch('HOSP001', result.batchId))!;
      const kept = Buffer.from((await m.objects.s3ObjectStore.get(process.env.RAW_BUCKET!, batch.rawKey))!).toString();
      expect(kept).not.toContain('P-CLEAR');
      for (const [i] of records.entries()) expect(kept).toContain(`pseudonym:${m.pseudonym.pseudonymise(secret, `P-CLEAR-${f.format}-${i}, "quoted"`)}`);

      // The cases are lost from the table; the replay of the kept body brings them back with the same pseudonyms.
      const refs = await Promise.all(records.map(async (r) => (await m.repo.dynamoCaseStore.getCase('HOSP001', r.listId as string))!.record.patientRef));
      for (const r of records) await m.aws.dynamo().send(new DeleteCommand({ TableName: process.env.TABLE_NAME!, Key: { pk: m.keys.hospitalPk('HOSP001'), sk: m.keys.caseSk(r.listId as string) } }));
      const replayed = await m.replay.handler({ scope: 'HOSP001', batchId: result.batchId });
      expect(replayed).toMatchObject({ created: 3, batchId: result.batchId });
      const again = await Promise.all(records.map(async (r) => (await m.repo.dynamoCaseStore.getCase('HOSP001', r.listId as string))!.record.patientRef));
      expect(again).toEqual(refs);
      expect(refs[0]).toBe(m.pseudonym.pseudonymise(secret, `P-CLEAR-${f.format}-0, "quoted"`));
    });
  }

  it('a client cannot pass a pseudonym off as its own: outside a replay a marked value is hashed like any id', () => {
    const record = { listId: 'X', hospitalId: 'H', patientId: `pseudonym:${'a'.repeat(32)}` } as never;
    expect(m.ingest.storedRecord(record, secret).patientRef).toBe(m.pseudonym.pseudonymise(secret, `pseudonym:${'a'.repeat(32)}`));
    expect(m.ingest.storedRecord(record, secret, true).patientRef).toBe('a'.repeat(32));
  });
});

describe('supervision evidence by role', () => {
  it('HOSP001 sending stays of a HOSP002 patient sees no HOSP002 date, DRG or listId in its evidence; an analyst does', async () => {
    const patientId = 'P-SHARED-77';
    const day = (d: number): string => new Date(Date.UTC(2025, 8, 1) + d * 86_400_000).toISOString().slice(0, 10);
    const stay = (r: Record<string, unknown>, listId: string, start: number): Record<string, unknown> => ({ ...r, listId, patientId, lengthOfStay: 2, admissionDate: day(start), dischargeDate: day(start + 2) });
    const own = accepted('HOSP001')[0]!;
    const other = accepted('HOSP002').filter((r) => r.principalDiagnosis !== own.principalDiagnosis).slice(0, 4);
    const theirs = other.map((r, i) => stay(r, `H2-STAY-${i}`, 20 * i + 1));
    const ours = stay(own, 'H1-STAY-0', 90);
    const at = new Date('2026-02-02T09:00:00Z');
    await m.ingest.ingestBatch({ principal: { role: 'hospital', hospitalId: 'HOSP002' }, body: theirs.map((r) => JSON.stringify(r)).join('\n'), contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: at, ...m.deps.awsDeps });
    await m.ingest.ingestBatch({ principal: { role: 'hospital', hospitalId: 'HOSP001' }, body: JSON.stringify(ours), contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: at, ...m.deps.awsDeps });
    const theirDrgs = (await Promise.all(theirs.map((r) => m.repo.dynamoCaseStore.getCase('HOSP002', r.listId as string)))).map((c) => c!.grouping.drg).filter((d): d is string => d !== null);
    const ourDrg = (await m.repo.dynamoCaseStore.getCase('HOSP001', 'H1-STAY-0'))!.grouping.drg;

    const id = 'privacy-frequent';
    const now = new Date().toISOString();
    await m.store.putSupervisionRun({ id, status: 'running', trigger: 'api', createdAt: now, updatedAt: now, request: { from: '2025-09', to: '2025-12', hospitalIds: null, ruleSet: { name: 'x', version: '1' } }, progress: { phase: 'queued', partitionsDone: 0, partitionsTotal: null, casesRead: 0 } });
    expect(await m.sup.runSupervision(m.deps.awsDeps, id, { from: '2025-09', to: '2025-12' })).toBe('succeeded');
    const run = (await m.store.getSupervisionRun(id))!;

    const analyst = (await m.view.supervisionRunAnswer(m.deps.awsDeps, { role: 'analyst' }, run, { limit: 50, hospitalId: 'HOSP001', rule: 'frequent-admission' })).body as { flags: { items: { listId: string; evidence: Record<string, unknown> }[] } };
    const flagged = analyst.flags.items.find((f) => f.listId === 'H1-STAY-0')!;
    expect(JSON.stringify(flagged.evidence)).toContain('H2-STAY-0');

    const mine = (await m.view.supervisionRunAnswer(m.deps.awsDeps, { role: 'hospital', hospitalId: 'HOSP001' }, run, { limit: 50, rule: 'frequent-admission' })).body as { flags: { items: { listId: string; evidence: Record<string, unknown> }[] } };
    const flag = mine.flags.items.find((f) => f.listId === 'H1-STAY-0')!;
    expect(flag.evidence).toMatchObject({ admissionsInWindow: 5, otherHospitalStays: 4 });
    expect(flag.evidence.stays).toEqual([expect.objectContaining({ listId: 'H1-STAY-0', hospitalId: 'HOSP001' })]);
    const text = JSON.stringify(mine);
    expect(text).not.toContain('HOSP002');
    for (const r of theirs) {
      expect(text).not.toContain(r.listId as string);
      expect(text).not.toContain(r.admissionDate as string);
      expect(text).not.toContain(r.dischargeDate as string);
    }
    for (const drg of theirDrgs) if (drg !== ourDrg) expect(text).not.toContain(drg);
  });
});
