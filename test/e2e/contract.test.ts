/**
 * The OpenAPI document is the contract: every operation it declares is called through the local
 * stack (serverless-offline, the authorizer, dynalite, s3rver) with every role — admin,
 * analyst, a hospital key, no key, an unknown key — and with the error cases it documents, and
 * each answer's status, headers and body are validated against the document served at
 * /openapi.json with a JSON Schema 2020-12 validator (ajv). The roles a call is expected to pass
 * come from the document's own `x-roles`, so the document and the service cannot disagree on
 * who may call what either.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCasesWithMadeUpDetails } from '../../infra/local/demo.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { dipReference, loadProcedureClasses } from '../../cli/dip-records.ts';
import { buildDipCatalog } from '../../models/grouping/dip/build.ts';
import { DipCaseTableBuilder, readDipCase } from '../../models/grouping/dip/cases.ts';
import { defaultCatalogPolicy } from '../../models/grouping/dip/policy.ts';
import { validateRecord } from '../../models/settlement/validate.ts';
import { reference } from '../../lambdas/shared/reference.ts';
import { freePort, hospitalLines, key, tempDataDir } from './helpers.ts';
import { ContractDocument, type Answer, type Operation } from './openapi-contract.ts';

type Role = 'admin' | 'analyst' | 'hospital' | 'none' | 'bad';
const roles: Role[] = ['admin', 'analyst', 'hospital', 'none', 'bad'];
const keyOf: Record<Role, string | null> = { admin: key.admin, analyst: key.analyst, hospital: key.hosp1, none: null, bad: 'not-a-key-this-service-issued-0000' };

let stack: LocalStack;
let url: string;
let contract: ContractDocument;
let operations: Map<string, Operation>;
/** Calls made: operation id → roles, and → statuses. */
const calledWith = new Map<string, Set<Role>>();
const statuses = new Map<string, Set<number>>();
const violations: string[] = [];

beforeAll(async () => {
  const dataDir = tempDataDir();
  stack = await startLocalStack({ port: await freePort(), dataDir, buildDir: path.join(dataDir, 'build'), quiet: true });
  url = stack.url;
  Object.assign(process.env, stack.environment); // the reference directory, for building the DIP catalogue
  contract = await ContractDocument.fetch(url);
  operations = contract.operations;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (stack) rmSync(stack.dataDir, { recursive: true, force: true });
});

/** Validate one answer against the operation's declared response for its status. */
function check(op: Operation, a: Answer, label: string): void {
  contract.check(op, a, label, violations);
}

