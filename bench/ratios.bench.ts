/**
 * Performance to the floor: every hot path as a ratio to a baseline measured in the same run on
 * the same files, absolute seconds beside it (absolute rates move ±30 % between machines of one
 * size; side-by-side ratios do not).
 *
 * - The parse floor (bench/floor.mjs): stream the same JSON Lines files, JSON.parse every line,
 *   write one small JSON line per record, one thread, plain Node. Each command runs between two
 *   floor runs and is judged against their mean, so a load change during the run hits both.
 * - scikit-learn + pandas (Debian's python3-sklearn, python3-pandas) for `cart` (the whole process:
 *   start, read the CSV, fit depth 6) and k-means (fit only, as ours: 1M × 4 z-scored, k = 20,
 *   k-means++, n_init 1); skipped with a line saying so when they are not installed.
 * - Start-up: a command on a 5-record file as the installed command, absolute (median of 5).
 *
 * Run: npm run bench -- ratios   (RATIOS=startup,kmeans,cart,group,simulate,monitor picks some)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, referencePath } from '../lib/reference.ts';
import { fitKMeans } from '../models/learning/kmeans.ts';
import { writeResampledCases } from './lib/dev-cases.ts';
import { PYTHON, runSklearn, sklearnAvailable, synthesise, writeCasesCsv } from './lib/learning-cases.ts';
import { bin, policies, synthInput } from './lib/simulate-input.ts';
import type { Figure } from './run.ts';

const out = path.join(projectRoot, 'bench', 'out');
const floorScript = path.join(projectRoot, 'bench', 'floor.mjs');
const TIME = '/usr/bin/time';
const wanted = (process.env.RATIOS ?? '').split(',').filter(Boolean);
const picked = (name: string) => wanted.length === 0 || wanted.includes(name);

interface Timed {
  seconds: number;
  /** Peak resident memory (MB) and CPU seconds (user + system) when /usr/bin/time is there. */
  rssMb: number | null;
  cpu: number | null;
}

