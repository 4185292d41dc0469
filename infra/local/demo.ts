/**
 * The demo data of the local stack, loaded the way a bureau would fill the service: synthetic
 * settlement lists (`payreform synth`, seeded, with abuse patterns injected) for several years and
 * hospitals, posted through the API in JSON Lines batches; then a DIP catalogue built from them
 * (`payreform dip build`) and activated, a supervision run over the latest year, a fund stress
 * test and the monthly forecast job — so every console page has real content.
 *
 * What was loaded is kept in `<data dir>/demo.json` (a list of loads); `npm start` loads the
 * default demo once and shows that summary on every later start, and `npm run demo` loads more.
 * If the generator is unavailable, the 2 000 dev cases are used with made-up hospitals, dates and costs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, referencePath } from '../../lib/reference.ts';

/** What one demo load puts in. */
export interface DemoSpec {
  years: number[];
  /** Settlement lists per year (over all hospitals). */
  casesPerYear: number;
  hospitals: number;
  seed: number;
}

/** The first start's demo: three years before the current one, 8 hospitals, sized to load within ~60 s on 2 cores. */
export function defaultDemoSpec(now = new Date()): DemoSpec {
  const y = now.getUTCFullYear();
  return { years: [y - 3, y - 2, y - 1], casesPerYear: 2500, hospitals: 8, seed: 1 };
}

/** Abuse patterns injected so supervision has every kind of flag to find (shares of the cases). */
export const demoInjection = 'split-admission=0.02,upcoding=0.03,low-severity-admission=0.03,frequent-admission=0.01,high-cost=0.01,drug-share=0.03';

/** One load, as recorded in `demo.json`. */
export interface DemoLoad {
  loadedAt: string;
  spec: DemoSpec;
  accepted: number;
  rejected: number;
  seconds: number;
  dipCatalog?: { id: string; packets: number } | undefined;
  supervision?: { id: string; months: string; flagsByRule: Record<string, number> } | undefined;
  stressTest?: { id: string; status: string } | undefined;
  forecast?: { status: string; months: number } | undefined;
  problems: string[];
}

const cli = (args: string[]): void => {
  execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'payreform.mjs'), ...args], { stdio: 'ignore' });
};

/** The synthetic lists of `spec` (JSON Lines, all years), generated once into `dir`. */
export function demoRecords(dir: string, spec: DemoSpec): { lines: string[]; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const files = spec.years.map((y) => path.join(dir, `settlement-${y}.jsonl`));
  try {
    if (files.some((f) => !existsSync(f))) {
      cli(['synth', '--seed', String(spec.seed), '--hospitals', String(spec.hospitals), '--years', spec.years.join(','), '--cases-per-year', String(spec.casesPerYear),
        '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--inject', demoInjection, '--threads', '1', '--output', dir]);
    }
    return { lines: files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '')), files };
  } catch {
    return { lines: devCasesWithMadeUpDetails(), files: [] };
  }
}

/** The dev cases with hospitals HOSP001–005, 2025 dates agreeing with the stay, and costs. */
export function devCasesWithMadeUpDetails(): string[] {
  const lines = readFileSync(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const r = JSON.parse(line) as Record<string, unknown>;
    const los = Math.max(1, Number(r.lengthOfStay ?? 3));
    const start = Date.UTC(2025, 0, 1) + ((i * 7919) % 300) * 86_400_000;
    const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
    delete r.costs;
    return JSON.stringify({ ...r, hospitalId: `HOSP00${(i % 5) + 1}`, lengthOfStay: los, admissionDate: iso(start), dischargeDate: iso(start + los * 86_400_000), totalCost: Math.round((3000 + los * 850 + (i % 17) * 310) * 100) / 100 });
  });
}

/** Progress of a long step: `done` of `total`, with the time left once it can be estimated. */
export type OnProgress = (done: number, total: number) => void;

/** A progress reporter writing one line (rewritten in place on a terminal, every ~10 % otherwise). */
export function progressLine(label: string, out: NodeJS.WriteStream = process.stdout): OnProgress {
  const started = performance.now();
  let lastShown = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (!out.isTTY && pct < 100 && pct - lastShown < 10) return;
    lastShown = pct;
    const elapsed = (performance.now() - started) / 1000;
    const left = done > 0 && done < total ? `, ~${Math.ceil((elapsed / done) * (total - done))} s left` : '';
    const text = `${label}: ${pct} % (${done.toLocaleString('en')} of ${total.toLocaleString('en')}${left})`;
    out.write(out.isTTY ? `\r${text}\u001b[K${done >= total ? '\n' : ''}` : `${text}\n`);
  };
}

