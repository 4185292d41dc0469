/**
 * Reference data for the handlers, loaded once per container: the compiled CHS-DRG rule pack
 * (`pack.json`, built from the scheme text at bundle/start time), the ICD code sets and the
 * payment table that gives each DRG its relative weight. All live in `REFERENCE_DIR`, by
 * default `reference/` next to the bundled handler.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexRulePack } from '../../models/grouping/drg/grouper.ts';
import type { RulePack } from '../../models/grouping/drg/pack.ts';
import { parsePaymentTable, relativeWeights } from '../../models/payment/payment-table.ts';
import type { ClinicalCodeMaps } from '../../models/settlement/code-map.ts';
import type { CodeSets } from '../../models/settlement/codes.ts';
import { lazyClinicalCodeMaps, loadCodeSets } from '../../lib/codesets.ts';
import { loadRulePackFile } from '../../lib/scheme.ts';
import { config } from './config.ts';

export interface Reference {
  pack: RulePack;
  codeSets: CodeSets;
  /** The clinical-edition maps, read on the first `gl-2.0` record (a container that sees none never reads them). */
  codeMaps: () => ClinicalCodeMaps;
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
  loaded = { pack, codeSets, codeMaps: lazyClinicalCodeMaps(path.join(dir, 'codes')), weights, paymentTable: tableName };
  return loaded;
}
