/**
 * Case templates for the synthetic generator: for each ADRG of a rule pack, a few coding
 * patterns (principal diagnosis, procedures, required diagnoses, demographics) that the grouper
 * really assigns to that ADRG. Templates are drawn from the scheme's own code lists and each one
 * is checked by grouping it, so generated cases land in their intended group by construction.
 */
import { groupCase, type GroupingInput } from '../grouping/drg/grouper.ts';
import { exclusionTablesByPrincipal } from '../grouping/drg/diagnosis-table.ts';
import type { Adrg, Alternative, RulePack } from '../grouping/drg/pack.ts';
import type { Random } from '../random.ts';
import type { CodeSets } from '../settlement/codes.ts';

export interface CaseTemplate {
  adrg: string;
  mdc: string;
  kind: Adrg['kind'];
  principalDiagnosis: string;
  /** Diagnoses the ADRG needs besides the principal (MDCZ's second body site, PS's P07 code, …). */
  requiredDiagnoses: string[];
  procedures: string[];
  sex?: 'M' | 'F';
  /** Inclusive age range in years. */
  ageYears: [number, number];
  /** For ageYears 0: inclusive age range in days. */
  ageDays?: [number, number];
  /** Inclusive birth-weight range in grams (newborns). */
  birthWeight?: [number, number];
}

/** Severity pools: secondary diagnoses that are MCC / CC / neither, and that change nothing but severity. */
export interface SecondaryPools {
  mcc: { code: string; table: string | null }[];
  cc: { code: string; table: string | null }[];
  plain: string[];
  /** Principal diagnosis → the exclusion tables that contain it. */
  excludingTables: Map<string, ReadonlySet<string>>;
}

export interface TemplateLibrary {
  byAdrg: Map<string, CaseTemplate[]>;
  pools: SecondaryPools;
  /** ADRGs for which no template could be found, with the reason. */
  missing: { adrg: string; reason: string }[];
}

/** Which MDC's principal-diagnosis table a pre-MDC (MDCA) template draws its principal diagnosis from. */
const preMdcPrincipalFrom: Record<string, string> = { AA1: 'MDCF', AB1: 'MDCH', AC1: 'MDCL', AD1: 'MDCK', AE1: 'MDCL', AF1: 'MDCE', AG1: 'MDCR', AG2: 'MDCR', AH1: 'MDCE' };

export interface TemplateOptions {
  /** Distinct templates kept per ADRG. */
  perAdrg?: number;
  /** Attempts per ADRG before giving up. */
  attempts?: number;
}

