/**
 * The DIP catalogue document (病种目录库): versioned, validated by zod when loaded. It records for
 * each packet its id, kind, definition, reference cases, mean cost, CV, score, cost tiers
 * (comprehensive packets refined by k-means) and auxiliary tiers (辅助目录, CART splits inside a
 * packet), and overall quality figures (models.md §2, §4).
 *
 * Ids: a core packet is `K80.1/51.2200+51.2300` (diagnosis at 4 characters / counted procedures
 * joined by `+`, `-` when none); a comprehensive packet `K80/surgical`; the catch-all packets
 * `*​/surgical` … and `*​/*` (every reference case) take cases whose category × class the
 * reference years never saw. A cost tier is `K80/conservative#T2`, an auxiliary tier
 * `K80.1/-#A2` (`#A…` after the tier when both exist: never, tiered packets have no auxiliary).
 */
import { z } from 'zod';
import { ageBands, comprehensiveClasses, outcomes, severities } from './codes.ts';

export const DIP_CATALOG_FORMAT = 'payreform-dip-catalog';
export const DIP_CATALOG_VERSION = 1;

const stats = {
  /** Reference cases (all reference years). */
  cases: z.number().int().nonnegative(),
  /** Mean cost at the price level of the newest reference year (yuan, see `priceLevel`). */
  meanCost: z.number(),
  /** Population CV of those costs (models.md §4). */
  cv: z.number(),
};

const auxiliaryTierSchema = z.object({
  id: z.string(),
  /** The tier's condition in words, e.g. "severity = mcc and age ∈ {≥ 65 y}". */
  rule: z.string(),
  /** Categories a case must have, per feature; a feature absent here is unrestricted. */
  when: z.object({
    severity: z.array(z.enum(severities)).optional(),
    ageBand: z.array(z.enum(ageBands)).optional(),
    outcome: z.array(z.enum(outcomes)).optional(),
  }),
  /** 辅助目录 coefficient: tier trimmed mean / packet trimmed mean (case score = score × coefficient). */
  coefficient: z.number().positive(),
  ...stats,
});
export type AuxiliaryTier = z.infer<typeof auxiliaryTierSchema>;

const costTierSchema = z.object({
  id: z.string(),
  /** Costs (newest-reference-year yuan) in (lowerCost, upperCost]; null = unbounded. */
  lowerCost: z.number().nullable(),
  upperCost: z.number().nullable(),
  score: z.number(),
  ...stats,
});
export type CostTier = z.infer<typeof costTierSchema>;

const definitionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('core'), diagnosis: z.string(), procedures: z.array(z.string()), text: z.string() }),
  z.object({ kind: z.literal('comprehensive'), category: z.string(), procedureClass: z.union([z.enum(comprehensiveClasses), z.literal('*')]), text: z.string() }),
]);

export const packetSchema = z.object({
  id: z.string(),
  kind: z.enum(['core', 'comprehensive']),
  definition: definitionSchema,
  /** Score (分值) RW_i = Σ_y w_y (m_{i,y} / M_y) / Σ_y w_y × scoreScale. */
  score: z.number(),
  ...stats,
  tiers: z.array(costTierSchema).optional(),
  auxiliary: z.array(auxiliaryTierSchema).optional(),
  /** CV within the auxiliary tiers √(Σ_tiers SS / n) / mean, when there are tiers. */
  cvWithAuxiliary: z.number().optional(),
});
export type Packet = z.infer<typeof packetSchema>;

export const dipCatalogSchema = z.object({
  format: z.literal(DIP_CATALOG_FORMAT),
  version: z.literal(DIP_CATALOG_VERSION),
  policy: z.object({
    name: z.string().optional(),
    version: z.string(),
    coreThreshold: z.number(),
    targetCv: z.number(),
    maxTiers: z.number(),
    auxiliaryCvReduction: z.number(),
    auxiliaryMaxDepth: z.number(),
    minTierCases: z.number(),
    trim: z.tuple([z.number(), z.number()]),
    scoreScale: z.number(),
    seed: z.number(),
  }),
  referenceYears: z.array(z.number().int()),
  yearWeights: z.array(z.number()),
  /** M_y: all-case trimmed mean cost of each reference year (over the cases the packets kept). */
  allCaseMean: z.array(z.number()),
  /** Price level of each reference year relative to the newest: M_newest / M_y (costs × this = newest-year yuan). */
  priceLevel: z.array(z.number()),
  packets: z.array(packetSchema),
  quality: z.object({
    /** Reference cases used (discharged in a reference year, with a cost). */
    cases: z.number().int(),
    coreCases: z.number().int(),
    /** Core coverage: core cases / cases (target ≥ 85 %). */
    coreCoverage: z.number(),
    corePackets: z.number().int(),
    comprehensivePackets: z.number().int(),
    tieredPackets: z.number().int(),
    packetsWithAuxiliary: z.number().int(),
    /** Grouping units: core packets, untiered comprehensive packets and cost tiers. */
    units: z.number().int(),
    /** RIV over the units (newest-year costs), models.md §4. */
    riv: z.number(),
    /** RIV over units × auxiliary tiers. */
    rivWithAuxiliary: z.number(),
    /** Units with CV < 0.5 / CV > 1. */
    cvBelowHalf: z.number().int(),
    cvAboveOne: z.number().int(),
    /** Input cases left out: no cost, or discharged outside the reference years (or no date). */
    excluded: z.object({ noCost: z.number().int(), outsideYears: z.number().int() }),
  }),
  builtAt: z.string(),
});
export type DipCatalog = z.infer<typeof dipCatalogSchema>;

/** Parse and validate a catalogue document; throws an Error with the first problems in words. */
export function parseDipCatalog(json: unknown): DipCatalog {
  const parsed = dipCatalogSchema.safeParse(json);
  if (!parsed.success) throw new Error(`not a ${DIP_CATALOG_FORMAT} v${DIP_CATALOG_VERSION} document: ${z.prettifyError(parsed.error).split('\n').slice(0, 6).join(' ')}`);
  return parsed.data;
}
