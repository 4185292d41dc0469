/**
 * Worker thread of `payreform dip` for JSON Lines input: a block of whole lines (UTF-8 bytes,
 * with the number of its first line) → DIP case rows (`dip build`) or grouped output lines
 * (`dip group`). The rule pack (and catalogue) arrive in the init message.
 */
import { parentPort } from 'node:worker_threads';
import type { DipCatalog } from '../models/grouping/dip/catalog.ts';
import type { DipReference } from '../models/grouping/dip/cases.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import type { CodeEdition } from '../models/settlement/code-map.ts';
import { lazyClinicalCodeMaps, loadCodeSets } from '../lib/codesets.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { rawRecordsOfBlock, type LineBlock } from './line-blocks.ts';
import { dipBlockTransfer, dipCaseBlock, dipGroupBlock, dipReference, loadProcedureClasses, type DipCaseBlockResult, type DipGroupBlockResult } from './dip-records.ts';

export interface DipWorkerInit {
  pack: RulePack;
  /** Present for `dip group`. */
  catalog?: DipCatalog;
  explain?: boolean;
  /** `dip build`: the secondary-diagnosis prefixes the policy's rule packets read. */
  secondaryPrefixes?: string[];
  /** The run's default code edition (`--code-edition`). */
  codeEdition: CodeEdition;
}

const codeSets = loadCodeSets();
const codeMaps = lazyClinicalCodeMaps();
const procedureClasses = loadProcedureClasses();
let reference: DipReference | null = null;
let init: DipWorkerInit | null = null;
serveTasks<LineBlock, DipCaseBlockResult | DipGroupBlockResult, DipWorkerInit>(
  parentPort!,
  (block) => {
    if (!init || !reference) throw new Error('payreform dip worker: a block arrived before the rule pack');
    const raws = rawRecordsOfBlock(block);
    if (init.catalog) return { result: dipGroupBlock(raws, { catalog: init.catalog, codeSets, codeMaps, codeEdition: init.codeEdition, reference, explain: init.explain === true }) };
    const result = dipCaseBlock(raws, { codeSets, codeMaps, codeEdition: init.codeEdition }, reference);
    return { result, transfer: dipBlockTransfer(result.block) };
  },
  (message) => {
    init = message;
    reference = { ...dipReference(message.pack, procedureClasses), secondaryPrefixes: message.secondaryPrefixes };
  },
);
