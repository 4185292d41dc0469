// Types of lib/bundle-cache.mjs (plain JavaScript, so that bin/payreform.mjs can load it without a TypeScript loader).
import type { Metafile } from 'esbuild';

export interface BundleManifest {
  /** The project directory the bundle was built in (absent in worker manifests). */
  root?: string;
  /** The build directory holding the command's `main.cjs`. */
  build?: string;
  /** Input file (relative to the project) → `size:mtimeMs`. */
  inputs: Record<string, string>;
}

export const bundleRoot: string;
export const cacheRoot: string;
export function freshManifest(manifestFile: string, root?: string): BundleManifest | null;
export function manifestInputs(metafile: Metafile, root?: string): Record<string, string>;
export function writeAtomically(file: string, contents: string | Uint8Array): void;
export function loadEsbuild(): typeof import('esbuild');
/** How every bundle is written (esbuild options): whitespace and comments dropped, syntax shortened, names kept. */
export const bundleStyle: { minifyWhitespace: boolean; minifySyntax: boolean };
/** Packages bundled rather than loaded from node_modules (zod). */
export const bundledPackages: string[];
/** esbuild's `external` list: the packages package.json names, and their subpaths, except the bundled ones. */
export function externalPackages(root?: string): string[];
/** The cached bundle of `root`/cli/main.ts (rebuilt when a source changed), or null when it cannot be built. */
export function commandBundle(root?: string, cacheDir?: string): Promise<URL | null>;
/** Run the command bundle with V8's code cache for `command`; `saveCodeCache` writes the cache when there was none (call it once the command is done). */
export function loadCommandBundle(url: URL, command: string | undefined): { exports: Record<string, unknown>; saveCodeCache: () => void };