export function buildTemplateLibrary(pack: RulePack, codeSets: CodeSets, random: Random, options: TemplateOptions = {}): TemplateLibrary {
  const perAdrg = options.perAdrg ?? 12;
  const attempts = options.attempts ?? 400;
  const usableDx = (code: string) => codeSets.diagnoses.has(code) && !codeSets.greyDiagnoses.has(code);
  const usableProcedure = (code: string) => codeSets.procedures.has(code) && !codeSets.greyProcedures.has(code);
  const listCache = new Map<number, { dx: string[]; procedures: string[] }>();
  const usable = (list: number) => {
    let entry = listCache.get(list);
    if (!entry) {
      const codes = pack.lists[list] ?? [];
      entry = { dx: codes.filter(usableDx), procedures: codes.filter(usableProcedure) };
      listCache.set(list, entry);
    }
    return entry;
  };
  const orSet = new Set(pack.lists[pack.operatingRoomProcedures] ?? []);
  const orProcedures = [...orSet].filter(usableProcedure);
  // Non-operating-room procedures that no ADRG lists: what medical cases commonly carry (imaging, lab, drips).
  const listed = new Set<string>();
  for (const adrg of pack.adrgs) for (const alt of adrg.alternatives) for (const c of alt.conditions) if ('list' in c && (c.kind === 'principalProcedure' || c.kind === 'anyProcedure')) for (const code of pack.lists[c.list] ?? []) listed.add(code);
  const medicalProcedures = [...codeSets.procedures.keys()].filter((c) => !orSet.has(c) && !listed.has(c) && usableProcedure(c));
  const mdcTable = new Map(pack.mdcs.filter((m) => m.principalDiagnoses !== undefined).map((m) => [m.code, m.principalDiagnoses!]));
  const pick = <T>(items: readonly T[]): T | undefined => (items.length === 0 ? undefined : items[Math.floor(random.uniform() * items.length)]);

  /** A code that is neither MCC nor CC when the list has one: required diagnoses must not set the severity. */
  const pickQuiet = (codes: readonly string[]): string | undefined => {
    for (let i = 0; i < 8; i++) {
      const code = pick(codes);
      if (code !== undefined && !(code in pack.mcc) && !(code in pack.cc)) return code;
    }
    return pick(codes);
  };
  const byAdrg = new Map<string, CaseTemplate[]>();
  const missing: TemplateLibrary['missing'] = [];
  for (const adrg of pack.adrgs) {
    const found = new Map<string, CaseTemplate>();
    let lastReason = 'no combination of its listed codes grouped back to it';
    for (let attempt = 0; attempt < attempts && found.size < perAdrg; attempt++) {
      const alternative = pick(adrg.alternatives)!;
      const template = draft(adrg, alternative);
      if (typeof template === 'string') {
        lastReason = template;
        continue;
      }
      const input: GroupingInput = {
        sex: template.sex ?? 'F',
        ageYears: template.ageYears[0],
        ageDays: template.ageDays?.[0],
        birthWeightGrams: template.birthWeight ? Math.round((template.birthWeight[0] + template.birthWeight[1]) / 2) : undefined,
        principalDiagnosis: template.principalDiagnosis,
        secondaryDiagnoses: template.requiredDiagnoses,
        procedures: template.procedures,
      };
      const result = groupCase(pack, input, { trace: false });
      if (result.adrg !== adrg.code) continue;
      if (template.sex === undefined && groupCase(pack, { ...input, sex: 'M' }, { trace: false }).adrg !== adrg.code) template.sex = 'F';
      found.set(`${template.principalDiagnosis}|${template.procedures.join(',')}|${template.requiredDiagnoses.join(',')}`, template);
    }
    if (found.size === 0) missing.push({ adrg: adrg.code, reason: lastReason });
    else byAdrg.set(adrg.code, [...found.values()]);
  }
  return { byAdrg, pools: secondaryPools(pack, codeSets), missing };

  /** A candidate template for one alternative of an ADRG, or the reason it cannot be drafted. */
  function draft(adrg: Adrg, alternative: Alternative): CaseTemplate | string {
    const template: CaseTemplate = { adrg: adrg.code, mdc: adrg.mdc, kind: adrg.kind, principalDiagnosis: '', requiredDiagnoses: [], procedures: [], ageYears: [18, 85] };
    if (adrg.mdc === 'MDCM') template.sex = 'M';
    if (adrg.mdc === 'MDCN' || adrg.mdc === 'MDCO') template.sex = 'F';
    if (adrg.mdc === 'MDCO') template.ageYears = [18, 45];
    if (adrg.mdc === 'MDCP') {
      template.ageYears = [0, 0];
      template.ageDays = [0, 28];
      template.birthWeight = [2500, 4200];
    }
    let principalProcedure: string | undefined;
    const extraProcedures: string[] = [];
    let needsOr = false;
    let forbidsOr = false;
    for (const c of alternative.conditions) {
      switch (c.kind) {
        case 'principalDiagnosis': {
          const code = pick(usable(c.list).dx);
          if (!code) return `its principal-diagnosis list has no usable (valid, non-grey) code`;
          template.principalDiagnosis = code;
          break;
        }
        case 'anyDiagnosis': {
          const code = pickQuiet(usable(c.list).dx);
          if (!code) return 'its diagnosis list has no usable code';
          template.requiredDiagnoses.push(code);
          break;
        }
        case 'principalProcedure': {
          const code = pick(usable(c.list).procedures);
          if (!code) return 'its principal-procedure list has no usable (valid, non-grey) code';
          principalProcedure = code;
          break;
        }
        case 'anyProcedure': {
          const code = pick(usable(c.list).procedures);
          if (!code) return 'a procedure table has no usable code';
          extraProcedures.push(code);
          break;
        }
        case 'operatingRoomProcedure':
          needsOr = true;
          break;
        case 'noOperatingRoomProcedure':
          forbidsOr = true;
          break;
        case 'ageDays':
          template.ageDays = [Math.max(0, c.min ?? 0), Math.min(364, c.max ?? 364)];
          break;
        case 'birthWeight':
          template.birthWeight = [Math.max(500, c.min ?? 500), Math.min(5000, c.max ?? 5000)];
          break;
      }
    }
    if (template.principalDiagnosis === '') {
      const from = adrg.mdc === 'MDCA' ? (preMdcPrincipalFrom[adrg.code] ?? 'MDCE') : adrg.mdc;
      const table = mdcTable.get(from);
      const code = table === undefined ? undefined : pick(usable(table).dx);
      if (!code) return `no usable principal diagnosis in the ${from} table`;
      template.principalDiagnosis = code;
    }
    if (adrg.mdc === 'MDCZ' && template.requiredDiagnoses.length === 0) {
      // Multiple trauma needs a second body site: another MDCZ site's code as a secondary diagnosis.
      const sites = pack.mdcs.find((m) => m.code === 'MDCZ')?.bodySites ?? [];
      const other = pick(sites.filter((s) => !(pack.lists[s.list] ?? []).includes(template.principalDiagnosis)));
      const code = other ? pickQuiet(usable(other.list).dx) : undefined;
      if (code) template.requiredDiagnoses.push(code);
    }
    if (needsOr && principalProcedure === undefined) principalProcedure = pick(orProcedures);
    if (principalProcedure === undefined && !forbidsOr && adrg.kind === 'medical' && random.uniform() < 0.45) principalProcedure = pick(medicalProcedures);
    template.procedures = principalProcedure === undefined ? extraProcedures : [principalProcedure, ...extraProcedures.filter((p) => p !== principalProcedure)];
    if (forbidsOr) template.procedures = template.procedures.filter((p) => !orSet.has(p));
    return template;
  }
}