async function call(opId: string, role: Role, target: string, init: { body?: string; type?: string; encoding?: string } = {}): Promise<Answer> {
  const op = operations.get(opId);
  if (!op) throw new Error(`the document has no operation ${opId}`);
  const headers: Record<string, string> = {};
  const k = keyOf[role];
  if (k) headers.authorization = `Bearer ${k}`;
  if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
  if (init.encoding) headers['content-encoding'] = init.encoding;
  const r = await fetch(`${url}${target}`, { method: op.method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await r.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    violations.push(`${opId} as ${role} ${target}: the body is not JSON: ${text.slice(0, 120)}`);
  }
  const a = { status: r.status, headers: r.headers, text, json };
  const label = `${opId} as ${role} (${op.method} ${target} → ${r.status})`;
  check(op, a, label);
  // A request the service accepted must be one the document accepts too.
  const type = init.type ?? 'application/json';
  if (r.status < 300 && init.body !== undefined && type === 'application/json' && !init.encoding) {
    const v = contract.validator(`${op.pointer}/requestBody/content/application~1json/schema`);
    if (!v(JSON.parse(init.body))) violations.push(`${label}: the accepted request body does not match the document: ${contract.ajv.errorsText(v.errors?.slice(0, 5))}`);
  }
  (calledWith.get(opId) ?? calledWith.set(opId, new Set()).get(opId)!).add(role);
  (statuses.get(opId) ?? statuses.set(opId, new Set()).get(opId)!).add(r.status);
  return a;
}

/** The status a role should get from an operation whose admitted roles answer `ok`. */
function expectedFor(opId: string, role: Role, ok: number): number {
  const op = operations.get(opId)!;
  if (!op.roles) return ok;
  if (role === 'none') return 401;
  if (role === 'bad') return 403;
  return op.roles.includes(role) ? ok : 403;
}

/** Call with every role; admitted roles must get `ok`, the others 401/403. */
async function everyRole(opId: string, target: string | ((role: Role) => string), ok: number, init?: { body?: string; type?: string; encoding?: string }): Promise<Partial<Record<Role, Answer>>> {
  const out: Partial<Record<Role, Answer>> = {};
  for (const role of roles) {
    const a = await call(opId, role, typeof target === 'string' ? target : target(role), init);
    expect(a.status, `${opId} as ${role}: ${a.text.slice(0, 300)}`).toBe(expectedFor(opId, role, ok));
    out[role] = a;
  }
  return out;
}

async function poll(opId: string, target: string, done: (a: Answer) => boolean): Promise<Answer> {
  for (let i = 0; i < 200; i++) {
    const a = await call(opId, 'analyst', target);
    if (done(a)) return a;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${opId} ${target} did not finish`);
}

function dipCatalogBody(): string {
  const { pack, codeSets } = reference();
  const ref = dipReference(pack, loadProcedureClasses());
  const table = new DipCaseTableBuilder(1024);
  const rows = [];
  for (const line of devCasesWithMadeUpDetails().slice(0, 600)) {
    const v = validateRecord(JSON.parse(line), { mode: 'group', codeSets });
    if (v.ok) rows.push(readDipCase(v.record, ref));
  }
  table.addRows(rows);
  return JSON.stringify(buildDipCatalog(table.finish(), defaultCatalogPolicy({ coreThreshold: 5 }), '2026-01-01T00:00:00Z'));
}

const hosp1 = hospitalLines('HOSP001', 40);
const hosp2 = hospitalLines('HOSP002', 200);
const firstListId = (JSON.parse(hosp1[0]!) as { listId: string }).listId;
const month = (JSON.parse(hosp1[0]!) as { dischargeDate: string }).dischargeDate.slice(0, 7);
const policy = { method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 10000 };

describe('every answer of the API validates against its OpenAPI document', () => {
  it('serves the document without a key and declares every route', async () => {
    await everyRole('Health', '/health', 200);
    await everyRole('OpenApi', '/openapi.json', 200);
    expect(operations.size).toBeGreaterThanOrEqual(19);
  });

  it('answers the not-yet-existing resources 404 (catalogue, forecast, supervision runs)', async () => {
    await everyRole('GetDipCatalog', '/v1/dip-catalog', 404);
    await everyRole('LatestForecast', '/v1/forecasts/latest', 404);
    await everyRole('LatestSupervisionRun', '/v1/supervision-runs/latest', 404);
  });

  it('puts a DIP catalogue, ingests, reads and groups cases (with their DIP packets)', async () => {
    const catalog = dipCatalogBody();
    await everyRole('PutDipCatalog', '/v1/dip-catalog', 200, { body: catalog });
    await everyRole('GetDipCatalog', '/v1/dip-catalog', 200);
    await everyRole('IngestSettlementLists', '/v1/settlement-lists', 200, { body: hosp1.join('\n'), type: 'application/x-ndjson' });
    const two = await call('IngestSettlementLists', 'admin', '/v1/settlement-lists', { body: hosp2.join('\n'), type: 'application/x-ndjson' });
    expect(two.status).toBe(200);
    const got = await everyRole('GetCase', `/v1/cases/${firstListId}?hospitalId=HOSP001`, 200);
    expect(got.analyst!.json.dip).toBeDefined();
    const list = await everyRole('ListCases', '/v1/cases?hospitalId=HOSP001&from=2025-01-01&to=2025-12-31&limit=3', 200);
    expect(typeof list.admin!.json.cursor).toBe('string');
    const records = JSON.stringify(hosp1.slice(0, 3).map((l) => JSON.parse(l) as unknown));
    const grouped = await everyRole('Group', '/v1/group?explain=true', 200, { body: records });
    expect((grouped.hospital!.json.results as { dip?: unknown }[]).some((r) => r.dip)).toBe(true);
    const schemes = await everyRole('ListSchemes', '/v1/schemes', 200);
    expect(schemes.hospital!.json.default).toBe('chs-drg-1.1');
    expect((schemes.hospital!.json.schemes as { id: string }[]).map((s) => s.id)).toContain('suzhou_2023');
    const local = await everyRole('Group', '/v1/group?scheme=suzhou_2023', 200, { body: records });
    expect((local.analyst!.json.scheme as { id: string }).id).toBe('suzhou_2023');
    expect((got.analyst!.json.grouping as { scheme?: string }).scheme).toBe('chs-drg-1.1');
    await everyRole('ListCases', '/v1/cases?hospitalId=HOSP001&drg=XR3A&from=2025-01-01&to=2025-12-31', 200);
    await everyRole('DataQuality', `/v1/data-quality?hospitalId=HOSP001&month=${month}`, 200);
    await everyRole('WhoAmI', '/v1/me', 200);
    await everyRole('Overview', '/v1/overview', 200);
  }, 60_000);

  it('runs a simulation, a stress test and a supervision run, and serves their full results', async () => {
    const sims = await everyRole('CreateSimulation', '/v1/simulations', 202, { body: JSON.stringify({ policy, name: 'contract' }) });
    const simId = sims.analyst!.json.id as string;
    expect(sims.analyst!.headers.get('location')).toBe(`/v1/simulations/${simId}`);
    const sim = await poll('GetSimulation', `/v1/simulations/${simId}`, (a) => a.json.status === 'succeeded' || a.json.status === 'failed');
    expect(sim.json.status).toBe('succeeded');
    expect(sim.json.result).toBeDefined();
    await everyRole('GetSimulation', `/v1/simulations/${simId}`, 200);
    // Regrouped under a local scheme: the result names it.
    const regrouped = await call('CreateSimulation', 'analyst', '/v1/simulations', { body: JSON.stringify({ policy, scheme: 'taizhou_2022' }) });
    expect(regrouped.status).toBe(202);
    const local = await poll('GetSimulation', `/v1/simulations/${regrouped.json.id as string}`, (a) => a.json.status === 'succeeded' || a.json.status === 'failed');
    expect(local.json.status).toBe('succeeded');
    expect((local.json.result as { scheme: { id: string; regrouped: boolean } }).scheme).toMatchObject({ id: 'taizhou_2022', regrouped: true });
    // A DIP policy: its own result document (point values, outlier classes, clearing by hospital), validated too.
    const dip = await call('CreateSimulation', 'analyst', '/v1/simulations', { body: JSON.stringify({ policy: { method: 'dip', referenceYears: [2025], settlementYear: 2025, pointValue: 10, fundRatio: 0.8 }, name: 'contract DIP' }) });
    expect(dip.status).toBe(202);
    const dipDone = await poll('GetSimulation', `/v1/simulations/${dip.json.id as string}`, (a) => a.json.status === 'succeeded' || a.json.status === 'failed');
    expect(dipDone.json.error).toBeUndefined();
    expect((dipDone.json.result as { method: string; funds: unknown[] }).method).toBe('dip');
    expect((dipDone.json.result as { funds: unknown[] }).funds).toHaveLength(1);

    const tests = await everyRole('CreateStressTest', '/v1/stress-tests', 202, { body: JSON.stringify({ preset: 'baseline', scenario: { paths: 200 }, sweep: { parameter: 'costGrowth.mean', from: 0.02, to: 0.06, step: 0.02 } }) });
    const testId = tests.analyst!.json.id as string;
    const done = await poll('GetStressTest', `/v1/stress-tests/${testId}`, (a) => a.json.status !== 'running');
    expect(done.json.status).toBe('succeeded');
    expect(done.json.sweep).toBeDefined();
    await everyRole('GetStressTest', `/v1/stress-tests/${testId}`, 200);
    await everyRole('GetStressTest', '/v1/stress-tests/latest', 200);

    const runs = await everyRole('CreateSupervisionRun', '/v1/supervision-runs', 202, { body: JSON.stringify({ from: '2025-01', to: '2025-12' }) });
    const runId = runs.analyst!.json.id as string;
    const run = await poll('GetSupervisionRun', `/v1/supervision-runs/${runId}`, (a) => a.json.status === 'succeeded' || a.json.status === 'failed');
    expect(run.json.status).toBe('succeeded');
    await everyRole('GetSupervisionRun', `/v1/supervision-runs/${runId}?hospitalId=HOSP001&limit=5`, 200);
    await everyRole('LatestSupervisionRun', '/v1/supervision-runs/latest?hospitalId=HOSP001&limit=5', 200);

    const comparisons = await everyRole('CreateSchemeComparison', '/v1/scheme-comparisons', 202, { body: JSON.stringify({ schemes: ['chs-drg-1.1', 'suzhou_2023'], from: '2025-01', to: '2025-12' }) });
    const comparisonId = comparisons.analyst!.json.id as string;
    const compared = await poll('GetSchemeComparison', `/v1/scheme-comparisons/${comparisonId}`, (a) => a.json.status === 'succeeded' || a.json.status === 'failed');
    expect(compared.json.status).toBe('succeeded');
    expect((compared.json.result as { cases: number }).cases).toBeGreaterThan(0);
    await everyRole('GetSchemeComparison', `/v1/scheme-comparisons/${comparisonId}`, 200);
  }, 120_000);

  it('serves the monthly forecast once the job has made one', async () => {
    // 36 consecutive months of HOSP002 stays (2023-01 … 2025-12), then the forecast job in-process on the stack's storage.
    const template = JSON.parse(hosp2[0]!) as Record<string, unknown>;
    const records = Array.from({ length: 36 * 2 }, (_, i) => {
      const m = Math.floor(i / 2);
      const ym = `${2023 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      return JSON.stringify({ ...(JSON.parse(hosp2[i % hosp2.length]!) as object), hospitalId: template.hospitalId, listId: `FORECAST-${i}`, admissionDate: `${ym}-10`, dischargeDate: `${ym}-15`, lengthOfStay: 5 });
    });
    const ingested = await call('IngestSettlementLists', 'admin', '/v1/settlement-lists', { body: records.join('\n'), type: 'application/x-ndjson' });
    expect(ingested.status).toBe(200);
    const { runForecast } = await import('../../lambdas/jobs/forecast.ts');
    const { awsDeps } = await import('../../lambdas/shared/deps.ts');
    const run = await runForecast(awsDeps, new Date());
    expect(run.status, JSON.stringify(run)).not.toBe('insufficient');
    const forecast = await everyRole('LatestForecast', '/v1/forecasts/latest', 200);
    expect((forecast.analyst!.json.report as { forecast: unknown[] }).forecast.length).toBeGreaterThan(0);
  }, 60_000);

  it('answers the documented error cases with the Error body', async () => {
    const expectStatus = async (p: Promise<Answer>, status: number): Promise<Answer> => {
      const a = await p;
      expect(a.status, a.text.slice(0, 300)).toBe(status);
      return a;
    };
    // 401 / 403 of the authorizer: the Error body, WWW-Authenticate on 401 (checked against the document).
    const noKey = await expectStatus(call('ListCases', 'none', '/v1/cases'), 401);
    expect(noKey.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(noKey.json.code).toBe('unauthorized');
    expect((await expectStatus(call('ListCases', 'bad', '/v1/cases'), 403)).json.code).toBe('forbidden');
    // 400: malformed bodies and a cursor not handed out by the service.
    await expectStatus(call('CreateSimulation', 'analyst', '/v1/simulations', { body: '{"policy": ' }), 400);
    await expectStatus(call('IngestSettlementLists', 'hospital', '/v1/settlement-lists', { body: '{"a":1}\n{oops\n', type: 'application/x-ndjson' }), 400);
    await expectStatus(call('ListCases', 'hospital', '/v1/cases?cursor=bm90LWEtY3Vyc29y'), 400);
    // 413, 415
    await expectStatus(call('IngestSettlementLists', 'hospital', '/v1/settlement-lists', { body: `[${'"x",'.repeat(1_600_000)}"x"]` }), 413);
    await expectStatus(call('IngestSettlementLists', 'hospital', '/v1/settlement-lists', { body: 'x', type: 'text/plain' }), 415);
    await expectStatus(call('Group', 'hospital', '/v1/group', { body: 'x', type: 'text/plain' }), 415);
    // 422: parameters, bodies and the limits the document states.
    const limit = await expectStatus(call('ListCases', 'hospital', '/v1/cases?limit=5000'), 422);
    expect(JSON.stringify(limit.json.problems)).toContain('query.limit');
    await expectStatus(call('GetCase', 'analyst', `/v1/cases/${firstListId}`), 422);
    await expectStatus(call('DataQuality', 'analyst', `/v1/data-quality?month=13-2025`), 422);
    await expectStatus(call('CreateSimulation', 'analyst', '/v1/simulations', { body: JSON.stringify({ policy: { method: 'drg' } }) }), 422);
    await expectStatus(call('CreateStressTest', 'analyst', '/v1/stress-tests', { body: '{}' }), 422);
    await expectStatus(call('CreateSupervisionRun', 'analyst', '/v1/supervision-runs', { body: JSON.stringify({ from: '2023-12', to: '2025-12' }) }), 422); // 25 months
    await expectStatus(call('PutDipCatalog', 'admin', '/v1/dip-catalog', { body: '{}' }), 422);
    await expectStatus(call('CreateSchemeComparison', 'analyst', '/v1/scheme-comparisons', { body: JSON.stringify({ schemes: ['chs-drg-1.1', 'no_such_scheme'] }) }), 422);
    const many = Array.from({ length: 1001 }, (_, i) => hosp1[i % hosp1.length]!).join('\n');
    await expectStatus(call('Group', 'analyst', '/v1/group', { body: many, type: 'application/x-ndjson' }), 413); // refused before parsing
    await expectStatus(call('GetSupervisionRun', 'analyst', '/v1/supervision-runs/no-such-run-0000?limit=9999'), 422);
    await expectStatus(call('LatestSupervisionRun', 'analyst', '/v1/supervision-runs/latest?rule=no-such-rule'), 422);
    await expectStatus(call('GetSimulation', 'analyst', '/v1/simulations/NOT_AN_ID'), 422);
    await expectStatus(call('GetStressTest', 'analyst', '/v1/stress-tests/NOT_AN_ID'), 422);
    await expectStatus(call('Overview', 'analyst', '/v1/overview?year=20x5'), 422);
    const unheld = await expectStatus(call('Group', 'hospital', '/v1/group?scheme=no_such_scheme', { body: JSON.stringify([JSON.parse(hosp1[0]!)]) }), 422);
    expect(JSON.stringify(unheld.json.problems)).toContain('query.scheme');
    await expectStatus(call('CreateSimulation', 'analyst', '/v1/simulations', { body: JSON.stringify({ policy, scheme: 'no_such_scheme' }) }), 422);
    await expectStatus(call('ListCases', 'analyst', '/v1/cases?drg=fm19'), 422);
    // 404
    await expectStatus(call('GetCase', 'hospital', '/v1/cases/NO-SUCH-CASE'), 404);
    await expectStatus(call('GetSimulation', 'analyst', '/v1/simulations/no-such-simulation'), 404);
    await expectStatus(call('GetStressTest', 'analyst', '/v1/stress-tests/no-such-stress-test'), 404);
    await expectStatus(call('GetSupervisionRun', 'analyst', '/v1/supervision-runs/no-such-run-0000'), 404);
    await expectStatus(call('GetSchemeComparison', 'analyst', '/v1/scheme-comparisons/no-such-comparison'), 404);
  }, 60_000);

  it('catches an answer that strays from the document (the check itself can fail)', () => {
    const before = violations.length;
    const op = operations.get('WhoAmI')!;
    const answer = (status: number, json: Record<string, unknown>, headers: Record<string, string> = {}): Answer => ({ status, json, text: JSON.stringify(json), headers: new Headers(headers) });
    check(op, answer(200, { role: 'analyst', extra: 1 }), 'an undeclared field');
    check(op, answer(200, { role: 'hospital' }), 'a hospital without hospitalId');
    check(op, answer(401, { code: 'unauthorized', message: 'no key' }), '401 without WWW-Authenticate');
    check(op, answer(403, { statusCode: 403, error: 'Forbidden', message: 'User is not authorized to access this resource' }), 'the gateway\'s own 403 body');
    check(op, answer(418, { code: 'teapot', message: 'no' }), 'an undeclared status');
    check(operations.get('CreateSimulation')!, answer(202, { id: 'x', status: 'queued', createdAt: 'x', updatedAt: 'x', progress: { partitionsDone: 0, partitionsTotal: null, casesRead: 0 } }), '202 without Location');
    const caught = violations.splice(before);
    expect(caught.map((v) => v.split(':')[0])).toEqual(['an undeclared field', 'a hospital without hospitalId', '401 without WWW-Authenticate', 'the gateway\'s own 403 body', 'an undeclared status', '202 without Location']);
  });

  it('called every operation of the document with every role, and every answer validated', () => {
    const missing = [...operations.values()].filter((op) => roles.some((r) => !calledWith.get(op.id)?.has(r))).map((op) => op.id);
    expect(missing).toEqual([]);
    // Every error status an operation declares that a client can provoke was seen somewhere.
    const seen = new Set([...statuses.values()].flatMap((s) => [...s]));
    for (const status of [200, 202, 400, 401, 403, 404, 413, 415, 422]) expect(seen.has(status), `status ${status}`).toBe(true);
    expect(violations).toEqual([]);
  });
});
