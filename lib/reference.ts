/**
 * Where the reference data lives: `$PAYREFORM_REFERENCE_DIR` when set, else `../shared/reference`
 * relative to the project root. Node-side only (models/ never touches the file system).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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
