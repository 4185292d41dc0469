/**
 * Reference data for the handlers, loaded once per container: the compiled CHS-DRG rule pack
 * (`pack.json`, built from the scheme text at bundle/start time), the ICD code sets and the
 * payment table that gives each DRG its relative weight. All live in `REFERENCE_DIR`, by
 * default `reference/` next to the bundled handler.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexRulePack } from '../../models/grouping/drg/grouper.ts';
import type { RulePack } from '../../models/grouping/drg/pack.ts';
import { parsePaymentTable, relativeWeights } from '../../models/payment/payment-table.ts';
import type { CodeSets } from '../../models/settlement/codes.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { loadRulePackFile } from '../../lib/scheme.ts';
import type { TableSource } from '../../app/policy-weights.ts';
import { config } from './config.ts';

export interface Reference {
  pack: RulePack;
  codeSets: CodeSets;
  /** DRG → relative weight (RW) of the configured payment table. */
  weights: Map<string, number>;
  paymentTable: string;
}

let loaded: Reference | undefined;

export function referenceDirectory(): string {
  return config().REFERENCE_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference');
}

export function reference(): Reference {
  if (loaded) return loaded;
  const dir = referenceDirectory();
  const pack = loadRulePackFile(path.join(dir, 'pack.json'));
  indexRulePack(pack);
  const codeSets = loadCodeSets(path.join(dir, 'codes'));
  const tableName = 'payment-table.csv';
  const weights = relativeWeights(parsePaymentTable(tableName, readFileSync(path.join(dir, tableName), 'utf8')));
  loaded = { pack, codeSets, weights, paymentTable: tableName };
  return loaded;
}

/** The city payment tables the deployment holds (`payment-tables/*.csv` of the reference directory), by file name. */
export function paymentTableNames(): string[] {
  const dir = path.join(referenceDirectory(), 'payment-tables');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.csv')).sort() : [];
}

/**
 * A policy's `weightsTable` in the service: the name of a table the deployment holds (`suzhou-2023`
 * or `suzhou-2023.csv`), never a path — a request cannot read the handler's files.
 */
export const heldPaymentTable: TableSource = (name) => {
  const held = paymentTableNames();
  const file = name.endsWith('.csv') ? name : `${name}.csv`;
  if (!held.includes(file)) return { missing: `"${name}" is not a payment table this deployment holds; it holds ${held.length > 0 ? held.join(', ') : 'none'}` };
  return { name: file, text: readFileSync(path.join(referenceDirectory(), 'payment-tables', file), 'utf8') };
};