/**
 * Secondary diagnoses that change only a case's severity: valid codes in no MDCZ body-site
 * table and in no "any diagnosis" list, split into MCC, CC and plain codes.
 */
export function secondaryPools(pack: RulePack, codeSets: CodeSets): SecondaryPools {
  const avoid = new Set<string>();
  for (const mdc of pack.mdcs) for (const site of mdc.bodySites ?? []) for (const code of pack.lists[site.list] ?? []) avoid.add(code);
  for (const adrg of pack.adrgs) for (const alt of adrg.alternatives) for (const c of alt.conditions) if (c.kind === 'anyDiagnosis') for (const code of pack.lists[c.list] ?? []) avoid.add(code);
  const usable = (code: string) => codeSets.diagnoses.has(code) && !avoid.has(code);
  const mcc = Object.entries(pack.mcc).filter(([code]) => usable(code)).map(([code, table]) => ({ code, table }));
  const cc = Object.entries(pack.cc).filter(([code]) => usable(code) && !(code in pack.mcc)).map(([code, table]) => ({ code, table }));
  const plain: string[] = [];
  for (const code of codeSets.diagnoses.keys()) {
    if (!(code in pack.mcc) && !(code in pack.cc) && usable(code) && /^[A-Z]\d{2}\.\d{3}$/.test(code)) plain.push(code);
  }
  // A Map of Sets (one per distinct list of tables), so the pools can be posted to worker threads.
  const sets = new Map<readonly string[], Set<string>>();
  const excludingTables = new Map<string, Set<string>>();
  for (const [code, tables] of exclusionTablesByPrincipal(pack)) {
    let set = sets.get(tables);
    if (set === undefined) sets.set(tables, (set = new Set(tables)));
    excludingTables.set(code, set);
  }
  return { mcc, cc, plain, excludingTables };
}
