/**
 * The cached rule pack of a scheme directory: reused while the scheme files and the compiler are
 * unchanged, compiled again when a scheme file or the compiler changes (never loaded stale), a
 * damaged entry compiled again; a pack a user hands in is still validated.
 */
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../lib/cli-error.ts';
import { compilerSourceDir, compilerVersion, joinCacheEntry, splitCacheEntry, type CacheEntryHeader } from '../../../lib/pack-cache.ts';
import { diagnosisTableFor, diagnosisTableOf } from '../../../models/grouping/drg/diagnosis-table.ts';
import { compileSchemeDir, loadScheme, rulePackForDir, schemeIdentity } from '../../../lib/scheme.ts';
import type { RulePack } from '../../../models/grouping/drg/pack.ts';

const fixture = path.join(import.meta.dirname, '../../fixtures/grouping/mini-scheme');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-pack-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh copy of the mini scheme, the compiler sources and an empty cache. */
function setUp(name: string) {
  const scheme = path.join(dir, name, 'mini-scheme');
  const compiler = path.join(dir, name, 'compiler');
  const cache = path.join(dir, name, 'cache');
  cpSync(fixture, scheme, { recursive: true });
  cpSync(compilerSourceDir, compiler, { recursive: true });
  return { scheme, compiler, cache };
}

const entries = (cache: string) => readdirSync(cache).filter((f) => f.endsWith('.pack'));

/** The one cache entry's file, header and body. */
function entryParts(cache: string): { file: string; header: CacheEntryHeader; body: Buffer } {
  const [entry] = entries(cache);
  const file = path.join(cache, entry!);
  const parts = splitCacheEntry(readFileSync(file));
  expect(parts).not.toBeNull();
  return { file, header: parts!.header as CacheEntryHeader, body: parts!.body };
}

/** Mark the one cached pack, so a later load shows whether it came from the cache. */
function markCached(cache: string): void {
  const { file, header, body } = entryParts(cache);
  writeFileSync(file, joinCacheEntry({ ...header, pack: { ...header.pack, compiledAt: 'from the cache' } }, body));
}

/** Change a file's content or only its mtime, a few seconds ahead so the stamp surely differs. */
function touch(file: string, secondsAhead: number): void {
  utimesSync(file, new Date(), new Date(Date.now() + secondsAhead * 1000));
}

