/**
 * A progress bar for long CLI runs. Draws on stderr only when stderr is a terminal (never in
 * pipes, CI logs or tests), at most ~10 times a second, so the hot loop pays one comparison.
 * When the size of the work is known — a count of items, or the bytes of the input files — it
 * shows the percentage done and the time left (from the rate so far).
 */
import { statSync } from 'node:fs';
import { thousands } from '../models/text/plural.ts';

export interface Progress {
  /** Report that `done` units (of `total`, when known) are finished. Cheap to call often. */
  update(done: number): void;
  /** Erase the bar. */
  finish(): void;
}

/** Progress over the bytes of input files: `read` wraps each file's byte stream and counts what passes. */
export interface InputProgress extends Progress {
  read<T extends Uint8Array | string>(source: AsyncIterable<T>): AsyncGenerator<T>;
}

type Unit = 'items' | 'bytes';

/** `12 s`, `3 min 05 s`, `1 h 02 min`: the time left, rounded up to the second. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

function amount(n: number, unit: Unit): string {
  return unit === 'bytes' ? `${(n / 1e6).toLocaleString('en', { maximumFractionDigits: 1 })} MB` : thousands(n);
}

/** The bar's text: label, bar, percentage, done/total, rate and time left (the last three only when they mean something). */
export function progressLine(label: string, done: number, total: number | undefined, elapsedSeconds: number, unit: Unit = 'items'): string {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const perSecond = `${amount(Math.round(rate), unit)}/s`;
  if (!total || total <= 0) return `${label} ${amount(done, unit)} (${perSecond})`;
  const share = Math.min(1, done / total);
  const width = 30;
  const filled = Math.round(share * width);
  const left = rate > 0 && done > 0 ? `, ${formatDuration((total - Math.min(done, total)) / rate)} left` : '';
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0)}% ${amount(done, unit)}/${amount(total, unit)} (${perSecond}${left})`;
}

export function createProgress(label: string, total?: number, stream: NodeJS.WriteStream = process.stderr, unit: Unit = 'items'): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done) {
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      stream.write(`\r${progressLine(label, done, total, (now - started) / 1000, unit)}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

/** Progress over the input files (their total size is known): percentage of the bytes read and time left. `-` (stdin) has no size. */
export function inputProgress(label: string, files: readonly string[], stream: NodeJS.WriteStream = process.stderr): InputProgress {
  const total = files.every((f) => f !== '-') ? files.reduce((sum, f) => sum + statSync(f).size, 0) : undefined;
  const bar = createProgress(label, total, stream, 'bytes');
  let bytes = 0;
  return {
    update: bar.update,
    finish: bar.finish,
    async *read(source) {
      for await (const chunk of source) {
        bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
        bar.update(bytes);
        yield chunk;
      }
    },
  };
}
