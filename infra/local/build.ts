/**
 * Bundle the handlers for the local stack (and for anyone who wants the JS): one esbuild run over
 * every entry of `app/routes.ts` (ESM, code splitting, source maps) into `<out>/handlers/`,
 * plus `<out>/handlers/reference/` — the rule pack compiled from the scheme text, the ICD code
 * sets and the payment table — which the handlers load at cold start. The CDK stack bundles the
 * same entries with NodejsFunction and copies the same reference files (`referenceFiles`).
 */
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { codeMapFiles, codeSetFiles } from '../../lib/codesets.ts';
import { projectRoot, referencePath } from '../../lib/reference.ts';
import { defaultSchemeDir, rulePackForDir } from '../../lib/scheme.ts';
import { authorizer, jobs, routes } from '../../app/routes.ts';

/** The payment table whose RW the service reports with each case. */
export const paymentTableName = 'linyi-2022';

/** Procedure classes (surgery, intervention, …) that DIP packets count: read by the DIP grouping of ingest and /v1/group. */
export const dipProcedureClassFile = 'icd9cm3-procedure-class.dat';

/** Write the reference directory the handlers read (`pack.json`, `codes/` with the clinical-edition maps and the DIP procedure classes, `payment-table.csv`). */
export function writeReference(dir: string): void {
  mkdirSync(path.join(dir, 'codes'), { recursive: true });
  // Each file is written aside and renamed into place, so a process reading the directory while
  // another (a parallel test file) rewrites it never sees half a file.
  const place = (target: string, write: (temporary: string) => void): void => {
    const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    write(temporary);
    renameSync(temporary, target);
  };
  place(path.join(dir, 'pack.json'), (t) => writeFileSync(t, JSON.stringify(rulePackForDir(defaultSchemeDir()))));
  for (const file of [...Object.values(codeSetFiles), ...Object.values(codeMapFiles), dipProcedureClassFile]) place(path.join(dir, 'codes', file), (t) => copyFileSync(referencePath('codes', file), t));
  place(path.join(dir, 'payment-table.csv'), (t) => copyFileSync(referencePath('payment-tables', `${paymentTableName}.csv`), t));
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
