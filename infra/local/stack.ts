/**
 * The local stack: dynalite (DynamoDB) and s3rver (S3) in this process, with their data under
 * `dataDir` so a restart keeps it, and serverless-offline (osls) in a child process serving the
 * bundled handlers. Creates the table, buckets and dev keys when missing. A simulation request
 * written to S3 runs in-process here — the local stand-in for S3 → EventBridge → Step Functions —
 * and so does a supervision run request (S3 → EventBridge → the SupervisionRun function) and a
 * stress test request (→ the StressTestRun function) and a scheme comparison request (→ SchemeComparisonRun).
 * Used by `npm start`, the e2e tests and `npm run bench:api`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { projectRoot } from '../../lib/reference.ts';
import { apiKeySchema, hashKey, type ApiKey } from '../../app/principal.ts';
import { parseSchemeIndex, schemeIndexFile } from '../../app/scheme-index.ts';
import { schemeComparisonPrefix, simulationRequestPrefix, stressTestRequestPrefix, supervisionRequestPrefix } from '../../app/storage-names.ts';
import { buildLocal } from './build.ts';
import { serveConsole } from './console.ts';
import { serverlessConfig } from './serverless-config.ts';

const require = createRequire(import.meta.url);

export const localNames = { table: 'payreform-local', rawBucket: 'payreform-raw', lakeBucket: 'payreform-lake' } as const;
/** In the data directory while a stack runs: its dynalite and s3rver endpoints (`{ dynamodb, s3, pid }`). */
export const localEndpointsFile = 'endpoints.json';

export interface LocalStackOptions {
  port?: number;
  dataDir?: string;
  /** Where the bundles and the serverless config go (default `.build/local`). */
  buildDir?: string;
  /** Child output: 'inherit' shows serverless-offline's log. */
  quiet?: boolean;
  /** Skip the esbuild step (bundles already built). */
  skipBuild?: boolean;
  /** Serve this built console directory on `port` too (API paths pass through to serverless-offline on a port of its own). */
  webDir?: string;
  /** Extra service configuration for the handlers (e.g. `THROTTLE_RATE_PER_SECOND`), over the process environment's. */
  environment?: Record<string, string>;
}

/** Service settings a caller may set in its environment for the local handlers (limits; see README "Limits"). */
const passedSettings = ['DEFAULT_SCHEME', 'FUND_BUDGET_YUAN', 'MAX_RECORDS_PER_REQUEST', 'MAX_GROUP_RECORDS', 'THROTTLE_RATE_PER_SECOND', 'THROTTLE_BURST'] as const;

export interface LocalStack {
  url: string;
  port: number;
  dataDir: string;
  environment: Record<string, string>;
  stop(): Promise<void>;
  /** Kill serverless-offline abruptly (fault tests). */
  kill(): void;
}

/** The service's environment over the local storage at `endpoints` (the stack itself, and the scripts that reach a running stack's storage). */
export function localServiceEnvironment(endpoints: { dynamodb: string; s3: string }): Record<string, string> {
  return {
    TABLE_NAME: localNames.table,
    RAW_BUCKET: localNames.rawBucket,
    LAKE_BUCKET: localNames.lakeBucket,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    DYNAMODB_ENDPOINT: endpoints.dynamodb,
    S3_ENDPOINT: endpoints.s3,
    PSEUDONYM_SECRET: process.env.PSEUDONYM_SECRET ?? 'local-development-pseudonym-secret',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  };
}

