/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line, e.g.
 * `npm run bench -- grouping`), prints each figure and writes bench/out/results.json; a run of
 * several ends with the ratios table again (every hot path against its floor, same run).
 * A bench module exports `run(): Promise<Figure[]>`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The target the issue sets, for the printed verdict. */
  target?: { op: '>=' | '<='; value: number };
  note?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

const results: Record<string, Figure[]> = {};
/** Tables a bench prints (the ratios table), printed again at the end so a whole run ends with them. */
const tables: string[] = [];
let failed = 0;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stdout.write(`\n## ${name}\n`);
  const module = (await import(path.join(here, file))) as { run: () => Promise<Figure[]>; table?: string };
  const figures = await module.run();
  if (module.table) tables.push(`## ${name}\n${module.table}`);
  results[name] = figures;
  for (const f of figures) {
    const verdict = f.target ? ((f.target.op === '>=' ? f.value >= f.target.value : f.value <= f.target.value) ? 'ok' : 'MISSED') : '';
    if (verdict === 'MISSED') failed++;
    const target = f.target ? ` (target ${f.target.op} ${f.target.value.toLocaleString('en')})` : '';
    process.stdout.write(`${f.name}: ${f.value.toLocaleString('en', { maximumFractionDigits: 2 })} ${f.unit}${target} ${verdict}${f.note ? ` — ${f.note}` : ''}\n`);
  }
}
if (files.length > 1) for (const table of tables) process.stdout.write(`\n${table}`);
mkdirSync(path.join(here, 'out'), { recursive: true });
writeFileSync(path.join(here, 'out', 'results.json'), JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2));
if (failed > 0) {
  process.stdout.write(`\n${failed} figure(s) missed their target.\n`);
  process.exitCode = 1;
}
