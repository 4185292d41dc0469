// Cached esbuild bundles of the project's TypeScript entries, under node_modules/.cache/payreform/,
// so the `payreform` command and its worker threads start without compiling TypeScript.
//
// Plain JavaScript on purpose: bin/payreform.mjs loads it before any TypeScript loader exists.
// lib/worker-bundle.ts (workers) and bin/payreform.mjs (the command) share it.
//
// Staleness: beside each bundle a manifest lists every project file esbuild read, with its size
// and mtime, plus this file itself; a start stats them (a few milliseconds) and rebuilds when any
// differs or is gone. A stale bundle never runs: it is rebuilt, or when that fails the caller
// falls back to tsx. Bundles are written under a temporary name and renamed (one file), or into a
// fresh directory that the manifest then names (several files), so commands starting together
// never read a half-written bundle. Packages stay external (resolved from node_modules at run time).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const self = fileURLToPath(import.meta.url);
/** The project directory (the parent of lib/). */
export const bundleRoot = path.resolve(path.dirname(self), '..');
export const cacheRoot = path.join(bundleRoot, 'node_modules', '.cache', 'payreform');

function stamp(file) {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

/** The manifest in `manifestFile` when every input it lists is unchanged, else null. */
export function freshManifest(manifestFile, root = bundleRoot) {
  if (!existsSync(manifestFile)) return null;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    return null;
  }
  // Bundles hold their sources' absolute URLs: a moved project rebuilds.
  if (manifest.root !== undefined && manifest.root !== root) return null;
  const inputs = Object.entries(manifest.inputs ?? {});
  if (inputs.length === 0) return null;
  for (const [file, expected] of inputs) {
    const absolute = path.resolve(root, file);
    if (!existsSync(absolute) || stamp(absolute) !== expected) return null;
  }
  return manifest;
}

/**
 * Input stamps from an esbuild metafile (paths relative to `root`), plus this builder and the
 * project's package.json and tsconfig.json. A bundled package counts as its package.json (an
 * install or update rewrites it), so a start stats one file per package, not each of its modules.
 */
export function manifestInputs(metafile, root = bundleRoot) {
  const inputs = {};
  for (const input of Object.keys(metafile.inputs)) {
    let absolute = path.resolve(root, input.replace(/^file:/, ''));
    const inPackage = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(absolute);
    if (inPackage) absolute = path.join(inPackage[1], 'package.json');
    if (existsSync(absolute)) inputs[path.relative(root, absolute)] = stamp(absolute);
  }
  inputs[path.relative(root, self)] = stamp(self);
  // Build settings esbuild reads without listing them as inputs.
  for (const settings of ['package.json', 'tsconfig.json']) {
    const file = path.join(root, settings);
    if (existsSync(file)) inputs[settings] = stamp(file);
  }
  return inputs;
}

