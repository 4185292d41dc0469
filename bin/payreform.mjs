#!/usr/bin/env node
// Entry point of the `payreform` CLI. It starts from a prebuilt bundle of cli/main.ts (each
// command a chunk) cached under node_modules/.cache/payreform/cli/, rebuilt by esbuild whenever a
// source file changed (lib/bundle-cache.mjs checks every input's size and mtime at each start),
// so no TypeScript is compiled at start-up. When the bundle cannot be built (no esbuild, a build
// error) or PAYREFORM_NO_BUNDLE=1, the sources run through tsx's loader instead: slower, same result.
import { commandBundle } from '../lib/bundle-cache.mjs';

const bundle = process.env.PAYREFORM_NO_BUNDLE === '1' ? null : await commandBundle();
let main;
if (bundle) {
  try {
    ({ main } = await import(bundle.href));
  } catch {
    // A damaged cache (a chunk deleted by hand…): the sources, through tsx.
  }
}
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
