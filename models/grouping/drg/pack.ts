/**
 * The rule pack: a CHS-DRG scheme compiled from its text into JSON. Versioned, with the hash
 * of the source text it came from, validated by zod when loaded (a Lambda cold start loads it
 * once). Code lists are stored once and referenced by index, which keeps the pack small.
 */
import { z } from 'zod';

/** Bump when the pack's shape or the meaning of a condition changes. */
export const rulePackFormat = 1;

const listRef = z.number().int().min(0);

/**
 * One condition of an ADRG clause. An ADRG matches when all conditions of at least one of its
 * alternatives hold.
 */
export const conditionSchema = z.discriminatedUnion('kind', [
  /** 主要诊断 in the list. */
  z.object({ kind: z.literal('principalDiagnosis'), list: listRef }),
  /** 主要手术或操作 (the first procedure) in the list. */
  z.object({ kind: z.literal('principalProcedure'), list: listRef }),
  /** Some procedure, at any position, in the list (同时包含… / 手术表 N). */
  z.object({ kind: z.literal('anyProcedure'), list: listRef }),
  /** The principal or a secondary diagnosis in the list (主要诊断或其他诊断中包含 / 包含以下诊断). */
  z.object({ kind: z.literal('anyDiagnosis'), list: listRef }),
  /** The case has an operating-room procedure (全部手术 / 包含全部手术). */
  z.object({ kind: z.literal('operatingRoomProcedure') }),
  /** The case has no operating-room procedure (且无手术). */
  z.object({ kind: z.literal('noOperatingRoomProcedure') }),
  /** Age in days within [min, max] (inclusive) — conditions stated only in a group's name. */
  z.object({ kind: z.literal('ageDays'), min: z.number().int().optional(), max: z.number().int().optional() }),
  /** Birth weight in grams within [min, max] (inclusive). */
  z.object({ kind: z.literal('birthWeight'), min: z.number().int().optional(), max: z.number().int().optional() }),
]);
export type Condition = z.infer<typeof conditionSchema>;

export const alternativeSchema = z.object({
  conditions: z.array(conditionSchema).min(1),
  /** The scheme text the alternative was compiled from, for the trace. */
  text: z.string(),
});
export type Alternative = z.infer<typeof alternativeSchema>;

export const adrgSchema = z.object({
  code: z.string().regex(/^[A-Z]{2}\d$/),
  name: z.string(),
  mdc: z.string().regex(/^MDC[A-Z]$/),
  /** 外科 (A–J: by procedure), 操作 (K–Q: by non-OR procedure), 内科 (R–Z: by diagnosis). */
  kind: z.enum(['surgical', 'procedural', 'medical']),
  alternatives: z.array(alternativeSchema).min(1),
  /** The DRGs of this ADRG by their 4th character. */
  drgs: z.array(z.object({ code: z.string().regex(/^[A-Z]{2}\d[1359]$/), name: z.string() })).min(1),
});
export type Adrg = z.infer<typeof adrgSchema>;

export const mdcSchema = z.object({
  code: z.string().regex(/^MDC[A-Z]$/),
  name: z.string(),
  /** Index of the principal-diagnosis list (主诊表), absent for MDCA. */
  principalDiagnoses: listRef.optional(),
  /** Sex restriction (MDCM male, MDCN female). */
  sex: z.enum(['M', 'F']).optional(),
  /** Age restriction in whole years (MDCP: 0). */
  maxAgeYears: z.number().int().optional(),
  /** MDCZ body-site tables: a case needs diagnoses from at least `minBodySites` of them. */
  bodySites: z.array(z.object({ name: z.string(), list: listRef })).optional(),
  minBodySites: z.number().int().optional(),
});
export type Mdc = z.infer<typeof mdcSchema>;

export const rulePackSchema = z.object({
  format: z.literal(rulePackFormat),
  scheme: z.string(),
  /** sha256 of the source files (names and bytes, in name order). */
  sourceHash: z.string().regex(/^[0-9a-f]{64}$/),
  compiledAt: z.string(),
  /** MDCs in the order a case tries them. */
  mdcs: z.array(mdcSchema),
  adrgs: z.array(adrgSchema),
  /** Code lists referenced by index. */
  lists: z.array(z.array(z.string())),
  /** 严重并发症或合并症: secondary diagnosis → its exclusion table id (null: excluded by nothing). */
  mcc: z.record(z.string(), z.string().nullable()),
  /** 一般并发症或合并症: same shape. */
  cc: z.record(z.string(), z.string().nullable()),
  /** 排除表: table id → principal diagnoses that exclude the secondary diagnoses of that table. */
  exclusions: z.record(z.string(), z.array(z.string())),
  /** Procedures that count as operating-room procedures (手术 and 介入治疗 classes). */
  operatingRoomProcedures: listRef,
});
export type RulePack = z.infer<typeof rulePackSchema>;
