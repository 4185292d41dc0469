/**
 * Worker thread of `payreform simulate` for JSON Lines input: a block of whole lines (UTF-8
 * bytes and the number of its first line) → a CaseBlock of validated, grouped cases in columns.
 */
import { parentPort } from 'node:worker_threads';
import type { AmbiguousMode } from '../models/grouping/drg/grouper.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import type { CodeEdition } from '../models/settlement/code-map.ts';
import { lazyClinicalCodeMaps, loadCodeSets } from '../lib/codesets.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { blockTransfer, caseBlock, type CaseBlock, type CaseContext } from '../app/case-block.ts';
import { rawRecordsOfBlock, type LineBlock } from './line-blocks.ts';

// Code sets load while the main thread compiles the scheme; the pack arrives in the init message.
const codeSets = loadCodeSets();
let ctx: CaseContext | null = null;

export interface SimulateWorkerInit {
  pack: RulePack;
  modes: AmbiguousMode[];
  dip: boolean;
  /** The run's default code edition (`--code-edition`). */
  codeEdition: CodeEdition;
}

serveTasks<LineBlock, CaseBlock, SimulateWorkerInit>(
  parentPort!,
  (lines) => {
    if (!ctx) throw new Error('payreform simulate worker: a block arrived before the rule pack');
    const raws = rawRecordsOfBlock(lines);
    const block = caseBlock(raws, ctx);
    return { result: block, transfer: blockTransfer(block) };
  },
  ({ pack, modes, dip, codeEdition }) => {
    ctx = { pack, codeSets, codeMaps: lazyClinicalCodeMaps(), codeEdition, modes, dip };
  },
);
