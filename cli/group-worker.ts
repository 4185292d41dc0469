/**
 * Worker thread of `payreform group` for JSON Lines input: receives a block of whole lines as
 * UTF-8 bytes (with the number of its first line), returns the block's output lines as UTF-8
 * bytes (transferred) and its counts.
 */
import { parentPort } from 'node:worker_threads';
import type { GroupOptions } from '../models/grouping/drg/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import { JsonBytes } from '../models/settlement/json.ts';
import { loadCodeSets } from '../lib/codesets.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { emptyGroupCounts, writeGroupedLine, type ChunkResult, type GroupContext } from '../app/group-line.ts';
import { rawRecordsOfBlock, type LineBlock } from './line-blocks.ts';

// The worker boots (and loads the code sets) while the main thread compiles the scheme; the
// pack and options arrive in the init message.
const codeSets = loadCodeSets();
let ctx: GroupContext | null = null;

serveTasks<LineBlock, ChunkResult, { pack: RulePack; options: GroupOptions }>(
  parentPort!,
  (block) => {
    if (!ctx) throw new Error('payreform group worker: a block arrived before the rule pack');
    const counts = emptyGroupCounts();
    // An output line is about a third of an input line; the buffer grows if it must.
    const out = new JsonBytes(ctx.options.trace ? block.bytes.length * 4 : (block.bytes.length >> 1) + 1024);
    for (const raw of rawRecordsOfBlock(block)) writeGroupedLine(out, raw, ctx, counts);
    const output = out.result();
    return { result: { ...counts, output }, transfer: [output.buffer] };
  },
  ({ pack, options }) => {
    ctx = { pack, codeSets, options };
  },
);
