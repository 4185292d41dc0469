/**
 * `--code-edition` on the commands that read settlement records: `group` maps clinical-edition
 * records (real pairs of shared/reference/codes: A01.000x002 → A01.003, 45.3300x012 →
 * 45.3400x002), names an unmapped code, and refuses an unknown edition with exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { devCasesWithMadeUpDetails } from '../../../infra/local/demo.ts';

afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(path.join(tmpdir(), 'payreform-edition-'));
const base = JSON.parse(devCasesWithMadeUpDetails()[0]!) as Record<string, unknown>;
const clinical = { ...base, listId: 'GL-1', principalDiagnosis: 'A01.000x002', secondaryDiagnoses: [], procedures: ['45.3300x012'] };
const unmapped = { ...clinical, listId: 'GL-2', procedures: ['99.9999x999'] };
const insurance = { ...base, listId: 'CHS-1', codeEdition: 'chs-2.0' };
const input = path.join(dir, 'cases.jsonl');
writeFileSync(input, [clinical, unmapped, insurance].map((r) => JSON.stringify(r)).join('\n') + '\n');

async function group(...extra: string[]): Promise<{ code: number; rows: { listId: string; status: string; errors?: { code: string; path: string; message: string }[] }[]; err: string }> {
  const output = path.join(dir, `out-${Math.random().toString(36).slice(2)}.jsonl`);
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const code = await main(['group', '--input', input, '--output', output, '--threads', '1', ...extra]);
  const rows = code === 0 ? readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { listId: string; status: string }) : [];
  return { code, rows, err: err.join('') };
}

describe('payreform group --code-edition', () => {
  it('gl-2.0 maps the records that name no edition, names an unmapped code, and leaves a chs-2.0 record as it is', async () => {
    const { code, rows } = await group('--code-edition', 'gl-2.0');
    expect(code).toBe(0);
    expect(rows.map((r) => r.listId)).toEqual(['GL-1', 'GL-2', 'CHS-1']);
    expect(rows[0]!.status).not.toBe('invalid');
    expect(rows[1]).toMatchObject({ status: 'invalid', errors: [{ code: 'unmapped-code', path: 'procedures[0]' }] });
    expect(rows[1]!.errors![0]!.message).toContain('99.9999x999');
    expect(rows[2]!.status).not.toBe('invalid');
  });

  it('without it the clinical codes are read as insurance codes, which they are not', async () => {
    const { rows } = await group();
    expect(rows[0]).toMatchObject({ status: 'invalid', errors: [{ code: 'unknown-code', path: 'principalDiagnosis' }, { code: 'unknown-code', path: 'procedures[0]' }] });
  });

  it('an unknown edition stops the run with exit 2 and one sentence', async () => {
    const { code, err } = await group('--code-edition', 'icd-11');
    expect(code).toBe(2);
    expect(err).toContain('--code-edition must be chs-2.0 or gl-2.0, got "icd-11".');
  });
});