/** Write `contents` to `file` atomically (temporary name + rename). */
export function writeAtomically(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/** esbuild's JavaScript API, from the project's node_modules. */
export function loadEsbuild() {
  return createRequire(self)('esbuild');
}

/**
 * An esbuild plugin giving each bundled project module its own source URL as `import.meta.url`,
 * so `new URL('../group-worker.mjs', import.meta.url)` and the project-root lookup behave in the
 * bundle as they do from the sources.
 */
function sourceUrlPlugin(root) {
  return {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[tj]s$/ }, (args) => {
        if (!args.path.startsWith(root + path.sep) || args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const contents = source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}

/**
 * Packages bundled into the command's and the workers' bundles rather than loaded from
 * node_modules: zod is imported by every command and is ~100 ES modules, which Node resolves,
 * reads and links one by one (~50 ms of each start); in the bundle it is part of one chunk. Only
 * our own code uses zod, so no schema crosses from a bundled copy to a package's. Every other
 * package stays external (resolved from node_modules at run time).
 */
export const bundledPackages = ['zod'];

/**
 * esbuild's `external` list: every package the project's package.json names (and its subpaths)
 * except {@link bundledPackages} (a list, not a plugin, so the workers' synchronous builds use
 * it too). Node's built-in modules are external on platform node anyway.
 */
export function externalPackages(root = bundleRoot) {
  const file = path.join(root, 'package.json');
  if (!existsSync(file)) return [];
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies });
  return names.filter((name) => !bundledPackages.includes(name)).flatMap((name) => [name, `${name}/*`]);
}

/**
 * How every bundle is written: whitespace and comments dropped, syntax shortened (names kept,
 * so stack traces still name functions). Smaller and ASCII-only source — the comments are where
 * the Chinese text was, and one non-ASCII character makes V8 hold a whole module as two-byte
 * text — is less to read, decode and parse at every start (~15 ms of the command's).
 */
export const bundleStyle = { minifyWhitespace: true, minifySyntax: true };

/**
 * The cached bundle of the `payreform` command (cli/main.ts and every command, one CommonJS
 * file): its URL, built or rebuilt when a source changed; null when it cannot be built. One file,
 * not a chunk per command: a command then loads one module instead of resolving and linking ~20
 * (~15 ms), and esbuild still evaluates a command's modules only when it runs. The price is that
 * a package imported statically anywhere would load at every start, so packages are imported
 * where they are used (`await import('exceljs')`); test/unit/cli/command-bundle.test.ts holds it.
 * CommonJS, not an ES module, so that {@link loadCommandBundle} can run it with V8's code cache.
 */
export async function commandBundle(root = bundleRoot, dir = path.join(root, 'node_modules', '.cache', 'payreform', 'cli')) {
  const manifestFile = path.join(dir, 'manifest.json');
  const fresh = freshManifest(manifestFile, root);
  if (fresh && existsSync(path.join(dir, fresh.build, 'main.cjs'))) return pathToFileURL(path.join(dir, fresh.build, 'main.cjs'));
  try {
    const esbuild = loadEsbuild();
    const build = `build-${process.pid}-${Date.now()}`;
    const outdir = path.join(dir, build);
    const result = await esbuild.build({
      entryPoints: { main: path.join(root, 'cli', 'main.ts') },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: externalPackages(root),
      absWorkingDir: root,
      outdir,
      outExtension: { '.js': '.cjs' },
      metafile: true,
      logLevel: 'silent',
      ...bundleStyle,
      plugins: [sourceUrlPlugin(root)],
    });
    writeAtomically(manifestFile, JSON.stringify({ root, build, inputs: manifestInputs(result.metafile, root) }));
    removeOldBuilds(dir, build);
    return pathToFileURL(path.join(outdir, 'main.cjs'));
  } catch {
    return null;
  }
}

/**
 * Run the command bundle (a CommonJS file, see {@link commandBundle}) with V8's code cache: the
 * bytecode of every function a run of `command` compiled, kept beside the bundle as
 * `main.<command>.cache` and given back to V8 at the next start, which then neither parses the
 * ~0.7 MB bundle nor compiles the functions the command runs (~40 ms of a start that groups five
 * cases). The cache is written by the first run of a command (and again if V8 rejects it, e.g.
 * after a Node.js update); one per command, as each compiles its own functions. Returns the
 * bundle's exports and `saveCodeCache`, to call once the command is done.
 */
export function loadCommandBundle(url, command) {
  const file = fileURLToPath(url);
  const cacheFile = path.join(path.dirname(file), `main.${/^[a-z][a-z-]*$/.test(command ?? '') ? command : 'other'}.cache`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(file, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  const saveCodeCache = () => {
    if (cachedData !== undefined && !script.cachedDataRejected) return;
    try {
      writeAtomically(cacheFile, script.createCachedData());
    } catch {
      // No writable cache: the next start compiles again, no harm.
    }
  };
  return { exports: module.exports, saveCodeCache };
}

/** Builds older than an hour other than `keep` (a long run started from one may still load its chunks). */
function removeOldBuilds(dir, keep) {
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith('build-') || entry === keep) continue;
    const full = path.join(dir, entry);
    try {
      if (Date.now() - statSync(full).mtimeMs > 3_600_000) rmSync(full, { recursive: true, force: true });
    } catch {
      // another command removed it first
    }
  }
}
