/**
 * Grouping throughput: in-process grouping of 1M cases on one thread after a warm-up, the CLI
 * end to end on a 1M-line JSON Lines file, the rule-pack load time that every Lambda cold start
 * pays; and for local schemes (OpenDRG directories) the import time and the throughput beside
 * the national pack's on the same cases.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { groupCase, type GroupingInput } from '../models/grouping/drg/grouper.ts';
import { compileSchemeDir, defaultSchemeDir } from '../lib/scheme.ts';
import { projectRoot, referencePath } from '../lib/reference.ts';
import { resampledCases, writeResampledCases } from './lib/dev-cases.ts';
import type { Figure } from './run.ts';

const N = 1_000_000;

export async function run(): Promise<Figure[]> {
  const out = path.join(projectRoot, 'bench', 'out');
  mkdirSync(out, { recursive: true });
  const { pack } = compileSchemeDir(defaultSchemeDir());
  const packFile = path.join(out, 'chs-drg-1.1.pack.json');
  writeFileSync(packFile, JSON.stringify(pack));

  // Rule-pack load: read + JSON.parse + schema validation + index, in a fresh process each time.
  const loadScript = `
    import { readFileSync } from 'node:fs';
    import { packSchemas } from '${path.join(projectRoot, 'models/grouping/drg/pack.ts')}';
    import { indexRulePack } from '${path.join(projectRoot, 'models/grouping/drg/grouper.ts')}';
    const t = performance.now();
    indexRulePack(packSchemas().rulePackSchema.parse(JSON.parse(readFileSync(${JSON.stringify(packFile)}, 'utf8'))));
    console.log(performance.now() - t);`;
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    loads.push(Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', loadScript], { cwd: projectRoot, encoding: 'utf8' }).trim()));
  }
  loads.sort((a, b) => a - b);

  // In-process grouping, trace off, after a warm-up pass.
  const cases = [...resampledCases(N, 7)] as unknown as GroupingInput[];
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += groupCase(pack, cases[i]!, { trace: false }).status.length;
  const rates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (let i = 0; i < N; i++) sink += groupCase(pack, cases[i]!, { trace: false }).status.length;
    rates.push(N / ((performance.now() - t) / 1000));
  }
  const tracedStart = performance.now();
  for (let i = 0; i < 100_000; i++) sink += groupCase(pack, cases[i]!).trace.length;
  const tracedRate = 100_000 / ((performance.now() - tracedStart) / 1000);

  // CLI end to end on a 1M-line file.
  const input = await writeResampledCases(path.join(out, 'cases-1m.jsonl'), N, 11);
  const cliRates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const cliStart = performance.now();
    execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'payreform.mjs'), 'group', '--input', input, '--output', path.join(out, 'grouped-1m.jsonl')], { stdio: ['ignore', 'ignore', 'pipe'] });
    cliRates.push(N / ((performance.now() - cliStart) / 1000));
  }
  cliRates.sort((a, b) => a - b);
  const grouped = readFileSync(path.join(out, 'grouped-1m.jsonl'), 'utf8').split('\n').length - 1;

  return [
    { name: 'in-process grouping, 1M cases, one thread (best of 3 after warm-up)', value: Math.round(Math.max(...rates)), unit: 'cases/s', target: { op: '>=', value: 400_000 }, note: `runs ${rates.map((r) => Math.round(r / 1000) + 'k').join(', ')}; checksum ${sink % 997}` },
    { name: 'in-process grouping with the trace built', value: Math.round(tracedRate), unit: 'cases/s' },
    { name: 'CLI end to end (read JSONL, validate, group, write), 1M cases, median of 3', value: Math.round(cliRates[1]!), unit: 'cases/s', target: { op: '>=', value: 150_000 }, note: `wall clock incl. process start and scheme compile, worker threads = cores; runs ${cliRates.map((r) => Math.round(r / 1000) + 'k').join(', ')}; ${grouped} lines out; input ${(statSync(input).size / 1e6).toFixed(0)} MB` },
    { name: 'rule pack load (read + parse + validate + index, fresh process, median of 5)', value: Math.round(loads[2]!), unit: 'ms', target: { op: '<=', value: 300 }, note: `pack ${(statSync(packFile).size / 1024 / 1024).toFixed(2)} MB JSON` },
    ...(await localSchemeFigures()),
  ];
}

/** Local schemes measured: the largest (Zhejiang 2022, 1 007 groups), Suzhou 2023 with its letter sub-groups, and OpenDRG's national 1.1. */
const localSchemes = ['zhejiang_2022', 'suzhou_2023', 'chs_drg_11'];

