/** The progress bar: percentage and time left when the size of the work is known (items or input bytes); nothing off a terminal. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, inputProgress, progressLine } from '../../../lib/progress.ts';

/** A terminal-like stream that keeps what is written. */
function terminal(): NodeJS.WriteStream & { text: string[] } {
  const text: string[] = [];
  return { isTTY: true, text, write: (s: string) => (text.push(s), true) } as unknown as NodeJS.WriteStream & { text: string[] };
}

describe('progress', () => {
  it('shows the percentage, the rate and the time left when the total is known', () => {
    expect(progressLine('grouping', 250, 1000, 5)).toBe('grouping [########----------------------] 25% 250/1,000 (50/s, 15 s left)');
    expect(progressLine('reading', 2_000_000, 8_000_000, 2, 'bytes')).toBe('reading [########----------------------] 25% 2 MB/8 MB (1 MB/s, 6 s left)');
    expect(progressLine('grouping', 250, undefined, 5)).toBe('grouping 250 (50/s)');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });

  it('inputProgress counts the bytes of the files as they are read, and draws only on a terminal', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'payreform-progress-'));
    const file = path.join(dir, 'x.jsonl');
    writeFileSync(file, 'x'.repeat(1000));
    const tty = terminal();
    const progress = inputProgress('reading', [file], tty);
    const chunks: string[] = [];
    async function* source() {
      yield 'x'.repeat(400);
      await new Promise((r) => setTimeout(r, 120));
      yield 'x'.repeat(600);
    }
    for await (const chunk of progress.read(source())) chunks.push(chunk);
    expect(chunks.join('').length).toBe(1000);
    expect(tty.text.join('')).toMatch(/reading \[#+-*\] 40% 0 MB\/0 MB/);
    expect(tty.text.join('')).toMatch(/100% .* left\)/);
    const pipe = { isTTY: false, write: () => { throw new Error('drew on a pipe'); } } as unknown as NodeJS.WriteStream;
    createProgress('x', 10, pipe).update(5);
  });
});
