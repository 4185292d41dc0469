/**
 * The `payreform` command starts from a cached bundle of cli/main.ts: built once, reused while
 * the sources are unchanged, rebuilt when one changes (never run stale), each module keeping its
 * own source URL as import.meta.url; null (→ tsx) when the sources do not build. And the real
 * command answers the same, byte for byte, from the bundle and from tsx.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commandBundle } from '../../../lib/bundle-cache.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-command-bundle-'));
const root = path.join(dir, 'project');
const cache = path.join(dir, 'cache');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string, secondsAhead = 0): void {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  if (secondsAhead) utimesSync(full, new Date(), new Date(Date.now() + secondsAhead * 1000));
}

type Main = { main: () => Promise<string>; here: string; loadCommand: () => Promise<{ name: string }> };

describe('command bundle', () => {
  it('is built once, reused, rebuilt when a source changes, and keeps import.meta.url', async () => {
    write('cli/value.ts', "export const value: string = 'first';\n");
    write('cli/commands/one.ts', "export const name: string = 'one';\n");
    write(
      'cli/main.ts',
      "import { value } from './value.ts';\nexport const here: string = import.meta.url;\nexport const loadCommand = () => import('./commands/one.ts');\nexport async function main(): Promise<string> { return value; }\n",
    );
    const first = await commandBundle(root, cache);
    expect(first).not.toBeNull();
    const built = (await import(first!.href)) as Main;
    expect(await built.main()).toBe('first');
    expect(built.here).toBe(pathToFileURL(path.join(root, 'cli', 'main.ts')).href);
    expect((await built.loadCommand()).name).toBe('one');

    expect((await commandBundle(root, cache))!.href).toBe(first!.href); // reused

    write('cli/value.ts', "export const value: string = 'second';\n", 5);
    const second = await commandBundle(root, cache);
    expect(second!.href).not.toBe(first!.href);
    expect(await ((await import(second!.href)) as Main).main()).toBe('second');

    write('cli/commands/one.ts', "export const name: string = 'one, changed';\n", 10);
    const third = await commandBundle(root, cache);
    expect(third!.href).not.toBe(second!.href);
    expect((await ((await import(third!.href)) as Main).loadCommand()).name).toBe('one, changed');
  });

  it('is null when the sources do not build, so the command falls back to tsx', async () => {
    write('cli/value.ts', 'this is not TypeScript (\n', 20);
    expect(await commandBundle(root, cache)).toBeNull();
  });

  it('is one file of the real commands that loads no package at its start (a package is imported where it is used)', async () => {
    const bundle = await commandBundle();
    expect(bundle).not.toBeNull();
    const text = readFileSync(bundle!, 'utf8');
    // Every require() of the CommonJS bundle is a Node.js built-in: a package is only ever import()ed, where it is used.
    const required = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !name.startsWith('node:'))).toEqual([]);
    // Every command is in it: no other module of the project is read at a start.
    const imported = [...text.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(imported.filter((name) => name.startsWith('.') || name.startsWith('/'))).toEqual([]);
  });

  it('runs the real command with V8\'s code cache of its first run, and the same answer when the cache is damaged', async () => {
    const bundle = await commandBundle();
    const bin = path.resolve('bin/payreform.mjs');
    const cacheFile = path.join(path.dirname(fileURLToPath(bundle!)), 'main.help.cache');
    rmSync(cacheFile, { force: true });
    const run = () => execFileSync(process.execPath, [bin, 'help'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    const first = run();
    expect(first).toContain('usage: payreform <command>');
    const written = readFileSync(cacheFile);
    expect(written.length).toBeGreaterThan(1000);
    // Accepted: the next run leaves it as it is.
    expect(run()).toBe(first);
    expect(readFileSync(cacheFile).equals(written)).toBe(true);
    // Damaged: V8 rejects it, the command answers the same, and the cache is written anew.
    writeFileSync(cacheFile, written.subarray(0, 100));
    expect(run()).toBe(first);
    expect(readFileSync(cacheFile).length).toBeGreaterThan(1000);
    expect(run()).toBe(first);
  }, 60_000);

  it('gives the real command the same output as tsx, byte for byte', () => {
    const bin = path.resolve('bin/payreform.mjs');
    const input = path.join(dir, 'five.jsonl');
    const cases = execFileSync(process.execPath, ['-e', "process.stdout.write(require('fs').readFileSync(process.argv[1], 'utf8').split('\\n').slice(0, 5).join('\\n') + '\\n')", path.resolve('../shared/reference/dev-cases/chs-drg-1.1-cases.jsonl')]);
    writeFileSync(input, cases);
    const run = (env: Record<string, string>) => execFileSync(process.execPath, [bin, 'group', '--input', input], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const bundled = run({});
    expect(bundled.split('\n').filter(Boolean)).toHaveLength(5);
    expect(run({ PAYREFORM_NO_BUNDLE: '1' })).toBe(bundled);
  }, 60_000);
});
