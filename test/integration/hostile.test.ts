/**
 * Hostile and careless input against the real handlers on dynalite and s3rver: record caps
 * refused before parsing (413), absurd dates refused at the door so no "latest month" moves,
 * hospitalIds and listIds that would name other keys, payments above the cost, malformed and
 * foreign cursors (400, never 500), per-key throttling (429 + Retry-After), and every 422 giving
 * each problem's real `code` and `path` (`policy.outliers.low`, never `policy.the`).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCasesWithMadeUpDetails } from '../../infra/local/demo.ts';
import { startStorage, type Storage } from './storage.ts';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type Caller = { role: 'hospital'; hospitalId: string } | { role: 'analyst' } | { role: 'admin' };

let storage: Storage;
let h: Record<'ingest' | 'group' | 'cases' | 'overview' | 'simulations' | 'stressTests' | 'supervisionRuns' | 'supervisionRun' | 'me', Handler>;
let m: {
  ingest: typeof import('../../lambdas/shared/ingest.ts');
  objects: typeof import('../../lambdas/shared/object-store.ts');
  lake: typeof import('../../lambdas/shared/lake-summary.ts');
  config: typeof import('../../lambdas/shared/config.ts');
  deps: typeof import('../../lambdas/shared/deps.ts');
};

beforeAll(async () => {
  storage = await startStorage();
  const load = async (name: string): Promise<Handler> => ((await import(`../../lambdas/http/${name}.ts`)) as { handler: Handler }).handler;
  h = {
    ingest: await load('settlement-lists'), group: await load('group'), cases: await load('cases-list'), overview: await load('overview'),
    simulations: await load('simulations-create'), stressTests: await load('stress-tests-create'), supervisionRuns: await load('supervision-runs-create'),
    supervisionRun: await load('supervision-runs-get'), me: await load('me'),
  };
  const { validateRecord } = await import('../../models/settlement/validate.ts');
  const { reference } = await import('../../lambdas/shared/reference.ts');
  valid = lines.filter((l) => validateRecord(JSON.parse(l), { mode: 'ingest', codeSets: reference().codeSets }).ok);
  m = {
    ingest: await import('../../lambdas/shared/ingest.ts'),
    objects: await import('../../lambdas/shared/object-store.ts'),
    lake: await import('../../lambdas/shared/lake-summary.ts'),
    config: await import('../../lambdas/shared/config.ts'),
    deps: await import('../../lambdas/shared/deps.ts'),
  };
});
afterAll(async () => storage?.stop());

const hosp1: Caller = { role: 'hospital', hospitalId: 'HOSP001' };
const analyst: Caller = { role: 'analyst' };
let requestNumber = 0;

async function call(handler: Handler, o: { caller?: Caller; keyId?: string; body?: string; contentType?: string; query?: Record<string, string>; params?: Record<string, string> }): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }> {
  const caller = o.caller ?? hosp1;
  const requestId = `test-${++requestNumber}`;
  const event = {
    version: '2.0',
    headers: { 'content-type': o.contentType ?? 'application/json' },
    queryStringParameters: o.query,
    pathParameters: o.params,
    body: o.body,
    isBase64Encoded: false,
    requestContext: { requestId, authorizer: { lambda: { role: caller.role, hospitalId: caller.role === 'hospital' ? caller.hospitalId : '', keyId: o.keyId ?? `key-${caller.role}` } } },
  } as unknown as APIGatewayProxyEventV2;
  const context = { awsRequestId: requestId, functionName: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
  const out = await handler(event, context);
  return { status: out.statusCode ?? 0, headers: out.headers ?? {}, json: JSON.parse(out.body ?? '{}') as Record<string, unknown> };
}

const lines = devCasesWithMadeUpDetails().filter((l) => l.includes('"HOSP001"')).slice(0, 40);
let valid: string[] = [];
/** The i-th dev case of HOSP001 that is valid at ingest, with changes. */
const record = (i: number, changes: Record<string, unknown> = {}): Record<string, unknown> => ({ ...(JSON.parse(valid[i]!) as Record<string, unknown>), ...changes });
const ingest = (records: Record<string, unknown>[], receivedAt = new Date()) =>
  m.ingest.ingestBatch({ principal: hosp1, body: records.map((r) => JSON.stringify(r)).join('\n'), contentType: 'application/x-ndjson', format: 'jsonl', receivedAt, ...m.deps.awsDeps });

