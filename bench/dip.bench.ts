/**
 * DIP figures of issue 5 on synthetic data: `payreform dip build` on 3 years × 1M cases
 * (target ≤ 60 s, core coverage ≥ 85 %), the in-memory catalogue build alone, and grouping
 * throughput (in-process `groupDip`, and the `dip group` CLI end to end on one year).
 * The 3M synthetic cases are generated once into bench/out/dip-synth/ (kept between runs).
 * Runs: DIP_BENCH_RUNS (default 3); medians reported (the machine is shared, figures are noisy).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildDipCatalog } from '../models/grouping/dip/build.ts';
import { parseDipCatalog } from '../models/grouping/dip/catalog.ts';
import { DipCaseTableBuilder, type DipInput } from '../models/grouping/dip/cases.ts';
import { groupDip } from '../models/grouping/dip/grouper.ts';
import { defaultCatalogPolicy } from '../models/grouping/dip/policy.ts';
import { readRecordBatches } from '../models/settlement/readers.ts';
import { validateRecord } from '../models/settlement/validate.ts';
import { dipCaseBlock, dipReference } from '../cli/dip-records.ts';
import { loadCodeSets } from '../lib/codesets.ts';
import { projectRoot, referencePath } from '../lib/reference.ts';
import { defaultSchemeDir, rulePackForDir } from '../lib/scheme.ts';
import type { Figure } from './run.ts';

const runs = Number(process.env.DIP_BENCH_RUNS ?? 3);
const years = [2023, 2024, 2025];
const perYear = 1_000_000;
const dir = path.join(projectRoot, 'bench', 'out', 'dip-synth');
const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const files = years.map((y) => path.join(dir, `settlement-${y}.jsonl`));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

export async function run(): Promise<Figure[]> {
  if (!files.every(existsSync)) {
    execFileSync(process.execPath, [bin, 'synth', '--seed', '1', '--hospitals', '200', '--years', years.join(','), '--cases-per-year', String(perYear), '--payment-table', referencePath('payment-tables', 'linyi-2022.csv'), '--output', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const policy = path.join(dir, 'dip-policy.json');
  execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(policy)}, JSON.stringify({ coreThreshold: 15 }))`]);
  const catalogFile = path.join(dir, 'catalog.json');

  // 1. CLI end to end (read, validate, build, write).
  const wall: number[] = [];
  const readS: number[] = [];
  const builtS: number[] = [];
  let coverage = NaN;
  let summary = '';
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [bin, 'dip', 'build', '--cases', ...files, '--policy', policy, '--output', catalogFile], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dip build failed: ${r.stderr}`);
    wall.push((performance.now() - started) / 1000);
    const m = /read ([\d.]+) s, built ([\d.]+) s/.exec(r.stderr);
    readS.push(Number(m?.[1]));
    builtS.push(Number(m?.[2]));
    summary = r.stderr.split('\n')[1] ?? '';
  }
  const catalog = parseDipCatalog(JSON.parse(readFileSync(catalogFile, 'utf8')));
  coverage = catalog.quality.coreCoverage;

  // 2. The catalogue build alone, on the cases already in columns (models only).
  const pack = rulePackForDir(defaultSchemeDir());
  const reference = dipReference(pack);
  const codeSets = loadCodeSets();
  const builder = new DipCaseTableBuilder(1 << 22);
  for (const f of files) for await (const batch of readRecordBatches(createReadStream(f, { highWaterMark: 1 << 20 }), 'jsonl')) builder.addBlock(dipCaseBlock(batch, { codeSets }, reference).block);
  const table = builder.finish();
  const inMemory: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    buildDipCatalog(table, defaultCatalogPolicy({ coreThreshold: 15 }), 'bench');
    inMemory.push((performance.now() - started) / 1000);
  }

  // 3. groupDip throughput on 200 000 validated records of the newest year.
  const records: DipInput[] = [];
  for await (const batch of readRecordBatches(createReadStream(files[2]!, { highWaterMark: 1 << 20 }), 'jsonl')) {
    for (const raw of batch) {
      const v = validateRecord(raw.value, { mode: 'group', codeSets });
      if (v.ok) records.push(v.record);
    }
    if (records.length >= 200_000) break;
  }
  const rates: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    for (const r of records) groupDip(catalog, r, reference, { trace: false });
    if (i > 0) rates.push(records.length / ((performance.now() - started) / 1000));
  }

  // 4. dip group CLI end to end on one year (1M records).
  const cliRates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [bin, 'dip', 'group', '--catalog', catalogFile, '--input', files[2]!, '--output', path.join(dir, 'grouped.jsonl')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dip group failed: ${r.stderr}`);
    cliRates.push(perYear / ((performance.now() - started) / 1000));
  }

  const note = (xs: number[], digits = 1) => `runs ${xs.map((x) => x.toFixed(digits)).join(', ')}`;
  return [
    { name: 'dip build CLI, 3 years × 1M synthetic cases (read + validate + build + write, wall clock, median)', value: median(wall), unit: 's', target: { op: '<=', value: 60 }, note: `${note(wall)}; reading ${note(readS)} s, building ${note(builtS)} s; ${summary.trim()}` },
    { name: 'DIP core coverage on those cases', value: coverage, unit: 'share', target: { op: '>=', value: 0.85 } },
    { name: 'DIP catalogue build in memory (models only), 3M cases, median', value: median(inMemory), unit: 's', note: note(inMemory, 2) },
    { name: 'groupDip in-process, 200 000 cases, one thread, median', value: Math.round(median(rates)), unit: 'cases/s', note: note(rates.map((r) => r / 1000), 0) + ' k/s' },
    { name: 'dip group CLI end to end, 1M cases (wall clock incl. start-up, median)', value: Math.round(median(cliRates)), unit: 'cases/s', note: note(cliRates.map((r) => r / 1000), 0) + ' k/s' },
  ];
}