/** POST the records in JSON Lines batches; returns the totals. */
export async function postBatches(url: string, key: string, lines: string[], batchSize = 1000, onProgress?: OnProgress): Promise<{ accepted: number; rejected: number }> {
  let accepted = 0;
  let rejected = 0;
  onProgress?.(0, lines.length);
  for (let i = 0; i < lines.length; i += batchSize) {
    const r = await fetchOnceMore(`${url}/v1/settlement-lists`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body: lines.slice(i, i + batchSize).join('\n') });
    if (!r.ok) throw new Error(`demo load: POST /v1/settlement-lists answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
    const out = (await r.json()) as { accepted: number; rejected: number };
    accepted += out.accepted;
    rejected += out.rejected;
    onProgress?.(Math.min(lines.length, i + batchSize), lines.length);
  }
  return { accepted, rejected };
}

/**
 * fetch, tried once more when the connection fails before an answer: after a long local step the
 * pooled keep-alive socket may just have been closed by the server ("fetch failed", ECONNRESET).
 * Only for requests that are safe to repeat (GET, PUT, and POSTs of the same body, which the
 * service treats idempotently or as a new job the demo then polls).
 */
async function fetchOnceMore(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    try {
      return await fetch(input, init);
    } catch (again) {
      const cause = (again as { cause?: { message?: string } }).cause?.message;
      throw new Error(`${init.method ?? 'GET'} ${new URL(input).pathname} failed: ${cause ?? (again as Error).message}`);
    }
  }
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(url: string, key: string, method: string, route: string, body?: unknown): Promise<Answer> {
  const r = await fetchOnceMore(`${url}${route}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await r.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { message: text.slice(0, 300) };
  }
  return { status: r.status, body: parsed };
}

/** Poll a background job until it succeeds or fails (at most `seconds`). */
async function finished(url: string, key: string, route: string, seconds: number): Promise<Record<string, unknown>> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const job = (await call(url, key, 'GET', route)).body;
    if (job.status === 'succeeded' || job.status === 'failed' || Date.now() > until) return job;
    await new Promise((r) => setTimeout(r, 300));
  }
}

export interface DemoKeys {
  admin: string;
  analyst: string;
}

/**
 * Load `spec` through the API at `url`, then build and activate a DIP catalogue, run supervision
 * over the latest year, a stress test and (through `runForecast`) the forecast job. A step that
 * fails is recorded in `problems` and the rest goes on: the demo never hides a failure, and never
 * stops a start.
 */
export async function loadDemo(url: string, keys: DemoKeys, dataDir: string, spec: DemoSpec, runForecast: () => Promise<{ status: string; months: number }>, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<DemoLoad> {
  const t = performance.now();
  const dir = path.join(dataDir, 'demo', `seed-${spec.seed}-${spec.years.join('-')}-${spec.casesPerYear}x${spec.hospitals}`);
  log(`Generating ${spec.years.length} year${spec.years.length === 1 ? '' : 's'} (${spec.years.join(', ')}) × ${spec.hospitals} hospitals, ${spec.casesPerYear.toLocaleString('en')} settlement lists a year, with abuse patterns injected…`);
  const { lines, files } = demoRecords(dir, spec);
  const { accepted, rejected } = await postBatches(url, keys.admin, lines, 1000, progressLine('Loading settlement lists through the API'));
  const load: DemoLoad = { loadedAt: new Date().toISOString(), spec, accepted, rejected, seconds: 0, problems: [] };
  const step = async (name: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      load.problems.push(`${name}: ${(error as Error).message}`);
    }
  };
  const years = [...spec.years].sort((a, b) => a - b);
  const last = years[years.length - 1]!;
  await step('DIP catalogue', async () => {
    if (files.length === 0) throw new Error('no generated lists to build it from');
    log('Building the DIP catalogue from the loaded years and activating it…');
    const policyFile = path.join(dir, 'dip-policy.json');
    const reference = years.length > 1 ? years.slice(0, -1) : years;
    writeFileSync(policyFile, JSON.stringify({ name: 'demo DIP', version: String(last), method: 'dip', referenceYears: reference, settlementYear: last, coreThreshold: 5 }, null, 2));
    const catalogFile = path.join(dir, 'dip-catalog.json');
    cli(['dip', 'build', '--cases', ...files, '--policy', policyFile, '--output', catalogFile, '--threads', '1']);
    const put = await fetchOnceMore(`${url}/v1/dip-catalog`, { method: 'PUT', headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }, body: readFileSync(catalogFile) });
    const body = (await put.json()) as Record<string, unknown>;
    if (!put.ok) throw new Error(`PUT /v1/dip-catalog answered ${put.status}: ${String(body.message)}`);
    load.dipCatalog = { id: String(body.id), packets: Number((body as { packets?: unknown }).packets ?? 0) };
  });
  await step('supervision run', async () => {
    // The longest period one run may screen: the last two years loaded.
    const from = `${years.length > 1 ? years[years.length - 2] : last}-01`;
    const months = `${from} – ${last}-12`;
    log(`Screening ${months} for abuse (supervision run)…`);
    const start = await call(url, keys.analyst, 'POST', '/v1/supervision-runs', { from, to: `${last}-12` });
    if (start.status !== 202) throw new Error(`POST /v1/supervision-runs answered ${start.status}: ${String(start.body.message)}`);
    const run = await finished(url, keys.analyst, `/v1/supervision-runs/${String(start.body.id)}`, 120);
    if (run.status !== 'succeeded') throw new Error(`the run ended ${String(run.status)}: ${String(run.error ?? '')}`);
    load.supervision = { id: String(start.body.id), months, flagsByRule: flagsByRuleOf(run) };
  });
  await step('stress test', async () => {
    log('Running a fund stress test (baseline, 1 000 paths)…');
    const start = await call(url, keys.analyst, 'POST', '/v1/stress-tests', { preset: 'baseline', scenario: { paths: 1000 } });
    if (start.status !== 202) throw new Error(`POST /v1/stress-tests answered ${start.status}: ${String(start.body.message)}`);
    const run = await finished(url, keys.analyst, `/v1/stress-tests/${String(start.body.id)}`, 120);
    load.stressTest = { id: String(start.body.id), status: String(run.status) };
  });
  await step('forecast job', async () => {
    log('Running the monthly forecast job…');
    load.forecast = await runForecast();
  });
  load.seconds = Math.round((performance.now() - t) / 100) / 10;
  return load;
}

