/**
 * Worker thread of `payreform dip` for JSON Lines input: a block of whole lines (UTF-8 bytes,
 * with the number of its first line) → DIP case rows (`dip build`) or grouped output lines
 * (`dip group`). The rule pack (and catalogue) arrive in the init message.
 */
import { parentPort } from 'node:worker_threads';
import type { DipCatalog } from '../models/grouping/dip/catalog.ts';
import type { DipReference } from '../models/grouping/dip/cases.ts';
import type { RulePack } from '../models/grouping/drg/pack.ts';
import { parseJsonLine, type RawRecord } from '../models/settlement/readers.ts';
import { loadCodeSets } from '../lib/codesets.ts';
import { serveTasks } from '../lib/worker-pool.ts';
import { dipBlockTransfer, dipCaseBlock, dipGroupBlock, dipReference, loadProcedureClasses, type DipCaseBlockResult, type DipGroupBlockResult } from './dip-records.ts';

export interface DipTask {
  bytes: Uint8Array;
  firstLine: number;
}

export interface DipWorkerInit {
  pack: RulePack;
  /** Present for `dip group`. */
  catalog?: DipCatalog;
  explain?: boolean;
}

const codeSets = loadCodeSets();
const procedureClasses = loadProcedureClasses();
let reference: DipReference | null = null;
let init: DipWorkerInit | null = null;
const decoder = new TextDecoder('utf-8');

/** The raw records of a block of JSON lines. */
export function rawRecordsOf(bytes: Uint8Array, firstLine: number): RawRecord[] {
  const text = decoder.decode(bytes);
  const raws: RawRecord[] = [];
  let start = 0;
  let line = firstLine;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = parseJsonLine(text.slice(start, end), 0, line);
    if (raw !== null) raws.push(raw);
    start = end + 1;
    line++;
  }
  return raws;
}

serveTasks<DipTask, DipCaseBlockResult | DipGroupBlockResult, DipWorkerInit>(
  parentPort!,
  ({ bytes, firstLine }) => {
    if (!init || !reference) throw new Error('payreform dip worker: a block arrived before the rule pack');
    const raws = rawRecordsOf(bytes, firstLine);
    if (init.catalog) return { result: dipGroupBlock(raws, { catalog: init.catalog, codeSets, reference, explain: init.explain === true }) };
    const result = dipCaseBlock(raws, codeSets, reference);
    return { result, transfer: dipBlockTransfer(result.block) };
  },
  (message) => {
    init = message;
    reference = dipReference(message.pack, procedureClasses);
  },
);
