/**
 * Bundle the handlers for the local stack (and for anyone who wants the JS): one esbuild run over
 * every entry of `app/routes.ts` (ESM, code splitting, source maps) into `<out>/handlers/`,
 * plus `<out>/handlers/reference/` — a compiled rule pack per scheme held with its payment table
 * (`schemes/`, lib/scheme-packs.ts) and the ICD code sets — which the handlers read (the scheme
 * index at cold start, a pack when its scheme is first used). The CDK stack bundles the same
 * entries with NodejsFunction and copies the same reference directory.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { codeSetFiles } from '../../lib/codesets.ts';
import { projectRoot, referencePath } from '../../lib/reference.ts';
import { nationalSchemeId, type SchemeIndex } from '../../app/scheme-index.ts';
import { placeFile, selectSchemes, writeSchemePacks } from '../../lib/scheme-packs.ts';
import { authorizer, jobs, routes } from '../../app/routes.ts';

/**
 * The schemes a build holds and its default: `PAYREFORM_SCHEMES` (comma-separated ids, or `all`:
 * the national text and every scheme of `local-schemes/`, the default) and
 * `PAYREFORM_DEFAULT_SCHEME` (default `chs-drg-1.1`); the CDK app passes its context instead.
 */
export interface SchemeSelection {
  held: string[];
  defaultScheme: string;
}

export function schemeSelection(schemes = process.env.PAYREFORM_SCHEMES, defaultScheme = process.env.PAYREFORM_DEFAULT_SCHEME): SchemeSelection {
  const chosen = defaultScheme && defaultScheme.trim() !== '' ? defaultScheme.trim() : nationalSchemeId;
  const held = selectSchemes(schemes);
  return { held: held.includes(chosen) ? held : [chosen, ...held], defaultScheme: chosen };
}

/** Procedure classes (surgery, intervention, …) that DIP packets count: read by the DIP grouping of ingest and /v1/group. */
export const dipProcedureClassFile = 'icd9cm3-procedure-class.dat';

/** Write the reference directory the handlers read (`schemes/` with a pack and payment table per scheme held, `codes/` with the DIP procedure classes). */
export function writeReference(dir: string, selection: SchemeSelection = schemeSelection()): SchemeIndex {
  mkdirSync(path.join(dir, 'codes'), { recursive: true });
  // Each file is written aside and renamed into place (`placeFile`), so a process reading the
  // directory while another (a parallel test file) rewrites it never sees half a file.
  for (const file of [...Object.values(codeSetFiles), dipProcedureClassFile]) placeFile(path.join(dir, 'codes', file), (t) => copyFileSync(referencePath('codes', file), t));
  // The single pack and table of earlier builds.
  for (const old of ['pack.json', 'payment-table.csv']) rmSync(path.join(dir, old), { force: true });
  return writeSchemePacks(dir, selection);
}

export const esmBanner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** Bundle every function into `<out>/handlers/<id>.mjs`; returns the handler directory. */
export async function buildLocal(out = path.join(projectRoot, '.build', 'local')): Promise<string> {
  const handlers = path.join(out, 'handlers');
  const entryPoints: Record<string, string> = {};
  for (const f of [...routes, authorizer, ...jobs]) entryPoints[f.id] = path.join(projectRoot, f.entry);
  await build({
    entryPoints,
    outdir: handlers,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    outExtension: { '.js': '.mjs' },
    banner: { js: esmBanner },
    logLevel: 'error',
  });
  writeReference(path.join(handlers, 'reference'));
  return handlers;
}
