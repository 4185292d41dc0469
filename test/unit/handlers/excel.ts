/**
 * Excel workbooks through POST /v1/group and POST /v1/settlement-lists: the body as API Gateway
 * delivers a binary body (base64, `isBase64Encoded`), the same answers as for the CSV of the same
 * records, the kept raw body pseudonymised JSON Lines (never the workbook), a body whose content
 * is not its Content-Type's format refused with 415, header problems named as for CSV.
 */
import { admin, analyst, call, ensureReference, rawBucket } from './harness.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupHandler } from '../../../lambdas/http/group.ts';
import { xlsxMediaType } from '../../../lib/xlsx.ts';
import { memoryPorts } from '../../helpers/memory-stores.ts';

const example = (ext: string): Buffer => readFileSync(path.resolve('examples', `settlement-lists-2025-03.${ext}`));
const workbookRequest = (bytes: Uint8Array) => ({ method: 'POST', body: Buffer.from(bytes).toString('base64'), base64: true, headers: { 'content-type': xlsxMediaType } });

/** A workbook of `rows` under `header` (first sheet). */
async function workbook(header: string[], rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('lists');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('Excel workbooks through the API', () => {
  beforeAll(ensureReference);

  it('POST /v1/group answers a workbook exactly as the CSV of the same records', async () => {
    const group = groupHandler(memoryPorts());
    const fromCsv = await call(group, { caller: analyst, method: 'POST', body: example('csv').toString('utf8'), headers: { 'content-type': 'text/csv' } });
    const fromXlsx = await call(group, { caller: analyst, ...workbookRequest(example('xlsx')) });
    expect(fromCsv.status).toBe(200);
    expect(fromXlsx.status).toBe(200);
    expect(fromXlsx.body.results).toHaveLength(117);
    expect(fromXlsx.body).toEqual(fromCsv.body);
  });

  it('POST /v1/settlement-lists ingests a workbook as its CSV; the kept raw body is the records as pseudonymised JSON Lines, and it replays', async () => {
    const { ingestHandler } = await import('../../../lambdas/http/settlement-lists.ts');
    const { replayBatchHandler } = await import('../../../lambdas/jobs/replay-batch.ts');
    const fromCsv = await call(ingestHandler(memoryPorts()), { caller: admin, method: 'POST', body: example('csv').toString('utf8'), headers: { 'content-type': 'text/csv' } });
    const ports = memoryPorts();
    const out = await call(ingestHandler(ports), { caller: admin, ...workbookRequest(example('xlsx')) });
    expect(out.status).toBe(200);
    const { batchId, ...counts } = out.body as { batchId: string };
    const { batchId: _csvBatch, ...csvCounts } = fromCsv.body as { batchId: string };
    expect(counts).toEqual(csvCounts);
    expect(counts).toMatchObject({ accepted: 117, created: 117 });

    const batch = await ports.batches.get('admin', batchId);
    expect(batch).toMatchObject({ status: 'processed', contentType: 'application/x-ndjson' });
    const kept = Buffer.from((await ports.objects.get(rawBucket, batch!.rawKey))!).toString('utf8');
    const lines = kept.trimEnd().split('\n').map((l) => JSON.parse(l) as { listId: string; patientId: string });
    expect(lines).toHaveLength(117);
    // No patient id of the workbook is kept in clear: each is a marked pseudonym.
    expect(kept).not.toMatch(/PT\d{6,}/);
    expect(lines.every((l) => /^pseudonym:[0-9a-f]{32}$/.test(l.patientId))).toBe(true);
    expect(lines[0]!.listId).toBe('HOSP001-2025-0000008');

    const replayed = await replayBatchHandler(ports)({ scope: 'admin', batchId });
    expect(replayed).toMatchObject({ accepted: 117, unchanged: 117, created: 0, replaced: 0, superseded: 0 });
    // The same workbook again changes nothing.
    expect((await call(ingestHandler(ports), { caller: admin, ...workbookRequest(example('xlsx')) })).body).toMatchObject({ batchId, created: 0, unchanged: 117 });
  });

  it('a body that is not its Content-Type\'s format is 415 with one sentence; a damaged workbook 400; a wrong header 422 naming the columns; too many rows 413', async () => {
    const group = groupHandler(memoryPorts());
    const jsonAsWorkbook = await call(group, { caller: analyst, ...workbookRequest(example('jsonl')) });
    expect(jsonAsWorkbook.status).toBe(415);
    expect(jsonAsWorkbook.body).toMatchObject({ code: 'unsupported-media-type', message: expect.stringMatching(/^The body is not an Excel workbook \(\.xlsx\): it is JSON text, yet its Content-Type says/) });
    const workbookAsCsv = await call(group, { caller: analyst, method: 'POST', body: example('xlsx').toString('base64'), base64: true, headers: { 'content-type': 'text/csv' } });
    expect(workbookAsCsv.status).toBe(415);
    expect(workbookAsCsv.body.message).toContain('The body is not CSV: it is a zip archive (an Excel workbook?)');
    // A workbook sent as text (no base64) arrives damaged, still starting with its zip signature: not CSV either.
    const mangled = await call(group, { caller: analyst, method: 'POST', body: example('xlsx').toString('latin1'), headers: { 'content-type': 'text/csv' } });
    expect(mangled.status).toBe(415);

    const truncated = await call(group, { caller: analyst, ...workbookRequest(example('xlsx').subarray(0, 3000)) });
    expect(truncated.status).toBe(400);
    expect(truncated.body.message).toBe('The body cannot be read as an Excel workbook (.xlsx): it ends before the workbook does (a truncated or damaged file).');
    expect((await call(group, { caller: analyst, method: 'POST', body: '', headers: { 'content-type': xlsxMediaType } })).status).toBe(400);

    const badHeader = await call(group, { caller: analyst, ...workbookRequest(await workbook(['listId', 'sex', 'principal_diagnosis'], [['A-1', 'M', 'K35.900']])) });
    expect(badHeader.status).toBe(422);
    expect(badHeader.body.message).toContain('The workbook cannot be read: the header row has unknown column principal_diagnosis (did you mean principalDiagnosis?)');
    expect(badHeader.body.problems[0]).toMatchObject({ path: 'header' });

    const header = ['listId', 'sex', 'ageYears', 'lengthOfStay', 'dischargeDisposition', 'principalDiagnosis', 'secondaryDiagnoses', 'procedures'];
    const many = await call(group, { caller: analyst, ...workbookRequest(await workbook(header, Array.from({ length: 1001 }, (_, i) => [`L-${i}`, 'M', 40, 3, '1', 'K35.900', '', '']))) });
    expect(many.status).toBe(413);
    expect(many.body.problems[0]).toMatchObject({ code: 'too-many', path: 'body' });
  });
});
