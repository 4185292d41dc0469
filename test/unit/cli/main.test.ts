/** The top-level command: --version prints the package's version, an unknown command exits 2. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';

afterEach(() => vi.restoreAllMocks());

describe('payreform', () => {
  it('--version prints the version of package.json and exits 0', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await main(['--version'])).toBe(0);
    expect(out.join('')).toBe(`payreform ${version}\n`);
  });

  it('an unknown command exits 2', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['no-such-command'])).toBe(2);
  });
});

describe('a table whose header names no record fields', () => {
  it('stops monitor with exit 2 and one sentence naming the file', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'payreform-header-'));
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'listId,sex,principal_diagnosis\nA,M,K35.900\n');
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['monitor', '--cases', bad, '--output', path.join(dir, 'flags.jsonl')])).toBe(2);
    expect(err.join('')).toContain(`${bad}: the header row has unknown column principal_diagnosis (did you mean principalDiagnosis?)`);
  });
});