describe('record caps: refused with 413 before anything is parsed or stored', () => {
  it('answers a million {} (3 MB) in well under a second, naming the limit', async () => {
    const body = `[${'{},'.repeat(999_999)}{}]`;
    expect(body.length).toBeGreaterThan(2_900_000);
    const started = performance.now();
    const r = await call(h.ingest, { body });
    const ms = performance.now() - started;
    expect(r.status).toBe(413);
    expect(r.json.code).toBe('too-large');
    expect(r.json.message).toMatch(/more than 10,000 records.*MAX_RECORDS_PER_REQUEST/);
    expect(r.json.problems).toEqual([{ code: 'too-many', path: 'body', message: expect.stringContaining('the limit is 10000') }]);
    expect(ms).toBeLessThan(500);
  });

  it('counts JSON Lines and CSV rows too, and takes exactly the limit', async () => {
    process.env.MAX_RECORDS_PER_REQUEST = '3';
    m.config.resetConfig();
    try {
      const four = valid.slice(0, 4);
      expect((await call(h.ingest, { body: four.join('\n'), contentType: 'application/x-ndjson' })).status).toBe(413);
      expect((await call(h.ingest, { body: `${four.slice(0, 3).join('\n')}\n\n  \n`, contentType: 'application/x-ndjson' })).status).toBe(200);
      const header = 'listId,hospitalId,sex,ageYears,lengthOfStay,dischargeDisposition,principalDiagnosis,secondaryDiagnoses,procedures,admissionDate,dischargeDate,totalCost';
      const row = (n: number): string => `CSV-${n},HOSP001,1,60,5,1,I63.900,,,2025-03-01,2025-03-06,12000.5`;
      expect((await call(h.ingest, { body: [header, row(1), row(2), row(3), row(4)].join('\n'), contentType: 'text/csv' })).status).toBe(413);
      // A quoted line break is inside a field, not a new row.
      const quoted = [header, row(1), row(2), `"CSV-3",HOSP001,1,60,5,1,I63.900,"",,2025-03-01,2025-03-06,12000.5`].join('\r\n');
      expect((await call(h.ingest, { body: quoted, contentType: 'text/csv' })).json.accepted).toBe(3);
      expect((await call(h.ingest, { body: JSON.stringify([record(0), record(1), { a: [1, 2, { b: '],[' }] }, record(2)]) })).status).toBe(413);
      expect((await call(h.ingest, { body: JSON.stringify([record(0), record(1), { a: [1, 2, { b: '],[' }] }]) })).status).toBe(200);
    } finally {
      delete process.env.MAX_RECORDS_PER_REQUEST;
      m.config.resetConfig();
    }
  });

  it('keeps POST /v1/group at 1 000 records, refused before parsing', async () => {
    const r = await call(h.group, { body: Array(1001).fill('{}').join('\n'), contentType: 'application/x-ndjson', query: {} });
    expect(r.status).toBe(413);
    expect(r.json.message).toMatch(/more than 1,000 records.*MAX_GROUP_RECORDS/);
    expect((await call(h.group, { body: Array(1000).fill(valid[0]).join('\n'), contentType: 'application/x-ndjson', query: {} })).status).toBe(200);
  });
});

