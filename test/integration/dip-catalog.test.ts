/**
 * The service's DIP catalogue on dynalite + s3rver: no catalogue → cases carry no `dip`; an admin
 * PUTs a catalogue built in-test from the dev cases (validated, stored under catalogs/dip/, pointer
 * in the table), GET summarises it, ingest and POST /v1/group then give each case its packet, and
 * the case read back has it; 403 for non-admin PUT, 422 with field paths for a wrong document,
 * gzip bodies for big catalogues; a new catalogue replaces the cached one.
 */
import { roundRatio } from '../../models/text/round.ts';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCasesWithMadeUpDetails } from '../../infra/local/demo.ts';
import { dipReference, loadProcedureClasses } from '../../cli/dip-records.ts';
import { buildDipCatalog } from '../../models/grouping/dip/build.ts';
import { DipCaseTableBuilder, readDipCase } from '../../models/grouping/dip/cases.ts';
import type { DipCatalog } from '../../models/grouping/dip/catalog.ts';
import { defaultCatalogPolicy } from '../../models/grouping/dip/policy.ts';
import { catalogFromPackets } from '../../models/grouping/dip/published.ts';
import { caseDip } from '../../lambdas/http/schemas.ts';
import { validateRecord } from '../../models/settlement/validate.ts';
import { startStorage, type Storage } from './storage.ts';

let storage: Storage;
let m: {
  ingest: typeof import('../../lambdas/shared/ingest.ts');
  repo: typeof import('../../lambdas/shared/repositories.ts');
  objects: typeof import('../../lambdas/shared/object-store.ts');
  deps: typeof import('../../lambdas/shared/deps.ts');
  dip: typeof import('../../lambdas/shared/dip-catalog.ts');
  reference: typeof import('../../lambdas/shared/reference.ts');
  put: typeof import('../../lambdas/http/dip-catalog-put.ts');
  get: typeof import('../../lambdas/http/dip-catalog-get.ts');
  group: typeof import('../../lambdas/http/group.ts');
};
let catalog: DipCatalog;

const all = devCasesWithMadeUpDetails();
/** Reference cases for the catalogue: 600 dev cases of every hospital. */
const referenceLines = all.slice(0, 600);
/** Ingested: HOSP002's cases among the rest. */
const ingestLines = all.slice(600).filter((l) => l.includes('"HOSP002"')).slice(0, 40);

beforeAll(async () => {
  storage = await startStorage();
  m = {
    ingest: await import('../../lambdas/shared/ingest.ts'),
    repo: await import('../../lambdas/shared/repositories.ts'),
    objects: await import('../../lambdas/shared/object-store.ts'),
    deps: await import('../../lambdas/shared/deps.ts'),
    dip: await import('../../lambdas/shared/dip-catalog.ts'),
    reference: await import('../../lambdas/shared/reference.ts'),
    put: await import('../../lambdas/http/dip-catalog-put.ts'),
    get: await import('../../lambdas/http/dip-catalog-get.ts'),
    group: await import('../../lambdas/http/group.ts'),
  };
  const { pack, codeSets } = m.reference.reference();
  const ref = dipReference(pack, loadProcedureClasses());
  const table = new DipCaseTableBuilder(1024);
  const rows = [];
  for (const line of referenceLines) {
    const v = validateRecord(JSON.parse(line), { mode: 'group', codeSets });
    if (v.ok) rows.push(readDipCase(v.record, ref));
  }
  table.addRows(rows);
  catalog = buildDipCatalog(table.finish(), defaultCatalogPolicy({ coreThreshold: 5 }), '2026-01-01T00:00:00Z');
}, 120_000);
afterAll(async () => storage?.stop());

type Role = 'hospital' | 'analyst' | 'admin';
const call = async (handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<unknown>, role: Role, request: { method?: string; path: string; body?: string; headers?: Record<string, string>; base64?: boolean }) => {
  const event = {
    version: '2.0', routeKey: `${request.method ?? 'GET'} ${request.path}`, rawPath: request.path, headers: { 'content-type': 'application/json', ...request.headers }, isBase64Encoded: request.base64 ?? false, body: request.body,
    requestContext: { requestId: 'r1', authorizer: { lambda: role === 'hospital' ? { role, hospitalId: 'HOSP002' } : { role } } },
  } as unknown as APIGatewayProxyEventV2;
  const out = (await handler(event, { awsRequestId: 'r1', functionName: 'test' } as Context)) as { statusCode: number; body: string };
  return { status: out.statusCode, body: JSON.parse(out.body) as Record<string, unknown> };
};
const putCatalog = (role: Role, body: string, extra: { headers?: Record<string, string>; base64?: boolean } = {}) => call(m.put.handler, role, { method: 'PUT', path: '/v1/dip-catalog', body, ...extra });
const ingest = (lines: string[]) => m.ingest.ingestBatch({ principal: { role: 'hospital', hospitalId: 'HOSP002' }, body: lines.join('\n'), contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: new Date('2026-01-15T10:00:00Z'), ...m.deps.awsDeps });
const listIdOf = (line: string): string => (JSON.parse(line) as { listId: string }).listId;

