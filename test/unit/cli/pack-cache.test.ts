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
import { compilerSourceDir, compilerVersion } from '../../../lib/pack-cache.ts';
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

const entries = (cache: string) => readdirSync(cache).filter((f) => f.endsWith('.pack.json'));

/** Mark the one cached pack, so a later load shows whether it came from the cache. */
function markCached(cache: string): void {
  const [entry] = entries(cache);
  const file = path.join(cache, entry!);
  const { pack, packHash, lists } = JSON.parse(readFileSync(file, 'utf8')) as { pack: RulePack; packHash: string; lists: string[] };
  writeFileSync(file, asciiJson({ packHash, lists, pack: { ...pack, compiledAt: 'from the cache' } }));
}

/** JSON in ASCII, as cache entries are written. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
    const [entry] = entries(cache);
    const file = path.join(cache, entry!);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { packHash: string }).packHash).toBe(reported.packHash);
    // Written in ASCII (read as Latin-1), the Chinese names come back whole.
    expect(readFileSync(file).every((b) => b < 0x80)).toBe(true);
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
    const [entry] = entries(cache);
    writeFileSync(path.join(cache, entry!), '{"format": 2, "lists": [[');
    expect(rulePackForDir(scheme, cache, compiler)).toEqual({ ...compiled, compiledAt: expect.any(String) });
    // Whole JSON of another shape (code lists as strings) at the same key: compiled again, not grouped with.
    const packHash = schemeIdentity(compiled).packHash;
    writeFileSync(path.join(cache, entry!), asciiJson({ packHash, pack: { ...compiled, lists: compiled.lists.map((l) => l.join('\n')) } }));
    expect(rulePackForDir(scheme, cache, compiler)).toEqual({ ...compiled, compiledAt: expect.any(String) });
    // The pack alone or with its lists inside (entries of older forms), lists that are not texts or
    // given twice, without a well-formed hash, or not ASCII: compiled again.
    const marked = { ...compiled, compiledAt: 'from the cache' };
    const texts = compiled.lists.map((l) => l.join('\n'));
    const current = { packHash, lists: texts, pack: { ...marked, lists: [] } };
    for (const damaged of [
      asciiJson(marked),
      asciiJson({ pack: marked }),
      asciiJson({ packHash, pack: marked }),
      asciiJson({ ...current, lists: compiled.lists }),
      asciiJson({ ...current, pack: marked }),
      asciiJson({ ...current, packHash: 'abc' }),
      JSON.stringify({ ...current, lists: texts.map((t, i) => (i === 0 ? `${t}\nＡ` : t)) }),
    ]) {
      writeFileSync(path.join(cache, entry!), damaged);
      const again = rulePackForDir(scheme, cache, compiler);
      expect(again.compiledAt).not.toBe('from the cache');
      expect(again).toEqual({ ...compiled, compiledAt: expect.any(String) });
      expect(schemeIdentity(again).packHash).toBe(packHash);
    }
    // The same entry well formed is used.
    writeFileSync(path.join(cache, entry!), asciiJson(current));
    expect(rulePackForDir(scheme, cache, compiler).compiledAt).toBe('from the cache');

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
