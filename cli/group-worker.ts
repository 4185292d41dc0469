/**
 * Worker thread of `payreform group` for JSON Lines input: receives a block of whole lines as
 * UTF-8 bytes (with the number of its first line), returns the output lines joined and the counts.
 */
import { parentPort } from 'node:worker_threads';
import type { GroupOptions } from '../models/grouping/drg/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import type { CodeEdition } from '../models/settlement/code-map.ts';
import { lazyClinicalCodeMaps, loadCodeSets } from '../lib/codesets.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { emptyCounts, groupRawRecord, type ChunkResult, type GroupContext } from '../app/group-line.ts';
import { rawRecordsOfBlock, type LineBlock } from './line-blocks.ts';

// The worker boots (and loads the code sets) while the main thread compiles the scheme; the
// pack and options arrive in the init message.
const codeSets = loadCodeSets();
let ctx: GroupContext | null = null;

serveTasks<LineBlock, ChunkResult, { pack: RulePack; options: GroupOptions; codeEdition?: CodeEdition }>(
  parentPort!,
  (block) => {
    if (!ctx) throw new Error('payreform group worker: a block arrived before the rule pack');
    const result: ChunkResult = { output: '', counts: emptyCounts(), warned: 0, records: 0, errors: [] };
    const lines: string[] = [];
    for (const raw of rawRecordsOfBlock(block)) {
      const grouped = groupRawRecord(raw, ctx);
      lines.push(grouped.line);
      result.counts[grouped.status]++;
      if (grouped.warned) result.warned++;
      if (grouped.error) result.errors.push(grouped.error);
      result.records++;
    }
    result.output = lines.length > 0 ? lines.join('\n') + '\n' : '';
    return { result };
  },
  ({ pack, options, codeEdition }) => {
    ctx = { pack, codeSets, options, codeMaps: lazyClinicalCodeMaps(), ...(codeEdition ? { codeEdition } : {}) };
  },
);
