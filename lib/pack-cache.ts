/**
 * The compiled rule pack of a scheme directory, cached under `node_modules/.cache/payreform/`
 * so a command starts without reading, hashing and compiling the scheme text (~9 MB for
 * CHS-DRG 1.1) at every run.
 *
 * The cache key is a cheap fingerprint, taken without reading the scheme: the directory, the
 * name, size and mtime of every file the compiler would read, and the compiler's own version
 * (a hash of its source files and the pack format). Any edited, added or removed scheme file, or
 * a changed compiler, gives another key, so a stale pack is never loaded: it is compiled again.
 * A cached pack was written by this code from a pack the compiler built, so it is loaded as it
 * is, without validation; a pack a user hands in (`--scheme pack.json`) is always validated
 * (lib/scheme.ts, loadRulePackFile).
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rulePackFormat, type RulePack } from '../models/grouping/drg/pack.ts';
import { projectRoot } from './reference.ts';

/** Where the scheme compiler's sources live: the pack it builds depends on every file here. */
export const compilerSourceDir = path.join(projectRoot, 'models', 'grouping', 'drg');

export const defaultPackCacheDir = path.join(projectRoot, 'node_modules', '.cache', 'payreform');

const versions = new Map<string, { stamps: string; version: string }>();

/**
 * The compiler's version: sha256 over the pack format and the name and text of every `.ts` file
 * of `dir` (~100 kB, under a millisecond; remembered while the files' sizes and mtimes stay the
 * same); null when the sources are not there, and then nothing is cached (a pack from an unknown
 * compiler could be stale).
 */
export function compilerVersion(dir: string = compilerSourceDir): string | null {
  try {
    const files = readdirSync(dir).filter((n) => n.endsWith('.ts')).sort();
    if (files.length === 0) return null;
    const stamps = files.map((name) => {
      const s = statSync(path.join(dir, name));
      return `${name}:${s.size}:${s.mtimeMs}`;
    }).join('|');
    const known = versions.get(dir);
    if (known?.stamps === stamps) return known.version;
    const hash = createHash('sha256').update(`format ${rulePackFormat}\0`);
    for (const name of files) hash.update(name).update('\0').update(readFileSync(path.join(dir, name))).update('\0');
    const version = hash.digest('hex');
    versions.set(dir, { stamps, version });
    return version;
  } catch {
    return null;
  }
}

/**
 * The cache file of a scheme's pack: `<scheme>-<key>.pack.json`, the key a sha256 of the
 * directory, the compiler version and each input's name, size and mtime (`files`: name → path).
 */
export function packCacheFile(cacheDir: string, dir: string, scheme: string, files: [name: string, file: string][], compiler: string): string {
  const hash = createHash('sha256').update(`${packCacheForm}\0${path.resolve(dir)}\0${compiler}\0`);
  for (const [name, file] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const s = statSync(file);
    hash.update(`${name}\0${s.size}\0${s.mtimeMs}\0`);
  }
  return path.join(cacheDir, `${scheme}-${hash.digest('hex')}.pack.json`);
}

/**
 * The form of a cache entry, part of the key so another form is never read as this one:
 * `{"packHash": "…", "lists": ["A00.000\nA00.100…", …], "pack": {…, "lists": []}}`, the pack's
 * JSON beside the sha256 of its rules (lib/scheme.ts `schemeIdentity`), so a command reports which
 * pack it grouped by without hashing the 2 MB pack again at every start (~0.1 s). Each code list
 * is one line-separated string, split when first read (`lazyLists`): a start that groups a few
 * cases parses a few hundred strings instead of ~100 000 codes, and the collector has that much
 * less to copy. The JSON is ASCII (other characters as `\uXXXX`), so it is read as Latin-1 — a
 * copy — rather than decoded from UTF-8, and parsed from one-byte text.
 */
const packCacheForm = 'pack-json-4';

