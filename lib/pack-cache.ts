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
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diagnosisTableFromBytes, diagnosisTableText, useDiagnosisTable } from '../models/grouping/drg/diagnosis-table.ts';
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
 * The cache file of a scheme's pack: `<scheme>-<key>.pack`, the key a sha256 of the
 * directory, the compiler version and each input's name, size and mtime (`files`: name → path).
 */
export function packCacheFile(cacheDir: string, dir: string, scheme: string, files: [name: string, file: string][], compiler: string): string {
  const hash = createHash('sha256').update(`${packCacheForm}\0${path.resolve(dir)}\0${compiler}\0`);
  for (const [name, file] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const s = statSync(file);
    hash.update(`${name}\0${s.size}\0${s.mtimeMs}\0`);
  }
  return path.join(cacheDir, `${scheme}-${hash.digest('hex')}.pack`);
}

/**
 * The form of a cache entry, part of the key so another form is never read as this one. An
 * entry is three parts, UTF-8:
 *
 *     payreform pack cache 6\n
 *     {"packHash": "…", "pack": {…, "lists": [], "mcc": {}, "cc": {}, "exclusions": {}},
 *      "lists": [[at, bytes], …], "diagnoses": [at, bytes] | null,
 *      "tables": {"mcc": [at, bytes], "cc": […], "exclusions": […]}}\n
 *     the sections, each at its byte offset from here
 *
 * The header holds the pack's JSON without its large parts and the sha256 of its rules
 * (lib/scheme.ts `schemeIdentity`), so a command reports which pack it grouped by without hashing
 * the pack again at every start (~0.1 s). The large parts are sections read from the file's bytes
 * when first used: each code list one line-separated text, split when first read (`lazyLists`);
 * the MCC, CC and exclusion tables their JSON, parsed when first read (`lazyTables`); and the
 * grouper's diagnosis table (models/grouping/drg/diagnosis-table.ts), bisected in its bytes per
 * code. A start that groups a few cases parses a ~100 kB header and a few lists instead of
 * ~2.6 MB of JSON: in this VM every megabyte read, decoded and parsed costs ~10 ms.
 */
const packCacheForm = 'pack-bytes-6';
const magic = Buffer.from('payreform pack cache 6\n', 'latin1');

/** Where a section is in the body: [byte offset, byte length]. */
type Section = [at: number, bytes: number];

/** A cache entry's header (see {@link packCacheForm}). */
export interface CacheEntryHeader {
  packHash: string;
  pack: RulePack;
  lists: Section[];
  diagnoses: Section | null;
  tables: Record<LazyTableName, Section>;
}

/** A cache entry's header and body, or null when `bytes` is not one (another form, damaged, truncated). */
export function splitCacheEntry(bytes: Buffer): { header: unknown; body: Buffer } | null {
  if (bytes.length < magic.length || !bytes.subarray(0, magic.length).equals(magic)) return null;
  const end = bytes.indexOf(10, magic.length);
  if (end === -1) return null;
  try {
    return { header: JSON.parse(bytes.toString('utf8', magic.length, end)) as unknown, body: bytes.subarray(end + 1) };
  } catch {
    return null;
  }
}

/** The bytes of a cache entry with this header and body. */
export function joinCacheEntry(header: CacheEntryHeader, body: Uint8Array): Buffer {
  return Buffer.concat([magic, Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]);
}

/**
 * Code lists from their line-separated texts (`text(i)` gives list i's), each split into its
 * codes when first read (an accessor that replaces itself with the list). Reading goes through
 * the ordinary array operations — index, iteration, JSON, structured clone to a worker — so no
 * reader knows.
 */
export function lazyLists(count: number, text: (i: number) => string): string[][] {
  const lists: string[][] = new Array<string[]>(count);
  for (let i = 0; i < count; i++) {
    Object.defineProperty(lists, i, {
      configurable: true,
      enumerable: true,
      get() {
        const t = text(i);
        const list = t === '' ? [] : t.split('\n');
        Object.defineProperty(lists, i, { value: list, writable: true, enumerable: true, configurable: true });
        return list;
      },
    });
  }
  return lists;
}

/** The pack's tables kept as JSON text in a cache entry. */
const lazyTableNames = ['mcc', 'cc', 'exclusions'] as const;
type LazyTableName = (typeof lazyTableNames)[number];

