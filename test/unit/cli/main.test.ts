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
