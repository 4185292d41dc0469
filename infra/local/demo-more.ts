/**
 * `npm run demo -- [--years 2021,2022] [--cases N] [--hospitals H] [--seed S]`: load more demo data
 * into the RUNNING local stack (`npm start` in another terminal; PORT as there), through the API,
 * then rebuild the DIP catalogue, screen the latest year, run a stress test and the forecast job,
 * exactly as the first start does. Records the load in `<data dir>/demo.json`, which the start
 * banner summarises. Exit code 2 when the stack is not running or an option is wrong; 1 when a
 * step failed (the rest still ran).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../lib/reference.ts';
import { defaultDemoSpec, demoLoads, describeDemo, loadDemo, recordDemoLoad } from './demo.ts';
import { devKeys, localEndpointsFile, localServiceEnvironment } from './stack.ts';

const usage = 'usage: npm run demo -- [--years 2021,2022] [--cases N] [--hospitals H] [--seed S]   (with `npm start` running)';

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

const { values } = parseArgs({ options: { years: { type: 'string' }, cases: { type: 'string' }, hospitals: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const spec = defaultDemoSpec();
if (values.years !== undefined) {
  spec.years = values.years.split(',').map((y) => Number(y.trim()));
  if (spec.years.some((y) => !Number.isInteger(y) || y < 2000 || y > new Date().getUTCFullYear())) fail(`--years must list past years like 2021,2022, got "${values.years}".`);
}
const whole = (name: string, text: string | undefined, min: number, max: number): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}, got "${text}".`);
  return n;
};
spec.casesPerYear = whole('cases', values.cases, 1, 1_000_000) ?? spec.casesPerYear;
spec.hospitals = whole('hospitals', values.hospitals, 1, 999) ?? spec.hospitals;
// Another seed than the first start's, so the new lists are new cases rather than re-sends.
spec.seed = whole('seed', values.seed, 0, 2 ** 31) ?? 1000 + Math.floor(Math.random() * 1_000_000);

const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(projectRoot, '.data'));
const port = Number(process.env.PORT ?? 3000);
const url = `http://localhost:${port}`;
const endpointsFile = path.join(dataDir, localEndpointsFile);
try {
  await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
} catch {
  fail(`No local stack answers on ${url}: start it with \`npm start\` (PORT=${port}) first.`);
}
if (!existsSync(endpointsFile)) fail(`${endpointsFile} is missing: is the stack on ${url} using the data directory ${dataDir}? (DATA_DIR must be the same for both.)`);
const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as { dynamodb: string; s3: string };
Object.assign(process.env, localServiceEnvironment(endpoints));
const { runForecast } = await import('../../lambdas/jobs/forecast.ts');
const { awsDeps } = await import('../../lambdas/shared/deps.ts');
const keys = devKeys();
const load = await loadDemo(url, { admin: keys.find((k) => k.role === 'admin')!.key, analyst: keys.find((k) => k.role === 'analyst')!.key }, dataDir, spec, () => runForecast(awsDeps, new Date()));
recordDemoLoad(dataDir, load);
process.stdout.write(`Loaded in ${load.seconds} s: ${load.accepted.toLocaleString('en')} accepted, ${load.rejected.toLocaleString('en')} rejected.\n`);
process.stdout.write(`${describeDemo(demoLoads(dataDir))}\n`);
process.exit(load.accepted === 0 || load.problems.length > 0 ? 1 : 0);
