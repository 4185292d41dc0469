/**
 * Worker threads start from an esbuild bundle of their TypeScript entry, cached under
 * `node_modules/.cache/payreform/workers/` and rebuilt when one of its source files changes.
 *
 * Why: a worker whose `.mjs` entry registers tsx gets a loader thread of its own and transpiles
 * every module it imports; two such workers starting together took ~430 ms each on the 2-core
 * machine (~650 ms while the main thread loads the rule pack), against ~70 ms for a bundle —
 * a large share of a bulk CLI run. Packages stay external (resolved from the project's
 * node_modules as usual) except zod (lib/bundle-cache.mjs, bundledPackages).
 *
 * Staleness, atomic writes and esbuild loading are lib/bundle-cache.mjs's, shared with the
 * `payreform` command's own bundle: a manifest of the inputs' size and mtime beside each bundle,
 * checked at every start, a rebuild when any differs.
 * Without esbuild (or if a build fails) the `.mjs` entry — tsx — is used: slower, same result.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleStyle, externalPackages, freshManifest, loadEsbuild, manifestInputs, writeAtomically } from './bundle-cache.mjs';
import { projectRoot } from './reference.ts';

const defaultCacheDir = path.join(projectRoot, 'node_modules', '.cache', 'payreform', 'workers');

/** The URL to start a worker from: the cached bundle of the `.ts` beside `mjsEntry`, or `mjsEntry` itself. */
export function workerEntry(mjsEntry: URL, cacheDir = defaultCacheDir): URL {
  const source = fileURLToPath(mjsEntry).replace(/\.mjs$/, '.ts');
  if (!existsSync(source)) return mjsEntry;
  const name = path.relative(projectRoot, source).replace(/[\\/]/g, '__').replace(/\.ts$/, '');
  const bundle = path.join(cacheDir, `${name}.mjs`);
  const manifestFile = path.join(cacheDir, `${name}.json`);
  try {
    if (freshManifest(manifestFile, projectRoot) && existsSync(bundle)) return pathToFileURL(bundle);
    build(source, bundle, manifestFile);
    return pathToFileURL(bundle);
  } catch {
    return mjsEntry;
  }
}

function build(source: string, bundle: string, manifestFile: string): void {
  const result = loadEsbuild().buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: externalPackages(projectRoot),
    absWorkingDir: projectRoot,
    write: false,
    metafile: true,
    outfile: bundle,
    logLevel: 'silent',
    ...bundleStyle,
  });
  writeAtomically(bundle, result.outputFiles[0]!.contents);
  writeAtomically(manifestFile, JSON.stringify({ inputs: manifestInputs(result.metafile, projectRoot) }));
}
