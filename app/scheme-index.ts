/**
 * The index of the schemes a service deployment holds (`<reference>/schemes/index.json`, written
 * at bundle time by lib/scheme-packs.ts, read by the handlers through lambdas/shared/reference.ts):
 * per scheme its name, DRG and ADRG counts, pack hash and format, payment table; and the
 * deployment's default. Scheme ids are the scheme's directory name: `chs-drg-1.1` (the national
 * CHS-DRG 1.1 text) and the OpenDRG schemes (`chs_drg_10`, `chs_drg_11`, `suzhou_2023`, …).
 */
import path from 'node:path';
import * as z from 'zod';

/** The national scheme text every deployment held before schemes were selectable: cases stored without a scheme were grouped by it. */
export const nationalSchemeId = 'chs-drg-1.1';

export const schemeIdPattern = /^[A-Za-z0-9_.-]{1,64}$/;

export const schemeEntrySchema = z.object({
  id: z.string().regex(schemeIdPattern),
  /** A readable name (`Suzhou 2023`, `CHS-DRG 1.1`). */
  name: z.string(),
  /** What the pack was compiled from. */
  source: z.enum(['nhsa-text', 'opendrg']),
  /** The rule-pack format (`rulePackFormat`) the compiler wrote. */
  packFormat: z.number().int(),
  /** sha256 of the scheme's source files. */
  sourceHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** sha256 of the compiled pack (its JSON without `compiledAt`): what a case records as "grouped by". */
  packHash: z.string().regex(/^[0-9a-f]{64}$/),
  compiledAt: z.string(),
  /** Hash of the compiler that wrote the pack (models/grouping/drg), so a build recompiles after the compiler changes; absent in older indexes. */
  compilerVersion: z.string().nullable().optional(),
  mdcs: z.number().int(),
  /** Distinct ADRG codes (a local scheme's parts `AH1_1`, `AH1_2` count once). */
  adrgs: z.number().int(),
  /** The DRGs the scheme lists (its ambiguous QY groups not counted). */
  drgs: z.number().int(),
  /** The scheme's ambiguous (歧义组, xQY) groups: one per MDC that has one. */
  ambiguousGroups: z.number().int(),
  /** The city payment table giving this scheme's DRGs their RW (`payment-tables/<name>.csv` beside the index), null when none is held. */
  paymentTable: z.string().nullable(),
});
export type SchemeEntry = z.infer<typeof schemeEntrySchema>;

export const schemeIndexSchema = z.object({
  /** The scheme the deployment groups by unless a request names another. */
  default: z.string().regex(schemeIdPattern),
  schemes: z.array(schemeEntrySchema).min(1),
});
export type SchemeIndex = z.infer<typeof schemeIndexSchema>;

/** The one sentence for an id a deployment does not hold. */
export function unknownSchemeMessage(id: string, held: readonly string[]): string {
  return `the scheme ${JSON.stringify(id)} is not held by this deployment; it holds ${held.join(', ')}`;
}

/** The index file's text, validated; `file` names it in the error. */
export function parseSchemeIndex(text: string, file: string): SchemeIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`the scheme index ${file} is not JSON (${(error as Error).message}); build the reference directory again`);
  }
  const parsed = schemeIndexSchema.safeParse(json);
  if (!parsed.success) throw new Error(`the scheme index ${file} is not valid at ${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}; build the reference directory again`);
  return parsed.data;
}

/** Where the index lives in a reference directory. */
export function schemeIndexFile(referenceDir: string): string {
  return path.join(referenceDir, 'schemes', 'index.json');
}