/**
 * Local schemes: importing the OpenDRG directory (read + compile + index, fresh process, median
 * of 3; wall clock and CPU time) and in-process grouping of the same resampled local-scheme dev
 * cases under the national pack and under each local pack, in alternating rounds (best of 5), in
 * each of three fresh processes: the ratio is the median of the three. On this VM the code V8
 * makes for the local schemes' paths differs from process to process (even a fixed arithmetic
 * loop's best round moves by up to 50 % between processes), so one process's ratio can be off by
 * ten points either way; every process's ratio is printed beside the median.
 */
export async function localSchemeFigures(national: string = defaultSchemeDir(), n = 300_000, processes = 3): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const scheme of localSchemes) {
    const dir = referencePath('local-schemes', scheme);
    const script = `
      import { compileSchemeDir } from '${path.join(projectRoot, 'lib/scheme.ts')}';
      import { indexRulePack } from '${path.join(projectRoot, 'models/grouping/drg/grouper.ts')}';
      const c = process.cpuUsage(); const t = performance.now();
      indexRulePack(compileSchemeDir(${JSON.stringify(dir)}).pack);
      const u = process.cpuUsage(c);
      console.log(performance.now() - t, (u.user + u.system) / 1000);`;
    const runs = [0, 1, 2].map(() => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' }).trim().split(' ').map(Number) as [number, number]);
    runs.sort((a, b) => a[0] - b[0]);
    figures.push({ name: `import local scheme ${scheme} (read + compile + index, fresh process, median of 3)`, value: Math.round(runs[1]![0]), unit: 'ms', target: { op: '<=', value: 2000 }, note: `CPU ${Math.round(runs[1]![1])} ms; runs ${runs.map((r) => Math.round(r[0])).join(', ')} ms` });
  }
  // One process: the national pack and each local one over the same cases, best of 5 alternating
  // rounds by wall clock and by the thread's CPU time (steadier when other work shares the cores).
  const script = `
    import { groupCase } from '${path.join(projectRoot, 'models/grouping/drg/grouper.ts')}';
    import { compileSchemeDir } from '${path.join(projectRoot, 'lib/scheme.ts')}';
    import { resampledCases } from '${path.join(projectRoot, 'bench/lib/dev-cases.ts')}';
    const n = ${n};
    const cases = [...resampledCases(n, 13, 'local-schemes/cases.jsonl')];
    const packs = ${JSON.stringify([national, ...localSchemes.map((s) => referencePath('local-schemes', s))])}.map((dir) => compileSchemeDir(dir).pack);
    let sink = 0;
    for (const pack of packs) for (let i = 0; i < 50_000; i++) sink += groupCase(pack, cases[i], { trace: false }).status.length;
    const best = packs.map(() => ({ wall: 0, cpu: 0 }));
    for (let r = 0; r < 5; r++) {
      packs.forEach((pack, k) => {
        const t = performance.now();
        const c = process.cpuUsage();
        for (let i = 0; i < n; i++) sink += groupCase(pack, cases[i], { trace: false }).status.length;
        const used = process.cpuUsage(c);
        best[k].wall = Math.max(best[k].wall, n / ((performance.now() - t) / 1000));
        best[k].cpu = Math.max(best[k].cpu, n / ((used.user + used.system) / 1e6));
      });
    }
    console.log(JSON.stringify({ best, checksum: sink % 997 }));`;
  const measured = Array.from({ length: processes }, () => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' }).trim()) as { best: { wall: number; cpu: number }[]; checksum: number });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const base = median(measured.map((m) => m.best[0]!.wall));
  figures.push({ name: `in-process grouping of the local-scheme dev cases under the national pack (best of 5, median of ${processes} processes)`, value: Math.round(base), unit: 'cases/s', note: `${n.toLocaleString('en')} cases resampled from dev-cases/local-schemes; processes ${measured.map((m) => Math.round(m.best[0]!.wall).toLocaleString('en')).join(', ')} cases/s; checksum ${measured[0]!.checksum}` });
  localSchemes.forEach((name, i) => {
    const ratios = measured.map((m) => (m.best[i + 1]!.wall / m.best[0]!.wall) * 100);
    const cpuRatios = measured.map((m) => (m.best[i + 1]!.cpu / m.best[0]!.cpu) * 100);
    const rate = median(measured.map((m) => m.best[i + 1]!.wall));
    figures.push({ name: `in-process grouping under local scheme ${name}, relative to the national pack on the same cases (median of ${processes} processes)`, value: Math.round(median(ratios)), unit: '%', target: { op: '>=', value: 80 }, note: `processes ${ratios.map((r) => Math.round(r)).join(' / ')} %; by CPU time ${cpuRatios.map((r) => Math.round(r)).join(' / ')} %; ${Math.round(rate).toLocaleString('en')} cases/s` });
  });
  return figures;
}
