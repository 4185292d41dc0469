/**
 * The DIP catalogue document (病种目录库), version 2: validated by zod when loaded. It records the
 * packet rules it was built with (exclusions, merges, rule packets, the related-procedure share),
 * and for each packet its id, kind, stage, definition, reference cases, mean cost, CV, score,
 * auxiliary types (辅助分型 with m_j / M coefficients, paid), learned tiers (CART, an analysis,
 * never paid) and cost tiers (opt-in), and overall quality figures (models.md §2, §4).
 *
 * Ids: a basic-rule core packet is `K80.1/51.2300+51.2200` (diagnosis at 4 characters /
 * principal procedure, then `+` the related procedures that count; `-` with no procedure); a rule
 * packet its policy id; a comprehensive packet `K80/surgical` (category / class of the principal
 * procedure); the catch-all packets `*​/surgical` … `*​/*` only describe the reference cases of a
 * class (a case that reaches them is ungrouped). Version 1 catalogues (keyed on every counted
 * procedure) are refused with a sentence: rebuild them.
 */
import * as z from 'zod';
import { ageBands, auxiliaryTypes, comprehensiveClasses, outcomes, severities } from './codes.ts';
import type { DipCatalogPolicy } from './policy.ts';

export const DIP_CATALOG_FORMAT = 'payreform-dip-catalog';
export const DIP_CATALOG_VERSION = 2;

const stats = {
  /** Reference cases (all reference years). */
  cases: z.number().int().nonnegative(),
  /** Mean cost at the price level of the newest reference year (yuan, see `priceLevel`). */
  meanCost: z.number(),
  /** Population CV of those costs (models.md §4). */
  cv: z.number(),
};

/** An auxiliary type (辅助分型) of a core packet: coefficient m_j / M (type mean ÷ packet mean). */
const auxiliaryTypeSchema = z.object({
  id: z.string(),
  type: z.enum(auxiliaryTypes.map((t) => t.id) as [string, ...string[]]),
  dimension: z.enum(['tumour', 'severity', 'age', 'icu']),
  rule: z.string(),
  coefficient: z.number().positive(),
  ...stats,
});
export type AuxiliaryType = z.infer<typeof auxiliaryTypeSchema>;

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

const definitionSchema = z.union([
  /** Basic rule: diagnosis + principal procedure (procedures[0], null when none) + related procedures. */
  z.object({ kind: z.literal('core'), stage: z.literal('basic'), diagnosis: z.string(), principal: z.string().nullable(), related: z.array(z.string()), text: z.string() }),
  /** A rule packet of the policy (pre-grouped or diagnosis-assisted). */
  z.object({ kind: z.literal('core'), stage: z.enum(['pre-grouped', 'diagnosis-assisted']), diagnoses: z.array(z.string()), procedures: z.array(z.string()).nullable(), secondaryDiagnoses: z.array(z.string()).optional(), text: z.string() }),
  z.object({ kind: z.literal('comprehensive'), category: z.string(), procedureClass: z.union([z.enum(comprehensiveClasses), z.literal('*')]), text: z.string() }),
]);

export const packetSchema = z.object({
  id: z.string(),
  kind: z.enum(['core', 'comprehensive']),
  definition: definitionSchema,
  /** 基层病种: the same score at every hospital level (no hospital coefficient). */
  basic: z.boolean(),
  /** Score (分值) RW_i = Σ_y w_y (m_{i,y} / M_y) / Σ_y w_y × scoreScale. */
  score: z.number(),
  /** Drug and material scores dRW_i = dm_i / dM, cRW_i = cm_i / cM (monitoring, never paid; absent when no case itemises its costs). */
  drugScore: z.number().optional(),
  materialScore: z.number().optional(),
  ...stats,
  tiers: z.array(costTierSchema).optional(),
  /** Auxiliary types kept by the trigger (paid: the case takes the met type with the highest coefficient). */
  auxiliary: z.array(auxiliaryTypeSchema).optional(),
  /** CV within the auxiliary types √(Σ_types SS / n) / mean, when there are types. */
  cvWithAuxiliary: z.number().optional(),
  /** Learned CART tiers (with `learnedTiers`): an analysis of what else explains cost, never paid. */
  learnedTiers: z.array(auxiliaryTierSchema).optional(),
});
export type Packet = z.infer<typeof packetSchema>;

