/**
 * Node-side access to a DRG scheme: read its files for the compiler, and build (or load) the
 * rule pack. A scheme is given as one of three forms — an NHSA scheme text directory
 * (`1_MDC.txt` …), an OpenDRG scheme directory (`Grouper.py`, `MDC/*.py` …) or a compiled rule
 * pack (`.json`) — and {@link loadScheme} is the one entry point that takes any of them. The
 * default scheme is `$PAYREFORM_REFERENCE_DIR/chs-drg-1.1`, else `../shared/reference/chs-drg-1.1`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compileScheme, SchemeCompileError, type CompileReport, type SchemeSources } from '../models/grouping/drg/compile.ts';
import { compileOpenDrg, isOpenDrgSources } from '../models/grouping/drg/opendrg.ts';
import type { AmbiguousMode } from '../models/grouping/drg/grouper.ts';
import { packSchemas, type RulePack } from '../models/grouping/drg/pack.ts';
import { CliError } from './cli-error.ts';
import { compilerSourceDir, compilerVersion, defaultPackCacheDir, packCacheFile, readCachedPack, writeCachedPack } from './pack-cache.ts';
import { referenceDir } from './reference.ts';

export function defaultSchemeDir(): string {
  return path.join(referenceDir(), 'chs-drg-1.1');
}

/** True when `dir` is an OpenDRG scheme directory (it has `Grouper.py` and an `MDC/` folder). */
export function isOpenDrgDir(dir: string): boolean {
  return existsSync(path.join(dir, 'Grouper.py')) && existsSync(path.join(dir, 'MDC'));
}

/**
 * The files of a scheme directory the compiler reads, as [name in the sources, path], and the
 * procedure-class table of an NHSA text scheme. OpenDRG: `Grouper.py` and its wrapper
 * `Grouper_<scheme>.py`, the `.py` files of `MDC/`, `ADRG/`, `DRG/`, `DRG_EX/` and the `.dat`
 * tables of `DATA/` (`Base.py`, `GroupProxy.py` and the test and wrapper scripts are not rules);
 * NHSA text: the top-level `.txt`, the `.dat` files of `MDC/` and `ADRG/`, and
 * `icd9cm3-procedure-class.dat` beside them or in `../codes`. The pack cache stats exactly
 * these files, so what is read and what keys the cache cannot drift apart.
 */
export function schemeFiles(dir: string): { files: [name: string, file: string][]; procedureClasses?: string } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`the scheme directory ${dir} does not exist; pass --scheme or set PAYREFORM_REFERENCE_DIR`);
  }
  const files: [string, string][] = [];
  const subdirFiles = (sub: string, ext: string, name: (file: string) => string = (f) => f) => {
    const subdir = path.join(dir, sub);
    if (!existsSync(subdir)) return;
    for (const file of readdirSync(subdir)) {
      if (file.endsWith(ext) && file !== '__init__.py') files.push([`${sub}/${name(file)}`, path.join(subdir, file)]);
    }
  };
  if (isOpenDrgDir(dir)) {
    for (const name of readdirSync(dir)) {
      if (name === 'Grouper.py' || /^Grouper_.+\.py$/.test(name)) files.push([name, path.join(dir, name)]);
    }
    for (const [sub, ext] of [['MDC', '.py'], ['ADRG', '.py'], ['DRG', '.py'], ['DRG_EX', '.py'], ['DATA', '.dat']] as const) subdirFiles(sub, ext);
    return { files };
  }
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.txt')) files.push([name, path.join(dir, name)]);
  }
  for (const sub of ['MDC', 'ADRG']) subdirFiles(sub, '.dat', (f) => f.normalize('NFC'));
  const procedureClasses = [path.join(dir, 'icd9cm3-procedure-class.dat'), path.join(dir, '..', 'codes', 'icd9cm3-procedure-class.dat')].find((p) => existsSync(p));
  return procedureClasses ? { files, procedureClasses } : { files };
}

/** Read the scheme files of `dir` (see {@link schemeFiles}): an OpenDRG directory or an NHSA text directory. */
export function readSchemeSources(dir: string, compiledAt = new Date().toISOString()): SchemeSources {
  const listed = schemeFiles(dir);
  const files: Record<string, string> = {};
  for (const [name, file] of listed.files) files[name] = readFileSync(file, 'utf8');
  const sources: SchemeSources = { scheme: schemeName(dir), files, compiledAt };
  if (listed.procedureClasses) sources.procedureClasses = readFileSync(listed.procedureClasses, 'utf8');
  return sources;
}

function schemeName(dir: string): string {
  return path.basename(path.resolve(dir));
}

/** Compile scheme sources of either directory form. */
export function compileSources(sources: SchemeSources): { pack: RulePack; report: CompileReport } {
  try {
    return isOpenDrgSources(sources.files) ? compileOpenDrg(sources) : compileScheme(sources);
  } catch (error) {
    if (error instanceof SchemeCompileError) throw new CliError(`cannot compile the scheme ${sources.scheme}: ${error.message.replace(`${sources.scheme}: `, '')}`);
    throw error;
  }
}

/** The scheme a command names: `--scheme PATH`, else the older `--scheme-dir DIR`, else the default (CHS-DRG 1.1 text). */
export function schemeOption(values: Record<string, unknown>): string {
  const scheme = values.scheme as string | undefined;
  const dir = values['scheme-dir'] as string | undefined;
  if (scheme !== undefined && dir !== undefined && path.resolve(scheme) !== path.resolve(dir)) throw new CliError('--scheme and --scheme-dir name different schemes; give one of them.', 2);
  return scheme ?? dir ?? defaultSchemeDir();
}

