/**
 * End to end through serverless-offline (the local stack, started once for this file): the
 * authorizer, the middy stack and the handlers as bundled JS, on dynalite and s3rver.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { projectRoot } from '../../lib/reference.ts';
import { xlsxMediaType } from '../../lib/record-content.ts';
import { call, freePort, hospitalLines, key, tempDataDir } from './helpers.ts';

let stack: LocalStack;
let url: string;
const lines = hospitalLines('HOSP001', 40);

beforeAll(async () => {
  const dataDir = tempDataDir();
  stack = await startLocalStack({ port: await freePort(), dataDir, buildDir: path.join(dataDir, 'build'), quiet: true });
  url = stack.url;
});
afterAll(async () => {
  await stack?.stop();
  if (stack) rmSync(stack.dataDir, { recursive: true, force: true });
});

describe('the API through serverless-offline', () => {
  it('answers /health without a key, with security headers, and serves OpenAPI 3.1', async () => {
    const h = await call(`${url}/health`, 'GET', null);
    expect(h.status).toBe(200);
    expect(h.headers.get('x-content-type-options')).toBe('nosniff');
    expect(h.headers.get('strict-transport-security')).toContain('max-age');
    const doc = await call(`${url}/openapi.json`, 'GET', null);
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths as object)).toContain('/v1/settlement-lists');
  });

  it('refuses a missing key (401) and an unknown key (403)', async () => {
    expect((await call(`${url}/v1/cases?limit=1`, 'GET', null)).status).toBe(401);
    expect((await call(`${url}/v1/cases?limit=1`, 'GET', 'not-a-key-at-all-000000')).status).toBe(403);
  });

  let stored = '';
  it('ingests, is idempotent on re-send, and fetches the case', async () => {
    const first = await call(`${url}/v1/settlement-lists`, 'POST', key.hosp1, lines.join('\n'), 'application/x-ndjson');
    expect(first.status).toBe(200);
    expect((first.json.accepted as number) + (first.json.rejected as number)).toBe(lines.length);
    expect(first.json.created).toBe(first.json.accepted);
    const again = await call(`${url}/v1/settlement-lists`, 'POST', key.hosp1, lines.join('\n'), 'application/x-ndjson');
    expect(again.json).toMatchObject({ created: 0, unchanged: first.json.accepted, batchId: first.json.batchId });
    const rejected = new Set((first.json.errors as { index: number }[]).map((e) => e.index));
    stored = (JSON.parse(lines[[...lines.keys()].find((i) => !rejected.has(i))!]!) as { listId: string }).listId;
    const c = await call(`${url}/v1/cases/${stored}`, 'GET', key.hosp1);
    expect(c.status).toBe(200);
    expect(c.json).toMatchObject({ hospitalId: 'HOSP001', listId: stored, version: 1 });
    expect(Array.isArray(c.json.trace)).toBe(true);
    const list = await call(`${url}/v1/cases?from=2025-01-01&to=2025-12-31&limit=5`, 'GET', key.hosp1);
    expect((list.json.items as unknown[]).length).toBe(5);
    expect(typeof list.json.cursor).toBe('string');
  });

  it('ingests CSV', async () => {
    const header = 'listId,hospitalId,sex,ageYears,lengthOfStay,dischargeDisposition,principalDiagnosis,secondaryDiagnoses,procedures,admissionDate,dischargeDate,totalCost';
    const r = await call(`${url}/v1/settlement-lists`, 'POST', key.hosp1, `${header}\nCSV-1,HOSP001,1,60,5,1,I63.900,,,2025-03-01,2025-03-06,12000.5\n`, 'text/csv');
    expect(r.status).toBe(200);
    expect(r.json.accepted).toBe(1);
  });

  it('takes an Excel workbook as bytes: /v1/group answers as for its CSV, ingest stores it, a JSON body labelled as a workbook is 415', async () => {
    const example = (ext: string): Buffer => readFileSync(path.join(projectRoot, 'examples', `settlement-lists-2025-03.${ext}`));
    const post = async (route: string, k: string, body: Buffer, contentType: string) => {
      const r = await fetch(`${url}${route}`, { method: 'POST', headers: { authorization: `Bearer ${k}`, 'content-type': contentType }, body });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    const fromXlsx = await post('/v1/group', key.analyst, example('xlsx'), xlsxMediaType);
    const fromCsv = await post('/v1/group', key.analyst, example('csv'), 'text/csv');
    expect(fromXlsx.status).toBe(200);
    expect((fromXlsx.json.results as unknown[]).length).toBe(117);
    expect(fromXlsx.json).toEqual(fromCsv.json);

    // A hospital's key: its own 72 rows are stored, the other hospitals' 45 refused (wrong-hospital).
    const ingested = await post('/v1/settlement-lists', key.hosp1, example('xlsx'), xlsxMediaType);
    expect(ingested.status).toBe(200);
    expect(ingested.json).toMatchObject({ accepted: 72, rejected: 45 });
    expect((ingested.json.errors as { code: string }[]).every((e) => e.code === 'wrong-hospital')).toBe(true);
    const c = await call(`${url}/v1/cases/HOSP001-2025-0000008`, 'GET', key.hosp1);
    expect(c.status).toBe(200);
    expect(c.json).toMatchObject({ hospitalId: 'HOSP001', listId: 'HOSP001-2025-0000008', version: 1 });

    const mislabelled = await post('/v1/group', key.analyst, example('jsonl'), xlsxMediaType);
    expect(mislabelled.status).toBe(415);
    expect(mislabelled.json.message).toMatch(/^The body is not an Excel workbook \(\.xlsx\): it is JSON text/);
  });

  it('scopes hospitals: another hospital gets the same 404 as for a missing case, and 403 when naming another hospital', async () => {
    const other = await call(`${url}/v1/cases/${stored}`, 'GET', key.hosp2);
    const missing = await call(`${url}/v1/cases/NO-SUCH-CASE`, 'GET', key.hosp2);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.json.code).toBe(missing.json.code);
    expect((await call(`${url}/v1/cases/${stored}?hospitalId=HOSP001`, 'GET', key.hosp2)).status).toBe(403);
    expect((await call(`${url}/v1/cases/NO-SUCH-CASE?hospitalId=HOSP001`, 'GET', key.hosp2)).status).toBe(403);
    expect((await call(`${url}/v1/cases?hospitalId=HOSP001`, 'GET', key.hosp2)).status).toBe(403);
    expect((await call(`${url}/v1/data-quality?hospitalId=HOSP001&month=2025-03`, 'GET', key.hosp2)).status).toBe(403);
    expect((await call(`${url}/v1/cases/${stored}?hospitalId=HOSP001`, 'GET', key.analyst)).status).toBe(200);
    expect((await call(`${url}/v1/settlement-lists`, 'POST', key.analyst, '[]')).status).toBe(403);
    expect((await call(`${url}/v1/simulations`, 'POST', key.hosp1, '{}')).status).toBe(403);
    // A hospital's records naming another hospital are rejected, record by record.
    const foreign = JSON.stringify({ ...JSON.parse(lines[0]!), hospitalId: 'HOSP002', listId: 'FOREIGN-1' });
    const r = await call(`${url}/v1/settlement-lists`, 'POST', key.hosp1, `[${foreign}]`);
    expect(r.json).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('answers malformed bodies 400, unknown media types 415, oversized 413, schema failures 422 — never a stack trace', async () => {
    const bad = await call(`${url}/v1/settlement-lists`, 'POST', key.hosp1, '[{"listId": ', 'application/json');
    expect(bad.status).toBe(400);
    const badLines = await call(`${url}/v1/settlement-lists`, 'POST', key.hosp1, '{"a":1}\n{oops\n', 'application/x-ndjson');
    expect(badLines.status).toBe(400);
    expect(JSON.stringify(badLines.json)).toContain('line 2');
    expect((await call(`${url}/v1/settlement-lists`, 'POST', key.hosp1, 'x', 'text/plain')).status).toBe(415);
    const big = await call(`${url}/v1/settlement-lists`, 'POST', key.hosp1, `[${'"x",'.repeat(1_600_000)}"x"]`);
    expect(big.status).toBe(413);
    const q = await call(`${url}/v1/cases?limit=5000`, 'GET', key.hosp1);
    expect(q.status).toBe(422);
    expect(JSON.stringify(q.json.problems)).toContain('query.limit');
    const sim = await call(`${url}/v1/simulations`, 'POST', key.analyst, JSON.stringify({ year: '2025', policy: { method: 'drg' } }));
    expect(sim.status).toBe(422);
    for (const r of [bad, badLines, big, q, sim]) expect(JSON.stringify(r.json)).not.toMatch(/at .*\.(ts|js|mjs):\d+/);
  });

  it('groups 1–1 000 records without storing them', async () => {
    const r = await call(`${url}/v1/group?explain=true`, 'POST', key.hosp2, JSON.stringify(lines.slice(0, 3).map((l) => JSON.parse(l))));
    expect(r.status).toBe(200);
    expect((r.json.results as unknown[]).length).toBe(3);
    const many = await call(`${url}/v1/group`, 'POST', key.hosp2, lines.concat(...Array(30).fill(lines)).slice(0, 1001).join('\n'), 'application/x-ndjson');
    expect(many.status).toBe(413);
    const listId = (JSON.parse(lines[0]!) as { listId: string }).listId;
    expect((await call(`${url}/v1/cases/${listId}`, 'GET', key.hosp2)).status).toBe(404);
  });

  it('reports data quality per hospital and month', async () => {
    const month = (JSON.parse(lines[0]!) as { dischargeDate: string }).dischargeDate.slice(0, 7);
    const r = await call(`${url}/v1/data-quality?month=${month}`, 'GET', key.hosp1);
    expect(r.status).toBe(200);
    expect(r.json.received as number).toBeGreaterThan(0);
  });

  it('runs an asynchronous simulation to completion', async () => {
    await call(`${url}/v1/settlement-lists`, 'POST', key.hosp2, hospitalLines('HOSP002', 200).join('\n'), 'application/x-ndjson');
    const start = await call(`${url}/v1/simulations`, 'POST', key.analyst, JSON.stringify({ year: '2025', policy: { method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 10000 } }));
    expect(start.status).toBe(202);
    const id = start.json.id as string;
    let job: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      job = (await call(`${url}/v1/simulations/${id}`, 'GET', key.analyst)).json;
      if (job.status === 'succeeded' || job.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(job.status).toBe('succeeded');
    expect((job.result as { totals: { cases: number } }).totals.cases).toBeGreaterThan(100);
  });

  it('answers a forecast that does not exist yet with a sentence, not a stack trace', async () => {
    const r = await call(`${url}/v1/forecasts/latest`, 'GET', key.analyst);
    expect(r.status).toBe(404);
    expect(r.json.message).toMatch(/forecast/);
  });

  it('runs the forecast job once against the running stack (npm run job:forecast)', async () => {
    const { FUND_BUDGET_YUAN: _budget, ...env } = process.env;
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(projectRoot, 'infra', 'local', 'job-forecast.ts')], { cwd: projectRoot, env: { ...env, DATA_DIR: stack.dataDir } });
    expect(stdout).toMatch(/forecast job .*: insufficient, \d+ months? of history/);
    expect(stdout).toMatch(/stored FORECAST#latest without a forecast/);
    const r = await call(`${url}/v1/forecasts/latest`, 'GET', key.analyst);
    expect(r.status).toBe(404);
    expect(r.json.message).toMatch(/consecutive month/);
  }, 60_000);

  it('answers a stress test 202 with its id and Location, then serves it by id and as latest', async () => {
    const r = await call(`${url}/v1/stress-tests`, 'POST', key.analyst, JSON.stringify({ preset: 'baseline', scenario: { paths: 500 } }));
    expect(r.status).toBe(202);
    const id = r.json.id as string;
    expect(r.headers.get('location')).toBe(`/v1/stress-tests/${id}`);
    expect(r.json.status).toBe('running');
    expect(r.json.result).toBeUndefined();
    let t: Record<string, unknown> = r.json;
    for (let i = 0; i < 50 && t.status === 'running'; i++) {
      await new Promise((res) => setTimeout(res, 200));
      t = (await call(`${url}/v1/stress-tests/${id}`, 'GET', key.analyst)).json;
    }
    expect(t).toMatchObject({ id, status: 'succeeded', preset: 'baseline' });
    expect((t.result as { paths: number }).paths).toBe(500);
    expect((await call(`${url}/v1/stress-tests/latest`, 'GET', key.analyst)).json.id).toBe(id);
    expect((await call(`${url}/v1/stress-tests`, 'POST', key.hosp1, '{}')).status).toBe(403);
  });

  it('runs supervision asynchronously, serves the ranking, and scopes a hospital key to its own hospital', async () => {
    expect((await call(`${url}/v1/supervision-runs/latest`, 'GET', key.analyst)).status).toBe(404);
    expect((await call(`${url}/v1/supervision-runs`, 'POST', key.hosp1, '{}')).status).toBe(403);
    const bad = await call(`${url}/v1/supervision-runs`, 'POST', key.analyst, JSON.stringify({ ruleSet: { rules: { upcoding: { fdr: 2 } } } }));
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json)).toContain('ruleSet.rules.upcoding.fdr');
    const start = await call(`${url}/v1/supervision-runs`, 'POST', key.analyst, JSON.stringify({ from: '2025-01', to: '2025-12' }));
    expect(start.status).toBe(202);
    const id = start.json.id as string;
    let run: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      run = (await call(`${url}/v1/supervision-runs/${id}`, 'GET', key.analyst)).json;
      if (run.status === 'succeeded' || run.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(run.status).toBe('succeeded');
    const hospitals = (run.result as { hospitals: { hospitalId: string; rank: number }[] }).hospitals;
    expect(hospitals.map((h) => h.hospitalId).sort()).toEqual(['HOSP001', 'HOSP002']);
    const latest = await call(`${url}/v1/supervision-runs/latest?hospitalId=HOSP002&limit=5`, 'GET', key.analyst);
    expect(latest.json.id).toBe(id);
    expect((latest.json.flags as { hospitalId: string }).hospitalId).toBe('HOSP002');
    const own = await call(`${url}/v1/supervision-runs/${id}`, 'GET', key.hosp1);
    expect((own.json.result as { hospitals: { hospitalId: string }[] }).hospitals.map((h) => h.hospitalId)).toEqual(['HOSP001']);
    expect((own.json.flags as { hospitalId: string }).hospitalId).toBe('HOSP001');
    expect((await call(`${url}/v1/supervision-runs/${id}?hospitalId=HOSP002`, 'GET', key.hosp1)).status).toBe(403);
    expect((await call(`${url}/v1/supervision-runs/no-such-run-0000`, 'GET', key.analyst)).status).toBe(404);
  });
});
