/**
 * `npm run bench:api` — load and fault checks against the local stack (not part of npm test).
 *
 * 1. autocannon: POST /v1/group (10 records a request) and GET /v1/cases/{listId}, 50
 *    connections for 20 s each (BENCH_SECONDS overrides): no 5xx, p50/p99.
 * 2. Ingest 50 000 synthetic records (BENCH_RECORDS overrides) in ≤ 6 MB JSON Lines batches;
 *    kill serverless-offline mid-way (a batch in flight), restart the stack on the same data,
 *    re-send everything: exactly 50 000 cases stored, none twice.
 * Also measures the simulation's per-partition throughput (cases/s of one partition worker).
 * Results go to bench/out/api.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { projectRoot, referencePath } from '../lib/reference.ts';
import { devKeys, startLocalStack, type LocalStack } from '../infra/local/stack.ts';
import { postBatches } from '../infra/local/demo.ts';

interface CannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type CannonOptions = { url: string; method?: string; body?: string; headers?: Record<string, string> };
const autocannon = createRequire(import.meta.url)('autocannon') as (o: CannonOptions & { connections: number; duration: number }) => Promise<CannonResult>;

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const records = Number(process.env.BENCH_RECORDS ?? 50_000);
const keys = devKeys();
const admin = keys.find((k) => k.role === 'admin')!.key;
const hospital = keys.find((k) => k.hospitalId === 'HOSP001')!.key;
const work = mkdtempSync(path.join(tmpdir(), 'payreform-bench-'));
const dataDir = path.join(work, 'data');
const buildDir = path.join(work, 'build');
const port = Number(process.env.PORT ?? 3300);
const log = (s: string): void => void process.stdout.write(`${s}\n`);
// A load test of the service, not of its per-key throttle (50 connections share one key).
process.env.THROTTLE_RATE_PER_SECOND ??= '1000000';
process.env.THROTTLE_BURST ??= '1000000';

function synth(n: number, hospitals: number, dir: string): string[] {
  execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'payreform.mjs'), 'synth', '--seed', '7', '--hospitals', String(hospitals), '--years', '2025', '--cases-per-year', String(n), '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', dir], { stdio: 'ignore' });
  return readFileSync(path.join(dir, 'settlement-2025.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
}

async function cannon(title: string, opts: CannonOptions): Promise<Record<string, number>> {
  const r = await autocannon({ connections: 50, duration: seconds, ...opts });
  const five = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => code.startsWith('5')).reduce((s, [, v]) => s + v.count, 0);
  const out = { requests: r.requests.total, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, status5xx: five };
  log(`${title}: ${out.requests} requests, ${out.rps} req/s, p50 ${out.p50} ms, p99 ${out.p99} ms, non-2xx ${out.non2xx}, 5xx ${out.status5xx}, errors ${out.errors}`);
  return out;
}

/** ≤ 6 MB, ≤ 10 000-record JSON Lines batches (the ingest limits). */
function batches(lines: string[], maxBytes = 6_000_000, maxRecords = 10_000): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const l of lines) {
    const b = Buffer.byteLength(l) + 1;
    if ((bytes + b > maxBytes || cur.length >= maxRecords) && cur.length > 0) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(l);
    bytes += b;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

async function countCases(): Promise<{ cases: number; distinct: number; versions: number }> {
  const { dynamo } = await import('../lambdas/shared/aws.ts');
  let cases = 0;
  let versions = 0;
  const ids = new Set<string>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new ScanCommand({ TableName: process.env.TABLE_NAME, ExclusiveStartKey: start, ProjectionExpression: 'pk, sk' }));
    for (const i of out.Items ?? []) {
      const sk = i.sk as string;
      if (!sk.startsWith('CASE#')) continue;
      if (sk.includes('#V#')) versions++;
      else {
        cases++;
        ids.add(`${i.pk as string}|${sk}`);
      }
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { cases, distinct: ids.size, versions };
}

const results: Record<string, unknown> = { date: new Date().toISOString(), seconds, records };
let stack: LocalStack | undefined;
try {
  stack = await startLocalStack({ port, dataDir, buildDir, quiet: true });
  log(`local stack on ${stack.url}`);

  // 1. Latency under load.
  const seed = synth(2000, 5, path.join(work, 'seed'));
  await postBatches(stack.url, admin, seed);
  const own = seed.map((l) => JSON.parse(l) as { listId: string; hospitalId: string }).find((r) => r.hospitalId === 'HOSP001')!;
  const groupBody = JSON.stringify(seed.slice(0, 10).map((l) => JSON.parse(l)));
  results.group = await cannon('POST /v1/group (10 records)', { url: `${stack.url}/v1/group`, method: 'POST', body: groupBody, headers: { authorization: `Bearer ${hospital}`, 'content-type': 'application/json' } });
  results.getCase = await cannon('GET /v1/cases/{listId}', { url: `${stack.url}/v1/cases/${own.listId}`, headers: { authorization: `Bearer ${hospital}` } });

  // Per-partition throughput of the simulation worker (in-process, on this machine).
  const { runPartition } = await import('../lambdas/jobs/simulation.ts');
  const { s3ObjectStore } = await import('../lambdas/shared/object-store.ts');
  const { awsDeps } = await import('../lambdas/shared/deps.ts');
  const { simulationRequestKey } = await import('../lambdas/shared/keys.ts');
  const { putJob } = await import('../lambdas/shared/repositories.ts');

  // 2. Ingest, kill mid-way, restart, re-send.
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  stack = await startLocalStack({ port, dataDir, buildDir, quiet: true, skipBuild: true });
  const lines = synth(records, 20, path.join(work, 'big')).slice(0, records);
  const parts = batches(lines);
  log(`ingest: ${lines.length} records in ${parts.length} batches of ≤ 6 MB`);
  const t0 = performance.now();
  const half = Math.floor(parts.length / 2);
  let sent = 0;
  for (let i = 0; i < half; i++) sent += (await postBatches(stack.url, admin, parts[i]!, parts[i]!.length)).accepted;
  // One more batch in flight when the stack dies.
  const inflight = postBatches(stack.url, admin, parts[half]!, parts[half]!.length).catch((e: unknown) => `failed: ${(e as Error).message.slice(0, 60)}`);
  await new Promise((r) => setTimeout(r, 700));
  stack.kill();
  const fate = await inflight;
  log(`killed serverless-offline during batch ${half + 1} (${typeof fate === 'string' ? fate : 'it had finished'})`);
  await stack.stop();
  stack = await startLocalStack({ port, dataDir, buildDir, quiet: true, skipBuild: true });
  const before = await countCases();
  log(`after restart: ${before.cases} cases stored`);
  const t1 = performance.now();
  let accepted = 0;
  let created = 0;
  for (const p of parts) {
    const r = await fetch(`${stack.url}/v1/settlement-lists`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' }, body: p.join('\n') });
    const j = (await r.json()) as { accepted: number; created: number };
    accepted += j.accepted;
    created += j.created;
  }
  const resendSeconds = (performance.now() - t1) / 1000;
  const after = await countCases();
  const ingestSeconds = (t1 - t0) / 1000;
  results.ingest = { records: lines.length, batches: parts.length, acceptedOnResend: accepted, createdOnResend: created, beforeResend: before.cases, stored: after.cases, distinct: after.distinct, historyVersions: after.versions, firstPassSeconds: Math.round(ingestSeconds), resendSeconds: Math.round(resendSeconds), resendRecordsPerSecond: Math.round(lines.length / resendSeconds), sentBeforeKill: sent };
  log(`re-sent everything in ${resendSeconds.toFixed(1)} s: ${after.cases} cases stored (${after.distinct} distinct, ${after.versions} history versions); expected ${accepted}`);
  if (after.cases !== accepted || after.distinct !== after.cases) throw new Error('ingest check failed: stored count differs from accepted');

  // Per-partition throughput over this lake (20 hospitals × 12 months); informative only.
  try {
  const id = 'bench-partition';
  const now = new Date().toISOString();
  await putJob({ id, status: 'queued', createdAt: now, updatedAt: now, request: {} });
  await s3ObjectStore.put(process.env.LAKE_BUCKET!, simulationRequestKey(id), JSON.stringify({ policy: { method: 'drg', referenceYears: [2025], settlementYear: 2025, baseRate: 10000 } }));
  const partitions = (await s3ObjectStore.list(process.env.LAKE_BUCKET!, 'cases/year=2025/')).map((k) => /month=(\d+)\/hospital=([^/]+)/.exec(k)!).map((m) => `2025-${m[1]}-${m[2]}`);
  const unique = [...new Set(partitions)].slice(0, 40);
  let cases = 0;
  const tp = performance.now();
  for (const partition of unique) cases += (await runPartition(awsDeps, { id, phase: 'weights', partition })).cases;
  const ps = (performance.now() - tp) / 1000;
  results.partition = { partitions: unique.length, cases, seconds: Number(ps.toFixed(2)), casesPerSecond: Math.round(cases / ps), casesPerPartition: Math.round(cases / unique.length) };
  log(`partition worker: ${unique.length} partitions, ${cases} cases in ${ps.toFixed(2)} s = ${Math.round(cases / ps)} cases/s (one worker, sequential)`);
  } catch (error) {
    log(`partition throughput not measured: ${(error as Error).message.slice(0, 120)}`);
  }
} finally {
  await stack?.stop();
  mkdirSync(path.join(projectRoot, 'bench', 'out'), { recursive: true });
  writeFileSync(path.join(projectRoot, 'bench', 'out', 'api.json'), JSON.stringify(results, null, 2));
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
