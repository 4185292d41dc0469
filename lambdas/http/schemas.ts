/**
 * zod schemas of the HTTP API's inputs and outputs. The handlers validate with them and
 * `GET /openapi.json` is generated from them (zod 4's `z.toJSONSchema`), so the document
 * cannot drift from what the handlers accept.
 */
import { z } from 'zod';
import { dipCatalogSchema } from '../../models/grouping/dip/catalog.ts';
import { problemSchema } from '../../models/problem.ts';
import { codeEditions } from '../../models/settlement/code-map.ts';
import { settlementRecordSchema } from '../../models/settlement/schema.ts';
import { ruleIds, ruleSetSchema } from '../../models/supervision/rule-set.ts';
import { schemeEntrySchema, schemeIdPattern } from '../../app/scheme-index.ts';
import { principalSchema } from '../shared/auth.ts';
import { dipSimulationResult, jobStatus, simulationResult, simulationSummary } from './result-schemas.ts';

/** A discharge date, or a whole month (the cases route reads `from=2025-01` as its first day, `to=2025-03` as its last). */
const dateOrMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, { error: 'must be a date written YYYY-MM-DD or a month written YYYY-MM' });
const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1–64 characters of letters, digits, "_", "." or "-"' });

export const listIdParams = z.object({ listId: id });
export const jobIdParams = z.object({ id: z.string().regex(/^[a-z0-9-]{8,64}$/, { error: 'is not a job id' }) });

export const caseQuery = z.object({ hospitalId: id.optional().meta({ description: 'Required for analyst and admin keys (listId is unique within a hospital); a hospital key may only name its own.' }) });

export const listQuery = z.object({
  hospitalId: id.optional().meta({ description: 'Required for analyst and admin keys unless `drg` is given; a hospital key may only name its own.' }),
  drg: z.string().regex(/^[A-Z]{2}[0-9A-Z]{1,4}$|^NONE$/, { error: 'must be a DRG code such as FM19 (national), HJ1B (local) or FQY (ambiguous), or NONE' }).optional().meta({ description: 'A DRG code of any scheme (FM19, a local HJ1B, an ambiguous FQY), or NONE for cases without one; matched against the group each case was stored with.' }),
  from: dateOrMonth.optional().meta({ description: 'First discharge date, YYYY-MM-DD, or a month YYYY-MM (its first day). Default: the first day of the 12th month back from `to`, so the list covers 12 months; `from`…`to` spans at most 36 months.' }),
  to: dateOrMonth.optional().meta({ description: 'Last discharge date, YYYY-MM-DD, or a month YYYY-MM (its last day). Default: the last day of the latest discharge month stored for the hospital (or DRG) — the latest 12 months of data, not of the calendar.' }),
  limit: z.coerce.number().int().min(1, { error: 'must be from 1 to 1000' }).max(1000, { error: 'must be from 1 to 1000' }).default(100),
  cursor: z.string().max(2048).optional(),
});

const schemeId = z.string().regex(schemeIdPattern, { error: 'must be a scheme id such as chs-drg-1.1 or suzhou_2023 (GET /v1/schemes lists them)' });

/** `?codeEdition=`: the code edition of the batch's records that do not name theirs. */
const codeEdition = z.enum(codeEditions, { error: `must be ${codeEditions.join(' or ')}` }).optional().meta({
  description: 'The code edition of records that do not name theirs in `codeEdition`: `chs-2.0` (medical-insurance edition 2.0, the default) or `gl-2.0` (the national clinical editions, mapped to the insurance edition before validation; the record keeps the codes it was sent with in `originalCodes`). A clinical code with no mapping rejects the record with `unmapped-code`.',
});

export const groupQuery = z.object({
  explain: z.enum(['true', 'false']).optional(),
  scheme: schemeId.optional().meta({ description: 'Group under this scheme (an id of GET /v1/schemes) instead of the deployment\'s default; one it does not hold is 422.' }),
  codeEdition,
});

export const ingestQuery = z.object({ codeEdition });

export const dataQualityQuery = z.object({
  hospitalId: id.optional().meta({ description: 'Required for analyst and admin keys; a hospital key may only name its own.' }),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month written YYYY-MM' }),
});

