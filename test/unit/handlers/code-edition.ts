/**
 * Clinical-edition codes (国临版 gl-2.0) through POST /v1/group and POST /v1/settlement-lists:
 * `?codeEdition=` is the batch's default, a record's own `codeEdition` wins, the stored case
 * carries the insurance codes and keeps the originals, an unmapped code is a rejection naming it,
 * and a replay reads the kept body in the batch's edition. Real codes of
 * `shared/reference/codes/*-gl-*-to-chs-2.0.dat`: A01.000x002 → A01.003, 45.3300x012 → 45.3400x002
 * (neither clinical code is an insurance-edition code).
 */
import { admin, call, devLines, ensureReference, hosp1, ingestThrough, rawBucket } from './harness.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupHandler } from '../../../lambdas/http/group.ts';
import { replayBatchHandler } from '../../../lambdas/jobs/replay-batch.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';

describe('clinical-edition codes', () => {
  let clinical: Record<string, unknown>[];
  beforeAll(async () => {
    await ensureReference();
    clinical = (await devLines('HOSP001', 3, 20)).map((l, i) => ({ ...(JSON.parse(l) as object), listId: `GL-${i}`, principalDiagnosis: 'A01.000x002', secondaryDiagnoses: [], procedures: ['45.3300x012'] }));
  });

  it('POST /v1/group?codeEdition=gl-2.0 maps records that name no edition; a record\'s own edition wins; an unmapped code is named', async () => {
    const group = groupHandler(memoryPorts());
    const [a, b, c] = clinical as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    const body = [a, { ...b, codeEdition: 'chs-2.0' }, { ...c, principalDiagnosis: 'Q99.999x999' }];
    const out = await call(group, { caller: hosp1, method: 'POST', query: { codeEdition: 'gl-2.0' }, body });
    expect(out.status).toBe(200);
    expect(out.body.results[0].status).not.toBe('invalid');
    // Read as insurance codes, the clinical ones do not exist.
    expect(out.body.results[1]).toMatchObject({ status: 'invalid', errors: [{ code: 'unknown-code', path: 'principalDiagnosis' }, { code: 'unknown-code', path: 'procedures[0]' }] });
    expect(out.body.results[2]).toMatchObject({ status: 'invalid', errors: [{ code: 'unmapped-code', path: 'principalDiagnosis' }] });
    expect(out.body.results[2].errors[0].message).toContain('Q99.999x999');
    // Without the default, the same record is read in the insurance edition.
    const plain = await call(group, { caller: hosp1, method: 'POST', body: [a] });
    expect(plain.body.results[0]).toMatchObject({ status: 'invalid', errors: [{ code: 'unknown-code' }, { code: 'unknown-code' }] });
    expect((await call(group, { caller: hosp1, method: 'POST', query: { codeEdition: 'icd-11' }, body: [a] })).status).toBe(422);
  });

  it('POST /v1/settlement-lists?codeEdition=gl-2.0 stores the mapped codes with the originals, and a replay reads the body in the batch\'s edition', async () => {
    const ports = memoryPorts(testClock('2026-01-15T10:00:00Z'));
    const lines = clinical.map((r) => JSON.stringify(r));
    const out = await ingestThrough(ports, hosp1, lines, { codeEdition: 'gl-2.0' });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ accepted: 3, rejected: 0 });
    const stored = await ports.cases.getCase('HOSP001', 'GL-0');
    expect(stored!.record).toMatchObject({ codeEdition: 'chs-2.0', principalDiagnosis: 'A01.003', procedures: ['45.3400x002'], originalCodes: { edition: 'gl-2.0', principalDiagnosis: 'A01.000x002', secondaryDiagnoses: [], procedures: ['45.3300x012'] } });
    const batch = await ports.batches.get('HOSP001', out.body.batchId);
    expect(batch?.codeEdition).toBe('gl-2.0');
    // The same body in the insurance edition is another batch, and every record is refused.
    const insurance = await ingestThrough(ports, hosp1, lines);
    expect(insurance.body.batchId).not.toBe(out.body.batchId);
    expect(insurance.body).toMatchObject({ accepted: 0, rejected: 3 });
    // A replay of the kept body reads it in gl-2.0 again: the cases come back unchanged.
    expect(await ports.objects.get(rawBucket, batch!.rawKey)).not.toBeNull();
    const replayed = await replayBatchHandler(ports)({ scope: 'HOSP001', batchId: out.body.batchId });
    expect(replayed).toMatchObject({ accepted: 3, unchanged: 3, errors: 0 });
    expect((await ingestThrough(ports, admin, lines, { codeEdition: 'gl-3.0' })).status).toBe(422);
  });
});