/**
 * Code lists from their line-separated texts, each split into its codes when first read (an
 * accessor that replaces itself with the list). Reading goes through the ordinary array
 * operations — index, iteration, JSON, structured clone to a worker — so no reader knows.
 */
export function lazyLists(texts: readonly string[]): string[][] {
  const lists: string[][] = new Array<string[]>(texts.length);
  texts.forEach((text, i) => {
    Object.defineProperty(lists, i, {
      configurable: true,
      enumerable: true,
      get() {
        const list = text === '' ? [] : text.split('\n');
        Object.defineProperty(lists, i, { value: list, writable: true, enumerable: true, configurable: true });
        return list;
      },
    });
  });
  return lists;
}

/** A cache entry: the pack and the hash of its rules, computed when the entry was written. */
export interface CachedPack {
  pack: RulePack;
  packHash: string;
}

/**
 * The pack cached in `file` and its hash, or null when there is none or it is damaged (then it
 * is compiled again). Not validated field by field (we wrote it from a compiled pack), but its
 * shape is checked down to the code lists (~400 checks): a truncated or foreign file is never
 * grouped with.
 */
export function readCachedPack(file: string): CachedPack | null {
  if (!existsSync(file)) return null;
  try {
    const bytes = readFileSync(file);
    if (!isAscii(bytes)) return null;
    const entry = JSON.parse(bytes.toString('latin1')) as (Partial<CachedPack> & { lists?: unknown }) | null;
    if (entry === null || typeof entry !== 'object' || typeof entry.packHash !== 'string' || !/^[0-9a-f]{64}$/.test(entry.packHash)) return null;
    const { lists } = entry;
    if (!Array.isArray(lists) || !lists.every((text) => typeof text === 'string')) return null;
    const pack = entry.pack as RulePack;
    if (!isPackShaped(pack) || pack.lists.length !== 0) return null;
    pack.lists = lazyLists(lists as string[]);
    return { pack, packHash: entry.packHash };
  } catch {
    return null;
  }
}

function isPackShaped(pack: RulePack | undefined): boolean {
  const isRecord = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  return (
    pack !== undefined &&
    isRecord(pack) &&
    pack.format === rulePackFormat &&
    typeof pack.sourceHash === 'string' &&
    Array.isArray(pack.mdcs) &&
    Array.isArray(pack.adrgs) &&
    Array.isArray(pack.lists) &&
    isRecord(pack.mcc) &&
    isRecord(pack.cc) &&
    isRecord(pack.exclusions) &&
    Number.isInteger(pack.operatingRoomProcedures)
  );
}

/**
 * Cache `pack` and the hash of its rules in `file` (temporary name + rename, so a command
 * starting meanwhile never reads half a pack), and remove the same scheme's older entries (other keys, older than an hour: a run
 * that started from one has read it long ago). No writable cache is not an error: compiling every
 * time is correct, only slower.
 */
export function writeCachedPack(file: string, scheme: string, pack: RulePack, packHash: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    // A code with a line end could not be a line of its list's text: such a pack is not cached.
    if (pack.lists.some((list) => list.some((code) => code.includes('\n')))) return;
    const lists = JSON.stringify(pack.lists.map((list) => list.join('\n')));
    const json = `{"packHash":${JSON.stringify(packHash)},"lists":${lists},"pack":${JSON.stringify({ ...pack, lists: [] })}}`;
    writeFileSync(temporary, json.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');
    renameSync(temporary, file);
    for (const entry of readdirSync(path.dirname(file))) {
      if (!entry.startsWith(`${scheme}-`) || !/^.+-[0-9a-f]{64}\.pack\.json$/.test(entry) || entry === path.basename(file)) continue;
      if (entry.slice(scheme.length + 1).includes('-')) continue; // another scheme whose name starts with this one
      const old = path.join(path.dirname(file), entry);
      if (Date.now() - statSync(old).mtimeMs > 3_600_000) rmSync(old, { force: true });
    }
  } catch {
    // see above
  }
}
