/**
 * Worker thread of `payreform monitor` for JSON Lines input: a block of whole lines (UTF-8 bytes,
 * the number of its first line and the file's name) → the block's screening rows in columns and
 * its tally, through the same `addRecords` as the in-process path.
 */
import { parentPort } from 'node:worker_threads';
import type { AmbiguousMode } from '../models/grouping/drg/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import { SupervisionTableBuilder, tableTransfer } from '../models/supervision/case-table.ts';
import { loadCodeSets } from '../lib/codesets.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { rawRecordsOfBlock } from './line-blocks.ts';
import { addRecords, emptyTally, type MonitorBlock, type MonitorContext, type MonitorTask } from './monitor-cases.ts';

// Code sets load while the main thread loads the scheme; the pack arrives in the init message.
const codeSets = loadCodeSets();
let ctx: MonitorContext | null = null;

serveTasks<MonitorTask, MonitorBlock, { pack: RulePack; ambiguous: AmbiguousMode }>(
  parentPort!,
  ({ block, file }) => {
    if (!ctx) throw new Error('payreform monitor worker: a block arrived before the rule pack');
    const raws = rawRecordsOfBlock(block);
    const builder = new SupervisionTableBuilder(Math.max(16, raws.length));
    const tally = emptyTally();
    addRecords(raws, ctx, builder, tally, file);
    const table = builder.finish();
    return { result: { table, tally }, transfer: tableTransfer(table) };
  },
  ({ pack, ambiguous }) => {
    ctx = { pack, codeSets, ambiguous };
  },
);
