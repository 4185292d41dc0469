/**
 * Worker threads start from a cached esbuild bundle of their TypeScript entry: built once,
 * reused while the sources are unchanged, rebuilt when one of them (an import too) changes,
 * and the `.mjs` entry itself when there is no `.ts` to bundle.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { workerEntry } from '../../../lib/worker-bundle.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-worker-bundle-'));
const cache = path.join(dir, 'cache');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function answer(url: URL): Promise<string> {
  const worker = new Worker(url);
  try {
    return await new Promise<string>((resolve, reject) => {
      worker.once('message', (m: string) => resolve(m));
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe('worker bundles', () => {
  it('bundle the .ts beside a .mjs entry with its imports, and rebuild when an import changes', async () => {
    writeFileSync(path.join(dir, 'value.ts'), "export const value: string = 'first';\n");
    writeFileSync(path.join(dir, 'worker.ts'), "import { parentPort } from 'node:worker_threads';\nimport { value } from './value.ts';\nparentPort!.postMessage(value);\n");
    writeFileSync(path.join(dir, 'worker.mjs'), "throw new Error('the tsx entry should not be used');\n");
    const entry = pathToFileURL(path.join(dir, 'worker.mjs'));

    const bundle = workerEntry(entry, cache);
    expect(path.dirname(fileURLToPath(bundle))).toBe(cache);
    expect(await answer(bundle)).toBe('first');
    const builtAt = statSync(fileURLToPath(bundle)).mtimeMs;

    expect(workerEntry(entry, cache).href).toBe(bundle.href);
    expect(statSync(fileURLToPath(bundle)).mtimeMs).toBe(builtAt); // reused, not rebuilt

    writeFileSync(path.join(dir, 'value.ts'), "export const value: string = 'second, changed';\n");
    utimesSync(path.join(dir, 'value.ts'), new Date(), new Date(Date.now() + 5_000));
    expect(await answer(workerEntry(entry, cache))).toBe('second, changed');
    expect(readFileSync(fileURLToPath(bundle), 'utf8')).toContain('second, changed');
  });

  it('start from the .mjs entry when there is no .ts beside it, or it does not build', async () => {
    writeFileSync(path.join(dir, 'plain.mjs'), "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage('plain');\n");
    const plain = pathToFileURL(path.join(dir, 'plain.mjs'));
    expect(workerEntry(plain, cache).href).toBe(plain.href);
    expect(await answer(workerEntry(plain, cache))).toBe('plain');

    writeFileSync(path.join(dir, 'broken.ts'), 'this is not TypeScript (\n');
    writeFileSync(path.join(dir, 'broken.mjs'), "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage('fallback');\n");
    const broken = pathToFileURL(path.join(dir, 'broken.mjs'));
    expect(workerEntry(broken, cache).href).toBe(broken.href);
  });
});
