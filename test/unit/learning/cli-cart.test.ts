import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/cart.ts';
import { CartTree } from '../../../models/learning/cart.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-cart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the command with stdout captured. */
async function cart(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await run(argv), out };
  } finally {
    spy.mockRestore();
  }
}

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('payreform cart', () => {
  // cost = 1000 × (MCC ? 3 : 1) × (age ≥ 65 ? 2 : 1), plus a small wobble.
  const lines = ['listId,age,ccLevel,cost,w'];
  for (let i = 0; i < 400; i++) {
    const age = 20 + (Math.floor(i / 4) % 70);
    const cc = i % 4 === 0 ? 'MCC' : i % 4 === 1 ? 'CC' : 'none';
    const cost = 1000 * (cc === 'MCC' ? 3 : 1) * (age >= 65 ? 2 : 1) + (i % 5);
    lines.push(`L${i},${age},${cc},${cost},1`);
  }

  it('trains, reports time and R², prints rules and writes a loadable model', async () => {
    const input = writeCsv('cases.csv', lines);
    const output = path.join(dir, 'model.json');
    const { code, out } = await cart(['--input', input, '--target', 'cost', '--features', 'age,ccLevel', '--weight', 'w', '--max-depth', '2', '--min-samples-leaf', '10', '--output', output, '--rules']);
    expect(code).toBe(0);
    expect(out).toMatch(/read 400 rows × 2 features in [\d.]+ s \(categorical: ccLevel\)/);
    expect(out).toMatch(/trained in [\d.]+ s: 4 leaves, depth 2, training R² = (0\.99\d\d|1\.0000)/);
    expect(out).toContain('ccLevel = MCC and age ≥ 65');
    expect(out).toContain('ccLevel ∈ {CC, none} and age < 65');
    const tree = CartTree.fromJSON(JSON.parse(readFileSync(output, 'utf8')));
    expect(tree.model.target).toBe('cost');
    expect(tree.model.weight).toBe('w');
    expect(tree.predict({ age: 70, ccLevel: 'MCC' })).toBeCloseTo(6002, 0);
  });

  it('names the line and column of a non-numeric value in a numeric column', async () => {
    const input = writeCsv('bad.csv', ['age,ccLevel,cost', '40,CC,100', '50,MCC,200', 'old,CC,300']);
    await expect(cart(['--input', input, '--target', 'cost'])).rejects.toThrow(/line 4, column "age": "old" is not a number/);
    const badTarget = writeCsv('bad-target.csv', ['age,cost', '40,100', '50,']);
    await expect(cart(['--input', badTarget, '--target', 'cost'])).rejects.toThrow(/line 3, column "cost": empty/);
  });

  it('treats a listed numeric column as categorical and rejects unknown columns', async () => {
    const input = writeCsv('codes.csv', ['ccLevel,cost', ...Array.from({ length: 40 }, (_, i) => `${i % 3},${(i % 3) * 100 + 5}`)]);
    const output = path.join(dir, 'codes.json');
    const { code } = await cart(['--input', input, '--target', 'cost', '--categorical', 'ccLevel', '--min-samples-leaf', '1', '--output', output]);
    expect(code).toBe(0);
    const tree = CartTree.fromJSON(JSON.parse(readFileSync(output, 'utf8')));
    expect(tree.model.features[0]).toMatchObject({ kind: 'categorical', categories: ['0', '1', '2'] });
    await expect(cart(['--input', input, '--target', 'price'])).rejects.toThrow(/no column "price"/);
    await expect(cart(['--input', path.join(dir, 'missing.csv'), '--target', 'cost'])).rejects.toThrow(/cannot read/);
  });
});
