#!/usr/bin/env node
// Entry point of the `payreform` CLI. It starts from a prebuilt bundle of cli/main.ts (one
// CommonJS file) cached under node_modules/.cache/payreform/cli/, rebuilt by esbuild whenever a
// source file changed (lib/bundle-cache.mjs checks every input's size and mtime at each start),
// and run with V8's code cache of the command's last first run, so no TypeScript is compiled and
// little JavaScript is parsed at start-up. When the bundle cannot be built or run (no esbuild, a
// build error, a damaged cache) or PAYREFORM_NO_BUNDLE=1, the sources run through tsx's loader
// instead: slower, same result.
import { once } from 'node:events';
import { commandBundle, loadCommandBundle } from '../lib/bundle-cache.mjs';

const argv = process.argv.slice(2);
const bundle = process.env.PAYREFORM_NO_BUNDLE === '1' ? null : await commandBundle();
let main;
let saveCodeCache = () => {};
if (bundle) {
  try {
    const loaded = loadCommandBundle(bundle, argv[0]);
    ({ main } = loaded.exports);
    saveCodeCache = loaded.saveCodeCache;
  } catch {
    // A damaged cache (a file deleted or cut short by hand…): the sources, through tsx.
  }
}
if (typeof main !== 'function') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
const code = await main(argv);
saveCodeCache();
// Every command has awaited its own output by now; standard output and error may still hold
// bytes on a platform where pipes are asynchronous. Exiting here rather than letting the event
// loop run dry spares waiting for V8's background compile tasks (~10 ms).
for (const stream of [process.stdout, process.stderr]) {
  if (stream.writableLength > 0 && !stream.destroyed) await Promise.race([once(stream, 'drain'), once(stream, 'close')]).catch(() => {});
}
process.exit(code);
