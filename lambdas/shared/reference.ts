/**
 * Reference data for the handlers: the schemes the deployment holds (a compiled rule pack and
 * payment table per scheme under `schemes/`, see app/scheme-index.ts) and the ICD code sets, all
 * in `REFERENCE_DIR` (default `reference/` next to the bundled handler).
 *
 * The scheme index is read and checked at cold start with the configuration: `DEFAULT_SCHEME`
 * (else the index's default) and `HELD_SCHEMES` must be schemes the bundle holds, or the function
 * fails with one sentence naming the ids it holds. A scheme's pack is parsed the first time the
 * scheme is used (`schemeById`), so a cold start never parses packs it does not need.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSchemeIndex, schemeIndexFile, unknownSchemeMessage, type SchemeEntry, type SchemeIndex } from '../../app/scheme-index.ts';
import { indexRulePack } from '../../models/grouping/drg/grouper.ts';
import type { RulePack } from '../../models/grouping/drg/pack.ts';
import { parsePaymentTable, relativeWeights } from '../../models/payment/payment-table.ts';
import type { CodeSets } from '../../models/settlement/codes.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { loadRulePackFile } from '../../lib/scheme.ts';
import { config } from './config.ts';
import { invalid } from './errors.ts';

/** A scheme the deployment holds, loaded: its index entry, rule pack and payment-table weights. */
export interface HeldScheme {
  entry: SchemeEntry;
  pack: RulePack;
  /** DRG → relative weight (RW) of the scheme's payment table (empty when it has none). */
  weights: Map<string, number>;
}

/** The default scheme's pack and weights, and the code sets (what every grouping handler reads). */
export interface Reference {
  scheme: SchemeEntry;
  pack: RulePack;
  codeSets: CodeSets;
  /** DRG → relative weight (RW) of the default scheme's payment table. */
  weights: Map<string, number>;
  /** The payment table's name, null when the default scheme has none. */
  paymentTable: string | null;
}

let index: { file: SchemeIndex; byId: Map<string, SchemeEntry>; held: string[]; defaultId: string } | undefined;
const loadedSchemes = new Map<string, HeldScheme>();
let codeSets: CodeSets | undefined;

export function referenceDirectory(): string {
  return config().REFERENCE_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference');
}

function schemeIndex(): NonNullable<typeof index> {
  if (index) return index;
  const file = schemeIndexFile(referenceDirectory());
  const parsed = parseSchemeIndex(readFileSync(file, 'utf8'), file);
  const byId = new Map(parsed.schemes.map((s) => [s.id, s]));
  const inBundle = [...byId.keys()];
  const c = config();
  const held = c.HELD_SCHEMES ?? inBundle;
  const missing = held.find((id) => !byId.has(id));
  if (missing !== undefined) throw new Error(`invalid service configuration: HELD_SCHEMES: ${unknownSchemeMessage(missing, inBundle)} (${file})`);
  const defaultId = c.DEFAULT_SCHEME ?? parsed.default;
  if (!held.includes(defaultId)) throw new Error(`invalid service configuration: DEFAULT_SCHEME: ${unknownSchemeMessage(defaultId, held)}`);
  index = { file: parsed, byId, held, defaultId };
  return index;
}

/** The ids of the schemes this deployment holds, in the index's order. */
export function schemeIds(): string[] {
  return schemeIndex().held;
}

/** The scheme the deployment groups by unless a request names another. */
export function defaultSchemeId(): string {
  return schemeIndex().defaultId;
}

/** The index entries of the held schemes (no pack is parsed). */
export function schemeEntries(): SchemeEntry[] {
  const { byId, held } = schemeIndex();
  return held.map((id) => byId.get(id)!);
}

/** Whether `id` is a scheme this deployment holds. */
export function holdsScheme(id: string): boolean {
  return schemeIndex().held.includes(id);
}

/**
 * A held scheme, its pack parsed (and indexed) on first use. An id the deployment does not hold
 * is a 422 naming the ids it holds (`path` says where the request named it).
 */
export function schemeById(id: string, requestPath = 'query.scheme'): HeldScheme {
  const known = loadedSchemes.get(id);
  if (known) return known;
  const { byId, held } = schemeIndex();
  const entry = byId.get(id);
  if (!entry || !held.includes(id)) {
    const message = unknownSchemeMessage(id, held);
    throw invalid(`${message[0]!.toUpperCase()}${message.slice(1)}.`, [{ code: 'invalid-value', path: requestPath, message: `${message}.` }]);
  }
  const dir = path.join(referenceDirectory(), 'schemes');
  const pack = loadRulePackFile(path.join(dir, `${id}.json`));
  indexRulePack(pack);
  const weights = entry.paymentTable === null
    ? new Map<string, number>()
    : relativeWeights(parsePaymentTable(entry.paymentTable, readFileSync(path.join(dir, 'payment-tables', `${entry.paymentTable}.csv`), 'utf8')));
  const scheme: HeldScheme = { entry, pack, weights };
  loadedSchemes.set(id, scheme);
  return scheme;
}

/** The default scheme's pack and weights with the code sets. */
export function reference(): Reference {
  const scheme = schemeById(defaultSchemeId());
  codeSets ??= loadCodeSets(path.join(referenceDirectory(), 'codes'));
  return { scheme: scheme.entry, pack: scheme.pack, codeSets, weights: scheme.weights, paymentTable: scheme.entry.paymentTable };
}

/** The schemes whose pack has been parsed in this container (a cold start parses none but the one it groups by). */
export function loadedSchemeIds(): string[] {
  return [...loadedSchemes.keys()];
}

/** Tests that rebuild the reference directory or change the scheme settings call this. */
export function resetReference(): void {
  index = undefined;
  loadedSchemes.clear();
  codeSets = undefined;
}