describe('the cached rule pack of a scheme directory', () => {
  it('is compiled once and then loaded from the cache, the same pack', () => {
    const { scheme, compiler, cache } = setUp('reuse');
    const compiled = rulePackForDir(scheme, cache, compiler);
    expect(entries(cache)).toHaveLength(1);
    expect(compiled).toEqual({ ...compileSchemeDir(scheme).pack, compiledAt: compiled.compiledAt });
    markCached(cache);
    const loaded = rulePackForDir(scheme, cache, compiler);
    expect(loaded.compiledAt).toBe('from the cache');
    expect({ ...loaded, compiledAt: compiled.compiledAt }).toEqual(compiled);
  });

  it('keeps each code list as one text until it is read, and gives the same lists to every reader (index, iteration, JSON, a worker\'s structured clone)', () => {
    const { scheme, compiler, cache } = setUp('lazy');
    const compiled = rulePackForDir(scheme, cache, compiler);
    const loaded = () => rulePackForDir(scheme, cache, compiler);
    const first = loaded();
    expect(first.lists.length).toBe(compiled.lists.length);
    expect(compiled.lists.length).toBeGreaterThan(1);
    expect(Object.getOwnPropertyDescriptor(first.lists, 1)!.get).toBeTypeOf('function');
    expect(first.lists[1]).toEqual(compiled.lists[1]);
    expect(Object.getOwnPropertyDescriptor(first.lists, 1)!.value).toEqual(compiled.lists[1]);
    expect(Object.getOwnPropertyDescriptor(first.lists, 0)!.get).toBeTypeOf('function');
    expect([...loaded().lists]).toEqual(compiled.lists);
    expect(JSON.parse(JSON.stringify(loaded().lists))).toEqual(compiled.lists);
    expect(structuredClone(loaded()).lists).toEqual(compiled.lists);
  });

  it('keeps the MCC, CC and exclusion tables as text until they are read, and answers the grouper from the sorted diagnosis table', () => {
    const { scheme, compiler, cache } = setUp('lazy-tables');
    const compiled = rulePackForDir(scheme, cache, compiler);
    const loaded = rulePackForDir(scheme, cache, compiler);
    for (const name of ['mcc', 'cc', 'exclusions'] as const) expect(Object.getOwnPropertyDescriptor(loaded, name)!.get).toBeTypeOf('function');
    // The grouper's table from the entry's bytes says of every code what the pack's own tables say.
    const fromBytes = diagnosisTableFor(loaded);
    const fromPack = diagnosisTableOf(compiled);
    expect(fromBytes).not.toBe(diagnosisTableFor(compiled));
    const codes = new Set([...Object.keys(compiled.mcc), ...Object.keys(compiled.cc), ...Object.values(compiled.exclusions).flat(), ...compiled.mdcs.flatMap((m) => (m.principalDiagnoses === undefined ? [] : compiled.lists[m.principalDiagnoses]!))]);
    expect(codes.size).toBeGreaterThan(5);
    for (const code of [...codes, 'Z99.999', '', 'A', '\uffff']) expect(fromBytes.get(code), code).toEqual(fromPack.get(code));
    // Still not parsed: the grouper read none of them.
    for (const name of ['mcc', 'cc', 'exclusions'] as const) expect(Object.getOwnPropertyDescriptor(loaded, name)!.get).toBeTypeOf('function');
    expect(loaded.mcc).toEqual(compiled.mcc);
    expect(Object.getOwnPropertyDescriptor(loaded, 'mcc')!.value).toEqual(compiled.mcc);
    expect(structuredClone(rulePackForDir(scheme, cache, compiler))).toEqual(compiled);
    expect(JSON.parse(JSON.stringify(rulePackForDir(scheme, cache, compiler)))).toEqual(JSON.parse(JSON.stringify(compiled)));
  });

  it('reports the hash written with the pack, the same as the hash of the rules it holds', () => {
    const { scheme, compiler, cache } = setUp('hash');
    const compiled = rulePackForDir(scheme, cache, compiler);
    const loaded = rulePackForDir(scheme, cache, compiler);
    expect(loaded).not.toBe(compiled);
    const reported = schemeIdentity(loaded);
    // Recomputed over a copy of the loaded rules (a copy is not in the identities cache).
    const recomputed = schemeIdentity(structuredClone(loaded));
    expect(reported).toEqual(recomputed);
    expect(reported).toEqual(schemeIdentity(compileSchemeDir(scheme).pack));
    // The entry holds the hash, so the reported one is what the file says, not a new computation.
    expect(entryParts(cache).header.packHash).toBe(reported.packHash);
    // The Chinese names come back whole.
    expect(JSON.stringify(compiled)).toMatch(/[\u4e00-\u9fff]/);
    expect(loaded).toEqual(compiled);
  });

  it('is compiled again when a scheme file changes, is added or is removed', () => {
    const { scheme, compiler, cache } = setUp('scheme-change');
    const before = cachedAndMarked(scheme, cache, compiler);

    // A DRG renamed in 3_DRG.txt: the new pack has the new name and another source hash.
    const drgFile = path.join(scheme, '3_DRG.txt');
    const text = readFileSync(drgFile, 'utf8');
    const [drgLine] = text.split('\n').filter((l) => /^[A-Z]{2}[0-9A-Z]{2}\s/.test(l));
    expect(drgLine).toBeDefined();
    writeFileSync(drgFile, text.replace(drgLine!, `${drgLine!.trimEnd()}（改）`));
    touch(drgFile, 5);
    const after = rulePackForDir(scheme, cache, compiler);
    expect(after.compiledAt).not.toBe('from the cache');
    expect(after.sourceHash).not.toBe(before.sourceHash);
    expect(JSON.stringify(after.adrgs)).toContain('（改）');

    // Only the mtime changes: compiled again (the key does not read contents), same source hash.
    cachedAndMarked(scheme, cache, compiler);
    touch(drgFile, 10);
    const touched = rulePackForDir(scheme, cache, compiler);
    expect(touched.compiledAt).not.toBe('from the cache');
    expect(touched.sourceHash).toBe(after.sourceHash);

    // A file the compiler reads is added…
    cachedAndMarked(scheme, cache, compiler);
    writeFileSync(path.join(scheme, '8_NOTES.txt'), 'not part of the rules, but read\n');
    expect(rulePackForDir(scheme, cache, compiler).compiledAt).not.toBe('from the cache');

    // …and removed again.
    cachedAndMarked(scheme, cache, compiler);
    rmSync(path.join(scheme, '8_NOTES.txt'));
    expect(rulePackForDir(scheme, cache, compiler).compiledAt).not.toBe('from the cache');
  });

  it('is compiled again when the compiler changes', () => {
    const { scheme, compiler, cache } = setUp('compiler-change');
    const version = compilerVersion(compiler);
    expect(version).toMatch(/^[0-9a-f]{64}$/);
    rulePackForDir(scheme, cache, compiler);
    markCached(cache);
    expect(rulePackForDir(scheme, cache, compiler).compiledAt).toBe('from the cache');

    appendFileSync(path.join(compiler, 'compile.ts'), '\n// a changed compiler\n');
    touch(path.join(compiler, 'compile.ts'), 5);
    expect(compilerVersion(compiler)).not.toBe(version);
    expect(rulePackForDir(scheme, cache, compiler).compiledAt).not.toBe('from the cache');
    expect(entries(cache)).toHaveLength(2); // one per compiler version (the older is removed after an hour)
  });

  it('compiles again over a damaged cache entry, and caches nothing without the compiler sources', () => {
    const { scheme, compiler, cache } = setUp('damaged');
    const compiled = rulePackForDir(scheme, cache, compiler);
    const { file, header, body } = entryParts(cache);
    const marked: CacheEntryHeader = { ...header, pack: { ...header.pack, compiledAt: 'from the cache' } };
    const packHash = schemeIdentity(compiled).packHash;
    const texts = compiled.lists.map((l) => l.join('\n'));
    const entry = (h: unknown, b: Uint8Array = body) => joinCacheEntry(h as CacheEntryHeader, b);
    const magicLength = joinCacheEntry(marked, body).indexOf(10) + 1;
    for (const damaged of [
      // cut short, or an entry of the older JSON forms at the same key
      Buffer.from('{"format": 2, "lists": [['),
      entry(marked).subarray(0, magicLength + 40),
      entry(marked, body.subarray(0, body.length - 1)),
      Buffer.from(JSON.stringify({ packHash, lists: texts, pack: { ...marked.pack, lists: [] } })),
      Buffer.from(JSON.stringify(compiled)),
      // the header without a well-formed hash, lists or tables; sections outside the body; a pack with its lists inside
      entry({ ...marked, packHash: 'abc' }),
      entry({ ...marked, lists: texts }),
      entry({ ...marked, lists: marked.lists.map(([at]) => [at]) }),
      entry({ ...marked, lists: [[body.length, 1], ...marked.lists.slice(1)] }),
      entry({ ...marked, diagnoses: [0, body.length + 1] }),
      entry({ ...marked, diagnoses: marked.diagnoses === null ? null : [marked.diagnoses[0], marked.diagnoses[1] - 1] }),
      entry({ ...marked, tables: { ...marked.tables, cc: undefined } }),
      entry({ ...marked, pack: compiled }),
      entry({ ...marked, pack: { ...marked.pack, format: 1 } }),
    ]) {
      writeFileSync(file, damaged);
      const again = rulePackForDir(scheme, cache, compiler);
      expect(again.compiledAt).not.toBe('from the cache');
      expect(again).toEqual({ ...compiled, compiledAt: expect.any(String) });
      expect(schemeIdentity(again).packHash).toBe(packHash);
    }
    // The same entry well formed is used; so is one without the diagnosis table (a pack whose codes its text cannot hold), read from the pack's own tables.
    writeFileSync(file, entry(marked));
    expect(rulePackForDir(scheme, cache, compiler).compiledAt).toBe('from the cache');
    writeFileSync(file, entry({ ...marked, diagnoses: null }));
    const untabled = rulePackForDir(scheme, cache, compiler);
    expect(untabled.compiledAt).toBe('from the cache');
    expect({ ...untabled, compiledAt: compiled.compiledAt }).toEqual(compiled);

    const noCompiler = path.join(dir, 'damaged', 'no-compiler');
    const otherCache = path.join(dir, 'damaged', 'other-cache');
    expect(compilerVersion(noCompiler)).toBeNull();
    expect(rulePackForDir(scheme, otherCache, noCompiler).mdcs).toEqual(compiled.mdcs);
    expect(() => readdirSync(otherCache)).toThrow();
  });

  it('does not spare a pack a user hands in from validation', () => {
    const { scheme, cache, compiler } = setUp('user-pack');
    const pack = rulePackForDir(scheme, cache, compiler);
    const file = path.join(dir, 'user-pack', 'pack.json');
    writeFileSync(file, JSON.stringify(pack));
    expect(loadScheme(file)).toEqual(pack);
    writeFileSync(file, JSON.stringify({ ...pack, adrgs: [{ ...pack.adrgs[0]!, mdc: 'MDC1' }, ...pack.adrgs.slice(1)] }));
    expect(() => loadScheme(file)).toThrow(CliError);
    expect(() => loadScheme(file)).toThrow(/is not a valid rule pack at adrgs\.0\.mdc/);
  });
});

/** An empty cache filled by one load, its entry marked; the marked pack is what the next load gives while nothing changes. */
function cachedAndMarked(scheme: string, cache: string, compiler: string): RulePack {
  rmSync(cache, { recursive: true, force: true });
  const pack = rulePackForDir(scheme, cache, compiler);
  markCached(cache);
  expect(rulePackForDir(scheme, cache, compiler).compiledAt).toBe('from the cache');
  return pack;
}
