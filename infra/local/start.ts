/**
 * `npm start`: the local stack on http://localhost:3000 (PORT overrides) — dynalite and s3rver
 * with their data in `.data/` (DATA_DIR overrides), serverless-offline serving the same handlers
 * as the CDK stack. On first start it creates the table and buckets and loads the demo (`demo.ts`);
 * stopping (Ctrl-C) and starting again keeps the data.
 */
import { ensureConsoleBuilt } from './console.ts';
import { defaultDemoSpec, demoLoads, describeDemo, loadDemoOnce } from './demo.ts';
import { devKeys, startLocalStack } from './stack.ts';

const port = Number(process.env.PORT ?? 3000);
const started = performance.now();
process.stdout.write('Starting the local stack (a first start also builds the console and bundles the handlers, ~30–40 s)…\n');
const webDir = await ensureConsoleBuilt();
const stack = await startLocalStack({ port, webDir, ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}), quiet: process.env.VERBOSE !== '1' });
const keys = devKeys();
const admin = keys.find((k) => k.role === 'admin')!;
const hospital = keys.find((k) => k.role === 'hospital')!;
const analyst = keys.find((k) => k.role === 'analyst')!;

if (process.env.DEMO !== '0') {
  const { runForecast } = await import('../../lambdas/jobs/forecast.ts');
  const { awsDeps } = await import('../../lambdas/shared/deps.ts');
  const load = await loadDemoOnce(stack.url, { admin: admin.key, analyst: analyst.key }, stack.dataDir, defaultDemoSpec(), () => runForecast(awsDeps, new Date()));
  if (load) process.stdout.write(`Demo loaded in ${load.seconds} s.\n`);
}
const loaded = `${describeDemo(demoLoads(stack.dataDir))}\n`;

const url = `http://localhost:${port}`;
const demoYear = Math.max(...demoLoads(stack.dataDir).flatMap((l) => l.spec.years), defaultDemoSpec().years.at(-1)!);
const firstCase = `HOSP001-${demoYear}-0000001`;
process.stdout.write(`payreform local stack ready on ${url} in ${((performance.now() - started) / 1000).toFixed(1)} s (data in ${stack.dataDir}).
${loaded}
Console: ${url}/ (sign in with a demo key below)

Demo keys (infra/local/dev-keys.json):
${keys.map((k) => `  ${k.role.padEnd(8)} ${k.hospitalId ? k.hospitalId.padEnd(8) : ''.padEnd(8)} ${k.key}`).join('\n')}

Try:
  curl -s ${url}/v1/cases/${firstCase} -H 'Authorization: Bearer ${hospital.key}'
  curl -s '${url}/v1/data-quality?hospitalId=HOSP001&month=${demoYear}-03' -H 'Authorization: Bearer ${analyst.key}'
  curl -s -X POST ${url}/v1/simulations -H 'Authorization: Bearer ${analyst.key}' -H 'content-type: application/json' \\
       -d '{"year":"${demoYear}","policy":{"method":"drg","referenceYears":[${demoYear}],"settlementYear":${demoYear},"baseRate":9865}}'
(then GET ${url}/v1/simulations/<id> with the analyst key; the API is described at ${url}/openapi.json)
Ctrl-C stops; the data stays in ${stack.dataDir}.
`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