export const dipCatalogSchema = z.object({
  format: z.literal(DIP_CATALOG_FORMAT),
  version: z.literal(DIP_CATALOG_VERSION),
  policy: z.object({
    name: z.string().optional(),
    version: z.string(),
    /** The core threshold used (given, or found by the coverage search). */
    coreThreshold: z.number(),
    coreThresholdSource: z.enum(['policy', 'coverage', 'published']),
    coverageTarget: z.number(),
    relatedProcedureShare: z.number(),
    comprehensiveMaxCv: z.number(),
    auxiliaryMinCases: z.number(),
    auxiliaryCvReduction: z.number(),
    costTiers: z.boolean(),
    targetCv: z.number(),
    maxTiers: z.number(),
    auxiliaryMaxDepth: z.number(),
    minTierCases: z.number(),
    trim: z.tuple([z.number(), z.number()]),
    scoreScale: z.number(),
    seed: z.number(),
  }),
  /** The packet rules the grouper applies exactly as the builder did. */
  rules: z.object({
    exclusions: z.object({ diagnoses: z.array(z.string()), procedures: z.array(z.string()) }),
    merge: z.object({ diagnoses: z.record(z.string(), z.string()), procedures: z.record(z.string(), z.string()) }),
    rulePackets: z.array(z.object({ id: z.string(), stage: z.enum(['pre-grouped', 'diagnosis-assisted']), diagnoses: z.array(z.string()), procedures: z.array(z.string()).optional(), secondaryDiagnoses: z.array(z.string()).optional(), text: z.string().optional() })),
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
    /** Input cases left out: no cost, discharged outside the reference years (or no date), principal diagnosis on the exclusion list. */
    excluded: z.object({ noCost: z.number().int(), outsideYears: z.number().int(), diagnosis: z.number().int() }),
    /** Reference cases in no packet (their comprehensive combination was below the threshold or above the CV cap). */
    ungroupedCases: z.number().int(),
    /** Comprehensive combinations dropped (below the threshold or above the CV cap). */
    droppedComprehensive: z.number().int(),
    /** Core coverage at each threshold 1 … maxCoreThreshold (the search's table). */
    coverageByThreshold: z.array(z.number()),
  }),
  builtAt: z.string(),
});
export type DipCatalog = z.infer<typeof dipCatalogSchema>;

/** Parse and validate a catalogue document; throws an Error with the first problems in words. */
export function parseDipCatalog(json: unknown): DipCatalog {
  const head = json as { format?: unknown; version?: unknown } | null;
  if (head && typeof head === 'object' && head.format === DIP_CATALOG_FORMAT && head.version === 1) {
    throw new Error(`a ${DIP_CATALOG_FORMAT} v1 document keys core packets on every counted procedure, not the specification's principal procedure: rebuild it with "payreform dip build" (v${DIP_CATALOG_VERSION})`);
  }
  const parsed = dipCatalogSchema.safeParse(json);
  if (!parsed.success) throw new Error(`not a ${DIP_CATALOG_FORMAT} v${DIP_CATALOG_VERSION} document: ${z.prettifyError(parsed.error).split('\n').slice(0, 6).join(' ')}`);
  return parsed.data;
}

/** The head every catalogue starts with: format, version, the policy figures used and the packet rules (builder and importer alike). */
export function catalogHead(policy: DipCatalogPolicy, used: { coreThreshold: number; coreThresholdSource: DipCatalog['policy']['coreThresholdSource']; minTierCases: number; costTiers: boolean }): Pick<DipCatalog, 'format' | 'version' | 'policy' | 'rules'> {
  return {
    format: DIP_CATALOG_FORMAT,
    version: DIP_CATALOG_VERSION,
    policy: {
      ...(policy.name ? { name: policy.name } : {}),
      version: policy.version,
      coreThreshold: used.coreThreshold,
      coreThresholdSource: used.coreThresholdSource,
      coverageTarget: policy.coverageTarget,
      relatedProcedureShare: policy.relatedProcedureShare,
      comprehensiveMaxCv: policy.comprehensiveMaxCv,
      auxiliaryMinCases: policy.auxiliaryMinCases,
      auxiliaryCvReduction: policy.auxiliaryCvReduction,
      costTiers: used.costTiers,
      targetCv: policy.targetCv,
      maxTiers: policy.maxTiers,
      auxiliaryMaxDepth: policy.auxiliaryMaxDepth,
      minTierCases: used.minTierCases,
      trim: [policy.trim[0], policy.trim[1]],
      scoreScale: policy.scoreScale,
      seed: policy.seed,
    },
    rules: { exclusions: { diagnoses: [...policy.exclusions.diagnoses], procedures: [...policy.exclusions.procedures] }, merge: { diagnoses: { ...policy.merge.diagnoses }, procedures: { ...policy.merge.procedures } }, rulePackets: policy.rulePackets },
  };
}