/** Give `pack` its MCC, CC and exclusion tables from their JSON texts, each parsed when first read (an accessor that replaces itself, as {@link lazyLists}). */
export function lazyTables(pack: RulePack, text: (name: LazyTableName) => string): void {
  for (const name of lazyTableNames) {
    Object.defineProperty(pack, name, {
      configurable: true,
      enumerable: true,
      get() {
        const table = JSON.parse(text(name)) as unknown;
        Object.defineProperty(pack, name, { value: table, writable: true, enumerable: true, configurable: true });
        return table;
      },
      set(value: unknown) {
        Object.defineProperty(pack, name, { value, writable: true, enumerable: true, configurable: true });
      },
    });
  }
}

/** A cache entry: the pack and the hash of its rules, computed when the entry was written. */
export interface CachedPack {
  pack: RulePack;
  packHash: string;
}

/**
 * The pack cached in `file` and its hash, or null when there is none or it is damaged (then it
 * is compiled again). Not validated field by field (we wrote it from a compiled pack), but its
 * shape is checked down to where each section lies (~400 checks): a truncated or foreign file is
 * never grouped with. The file's bytes stay with the pack while its sections are read.
 */
export function readCachedPack(file: string): CachedPack | null {
  if (!existsSync(file)) return null;
  try {
    const entry = splitCacheEntry(readFileSync(file));
    if (entry === null) return null;
    const { body } = entry;
    const header = entry.header as Partial<CacheEntryHeader> | null;
    if (header === null || typeof header !== 'object' || typeof header.packHash !== 'string' || !/^[0-9a-f]{64}$/.test(header.packHash)) return null;
    const inBody = (s: unknown): s is Section => Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) && Number.isInteger(s[1]) && s[0] >= 0 && s[1] >= 0 && s[0] + s[1] <= body.length;
    const { lists, diagnoses, tables } = header;
    if (!Array.isArray(lists) || !lists.every(inBody)) return null;
    if (tables === null || typeof tables !== 'object' || !lazyTableNames.every((name) => inBody(tables[name]))) return null;
    // The diagnosis table is whole lines: one cut short would answer "not in the table" for the codes it lost.
    if (diagnoses !== null && (!inBody(diagnoses) || (diagnoses[1] > 0 && body[diagnoses[0] + diagnoses[1] - 1] !== 10))) return null;
    const pack = header.pack;
    if (!isPackShaped(pack) || pack.lists.length !== 0) return null;
    const text = ([at, bytes]: Section) => body.toString('utf8', at, at + bytes);
    pack.lists = lazyLists(lists.length, (i) => text(lists[i]!));
    lazyTables(pack, (name) => text(tables[name]));
    if (diagnoses !== null) useDiagnosisTable(pack, diagnosisTableFromBytes(body.subarray(diagnoses[0], diagnoses[0] + diagnoses[1])));
    return { pack, packHash: header.packHash };
  } catch {
    return null;
  }
}

function isPackShaped(pack: RulePack | undefined): pack is RulePack {
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
    const sections: Buffer[] = [];
    let at = 0;
    const section = (text: string): Section => {
      const bytes = Buffer.from(text, 'utf8');
      sections.push(bytes);
      at += bytes.length;
      return [at - bytes.length, bytes.length];
    };
    const lists = pack.lists.map((list) => section(list.join('\n')));
    const diagnosisText = diagnosisTableText(pack);
    const header: CacheEntryHeader = {
      packHash,
      pack: { ...pack, lists: [], mcc: {}, cc: {}, exclusions: {} },
      lists,
      // A pack whose codes the table's text cannot hold is read from its own tables.
      diagnoses: diagnosisText === null ? null : section(diagnosisText),
      tables: { mcc: section(JSON.stringify(pack.mcc)), cc: section(JSON.stringify(pack.cc)), exclusions: section(JSON.stringify(pack.exclusions)) },
    };
    writeFileSync(temporary, joinCacheEntry(header, Buffer.concat(sections)));
    renameSync(temporary, file);
    for (const entry of readdirSync(path.dirname(file))) {
      if (!entry.startsWith(`${scheme}-`) || !/^.+-[0-9a-f]{64}\.pack(\.json)?$/.test(entry) || entry === path.basename(file)) continue;
      if (entry.slice(scheme.length + 1).includes('-')) continue; // another scheme whose name starts with this one
      const old = path.join(path.dirname(file), entry);
      if (Date.now() - statSync(old).mtimeMs > 3_600_000) rmSync(old, { force: true });
    }
  } catch {
    // see above
  }
}
