/**
 * Worker thread of `payreform group` for JSON Lines input: receives a block of whole lines as
 * UTF-8 bytes (with the number of its first line), returns the output lines joined and the counts.
 */
import { parentPort } from 'node:worker_threads';
import type { GroupOptions } from '../models/grouping/drg/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import { parseJsonLine } from '../models/settlement/readers.ts';
import { loadCodeSets } from '../lib/codesets.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { emptyCounts, groupRawRecord, type ChunkResult, type GroupContext } from './group-record.ts';

export interface GroupTask {
  bytes: Uint8Array;
  firstLine: number;
}

// The worker boots (and loads the code sets) while the main thread compiles the scheme; the
// pack and options arrive in the init message.
const codeSets = loadCodeSets();
let ctx: GroupContext | null = null;
const decoder = new TextDecoder('utf-8');

serveTasks<GroupTask, ChunkResult, { pack: RulePack; options: GroupOptions }>(
  parentPort!,
  ({ bytes, firstLine }) => {
    if (!ctx) throw new Error('payreform group worker: a block arrived before the rule pack');
    const text = decoder.decode(bytes);
    const result: ChunkResult = { output: '', counts: emptyCounts(), warned: 0, records: 0, errors: [] };
    const lines: string[] = [];
    let start = 0;
    let lineNumber = firstLine;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const raw = parseJsonLine(text.slice(start, end), 0, lineNumber);
      if (raw !== null) {
        const grouped = groupRawRecord(raw, ctx);
        lines.push(grouped.line);
        result.counts[grouped.status]++;
        if (grouped.warned) result.warned++;
        if (grouped.error) result.errors.push(grouped.error);
        result.records++;
      }
      start = end + 1;
      lineNumber++;
    }
    result.output = lines.length > 0 ? lines.join('\n') + '\n' : '';
    return { result };
  },
  ({ pack, options }) => {
    ctx = { pack, codeSets, options };
  },
);
