/**
 * Worker threads start from an esbuild bundle of their TypeScript entry, cached under
 * `node_modules/.cache/payreform/workers/` and rebuilt when one of its source files changes.
 *
 * Why: a worker whose `.mjs` entry registers tsx gets a loader thread of its own and transpiles
 * every module it imports; two such workers starting together took ~430 ms each on the 2-core
 * machine (~650 ms while the main thread loads the rule pack), against ~70 ms for a bundle —
 * a large share of a bulk CLI run. Packages stay external (resolved from the project's
 * node_modules as usual), so a bundle holds only the project's own code.
 *
 * Staleness: beside each bundle a manifest lists its input files with their size and mtime; a
 * start-up stats them (a millisecond) and rebuilds when any differs. Bundles are written to a
 * temporary name and renamed, so CLIs starting at the same time never read a half-written one.
 * Without esbuild (or if a build fails) the `.mjs` entry — tsx — is used: slower, same result.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { projectRoot } from './reference.ts';

const defaultCacheDir = path.join(projectRoot, 'node_modules', '.cache', 'payreform', 'workers');

interface Manifest {
  /** Input file (relative to the project) → `size:mtimeMs`. */
  inputs: Record<string, string>;
}

/** The URL to start a worker from: the cached bundle of the `.ts` beside `mjsEntry`, or `mjsEntry` itself. */
export function workerEntry(mjsEntry: URL, cacheDir = defaultCacheDir): URL {
  const source = fileURLToPath(mjsEntry).replace(/\.mjs$/, '.ts');
  if (!existsSync(source)) return mjsEntry;
  const name = path.relative(projectRoot, source).replace(/[\\/]/g, '__').replace(/\.ts$/, '');
  const bundle = path.join(cacheDir, `${name}.mjs`);
  const manifestFile = path.join(cacheDir, `${name}.json`);
  try {
    if (upToDate(manifestFile) && existsSync(bundle)) return pathToFileURL(bundle);
    build(source, bundle, manifestFile, cacheDir);
    return pathToFileURL(bundle);
  } catch {
    return mjsEntry;
  }
}

function stamp(file: string): string {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

function upToDate(manifestFile: string): boolean {
  if (!existsSync(manifestFile)) return false;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  for (const [file, expected] of Object.entries(manifest.inputs)) {
    const absolute = path.join(projectRoot, file);
    if (!existsSync(absolute) || stamp(absolute) !== expected) return false;
  }
  return Object.keys(manifest.inputs).length > 0;
}

function build(source: string, bundle: string, manifestFile: string, cacheDir: string): void {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    absWorkingDir: projectRoot,
    write: false,
    metafile: true,
    outfile: bundle,
    logLevel: 'silent',
  });
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const absolute = path.resolve(projectRoot, input);
    inputs[path.relative(projectRoot, absolute)] = stamp(absolute);
  }
  mkdirSync(cacheDir, { recursive: true });
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(bundle + suffix, result.outputFiles[0]!.contents);
  renameSync(bundle + suffix, bundle);
  writeFileSync(manifestFile + suffix, JSON.stringify({ inputs } satisfies Manifest));
  renameSync(manifestFile + suffix, manifestFile);
}
