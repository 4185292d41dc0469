/**
 * A progress bar for long CLI runs. Draws on stderr only when stderr is a terminal (never in
 * pipes, CI logs or tests), at most ~10 times a second, so the hot loop pays one comparison.
 */
export interface Progress {
  /** Report that `done` units (of `total`, when known) are finished. Cheap to call often. */
  update(done: number): void;
  /** Erase the bar. */
  finish(): void;
}

export function createProgress(label: string, total?: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  const draw = (done: number) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? Math.round(done / elapsed) : 0;
    let line: string;
    if (total && total > 0) {
      const share = Math.min(1, done / total);
      const width = 30;
      const filled = Math.round(share * width);
      line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${rate.toLocaleString('en')}/s)`;
    } else {
      line = `${label} ${done.toLocaleString('en')} (${rate.toLocaleString('en')}/s)`;
    }
    stream.write(`\r${line}\x1b[K`);
    drawn = true;
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      draw(done);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