/** A payment simulation request; `policy` is the policy document (validated by the payment model). */
export const simulationRequest = z.object({
  /**
   * The settlement year: used, never ignored. A policy without `settlementYear` takes it; a policy
   * with one must name the same year (else 422 naming both).
   */
  year: z.string().regex(/^\d{4}$/, { error: 'must be a year such as 2025' }).optional().meta({ description: 'The settlement year (the discharge year of the cases paid). A policy without `settlementYear` takes this year; a policy that has one must name the same year, else the request is refused (422 naming both).' }),
  /** Only these hospitals (default: all in the lake). */
  hospitalIds: z.array(id).max(5000).optional(),
  /** The policy document (base rate, weights, outliers…); the payment model validates it. */
  policy: z.record(z.string(), z.unknown()).default({}),
  name: z.string().max(200).optional(),
  /** Regroup the stored records under this held scheme (GET /v1/schemes); without it the groups stored with each case are used. */
  scheme: schemeId.optional().meta({ description: 'Regroup the stored cases under this scheme (an id of GET /v1/schemes; one the deployment does not hold is 422). Without it, the group each case was stored with is used.' }),
});

export const stressTestRequest = z.object({
  /** A fund scenario (models/fund/scenario.ts) or a preset name. With `preset`, the scenario's fields override the preset's. */
  scenario: z.union([z.string().max(64), z.record(z.string(), z.unknown())]).optional(),
  /** A preset name (baseline, ageing, high-cost-growth, epidemic). */
  preset: z.string().max(64).optional(),
  /** Sweep one numeric field from `from` to `to` by `step` (same seed: common random numbers). */
  sweep: z.object({ parameter: z.string().max(64), from: z.number(), to: z.number(), step: z.number() }).optional(),
}).refine((r) => r.scenario !== undefined || r.preset !== undefined, { error: 'give a scenario, a preset, or both', path: ['scenario'] });

/** A stress test id, or `latest`. */
export const stressTestIdParams = z.object({ id: z.string().regex(/^(latest|[a-z0-9-]{8,64})$/, { error: 'is not a stress test id' }) });

export const overviewQuery = z.object({
  year: z.string().regex(/^\d{4}$/, { error: 'must be a year such as 2025' }).optional(),
});

const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month written YYYY-MM' });

/** The period a job over the lake reads: discharge months `from`…`to` (default: the latest month in the lake) and the hospitals (default: all). */
function periodFields(what: string) {
  return {
    from: yearMonth.optional().meta({ description: `First discharge month ${what}; with \`to\`, at most 24 months in all (default: the latest month stored).` }),
    to: yearMonth.optional().meta({ description: `Last discharge month ${what} (given with \`from\`).` }),
    hospitalIds: z.array(id).min(1).max(5000).optional(),
  };
}

/** `from` and `to` both or neither, in order, at most 24 months apart. */
function checkPeriod<S extends z.ZodType<{ from?: string | undefined; to?: string | undefined }>>(schema: S, verb: string): S {
  return schema
    .refine((r) => (r.from === undefined) === (r.to === undefined), { error: 'give both from and to, or neither', path: ['from'] })
    .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, { error: 'from must not be after to', path: ['from'] })
    .refine((r) => r.from === undefined || r.to === undefined || (Number(r.to.slice(0, 4)) - Number(r.from.slice(0, 4))) * 12 + Number(r.to.slice(5)) - Number(r.from.slice(5)) < 24, { error: `a run ${verb} at most 24 months`, path: ['to'] });
}

/** A supervision run: rule-set overrides (the rule set's own zod schema: `{}` = national defaults), discharge months, hospitals (peers are then only each other). */
export const supervisionRunRequest = checkPeriod(z.object({
  /** The rule set, or the parts of it that differ from the defaults (unknown fields are refused). */
  ruleSet: ruleSetSchema.optional(),
  ...periodFields('screened'),
}), 'screens');

