/**
 * Where the reference data lives: `$PAYREFORM_REFERENCE_DIR` when set, else `../shared/reference`
 * relative to the project root. Node-side only (models/ never touches the file system).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project directory: the nearest directory above this module with payreform's package.json
 * (this module may run from a worker bundle under node_modules/.cache), else the parent of its
 * directory.
 */
export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && /"name"\s*:\s*"payreform"/.test(readFileSync(manifest, 'utf8'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

export function referenceDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.PAYREFORM_REFERENCE_DIR;
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv);
  return path.resolve(projectRoot, '..', 'shared', 'reference');
}

/** A path inside the reference directory, e.g. `referencePath('codes', 'icd10-chs-2.0.dat')`. */
export function referencePath(...parts: string[]): string {
  return path.join(referenceDir(), ...parts);
}

export function referenceAvailable(): boolean {
  return existsSync(referenceDir());
}
