#!/usr/bin/env node
// Entry point of the `payreform` CLI: loads the TypeScript sources through tsx's ESM loader,
// so the CLI runs straight from a clone without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