/** The options every grouping command takes to name its scheme (parseArgs config). */
export const schemeOptions = { scheme: { type: 'string' }, 'scheme-dir': { type: 'string' } } as const;

/** The usage lines of {@link schemeOptions}, the same in every command's help. */
export const schemeUsage = `  --scheme      the DRG scheme: an OpenDRG scheme directory, an NHSA scheme text directory or a
                compiled rule pack (.json) (default $PAYREFORM_REFERENCE_DIR/chs-drg-1.1, else
                ../shared/reference/chs-drg-1.1)
  --scheme-dir  the same, as older scripts spell it`;

/** Which scheme a run used: its name and the sha256 of the pack's rules (the pack without its compile time). */
export interface SchemeIdentity {
  scheme: string;
  packHash: string;
}

const identities = new WeakMap<RulePack, SchemeIdentity>();

/**
 * The identity a command reports with its output. The hash covers every rule of the pack but not
 * `compiledAt`, so the same scheme compiled twice (or loaded from the cache, or from a compiled
 * pack file) has the same hash, and any change in a rule gives another.
 */
export function schemeIdentity(pack: RulePack): SchemeIdentity {
  let id = identities.get(pack);
  if (!id) {
    const { compiledAt: _compiledAt, ...rules } = pack;
    id = { scheme: pack.scheme, packHash: createHash('sha256').update(JSON.stringify(rules, sortedKeys)).digest('hex') };
    identities.set(pack, id);
  }
  return id;
}

/** Objects with their keys sorted (a compiled pack and the same pack read back through zod list their keys in different orders). */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `scheme suzhou_2023 (pack 1a2b3c4d5e6f)`: the identity in a summary line. */
export function schemeLine(pack: RulePack): string {
  const id = schemeIdentity(pack);
  return `scheme ${id.scheme} (pack ${id.packHash.slice(0, 12)})`;
}

/** `--ambiguous qy|fallthrough`, or undefined when not given (the scheme's own rule, or a policy's). */
export function ambiguousOption(values: Record<string, unknown>): AmbiguousMode | undefined {
  const ambiguous = values.ambiguous as string | undefined;
  if (ambiguous === undefined) return undefined;
  if (ambiguous !== 'qy' && ambiguous !== 'fallthrough') throw new CliError(`--ambiguous must be "qy" or "fallthrough", got "${ambiguous}".`, 2);
  return ambiguous;
}

/** Compile the scheme directory (NHSA text or OpenDRG) into a rule pack and its report. */
export function compileSchemeDir(dir: string): { pack: RulePack; report: CompileReport } {
  return compileSources(readSchemeSources(dir));
}

/** Load a compiled rule pack from JSON, validated. */
export function loadRulePackFile(file: string): RulePack {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not a rule pack: ${(error as Error).message}`);
  }
  const parsed = packSchemas().rulePackSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${file} is not a valid rule pack${issue ? ` at ${issue.path.join('.') || 'the top level'}: ${issue.message}` : ''}; compile the scheme again with payreform compile-scheme`);
  }
  return parsed.data;
}

/**
 * The rule pack of a scheme given in any of its three forms: a compiled pack (a `.json` file),
 * an OpenDRG scheme directory or an NHSA scheme text directory (compiled once per distinct
 * source and cached). Every entry point loads "the scheme" through this one function.
 */
export function loadScheme(schemePath: string = defaultSchemeDir()): RulePack {
  if (!existsSync(schemePath)) throw new CliError(`the scheme directory or rule pack ${schemePath} does not exist; pass --scheme (an OpenDRG directory, an NHSA text directory or a compiled pack) or set PAYREFORM_REFERENCE_DIR`);
  if (statSync(schemePath).isFile()) return loadRulePackFile(schemePath);
  return rulePackForDir(schemePath);
}

/**
 * The rule pack of a scheme directory, compiled once per distinct source and compiler: cached
 * under `node_modules/.cache/payreform/` by a fingerprint of the scheme files (sizes, mtimes)
 * and the compiler version (lib/pack-cache.ts), with the hash of its rules, so later runs only
 * parse the cached JSON.
 */
export function rulePackForDir(dir: string, cacheDir = defaultPackCacheDir, compilerDir = compilerSourceDir): RulePack {
  const listed = schemeFiles(dir);
  const compiler = compilerVersion(compilerDir);
  const scheme = schemeName(dir);
  const inputs = listed.procedureClasses ? [...listed.files, ['procedure-classes', listed.procedureClasses] as [string, string]] : listed.files;
  const file = compiler === null ? null : packCacheFile(cacheDir, dir, scheme, inputs, compiler);
  const cached = file === null ? null : readCachedPack(file);
  if (cached) {
    // The hash written with the pack: the key guarantees these are the rules it was taken of.
    identities.set(cached.pack, { scheme: cached.pack.scheme, packHash: cached.packHash });
    return cached.pack;
  }
  const { pack } = compileSources(readSchemeSources(dir));
  if (file !== null) writeCachedPack(file, scheme, pack, schemeIdentity(pack).packHash);
  return pack;
}

/**
 * The rule pack, loaded while worker threads boot; if it cannot be loaded the workers are
 * stopped before the error goes on (so a missing scheme never leaves threads running).
 */
export async function rulePackWhileWorkersBoot(scheme: string, workers: { terminate(): Promise<number> }[]): Promise<RulePack> {
  try {
    return loadScheme(scheme);
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
}
