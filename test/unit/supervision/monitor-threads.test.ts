/** `payreform monitor` over worker threads writes the flags, the risk table and the summary it writes in process. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devCasesWithMadeUpDetails } from '../../../infra/local/demo.ts';
import { projectRoot } from '../../../lib/reference.ts';

const bin = path.join(projectRoot, 'bin', 'payreform.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'payreform-monitor-threads-'));

describe('payreform monitor --threads', () => {
  it('gives the same bytes on two worker threads as in process, over two files, with rejected lines', { timeout: 300_000 }, () => {
    // Worker threads start at 8 MB of JSON Lines: two files of the dev cases (patients repeated so
    // the admission rules fire), with a broken line and a record without a hospital in each copy.
    const records = devCasesWithMadeUpDetails().map((l) => JSON.parse(l) as { listId: string });
    const copy = (k: number) =>
      [...records.map((r, i) => JSON.stringify({ ...r, listId: `${r.listId}-${k}`, patientId: `P${k}-${i % 1200}` })), '{"listId": broken', JSON.stringify({ ...records[0], listId: `NOHOSP-${k}`, hospitalId: undefined })].join('\n') + '\n';
    const size = copy(0).length;
    const files = [0, 1].map((f) => {
      const file = path.join(dir, `cases-${f}.jsonl`);
      writeFileSync(file, Array.from({ length: Math.ceil((4.5 * (1 << 20)) / size) }, (_, k) => copy(f * 100 + k)).join(''));
      return file;
    });
    const run = (threads: string) => {
      const out = path.join(dir, `flags-${threads}.jsonl`);
      const risk = path.join(dir, `risk-${threads}.json`);
      const r = spawnSync(process.execPath, [bin, 'monitor', '--cases', ...files, '--output', out, '--hospitals', risk, '--threads', threads], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return { flags: createHash('sha256').update(readFileSync(out)).digest('hex'), risk: readFileSync(risk, 'utf8'), stderr: r.stderr.replace(/ in [\d.]+ s \([\d,]+(?: cases)?\/s\)/g, '') };
    };
    const single = run('1');
    const parallel = run('2');
    expect(readFileSync(path.join(dir, 'flags-1.jsonl'), 'utf8')).toMatch(/^{"rule":"/);
    expect(single.stderr).toMatch(/cases-0\.jsonl line \d+ is not valid JSON/);
    expect(single.stderr).toContain('hospitalId is required');
    expect(parallel.flags).toBe(single.flags);
    expect(parallel.risk).toBe(single.risk);
    expect(parallel.stderr).toBe(single.stderr);
  });
});