export function devKeys(): ApiKey[] {
  const raw = JSON.parse(readFileSync(path.join(projectRoot, 'infra', 'local', 'dev-keys.json'), 'utf8')) as unknown[];
  return raw.map((k) => apiKeySchema.parse(k));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function ensureTable(endpoint: string): Promise<void> {
  const db = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    await db.send(new DescribeTableCommand({ TableName: localNames.table }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException) && (error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const s = 'S' as const;
  await db.send(new CreateTableCommand({
    TableName: localNames.table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((AttributeName) => ({ AttributeName, AttributeType: s })),
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [
      { IndexName: 'byMonth', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
      { IndexName: 'byDrg', KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }, { AttributeName: 'gsi2sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
    ],
  }));
  db.destroy();
}

export async function ensureBuckets(endpoint: string): Promise<void> {
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  for (const Bucket of [localNames.rawBucket, localNames.lakeBucket]) {
    try {
      await s3.send(new HeadBucketCommand({ Bucket }));
    } catch {
      await s3.send(new CreateBucketCommand({ Bucket }));
    }
  }
  s3.destroy();
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`serverless-offline exited with code ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the local stack did not answer ${url} within ${timeoutMs / 1000} s`);
}

/** Start storage, seed keys, start serverless-offline; resolves when /health answers. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = path.resolve(options.dataDir ?? path.join(projectRoot, '.data'));
  const buildDir = path.resolve(options.buildDir ?? path.join(projectRoot, '.build', 'local'));
  mkdirSync(path.join(dataDir, 'dynamodb'), { recursive: true });
  mkdirSync(path.join(dataDir, 's3'), { recursive: true });
  if (!options.skipBuild || !existsSync(path.join(buildDir, 'handlers'))) await buildLocal(buildDir);

  const dynalite = require('dynalite') as (o: object) => Server;
  const dynamoServer = dynalite({ path: path.join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoPort = await listen(dynamoServer, 0);
  const S3rver = require('s3rver') as new (o: object) => { run(): Promise<AddressInfo>; close(): Promise<void>; on(e: string, f: (ev: unknown) => void): void };
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(dataDir, 's3') });
  const s3Port = (await s3rver.run()).port;
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  await ensureTable(dynamoEndpoint);
  await ensureBuckets(s3Endpoint);
  // `npm run job:forecast` reads this to reach the running stack's storage (dynalite holds a lock on its data).
  const endpointsFile = path.join(dataDir, localEndpointsFile);
  writeFileSync(endpointsFile, JSON.stringify({ dynamodb: dynamoEndpoint, s3: s3Endpoint, pid: process.pid }));

  const indexFile = schemeIndexFile(path.join(buildDir, 'handlers', 'reference'));
  const environment: Record<string, string> = {
    ...localServiceEnvironment({ dynamodb: dynamoEndpoint, s3: s3Endpoint }),
    // The schemes the build holds (PAYREFORM_SCHEMES); DEFAULT_SCHEME, when set, is passed on below.
    HELD_SCHEMES: parseSchemeIndex(readFileSync(indexFile, 'utf8'), indexFile).schemes.map((s) => s.id).join(','),
    POWERTOOLS_SERVICE_NAME: 'payreform',
    POWERTOOLS_DEV: 'false',
    ...Object.fromEntries(passedSettings.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))),
    ...options.environment,
  };

  // The handlers' own modules, in this process, for the dev keys and the local job runner.
  Object.assign(process.env, environment);
  const { resetConfig } = await import('../../lambdas/shared/config.ts');
  const { resetClients } = await import('../../lambdas/shared/aws.ts');
  resetConfig();
  resetClients();
  const { awsDeps } = await import('../../lambdas/shared/deps.ts');
  for (const k of devKeys()) await awsDeps.apiKeys.put(hashKey(k.key), { role: k.role, ...(k.hospitalId ? { hospitalId: k.hospitalId } : {}), label: 'dev key' });

  const { runSimulationInProcess } = await import('../../lambdas/jobs/simulation.ts');
  const { runRequestedSupervision } = await import('../../lambdas/jobs/supervision.ts');
  const { runRequestedStressTest } = await import('../../lambdas/jobs/stress-test.ts');
  const { runRequestedSchemeComparison } = await import('../../lambdas/jobs/scheme-comparison.ts');
  process.env.REFERENCE_DIR = path.join(buildDir, 'handlers', 'reference');
  resetConfig();
  const running = new Set<Promise<void>>();
  // A job that fails is the job's business (it records its failure); nothing it throws may reach
  // this process's top level, where it would stop dynalite and s3rver with it.
  const inBackground = (what: string, work: () => Promise<unknown>): void => {
    const p: Promise<void> = Promise.resolve()
      .then(work)
      .then(() => undefined, (error: unknown) => void process.stderr.write(`local ${what} failed: ${(error as Error)?.message ?? String(error)}\n`))
      .finally(() => running.delete(p));
    running.add(p);
  };
  const jobOf = (key: string, prefix: string): string | null => (key.startsWith(prefix) && key.endsWith('/request.json') ? key.slice(prefix.length).split('/')[0]! : null);
  s3rver.on('event', (ev) => {
    try {
      const records = (ev as { Records?: { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string } } }[] }).Records ?? [];
      for (const r of records) {
        if (r.s3?.bucket?.name !== localNames.lakeBucket || !r.eventName?.startsWith('ObjectCreated')) continue;
        const key = decodeURIComponent(r.s3?.object?.key ?? '');
        const simulation = jobOf(key, simulationRequestPrefix);
        if (simulation !== null) inBackground(`simulation ${simulation}`, () => runSimulationInProcess(awsDeps, simulation));
        const stressTest = jobOf(key, stressTestRequestPrefix);
        if (stressTest !== null) inBackground(`stress test ${stressTest}`, () => runRequestedStressTest(awsDeps, stressTest));
        const comparison = jobOf(key, schemeComparisonPrefix);
        if (comparison !== null) inBackground(`scheme comparison ${comparison}`, () => runRequestedSchemeComparison(awsDeps, comparison));
        const supervision = jobOf(key, supervisionRequestPrefix);
        if (supervision !== null) inBackground(`supervision run ${supervision}`, () => runRequestedSupervision(awsDeps, supervision));
      }
    } catch (error) {
      process.stderr.write(`local job trigger failed: ${(error as Error).message}\n`);
    }
  });

  const port = options.port ?? 3000;
  const apiPort = options.webDir ? await freePort() : port;
  const lambdaPort = await freePort();
  writeFileSync(path.join(buildDir, 'serverless.json'), JSON.stringify(serverlessConfig({ httpPort: apiPort, lambdaPort, environment }), null, 2));
  // --import: the local stand-in for API Gateway hands Excel bodies over base64-encoded, as API Gateway does (offline-binary-bodies.mjs).
  const binaryBodies = pathToFileURL(path.join(projectRoot, 'infra', 'local', 'offline-binary-bodies.mjs')).href;
  const child = spawn(process.execPath, ['--import', binaryBodies, path.join(projectRoot, 'node_modules', 'osls', 'bin', 'serverless.js'), 'offline', 'start'], {
    cwd: buildDir,
    env: { ...process.env, ...environment, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*' },
    stdio: options.quiet ? ['ignore', 'ignore', 'pipe'] : ['ignore', 'inherit', 'inherit'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`http://127.0.0.1:${apiPort}/health`, child, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const front = options.webDir ? await serveConsole({ port, webDir: options.webDir, apiUrl: `http://127.0.0.1:${apiPort}` }) : undefined;

  const closeStorage = async (): Promise<void> => {
    if (front) {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    }
    await Promise.allSettled([...running]);
    await s3rver.close().catch(() => undefined);
    await new Promise((resolve) => dynamoServer.close(resolve));
    rmSync(endpointsFile, { force: true });
  };
  return {
    url,
    port,
    dataDir,
    environment,
    kill: () => {
      child.kill('SIGKILL');
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await closeStorage();
    },
  };
}