/** A scheme comparison: two held schemes (A, then B) and the period of stored cases they regroup. */
export const schemeComparisonRequest = checkPeriod(z.object({
  schemes: z.array(schemeId).length(2, { error: 'name exactly two schemes: A, then B' }).meta({ description: 'The two schemes compared, A then B: ids of schemes this deployment holds.' }),
  ...periodFields('compared'),
  /** A DRG payment policy, as for POST /v1/simulations (validated by the payment model): each scheme's cases priced by it. */
  policy: z.record(z.string(), z.unknown()).optional().meta({ description: 'A DRG payment policy, as for POST /v1/simulations: each scheme\'s cases are priced by it (its weights, or its `weightsTable`, give the CMI; each hospital\'s payment under A and under B is in the result). Without one, CMI takes weights from the cases\' cost and nothing is paid.' }),
}), 'compares');

/** The flags page of a supervision run: one hospital's flags (a hospital key: its own), optionally one rule. */
export const supervisionRunQuery = z.object({
  hospitalId: id.optional(),
  rule: z.enum(ruleIds).optional(),
  limit: z.coerce.number().int().min(1, { error: 'must be from 1 to 500' }).max(500, { error: 'must be from 1 to 500' }).default(50),
  cursor: z.string().regex(/^\d{1,9}$/, { error: 'is not a cursor from a previous page' }).optional(),
});

export { supervisionRunResponse } from './result-schemas.ts';

// ---------------------------------------------------------------------------------------------
// Responses (documented in the OpenAPI document)

/** One problem with a field: where (`path`), what (`code`, stable, for programs) and one sentence. */
/** A problem (`models/problem.ts`): code from the closed vocabulary, field path, sentence. */
const problem = problemSchema;

/** Every error answer of the service, 401 and 403 of the authorizer included. */
export const errorBody = z.object({
  /** malformed, unsupported-media-type, too-large, invalid, unauthorized, forbidden, not-found, conflict, throttled, not-implemented, internal. */
  code: z.string(),
  message: z.string(),
  /** Field problems of a 422. */
  problems: z.array(problem).optional(),
});