describe('absurd values are refused at the door, with the field and the code', () => {
  it('refuses a discharge in year 9999 (and before 1900), and no latest month moves', async () => {
    const good = await ingest([record(0), record(1)]);
    expect(good.accepted).toBe(2);
    const yearsBefore = await m.lake.lakeYears(m.objects.s3ObjectStore);
    const r = await ingest([record(2, { admissionDate: '9999-12-01', dischargeDate: '9999-12-05', lengthOfStay: 4 }), record(3, { admissionDate: '1899-12-01', dischargeDate: '1899-12-05', lengthOfStay: 4 })]);
    expect(r).toMatchObject({ accepted: 0, rejected: 2 });
    expect(r.errors.map((e) => [e.index, e.code, e.path])).toEqual([[0, 'out-of-range', 'admissionDate'], [0, 'out-of-range', 'dischargeDate'], [1, 'out-of-range', 'admissionDate'], [1, 'out-of-range', 'dischargeDate']]);
    // Nothing of year 9999 reached the lake: the overview's default year, the supervision's and the forecast's latest month stay where the data is.
    expect(await m.lake.lakeYears(m.objects.s3ObjectStore)).toEqual(yearsBefore);
    expect(yearsBefore.every((y) => y <= String(new Date().getUTCFullYear()))).toBe(true);
    const overview = await call(h.overview, { caller: analyst, query: {} });
    expect(overview.status).toBe(200);
    expect(overview.json.year).toBe(yearsBefore[yearsBefore.length - 1]);
  });

  it('judges "today" by the batch\'s receipt time (the injectable clock)', async () => {
    const nextYear = record(4, { admissionDate: '2031-03-01', dischargeDate: '2031-03-05', lengthOfStay: 4 });
    expect((await ingest([nextYear], new Date('2031-03-01T00:00:00Z'))).accepted).toBe(1);
    const early = await ingest([{ ...nextYear, listId: 'EARLY-1' }], new Date('2031-01-15T00:00:00Z'));
    expect(early.errors.map((e) => [e.code, e.path])).toEqual([['out-of-range', 'admissionDate'], ['out-of-range', 'dischargeDate']]);
  });

  it('refuses hospitalIds outside [A-Za-z0-9_-], the listIds . and .., and payments above the cost', async () => {
    const admin = { role: 'admin' as const };
    const r = await m.ingest.ingestBatch({
      principal: admin,
      body: [record(5, { hospitalId: '../HOSP001' }), record(6, { hospitalId: 'HOSP#1' }), record(7, { listId: '..' }), record(8, { listId: '.' }), record(9, { fundPayment: 9e6, selfPay: 1 })].map((x) => JSON.stringify(x)).join('\n'),
      contentType: 'application/x-ndjson', format: 'jsonl', receivedAt: new Date(), ...m.deps.awsDeps,
    });
    expect(r.accepted).toBe(0);
    expect(r.errors.map((e) => [e.index, e.code, e.path])).toEqual([[0, 'invalid-format', 'hospitalId'], [1, 'invalid-format', 'hospitalId'], [2, 'invalid-format', 'listId'], [3, 'invalid-format', 'listId'], [4, 'inconsistent', 'fundPayment']]);
  });

  it('keeps the data-quality reason keys (field:kind) from the codes', () => {
    expect(m.ingest.reasonOf({ code: 'required', path: 'listId', message: '' })).toBe('listId:missing');
    expect(m.ingest.reasonOf({ code: 'grey-code', path: 'procedures[0]', message: '' })).toBe('procedures:grey-code');
    expect(m.ingest.reasonOf({ code: 'out-of-range', path: 'dischargeDate', message: '' })).toBe('dischargeDate:invalid');
    expect(m.ingest.reasonOf({ code: 'wrong-hospital', path: 'hospitalId', message: 'hospitalId is another hospital' })).toBe('hospitalId:wrong-hospital');
    expect(m.ingest.reasonOf({ code: 'inconsistent', path: '', message: '' })).toBe('record:inconsistent');
  });
});

describe('cursors: a malformed or foreign one is 400, never 500', () => {
  const page = (caller: Caller, cursor?: string) => call(h.cases, { caller, query: { from: '2025-01-01', to: '2025-12-31', limit: '1', ...(cursor === undefined ? {} : { cursor }) } });
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('pages with its own cursors', async () => {
    const first = await page(hosp1);
    expect(first.status).toBe(200);
    expect(typeof first.json.cursor).toBe('string');
    expect((await page(hosp1, first.json.cursor as string)).status).toBe(200);
  });

  it('refuses garbage, other shapes, and another hospital\'s or another range\'s cursor with 400', async () => {
    const own = (await page(hosp1)).json.cursor as string;
    const decoded = JSON.parse(Buffer.from(own, 'base64url').toString()) as { m: number; k: Record<string, string> };
    const cursors = [
      'not-a-cursor', '%%%', encode(null), encode([]), encode({ m: -1 }), encode({ m: 0.5 }), encode({ m: 99 }), encode({ m: 0, k: [] }), encode({ m: 0, k: 'x' }),
      encode({ m: decoded.m, k: { gsi1pk: decoded.k.gsi1pk } }),
      encode({ m: decoded.m, k: { ...decoded.k, pk: { S: 'x' } } }),
      encode({ m: decoded.m, k: { ...decoded.k, extra: 'x' } }),
      encode({ m: decoded.m, k: { ...decoded.k, gsi1sk: '1999-01-01' } }),
      'x'.repeat(3000),
    ];
    for (const cursor of cursors) {
      const r = await page(hosp1, cursor);
      expect(r.status, cursor.slice(0, 80)).toBe(400);
      expect(r.json.code).toBe('malformed');
    }
    // The same cursor in another hospital's hands: its query has another partition.
    expect((await page({ role: 'hospital', hospitalId: 'HOSP002' }, own)).status).toBe(400);
  });

  it('refuses a supervision flags cursor that is not a number with 400', async () => {
    const r = await call(h.supervisionRun, { caller: analyst, params: { id: 'no-such-run-0000' }, query: { cursor: 'abc' } });
    expect(r.status).toBe(400);
    expect(r.json.problems).toEqual([expect.objectContaining({ path: 'query.cursor', code: 'invalid-format' })]);
  });
});