/** Flags per rule of a finished run (`result.byRule`: case flags and hospital flags). */
function flagsByRuleOf(run: Record<string, unknown>): Record<string, number> {
  const byRule = ((run.result as { byRule?: Record<string, { caseFlags: number; hospitalFlags: number }> } | undefined)?.byRule) ?? {};
  return Object.fromEntries(Object.entries(byRule).map(([rule, n]) => [rule, n.caseFlags + n.hospitalFlags]));
}

const demoFile = (dataDir: string): string => path.join(dataDir, 'demo.json');

/** Every load recorded in the data directory (empty before the first). A data directory from before `demo.json` counts as one unnamed load. */
export function demoLoads(dataDir: string): DemoLoad[] {
  const file = demoFile(dataDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoLoad[];
  return [];
}

export function recordDemoLoad(dataDir: string, load: DemoLoad): void {
  writeFileSync(demoFile(dataDir), JSON.stringify([...demoLoads(dataDir), load], null, 2));
}

/**
 * The first start's load: nothing when the data directory already had one (`demo.json`, or the
 * older one-year demo's `demo-loaded` marker) — a restart reloads nothing.
 */
export async function loadDemoOnce(url: string, keys: DemoKeys, dataDir: string, spec: DemoSpec, runForecast: () => Promise<{ status: string; months: number }>, log?: (line: string) => void): Promise<DemoLoad | null> {
  if (demoLoads(dataDir).length > 0 || existsSync(path.join(dataDir, 'demo-loaded'))) return null;
  const load = await loadDemo(url, keys, dataDir, spec, runForecast, log);
  recordDemoLoad(dataDir, load);
  return load;
}

/** What is loaded, in a few lines for the start banner. */
export function describeDemo(loads: readonly DemoLoad[]): string {
  if (loads.length === 0) return 'No demo data is loaded (DEMO=0); `npm run demo` loads it.';
  const years = [...new Set(loads.flatMap((l) => l.spec.years))].sort();
  const accepted = loads.reduce((s, l) => s + l.accepted, 0);
  const hospitals = Math.max(...loads.map((l) => l.spec.hospitals));
  const lastLoad = loads[loads.length - 1]!;
  const lines = [`Demo data: ${accepted.toLocaleString('en')} settlement lists of ${years.join(', ')} from ${hospitals} hospitals (${loads.length} load${loads.length === 1 ? '' : 's'}, the last ${lastLoad.loadedAt.slice(0, 10)}).`];
  if (lastLoad.dipCatalog) lines.push(`  DIP catalogue ${lastLoad.dipCatalog.id.slice(0, 12)}… active (${lastLoad.dipCatalog.packets} packets).`);
  if (lastLoad.supervision) {
    const kinds = Object.entries(lastLoad.supervision.flagsByRule).filter(([, n]) => n > 0);
    lines.push(`  Supervision run over ${lastLoad.supervision.months}: ${kinds.map(([r, n]) => `${n} ${r}`).join(', ') || 'no flags'}.`);
  }
  if (lastLoad.stressTest) lines.push(`  Stress test ${lastLoad.stressTest.id}: ${lastLoad.stressTest.status}.`);
  if (lastLoad.forecast) lines.push(`  Forecast job: ${lastLoad.forecast.status} (${lastLoad.forecast.months} months of history).`);
  for (const p of lastLoad.problems) lines.push(`  Not loaded — ${p}`);
  return lines.join('\n');
}