export const ingestResponse = z.object({
  batchId: z.string(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  created: z.number().int(),
  unchanged: z.number().int(),
  replaced: z.number().int(),
  warnings: z.number().int(),
  errors: z.array(problemSchema.extend({ index: z.number().int(), listId: z.string().nullable() })),
  errorsTruncated: z.boolean().optional(),
});

/** Which scheme grouped a case: its id and the hash of its compiled pack (GET /v1/schemes). */
const groupedBy = {
  scheme: z.string().optional().meta({ description: 'The id of the scheme that grouped the case (absent for cases stored before schemes were recorded: the national CHS-DRG 1.1 text).' }),
  packHash: z.string().optional().meta({ description: 'sha256 of the compiled rule pack that grouped it.' }),
};

const grouping = z.object({
  status: z.enum(['grouped', 'ambiguous', 'ungroupable']),
  mdc: z.string().nullable(),
  adrg: z.string().nullable(),
  drg: z.string().nullable(),
  severity: z.enum(['mcc', 'cc', 'none']).optional(),
  ...groupedBy,
});
const trace = z.array(z.object({ step: z.string(), text: z.string(), codes: z.array(z.string()).optional() }));

export const storedRecordSchema = settlementRecordSchema.omit({ patientId: true }).extend({ patientRef: z.string().optional() });

/** The case's DIP packet under the catalogue active when it was ingested or grouped (present only with an active catalogue). */
export const caseDip = z.object({
  /** 'fallback': ungrouped (no packet by the rules, paid by item); `packet` is the catch-all of its class, shown for information. */
  status: z.enum(['grouped', 'fallback']),
  packet: z.string(),
  kind: z.enum(['core', 'comprehensive']),
  /** null for an ungrouped case when the catalogue has no catch-all packet (an imported packet list). */
  score: z.number().nullable(),
  auxiliary: z.object({ tier: z.string(), rule: z.string(), coefficient: z.number() }).nullable(),
  /** sha-256 of the catalogue document. */
  catalog: z.string(),
});

export const caseResponse = z.object({
  hospitalId: z.string(),
  listId: z.string(),
  record: storedRecordSchema,
  grouping,
  dip: caseDip.optional(),
  /** The DRG's relative weight in the payment table, null when it has none. */
  weight: z.number().nullable(),
  trace,
  version: z.number().int(),
  contentHash: z.string(),
  batchId: z.string(),
  ingestedAt: z.string(),
});

export const caseListResponse = z.object({
  /** Cases without their trace and weight (GET /v1/cases/{listId} has both). */
  items: z.array(caseResponse.omit({ trace: true, weight: true })),
  cursor: z.string().optional(),
});

/** A scheme's identity in an answer: its id and pack hash. */
export const schemeRef = z.object({ id: z.string(), packHash: z.string() });

export const groupResponse = z.object({
  /** The scheme every record of the answer was grouped under. */
  scheme: schemeRef,
  results: z.array(z.object({
    index: z.number().int(),
    listId: z.string().nullable(),
    status: z.enum(['grouped', 'ambiguous', 'ungroupable', 'invalid']),
    mdc: z.string().nullable(),
    adrg: z.string().nullable(),
    drg: z.string().nullable(),
    severity: z.enum(['mcc', 'cc', 'none']).optional(),
    weight: z.number().nullable(),
    dip: caseDip.optional(),
    errors: z.array(problem).optional(),
    warnings: z.array(problem).optional(),
    trace: trace.optional(),
  })),
  counts: z.record(z.string(), z.number().int()),
});

export const simulationJobResponse = z.object({
  id: z.string(),
  status: jobStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  progress: z.object({ partitionsDone: z.number().int(), partitionsTotal: z.number().int().nullable(), casesRead: z.number().int() }),
  summary: simulationSummary.optional(),
  /** A DRG policy's result document, or a DIP policy's (`method: "dip"`). */
  result: z.union([simulationResult, dipSimulationResult]).optional(),
  error: z.string().optional(),
});

export const meResponse = principalSchema;

export const schemesResponse = z.object({
  /** The id of the scheme the deployment groups by unless a request names another. */
  default: z.string(),
  schemes: z.array(schemeEntrySchema.extend({ default: z.boolean() })),
});

export const overviewResponse = z.object({
  /** The year shown (the query's, else the latest in the lake), null when the lake is empty. */
  year: z.string().nullable(),
  /** Years with cases in the lake. */
  years: z.array(z.string()),
  /** A hospital key: its own hospital, the only one counted. */
  hospitalId: z.string().optional(),
  months: z.array(z.object({ month: z.string(), cases: z.number().int(), totalCost: z.number() })),
  hospitals: z.array(z.object({
    hospitalId: z.string(),
    cases: z.number().int(),
    grouped: z.number().int(),
    ambiguous: z.number().int(),
    ungroupable: z.number().int(),
    /** (grouped + ambiguous) / cases (入组率). */
    inGroupRate: z.number().min(0).max(1),
    cmi: z.number().nullable(),
    totalCost: z.number(),
  })),
  totals: z.object({ cases: z.number().int(), inGroupRate: z.number().min(0).max(1), cmi: z.number().nullable(), totalCost: z.number() }),
});

/** The active catalogue's summary: its identity and the catalogue's own quality figures. */
export const dipCatalogSummary = z.object({
  /** sha-256 of the validated document; also the name of its S3 object. */
  id: z.string(),
  key: z.string(),
  builtAt: z.string(),
  activatedAt: z.string(),
  policy: z.object({ name: z.string().nullable(), version: z.string() }),
  referenceYears: z.array(z.number().int()),
  packets: z.number().int(),
  ...dipCatalogSchema.shape.quality.pick({ cases: true, coreCoverage: true, corePackets: true, comprehensivePackets: true, tieredPackets: true, packetsWithAuxiliary: true, riv: true, rivWithAuxiliary: true }).shape,
});

export const healthResponse = z.object({ status: z.literal('ok'), service: z.string() });

export const dataQualityResponse = z.object({
  hospitalId: z.string(),
  month: z.string(),
  batches: z.number().int(),
  received: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  rejectionRate: z.number(),
  rejectionsByReason: z.array(z.object({ reason: z.string(), records: z.number().int(), rate: z.number() })),
  greyCodes: z.number().int(),
  warned: z.number().int(),
  missingOptionalFields: z.array(z.object({ field: z.string(), records: z.number().int(), rate: z.number() })),
});