describe('422 problems carry the real code and path', () => {
  it('a policy that is not an object is `policy`, a bad outlier threshold `policy.outliers.low`', async () => {
    const notObject = await call(h.simulations, { caller: analyst, body: JSON.stringify({ year: '2025', policy: { method: 'cart' } }) });
    expect(notObject.status).toBe(422);
    expect(notObject.json.problems).toEqual([{ code: 'invalid-value', path: 'policy.method', message: 'policy: method must be "drg" or "dip"' }]);
    const empty = await call(h.simulations, { caller: analyst, body: JSON.stringify({ year: '2025', policy: {} }) });
    expect((empty.json.problems as { path: string }[]).map((p) => p.path)).toEqual(['policy.method']);
    const bad = await call(h.simulations, { caller: analyst, body: JSON.stringify({ year: '2025', policy: { method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 9000, outliers: { low: 1.5 }, bogus: 1 } }) });
    expect(bad.status).toBe(422);
    const problems = bad.json.problems as { code: string; path: string }[];
    expect(problems).toContainEqual(expect.objectContaining({ code: 'out-of-range', path: 'policy.outliers.low' }));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'unknown-field', path: 'policy.bogus' }));
    expect(JSON.stringify(bad.json)).not.toContain('policy.the');
    const both = await call(h.simulations, { caller: analyst, body: JSON.stringify({ year: '2025', policy: { method: 'drg', referenceYears: [2025], settlementYear: 2025 } }) });
    expect(both.json.problems).toEqual([expect.objectContaining({ code: 'inconsistent', path: 'policy' })]);
  });

  it('scenario problems are under `scenario.`, sweep problems under `sweep.parameter`', async () => {
    const r = await call(h.stressTests, { caller: analyst, body: JSON.stringify({ preset: 'baseline', scenario: { costGrowth: { sd: -1 }, paths: 'many' } }) });
    expect(r.status).toBe(422);
    expect((r.json.problems as { code: string; path: string }[]).map((p) => [p.code, p.path]).sort()).toEqual([['invalid-type', 'scenario.paths'], ['out-of-range', 'scenario.costGrowth.sd']]);
    const sweep = await call(h.stressTests, { caller: analyst, body: JSON.stringify({ preset: 'baseline', scenario: { paths: 100 }, sweep: { parameter: 'costGrowth.sd', from: -1, to: 0, step: 0.5 } }) });
    expect(sweep.json.problems).toEqual([expect.objectContaining({ code: 'out-of-range', path: 'sweep.parameter' })]);
  });

  it('rule-set problems keep their full path', async () => {
    const r = await call(h.supervisionRuns, { caller: analyst, body: JSON.stringify({ ruleSet: { rules: { upcoding: { fdr: 2 }, 'split-admission': { windowDay: 3 } } } }) });
    expect(r.status).toBe(422);
    expect((r.json.problems as { code: string; path: string }[]).map((p) => [p.code, p.path]).sort()).toEqual([['out-of-range', 'ruleSet.rules.upcoding.fdr'], ['unknown-field', 'ruleSet.rules.split-admission.windowDay']]);
  });
});

describe('per-key throttling', () => {
  it('answers 429 with Retry-After once a key has used its burst, and other keys are not affected', async () => {
    process.env.THROTTLE_RATE_PER_SECOND = '1';
    process.env.THROTTLE_BURST = '3';
    m.config.resetConfig();
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await call(h.me, { keyId: 'throttled-key' }));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
      expect(answers[3]!.json.code).toBe('throttled');
      expect(Number(answers[3]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await call(h.me, { keyId: 'another-key' })).status).toBe(200);
    } finally {
      delete process.env.THROTTLE_RATE_PER_SECOND;
      delete process.env.THROTTLE_BURST;
      m.config.resetConfig();
    }
  });
});