describe('DIP catalogue in the service', () => {
  it('without a catalogue: no dip on cases, GET is 404', async () => {
    expect(await m.dip.activeDipCatalog(m.deps.awsDeps)).toBeNull();
    const r = await ingest(ingestLines.slice(0, 5));
    expect(r.accepted).toBeGreaterThan(0);
    const stored = await m.repo.dynamoCaseStore.getCase('HOSP002', listIdOf(ingestLines[0]!));
    expect(stored).not.toBeNull();
    expect(stored).not.toHaveProperty('dip');
    expect((await call(m.get.handler, 'analyst', { path: '/v1/dip-catalog' })).status).toBe(404);
  });

  it('refuses non-admin keys (403) and wrong documents (422 with field paths, 400 for broken JSON)', async () => {
    expect((await putCatalog('analyst', JSON.stringify(catalog))).status).toBe(403);
    expect((await putCatalog('hospital', JSON.stringify(catalog))).status).toBe(403);
    const wrong = { ...catalog, version: 99, packets: [{ ...catalog.packets[0]!, score: 'high' }] };
    const bad = await putCatalog('admin', JSON.stringify(wrong));
    expect(bad.status).toBe(422);
    const paths = (bad.body.problems as { path: string }[]).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['version', 'packets[0].score']));
    expect((await putCatalog('admin', '{"format": ')).status).toBe(400);
    expect(await m.dip.activeDipCatalog(m.deps.awsDeps)).toBeNull();
  });

  it('an admin activates a catalogue; ingest, the case read-back and /v1/group carry its packet', async () => {
    const put = await putCatalog('admin', JSON.stringify(catalog));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ builtAt: catalog.builtAt, packets: catalog.packets.length, coreCoverage: catalog.quality.coreCoverage, riv: roundRatio(catalog.quality.riv) });
    const id = put.body.id as string;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await m.objects.s3ObjectStore.list(process.env.LAKE_BUCKET!, 'catalogs/dip/')).toEqual([`catalogs/dip/${id}.json`]);
    const got = await call(m.get.handler, 'analyst', { path: '/v1/dip-catalog' });
    expect(got).toMatchObject({ status: 200, body: { id, packets: catalog.packets.length } });
    expect((await call(m.get.handler, 'hospital', { path: '/v1/dip-catalog' })).status).toBe(403);

    const r = await ingest(ingestLines.slice(5));
    expect(r.accepted).toBeGreaterThan(0);
    const ids = new Set(catalog.packets.flatMap((p) => [p.id, ...(p.tiers ?? []).map((t) => t.id)]));
    let fallbacks = 0;
    for (const line of ingestLines.slice(5)) {
      const stored = await m.repo.dynamoCaseStore.getCase('HOSP002', listIdOf(line));
      if (!stored) continue; // rejected at ingest
      expect(stored.dip).toBeDefined();
      expect(stored.dip!.catalog).toBe(id);
      expect(ids.has(stored.dip!.packet)).toBe(true);
      expect(stored.dip!.score).toBeGreaterThan(0);
      if (stored.dip!.status === 'fallback') {
        fallbacks++;
        expect(stored.dip!.packet.startsWith('*/')).toBe(true);
      }
    }
    expect(fallbacks).toBeLessThan(r.accepted);
    // The listing returns it too.
    const page = await m.repo.dynamoCaseStore.listCases({ hospitalId: 'HOSP002', from: '2025-01-01', to: '2025-12-31', limit: 100 });
    expect(page.items.some((c) => c.dip !== undefined)).toBe(true);

    const grouped = await call(m.group.handler, 'hospital', { method: 'POST', path: '/v1/group', body: ingestLines.slice(5, 10).join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
    expect(grouped.status).toBe(200);
    for (const res of grouped.body.results as { status: string; dip?: { packet: string } }[]) if (res.status !== 'invalid') expect(ids.has(res.dip!.packet)).toBe(true);
  });

  it('takes a gzipped body, and a new catalogue replaces the cached one', async () => {
    const next = { ...catalog, builtAt: '2026-02-01T00:00:00Z' };
    const put = await putCatalog('admin', gzipSync(JSON.stringify(next)).toString('base64'), { headers: { 'content-encoding': 'gzip' }, base64: true });
    expect(put.status).toBe(200);
    expect(put.body.builtAt).toBe('2026-02-01T00:00:00Z');
    const active = await m.dip.activeDipCatalog(m.deps.awsDeps);
    expect(active?.id).toBe(put.body.id);
    expect(active?.catalog.builtAt).toBe('2026-02-01T00:00:00Z');
    expect(await m.objects.s3ObjectStore.list(process.env.LAKE_BUCKET!, 'catalogs/dip/')).toHaveLength(2);
  });

  it('takes an imported published packet list (no catch-all packet): a case in none of its packets is ungrouped with no score', async () => {
    const listCase = JSON.parse(ingestLines[6]!) as { principalDiagnosis: string };
    const list = `diagnosis,principalProcedure,relatedProcedures,score\n${listCase.principalDiagnosis.slice(0, 5)},,,812.5\n`;
    const imported = catalogFromPackets('list.csv', list, defaultCatalogPolicy(), '2026-03-01T00:00:00Z');
    expect(imported.packets.some((p) => p.id === '*/*')).toBe(false);
    const put = await putCatalog('admin', JSON.stringify(imported));
    expect(put.status).toBe(200);
    const grouped = await call(m.group.handler, 'analyst', { method: 'POST', path: '/v1/group', body: ingestLines.slice(5, 15).join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
    expect(grouped.status).toBe(200);
    const dips = (grouped.body.results as { status: string; dip?: unknown }[]).filter((r) => r.status !== 'invalid').map((r) => caseDip.parse(r.dip));
    const ungrouped = dips.filter((d) => d.status === 'fallback');
    expect(ungrouped.length).toBeGreaterThan(0);
    for (const d of ungrouped) expect(d.score).toBeNull();
  });
});
