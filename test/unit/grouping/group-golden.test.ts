/**
 * `payreform group` output held byte for byte: the dev cases with made-up details, plus edited
 * copies that reach every branch of the record path (broken JSON, blank and CRLF lines, invalid
 * values, grey and unknown codes, unknown fields, repeated codes, codes zod must trim, NHSA sex
 * codes, non-ASCII text, costs that do not add up), grouped in process and over worker threads.
 * The hashes were taken before the throughput work on the record path; any change to a single
 * output byte or stderr line fails here. If an output is changed on purpose, say why in the commit
 * and take the new hash.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devCasesWithMadeUpDetails } from '../../../infra/local/demo.ts';
import { projectRoot } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-golden-'));

/** The dev cases, every few an edited copy, and the odd broken, blank or CRLF line. */
function goldenLines(): string[] {
  const out: string[] = [];
  devCasesWithMadeUpDetails().forEach((line, i) => {
    const r = JSON.parse(line) as Record<string, unknown> & { secondaryDiagnoses: string[]; procedures: string[] };
    const edit = (changes: Record<string, unknown>) => out.push(JSON.stringify({ ...r, ...changes, listId: `${String(r.listId)}-E${i % 13}` }));
    out.push(line);
    if (i % 13 === 1) edit({ ageYears: -4 });
    if (i % 13 === 2) edit({ principalDiagnosis: 'A00.000' });
    if (i % 13 === 3) edit({ extra: 'x', nested: { a: 1 } });
    if (i % 13 === 4 && r.secondaryDiagnoses.length > 0) edit({ secondaryDiagnoses: [...r.secondaryDiagnoses, r.secondaryDiagnoses[0], r.principalDiagnosis] });
    if (i % 13 === 5) edit({ principalDiagnosis: ` ${String(r.principalDiagnosis)} `, procedures: r.procedures.map((p) => `${p} `) });
    if (i % 13 === 6) edit({ secondaryDiagnoses: [...r.secondaryDiagnoses, 'ZZZ.999'], procedures: ['00.0000x999', ...r.procedures] });
    if (i % 13 === 7) edit({ sex: r.sex === 'M' ? 1 : '2' });
    if (i % 13 === 8) edit({ department: '心血管内科 “ward” \\ 7' });
    if (i % 13 === 9) edit({ costs: { bed: 100, drugs: 1 }, fundPayment: 1e9 });
    if (i % 13 === 10) edit({ procedures: [...r.procedures, ...r.procedures], lengthOfStay: 9999 });
    if (i % 13 === 11) edit({ listId: 'has space', dischargeDate: '2025-02-30' });
    if (i % 13 === 12) edit({ ageYears: 0, ageDays: 10, birthWeightGrams: 2500 });
    if (i % 401 === 0) out.push('{"listId": "broken"', '', '   ', `${line}\r`, '[1, 2]', '"text"');
  });
  return out;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function group(input: string, args: string[]): { stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [bin, 'group', '--input', input, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(run.status, run.stderr).toBe(0);
  // The summary line carries the time and the pack's hash (it moves with the compiler); everything else on stderr is held too.
  return { stdout: run.stdout, stderr: run.stderr.replace(/; [\d.]+ s, [\d,]+ cases\/s\n$/, '\n').replace(/\(pack [0-9a-f]+\)/, '(pack)') };
}

const golden = {
  /** The lines in process, --ambiguous qy. */
  qy: '2ad80aaa881bbcd3b16faf7cf3017179dfd2bac9d550d596c50ba8647e09be14',
  /** The same, --ambiguous fallthrough --explain. */
  explained: 'd91599a9271a92012e267571dc60df30ebca476b3de3130fe96df6b151b3b72a',
  stderr: '711cff7d671fc0dc1d45676b273b832ea5daf58feb176ae380265632a13e1e6a',
  /** The input repeated past 8 MB, in process. */
  big: 'fdb0396d4964452b43890007f2fd6f0a8e6636fe6ef7cd70c2026d0f609a12ab',
};

describe('payreform group output, byte for byte', () => {
  const lines = goldenLines();
  const input = path.join(dir, 'golden.jsonl');
  writeFileSync(input, lines.join('\n') + '\n');

  it('in process: the same lines as before (official and fall-through with the trace)', () => {
    const qy = group(input, ['--threads', '1']);
    expect({ stdout: sha(qy.stdout), stderr: sha(qy.stderr) }).toEqual({ stdout: golden.qy, stderr: golden.stderr });
    const explained = group(input, ['--threads', '1', '--ambiguous', 'fallthrough', '--explain']);
    expect(sha(explained.stdout)).toBe(golden.explained);
  });

  it('over worker threads: the same bytes, in input order, as in process', () => {
    // Worker threads start at 8 MB: the input repeated past that.
    const copies = Math.ceil((9 << 20) / readFileSync(input).length);
    const big = path.join(dir, 'golden-big.jsonl');
    writeFileSync(big, Array.from({ length: copies }, () => lines.join('\n') + '\n').join(''));
    const parallel = group(big, ['--threads', '2']);
    const single = group(big, ['--threads', '1']);
    expect(sha(parallel.stdout)).toBe(sha(single.stdout));
    expect(parallel.stderr).toBe(single.stderr);
    expect(sha(single.stdout)).toBe(golden.big);
  });
});
