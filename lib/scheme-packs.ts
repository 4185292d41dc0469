/**
 * The schemes a service deployment holds: one compiled rule pack per scheme under
 * `<reference>/schemes/<id>.json`, with `schemes/index.json` describing each (name, DRG and ADRG
 * counts, pack hash, pack format, payment table) and naming the deployment's default. The index
 * is small, so a cold start reads it and no pack; a pack is parsed the first time its scheme is
 * used. Written at bundle time (`writeSchemePacks`, from infra/local/build.ts) and read by the
 * handlers (lambdas/shared/reference.ts).
 *
 * Scheme ids are the scheme's directory name: `chs-drg-1.1` (the national CHS-DRG 1.1 text of
 * `reference/chs-drg-1.1/`) and the OpenDRG schemes of `reference/local-schemes/` (`chs_drg_10`,
 * `chs_drg_11`, `suzhou_2023`, …).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashSources } from '../models/grouping/drg/compile.ts';
import { rulePackFormat, type RulePack } from '../models/grouping/drg/pack.ts';
import { parsePaymentTable, relativeWeights } from '../models/payment/payment-table.ts';
import { nationalSchemeId, parseSchemeIndex, schemeIdPattern, schemeIndexFile, unknownSchemeMessage, type SchemeEntry, type SchemeIndex } from '../app/scheme-index.ts';
import { compilerVersion } from './pack-cache.ts';
import { referencePath } from './reference.ts';
import { defaultSchemeDir, readSchemeSources, rulePackForDir, schemeIdentity } from './scheme.ts';

/**
 * The pack's identity: sha256 of its rules with `compiledAt` left out and keys in a fixed order
 * (lib/scheme.ts `schemeIdentity`, which the CLI commands report too), so a fresh compile and the
 * same pack read back from the cache or a file have the same hash.
 */
export function packHash(pack: RulePack): string {
  return schemeIdentity(pack).packHash;
}

/** The schemes the reference data offers, id → source directory: the national text, then every OpenDRG scheme in `local-schemes/`. */
export function availableSchemes(): Map<string, string> {
  const out = new Map<string, string>([[nationalSchemeId, defaultSchemeDir()]]);
  const local = referencePath('local-schemes');
  if (existsSync(local)) {
    for (const name of readdirSync(local).sort()) {
      const dir = path.join(local, name);
      if (statSync(dir).isDirectory() && schemeIdPattern.test(name)) out.set(name, dir);
    }
  }
  return out;
}

/**
 * The ids a build holds: `all` (or nothing) — every available scheme; else a comma-separated
 * list. An unknown id is an error naming the available ones.
 */
