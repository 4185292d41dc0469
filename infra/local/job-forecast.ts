/**
 * `npm run job:forecast`: run the monthly forecast job once (the function the EventBridge
 * schedule runs) against the local stack's storage. While `npm start` runs, it uses that stack's
 * dynalite and s3rver (their endpoints are in `<data dir>/endpoints.json`); otherwise it opens
 * the data directory (`.data/`, DATA_DIR overrides) itself and closes it afterwards.
 * FUND_BUDGET_YUAN sets the budget for the alert; TIME (ISO) sets the run's date.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../lib/reference.ts';
import { ensureBuckets, ensureTable, localEndpointsFile, localServiceEnvironment } from './stack.ts';

const require = createRequire(import.meta.url);
const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(projectRoot, '.data'));

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

let endpoints: { dynamodb: string; s3: string } | undefined;
let close = async (): Promise<void> => undefined;
const file = path.join(dataDir, localEndpointsFile);
if (existsSync(file)) {
  const running = JSON.parse(readFileSync(file, 'utf8')) as { dynamodb: string; s3: string };
  if ((await answers(running.dynamodb)) && (await answers(running.s3))) endpoints = running;
}
if (!endpoints) {
  const dynalite = require('dynalite') as (o: object) => Server;
  const db = dynalite({ path: path.join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
  const S3rver = require('s3rver') as new (o: object) => { run(): Promise<AddressInfo>; close(): Promise<void> };
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(dataDir, 's3') });
  const { port } = await s3.run();
  endpoints = { dynamodb: `http://127.0.0.1:${(db.address() as AddressInfo).port}`, s3: `http://127.0.0.1:${port}` };
  await ensureTable(endpoints.dynamodb);
  await ensureBuckets(endpoints.s3);
  close = async () => {
    await s3.close();
    await new Promise((resolve) => db.close(resolve));
  };
}

Object.assign(process.env, localServiceEnvironment(endpoints));
const { runForecast } = await import('../../lambdas/jobs/forecast.ts');
const { awsDeps } = await import('../../lambdas/shared/deps.ts');
const { latestForecast } = await import('../../lambdas/shared/fund-store.ts');
try {
  const out = await runForecast(awsDeps, process.env.TIME ? new Date(process.env.TIME) : new Date());
  const stored = await latestForecast();
  const report = stored?.report as { model: string; forecast: { month: string; mean: number }[] } | null | undefined;
  const lines = [`forecast job (data in ${dataDir}): ${out.status}, ${out.months} months of history`];
  if (report) lines.push(`stored FORECAST#latest: ${report.model}, ${report.forecast[0]!.month} – ${report.forecast[report.forecast.length - 1]!.month}, expected ${Math.round(report.forecast.reduce((s, p) => s + p.mean, 0)).toLocaleString('en')} yuan`);
  else if (stored?.message) lines.push(`stored FORECAST#latest without a forecast: ${stored.message}`);
  lines.push(out.alert ? `stored alert ALERT#forecast#${out.alert.month}: ${out.alert.message}` : `no budget alert${process.env.FUND_BUDGET_YUAN ? '' : ' (FUND_BUDGET_YUAN is not set)'}`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await close();
}
