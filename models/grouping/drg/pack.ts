/**
 * The rule pack: a CHS-DRG scheme compiled from its text into JSON. Versioned, with the hash
 * of the source text it came from, validated by zod when loaded (a Lambda cold start loads it
 * once). Code lists are stored once and referenced by index, which keeps the pack small.
 */
import * as z from 'zod';

/** Bump when the pack's shape or the meaning of a condition changes. */
export const rulePackFormat = 2;

/** Numeric fields a local scheme's split can compare (absent values never satisfy a comparison, except `icuHours`, which counts as 0). */
export const comparedFields = ['ageYears', 'ageDays', 'birthWeight', 'stay', 'icuHours', 'amount', 'diagnosisCount', 'procedureCount'] as const;
export type ComparedField = (typeof comparedFields)[number];
export const compareOps = ['<', '<=', '>', '>=', '==', '!='] as const;
export type CompareOp = (typeof compareOps)[number];

/** The zod schemas of a rule pack (built by {@link packSchemas}). */
function buildSchemas() {
  const listRef = z.number().int().min(0);
  /** A list condition that must NOT hold (`not in`, `not intersect(…)`). */
  const negated = z.literal(true).optional();

  /**
   * One condition of an ADRG clause. An ADRG matches when all conditions of at least one of its
   * alternatives hold.
   */
  const conditionSchema = z.discriminatedUnion('kind', [
    /** 主要诊断 in the list. */
    z.object({ kind: z.literal('principalDiagnosis'), list: listRef, negated }),
    /** 主要手术或操作 (the first procedure) in the list. */
    z.object({ kind: z.literal('principalProcedure'), list: listRef, negated }),
    /** Some procedure, at any position, in the list (同时包含… / 手术表 N). */
    z.object({ kind: z.literal('anyProcedure'), list: listRef, negated }),
    /** The principal or a secondary diagnosis in the list (主要诊断或其他诊断中包含 / 包含以下诊断). */
    z.object({ kind: z.literal('anyDiagnosis'), list: listRef, negated }),
    /** A secondary diagnosis (其他诊断) in the list. */
    z.object({ kind: z.literal('secondaryDiagnosis'), list: listRef, negated }),
    /** A procedure other than the principal one in the list. */
    z.object({ kind: z.literal('secondaryProcedure'), list: listRef, negated }),
    /** The case has at least one procedure (any class). */
    z.object({ kind: z.literal('hasProcedure'), negated }),
    /** The patient's sex. */
    z.object({ kind: z.literal('sex'), sex: z.enum(['M', 'F']) }),
    /** A number of the case compared with a constant: age, stay (住院天数), ICU hours, amount (总费用), counts. */
    z.object({ kind: z.literal('compare'), field: z.enum(comparedFields), op: z.enum(compareOps), value: z.number() }),
    /** The field is recorded (e.g. age in days, given for infants only). */
    z.object({ kind: z.literal('present'), field: z.enum(comparedFields), negated }),
    /** 离院方式 in the list of codes. */
    z.object({ kind: z.literal('disposition'), codes: z.array(z.string()).min(1), negated }),
    /** 科室 (discharge department) in the list of names. */
    z.object({ kind: z.literal('department'), codes: z.array(z.string()).min(1), negated }),
    /** A secondary diagnosis is an MCC not excluded by the principal diagnosis (has_mcc). */
    z.object({ kind: z.literal('mcc'), negated }),
    /** A secondary diagnosis is a CC not excluded by the principal diagnosis (has_cc). */
    z.object({ kind: z.literal('cc'), negated }),
    /** The case has an operating-room procedure (全部手术 / 包含全部手术). */
    z.object({ kind: z.literal('operatingRoomProcedure') }),
    /** The case has no operating-room procedure (且无手术). */
    z.object({ kind: z.literal('noOperatingRoomProcedure') }),
    /** Age in days within [min, max] (inclusive) — conditions stated only in a group's name. */
    z.object({ kind: z.literal('ageDays'), min: z.number().int().optional(), max: z.number().int().optional() }),
    /** Birth weight in grams within [min, max] (inclusive). */
    z.object({ kind: z.literal('birthWeight'), min: z.number().int().optional(), max: z.number().int().optional() }),
  ]);

  const alternativeSchema = z.object({
    /** All must hold; an empty list always holds (a local scheme's `return True`). */
    conditions: z.array(conditionSchema),
    /** The scheme text the alternative was compiled from, for the trace. */
    text: z.string(),
  });

  const adrgSchema = z.object({
    /** The ADRG code; a local scheme may define one ADRG in parts (`AH1_1`, `AH1_2`), each its own entry. */
    code: z.string().regex(/^[A-Z]{2}[0-9A-Z](_\d+)?$/),
    name: z.string(),
    mdc: z.string().regex(/^MDC[A-Z]$/),
    /** 外科 (A–J: by procedure), 操作 (K–Q: by non-OR procedure), 内科 (R–Z: by diagnosis). */
    kind: z.enum(['surgical', 'procedural', 'medical']),
    alternatives: z.array(alternativeSchema),
    /**
     * The DRGs of this ADRG. Without `when` (the national text) the DRG is chosen by its 4th
     * character from the case's MCC/CC level; with `when` (a local scheme's split conditions) the
     * DRGs are tried in order and the first whose condition holds is the case's DRG.
     */
    drgs: z.array(z.object({ code: z.string().regex(/^[A-Z]{2}[0-9A-Z]{1,4}$/), name: z.string(), when: z.array(alternativeSchema).optional() })),
    /**
     * Local schemes: the group when no split of `drgs` holds — the ADRG code itself (`AA1`), or
     * null when the ADRG then does not take the case and the next ADRG is tried.
     */
    fallback: z.string().nullable().optional(),
  });

  const mdcSchema = z.object({
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
    /** Further entry conditions (one alternative must hold); an MDC without a principal-diagnosis table and without these is entered through its ADRGs. */
    entry: z.array(alternativeSchema).optional(),
    /**
     * The MDC's ambiguous group (歧义组 xQY) rule: absent — the national rule (an operating-room
     * principal procedure that no surgical ADRG takes, every MDC but MDCA); false — the scheme has
     * no QY group here; alternatives — the scheme's own condition for its QY group.
     */
    ambiguous: z.union([z.literal(false), z.array(alternativeSchema)]).optional(),
  });

  const rulePackSchema = z.object({
    format: z.literal(rulePackFormat),
    scheme: z.string(),
    /** What the pack was compiled from: the NHSA scheme text, or an OpenDRG scheme directory. */
    source: z.enum(['nhsa-text', 'opendrg']).optional(),
    /**
     * A local scheme's second try: a case no MDC takes that has more than one procedure is grouped
     * again with each of its other procedures alone (in order); the first result that is not
     * ungroupable counts (Zhejiang 2022).
     */
    retryEachOtherProcedure: z.boolean().optional(),
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
  return { conditionSchema, alternativeSchema, adrgSchema, mdcSchema, rulePackSchema };
}

type PackSchemas = ReturnType<typeof buildSchemas>;
let built: PackSchemas | undefined;

/**
 * The zod schemas of a rule pack, built when first asked: a command that loads its pack from the
 * cache never validates one, and building them is ~8 ms of a start.
 */
export function packSchemas(): PackSchemas {
  return (built ??= buildSchemas());
}

export type Condition = z.infer<PackSchemas['conditionSchema']>;
export type Alternative = z.infer<PackSchemas['alternativeSchema']>;
export type Adrg = z.infer<PackSchemas['adrgSchema']>;
export type Mdc = z.infer<PackSchemas['mdcSchema']>;
export type RulePack = z.infer<PackSchemas['rulePackSchema']>;