export function selectSchemes(list: string | undefined, available: ReadonlyMap<string, string> = availableSchemes()): string[] {
  if (list === undefined || list.trim() === '' || list.trim() === 'all') return [...available.keys()];
  const ids = [...new Set(list.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  const unknown = ids.filter((id) => !available.has(id));
  if (unknown.length > 0) throw new Error(`${unknown.map((id) => JSON.stringify(id)).join(', ')} ${unknown.length === 1 ? 'is not a scheme' : 'are not schemes'} of the reference data; the schemes are ${[...available.keys()].join(', ')}`);
  return ids;
}

/** `suzhou_2023` → `Suzhou 2023`, `chs_drg_10` → `CHS-DRG 1.0`, `chs-drg-1.1` → `CHS-DRG 1.1 (NHSA text)`. */
export function schemeName(id: string, source: SchemeEntry['source']): string {
  const national = /^chs[-_]drg[-_](\d)\.?(\d)$/.exec(id);
  if (national) return `CHS-DRG ${national[1]}.${national[2]}${source === 'nhsa-text' ? ' (NHSA text)' : ' (OpenDRG)'}`;
  return id.split(/[_-]/).map((w) => (w === '' ? w : w[0]!.toUpperCase() + w.slice(1))).join(' ');
}

/** The city payment table of a scheme, when the reference data has one its RW column can be read from. */
function paymentTableOf(id: string): string | null {
  const national: Record<string, string> = { [nationalSchemeId]: 'linyi-2022', chs_drg_11: 'linyi-2022', chs_drg_10: 'xian-2020' };
  const name = national[id] ?? id.replace(/_/g, '-');
  const file = referencePath('payment-tables', `${name}.csv`);
  if (!existsSync(file)) return null;
  try {
    return relativeWeights(parsePaymentTable(name, readFileSync(file, 'utf8'))).size > 0 ? name : null;
  } catch {
    return null; // a table this service cannot read: the scheme is listed with paymentTable null (weights null)
  }
}

function countCodes(pack: RulePack): { mdcs: number; adrgs: number; drgs: number; ambiguousGroups: number } {
  const adrgs = new Set(pack.adrgs.map((a) => a.code.replace(/_\d+$/, '')));
  const drgs = new Set(pack.adrgs.flatMap((a) => a.drgs.map((d) => d.code)));
  // The national rule (no `ambiguous` given): a QY group in every MDC but MDCA.
  const ambiguousGroups = pack.mdcs.filter((m) => (m.ambiguous === undefined ? m.code !== 'MDCA' : m.ambiguous !== false)).length;
  return { mdcs: pack.mdcs.length, adrgs: adrgs.size, drgs: drgs.size, ambiguousGroups };
}

/** Write `file` aside and rename it into place, so a reader never sees half a file. */
export function placeFile(target: string, write: (temporary: string) => void): void {
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  write(temporary);
  renameSync(temporary, target);
}

/**
 * Write `<dir>/schemes/`: a pack per held scheme, its payment table, and the index naming the
 * default. A pack already there from the same source text and pack format is kept (a rebuild
 * then costs the hashing of the sources only).
 */
export function writeSchemePacks(dir: string, options: { held: readonly string[]; defaultScheme: string }): SchemeIndex {
  const available = availableSchemes();
  if (!options.held.includes(options.defaultScheme)) throw new Error(`the default scheme ${options.defaultScheme} must be one of the schemes held (${options.held.join(', ')})`);
  const out = path.join(dir, 'schemes');
  mkdirSync(path.join(out, 'payment-tables'), { recursive: true });
  let previous: Map<string, SchemeEntry> = new Map();
  try {
    const file = schemeIndexFile(dir);
    previous = new Map(parseSchemeIndex(readFileSync(file, 'utf8'), file).schemes.map((s) => [s.id, s]));
  } catch {
    // no earlier build
  }
  const schemes: SchemeEntry[] = [];
  // A held pack is reused only when both its scheme files and the compiler that wrote it are unchanged.
  const compiler = compilerVersion();
  for (const id of options.held) {
    const source = available.get(id);
    if (source === undefined) throw new Error(unknownSchemeMessage(id, [...available.keys()]));
    const sourceHash = hashSources(readSchemeSources(source, ''));
    const file = path.join(out, `${id}.json`);
    const kept = previous.get(id);
    let entry: SchemeEntry;
    if (kept && kept.sourceHash === sourceHash && kept.packFormat === rulePackFormat && compiler !== null && kept.compilerVersion === compiler && existsSync(file)) {
      entry = { ...kept, paymentTable: paymentTableOf(id) };
    } else {
      const pack = rulePackForDir(source);
      placeFile(file, (t) => writeFileSync(t, JSON.stringify(pack)));
      const kind = pack.source ?? 'nhsa-text';
      entry = { id, name: schemeName(id, kind), source: kind, packFormat: pack.format, sourceHash: pack.sourceHash, packHash: packHash(pack), compiledAt: pack.compiledAt, compilerVersion: compiler, ...countCodes(pack), paymentTable: paymentTableOf(id) };
    }
    if (entry.paymentTable) placeFile(path.join(out, 'payment-tables', `${entry.paymentTable}.csv`), (t) => copyFileSync(referencePath('payment-tables', `${entry.paymentTable}.csv`), t));
    schemes.push(entry);
  }
  const index: SchemeIndex = { default: options.defaultScheme, schemes };
  placeFile(schemeIndexFile(dir), (t) => writeFileSync(t, JSON.stringify(index, null, 2)));
  // Packs and tables of schemes no longer held would only weigh on every bundle.
  const keepPacks = new Set([...options.held.map((id) => `${id}.json`), 'index.json', 'payment-tables']);
  const keepTables = new Set(schemes.flatMap((s) => (s.paymentTable ? [`${s.paymentTable}.csv`] : [])));
  for (const name of readdirSync(out)) if (!keepPacks.has(name) && name.endsWith('.json')) rmSync(path.join(out, name), { force: true });
  for (const name of readdirSync(path.join(out, 'payment-tables'))) if (!keepTables.has(name) && name.endsWith('.csv')) rmSync(path.join(out, 'payment-tables', name), { force: true });
  return index;
}