/** Run a process to completion; wall clock from spawn to exit (and peak RSS through /usr/bin/time). */
function timed(command: string, args: string[], label: string): Timed {
  const withTime = existsSync(TIME);
  const started = performance.now();
  const run = withTime
    ? spawnSync(TIME, ['-f', 'peak-rss-kb %M cpu %U %S', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${label} failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  const stats = /peak-rss-kb (\d+) cpu ([\d.]+) ([\d.]+)/.exec(run.stderr);
  return { seconds, rssMb: stats ? Number(stats[1]) / 1024 : null, cpu: stats ? Number(stats[2]) + Number(stats[3]) : null };
}

function floor(inputs: string[]): Timed {
  return timed(process.execPath, [floorScript, path.join(out, 'floor-out.jsonl'), ...inputs], 'the parse floor');
}

/** floor, command, floor: the command against the mean of the floors around it. */
function againstFloor(inputs: string[], args: string[], label: string): { ours: Timed; floor: number; floorCpu: string } {
  const before = floor(inputs);
  const ours = timed(process.execPath, [bin, ...args], label);
  const after = floor(inputs);
  const floorCpu = before.cpu === null || after.cpu === null ? '' : `, CPU ${s((before.cpu + after.cpu) / 2)}`;
  return { ours, floor: (before.seconds + after.seconds) / 2, floorCpu };
}

function s(x: number): string {
  return `${x.toFixed(2)} s`;
}

function rss(t: Timed): string {
  return t.rssMb === null ? '' : `, peak RSS ${Math.round(t.rssMb)} MB, CPU ${s(t.cpu!)}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Row {
  work: string;
  ours: string;
  baseline: string;
  figure: Figure;
}

export async function run(): Promise<Figure[]> {
  mkdirSync(out, { recursive: true });
  const rows: Row[] = [];
  const skipped: string[] = [];
  const sklearn = sklearnAvailable();
  if (sklearn) process.stdout.write(`scikit-learn / pandas baselines: ${PYTHON}\n`);
  else skipped.push(`scikit-learn / pandas not installed for ${PYTHON} (apt-get install python3-sklearn python3-pandas, or PAYREFORM_PYTHON=a python that has them): the cart and k-means baselines are skipped.`);

  if (picked('startup')) {
    const five = path.join(out, 'five.jsonl');
    writeFileSync(five, readFileSync(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'), 'utf8').split('\n').slice(0, 5).join('\n') + '\n');
    const args = ['group', '--input', five, '--output', path.join(out, 'five-grouped.jsonl')];
    timed(process.execPath, [bin, ...args], 'payreform group (warm-up, builds the bundle if a source changed)');
    const runs = Array.from({ length: 5 }, () => timed(process.execPath, [bin, ...args], 'payreform group'));
    const direct = median(runs.map((r) => r.seconds));
    const cpu = runs[0]!.cpu === null ? '' : `; CPU ${s(median(runs.map((r) => r.cpu!)))} (user + system, less sensitive to a loaded machine)`;
    const npx = median(Array.from({ length: 3 }, () => timed('npx', ['--no', 'payreform', ...args], 'npx payreform group').seconds));
    const figure: Figure = { name: 'start-up: payreform group on 5 records (node bin/payreform.mjs), median of 5', value: Number(direct.toFixed(3)), unit: 's', target: { op: '<=', value: 0.4 }, note: `through npx ${s(npx)} (median of 3; npx's own start is outside our control)${cpu}` };
    rows.push({ work: '`payreform group`, 5 records, as the installed command', ours: s(direct), baseline: `— (npx: ${s(npx)})`, figure });
  }

  if (picked('kmeans')) {
    const km = synthesise(1_000_000, 3);
    const kmRows = Array.from({ length: km.n }, (_, i) => [km.cost[i]!, km.columns[3]![i]!, km.columns[0]![i]!, km.columns[5]![i]!]);
    const t0 = performance.now();
    const fit = fitKMeans(kmRows, { k: 20, seed: 1, features: ['cost', 'los', 'age', 'hospitalLevel'] });
    const ours = (performance.now() - t0) / 1000;
    const inertia = fit.model.withinSS.reduce((a, b) => a + b, 0);
    const note = `ours ${s(ours)}, ${fit.model.iterations} iterations, inertia ${inertia.toFixed(0)}`;
    if (sklearn) {
      const scaled = new Float64Array(km.n * 4);
      kmRows.forEach((row, i) => row.forEach((v, j) => (scaled[i * 4 + j] = (v - fit.model.scaling.mean[j]!) / fit.model.scaling.sd[j]!)));
      const sk = runSklearn('kmeans', { X_kmeans: scaled }, { rows: km.n, features: 4, k: 20 });
      if (sk) {
        const figure: Figure = { name: 'k-means 1M × 4, k = 20: ours / scikit-learn', value: Number((ours / sk.seconds!).toFixed(2)), unit: '×', target: { op: '<=', value: 3 }, note: `${note}; scikit-learn ${s(sk.seconds!)}, ${sk.iterations} iterations, inertia ${sk.inertia!.toFixed(0)}` };
        rows.push({ work: 'k-means, 1M × 4, k = 20 (fit)', ours: s(ours), baseline: `scikit-learn ${s(sk.seconds!)}`, figure });
      }
    } else {
      rows.push({ work: 'k-means, 1M × 4, k = 20 (fit)', ours: s(ours), baseline: 'skipped', figure: { name: 'k-means 1M × 4, k = 20: ours (no baseline)', value: Number(ours.toFixed(2)), unit: 's', note } });
    }
  }

  if (picked('cart')) {
    const csv = path.join(out, 'cart-1m.csv');
    if (!existsSync(csv)) await writeCasesCsv(csv, synthesise(1_000_000, 1));
    const ours = timed(process.execPath, [bin, 'cart', '--input', csv, '--target', 'cost', '--max-depth', '6', '--min-samples-leaf', '100'], 'payreform cart');
    const size = `${(statSync(csv).size / 1e6).toFixed(0)} MB`;
    if (sklearn) {
      const theirs = timed(PYTHON, [path.join(projectRoot, 'bench', 'baselines', 'sklearn_learning.py'), 'csv-tree', csv, 'cost', '6', '100'], 'pandas + scikit-learn');
      const figure: Figure = { name: 'payreform cart 1M × 8 CSV, depth 6 (start, read, fit): ours / pandas + scikit-learn', value: Number((ours.seconds / theirs.seconds).toFixed(2)), unit: '×', target: { op: '<=', value: 0.8 }, note: `ours ${s(ours.seconds)}${rss(ours)}; pandas + scikit-learn ${s(theirs.seconds)}${rss(theirs)}; CSV ${size}` };
      rows.push({ work: '`payreform cart`, 1M × 8 CSV, depth 6 (start, read, fit)', ours: s(ours.seconds), baseline: `pandas + scikit-learn ${s(theirs.seconds)}`, figure });
    } else {
      rows.push({ work: '`payreform cart`, 1M × 8 CSV, depth 6', ours: s(ours.seconds), baseline: 'skipped', figure: { name: 'payreform cart 1M × 8 CSV (no baseline)', value: Number(ours.seconds.toFixed(2)), unit: 's', note: `${size}${rss(ours)}` } });
    }
  }

  if (picked('group') || picked('monitor')) {
    const cases = await writeResampledCases(path.join(out, 'cases-1m.jsonl'), 1_000_000, 11);
    const size = `${(statSync(cases).size / 1e6).toFixed(0)} MB`;
    if (picked('group')) {
      const { ours, floor: f, floorCpu } = againstFloor([cases], ['group', '--input', cases, '--output', path.join(out, 'grouped-1m.jsonl')], 'payreform group');
      const figure: Figure = { name: 'payreform group 1M cases / parse floor', value: Number((ours.seconds / f).toFixed(2)), unit: '×', target: { op: '<=', value: 1.5 }, note: `ours ${s(ours.seconds)}${rss(ours)}; floor ${s(f)}${floorCpu} (${Math.round(1e6 / f / 1000)}k records/s); ${size}` };
      rows.push({ work: '`payreform group`, 1M cases, wall clock', ours: s(ours.seconds), baseline: `floor ${s(f)}`, figure });
    }
    if (picked('monitor')) {
      const { ours, floor: f, floorCpu } = againstFloor([cases], ['monitor', '--cases', cases, '--output', path.join(out, 'monitor-1m.jsonl')], 'payreform monitor');
      const figure: Figure = { name: 'payreform monitor 1M cases / parse floor', value: Number((ours.seconds / f).toFixed(2)), unit: '×', target: { op: '<=', value: 2 }, note: `ours ${s(ours.seconds)}${rss(ours)}; floor ${s(f)}${floorCpu}; ${size}` };
      rows.push({ work: '`payreform monitor`, 1M cases', ours: s(ours.seconds), baseline: `floor ${s(f)}`, figure });
    }
  }

  if (picked('simulate')) {
    const files = synthInput(path.join(out, 'ratio-synth'), 100_000);
    const policyFile = path.join(out, 'ratio-policy.json');
    writeFileSync(policyFile, JSON.stringify(policies(870_000_000)[0], null, 2));
    const { ours, floor: f, floorCpu } = againstFloor(files, ['simulate', '--cases', ...files, '--policy', policyFile, '--output', path.join(out, 'ratio-simulate')], 'payreform simulate');
    const figure: Figure = { name: 'payreform simulate 3 × 100 000 lists, 1 policy / parse floor', value: Number((ours.seconds / f).toFixed(2)), unit: '×', target: { op: '<=', value: 1.5 }, note: `ours ${s(ours.seconds)}${rss(ours)}; floor ${s(f)}${floorCpu} on the same 3 files` };
    rows.push({ work: '`payreform simulate`, 3 × 100 000 synthetic lists, 1 policy', ours: s(ours.seconds), baseline: `floor ${s(f)}`, figure });
  }

  table = [...skipped, '', `| work (same machine, same run, ${new Date().toISOString().slice(0, 10)}) | ours | baseline | ratio | goal |`, '|---|---|---|---|---|'].join('\n') + '\n';
  for (const r of rows) {
    const f = r.figure;
    const ratio = f.unit === '×' ? `${f.value}×` : '—';
    const goal = f.target ? `${f.target.op === '<=' ? '≤' : '≥'} ${f.target.value}${f.unit === '×' ? '×' : ` ${f.unit}`}` : '—';
    table += `| ${r.work} | ${r.ours} | ${r.baseline} | ${ratio} | ${goal} |\n`;
  }
  process.stdout.write(table);
  return rows.map((r) => r.figure);
}

/** The table of the last run (bench/run.ts prints it again at the end of a run of every bench). */
export let table = '';
