/**
 * The synthetic settlement-list generator: realistic, valid settlement records for demos,
 * tests and benchmarks — no real patient data.
 *
 * A case of DRG g costs about RW_g × baseAmount × levelFactor × the hospital's efficiency ×
 * a log-normal spread (σ per case), with a few true outliers; its cost categories sum to the
 * total; its length of stay grows with its cost; its codes come from templates the grouper
 * assigns to g's ADRG, with secondary diagnoses chosen for g's complication level.
 * Hospitals have levels 1–3 with different sizes and case mixes; admissions follow the months
 * with a winter peak; costs inflate year on year; newborns carry birth weights; some patients
 * die or are transferred; pseudonymous patients come back (readmissions).
 * Deterministic for a seed.
 */
import type { RulePack } from '../grouping/drg/pack.ts';
import { aliasTable, createRandom, drawAlias, type Random } from '../random.ts';
import type { CodeSets } from '../settlement/codes.ts';
import { costCategories, type CostCategory, type SettlementRecord } from '../settlement/schema.ts';
import { buildTemplateLibrary, type CaseTemplate, type SecondaryPools, type TemplateLibrary } from './templates.ts';

export interface SynthOptions {
  seed: number;
  hospitals: number;
  years: number[];
  casesPerYear: number;
  /** DRG → RW of the calibration table. */
  relativeWeights: Map<string, number>;
  /** Yuan per RW at a level-3 hospital in the first year (the table's implied 费率, or 10 000). */
  baseAmount?: number;
  /** Yearly cost inflation (default 4 %). */
  inflation?: number;
  /** Log-normal σ of a case's cost around its group's mean (default 0.35). */
  costSigma?: number;
  /** Share of true high-cost outliers (default 1.5 %) and of very cheap cases (default 2 %). */
  highOutlierRate?: number;
  lowOutlierRate?: number;
}

export interface SyntheticHospital {
  hospitalId: string;
  name: string;
  level: 1 | 2 | 3;
  /** Relative number of cases. */
  size: number;
  /** Cost multiplier of this hospital (1 = average for its level). */
  efficiency: number;
  /** Case-mix tilt: selection weight × RW^tilt (level-3 hospitals treat heavier cases). */
  caseMixTilt: number;
}

/** The generator's ground truth for a case: the DRG it was built for. */
export interface SyntheticTruth {
  listId: string;
  intendedDrg: string;
}

export interface SyntheticCase {
  record: SettlementRecord;
  truth: SyntheticTruth;
}

/** Cost factor by hospital level (a level-3 case of the same DRG costs most). */
const levelFactor: Record<1 | 2 | 3, number> = { 1: 0.72, 2: 0.86, 3: 1 };
/** Relative admissions by month (Jan…Dec): a winter peak. */
const monthWeights = [1.18, 1.02, 1.06, 0.96, 0.94, 0.9, 0.92, 0.94, 0.95, 0.98, 1.04, 1.16];

/** Cost-category profiles (shares before noise): surgical cases spend on surgery and materials, medical ones on drugs and tests. */
const profiles: Record<CaseTemplate['kind'], Partial<Record<CostCategory, number>>> = {
  surgical: { bed: 0.05, consultation: 0.02, exam: 0.07, lab: 0.08, treatment: 0.08, surgery: 0.2, nursing: 0.04, materials: 0.22, westernDrugs: 0.17, herbalDrugs: 0.01, patentDrugs: 0.02, generalCare: 0.02, registration: 0.005, other: 0.015 },
  procedural: { bed: 0.06, consultation: 0.02, exam: 0.12, lab: 0.1, treatment: 0.14, surgery: 0.05, nursing: 0.05, materials: 0.18, westernDrugs: 0.19, herbalDrugs: 0.01, patentDrugs: 0.03, generalCare: 0.02, registration: 0.005, other: 0.015 },
  medical: { bed: 0.1, consultation: 0.03, exam: 0.12, lab: 0.14, treatment: 0.1, surgery: 0, nursing: 0.07, materials: 0.05, westernDrugs: 0.28, herbalDrugs: 0.03, patentDrugs: 0.05, generalCare: 0.02, registration: 0.005, other: 0.015 },
};

export interface SyntheticGenerator {
  hospitals: SyntheticHospital[];
  library: TemplateLibrary;
  /** DRGs the generator can produce (in the table, with a template), and those it cannot. */
  drgs: string[];
  skippedDrgs: string[];
  /** The cases of one year, in a deterministic order (its chunks one after the other). */
  year(year: number): Generator<SyntheticCase, void, unknown>;
  /**
   * Chunk `index` of a year: cases index·chunkSize … (index+1)·chunkSize − 1, from a random
   * stream of its own, so chunks can be generated in parallel and the output does not depend
   * on how many threads made it.
   */
  chunk(year: number, index: number): Generator<SyntheticCase, void, unknown>;
  /** The number of chunks of a year. */
  chunkCount: number;
}

/** Cases per chunk: the unit of parallel generation (a fixed constant, so output is thread-independent). */
export const synthChunkSize = 25_000;

/**
 * A generator for `options`. Its templates are built from the code sets (with the seed's own
 * random stream), or given: a library built earlier for the same pack and seed (worker threads
 * get the main thread's instead of building their own).
 */
export function createGenerator(pack: RulePack, templates: CodeSets | TemplateLibrary, options: SynthOptions): SyntheticGenerator {
  const random = createRandom(options.seed, 0);
  const library = 'byAdrg' in templates ? templates : buildTemplateLibrary(pack, templates, createRandom(options.seed, 1));
  const hospitals = makeHospitals(options.hospitals, random);
  const drgName = new Map(pack.adrgs.flatMap((a) => a.drgs.map((d) => [d.code, a] as const)));
  const drgs: string[] = [];
  const skippedDrgs: string[] = [];
  for (const [drg, rw] of options.relativeWeights) {
    const adrg = drgName.get(drg);
    if (adrg && library.byAdrg.has(adrg.code) && rw > 0) drgs.push(drg);
    else skippedDrgs.push(drg);
  }
  drgs.sort();
  const rws = Float64Array.from(drgs, (d) => options.relativeWeights.get(d)!);
  // Case-mix: lighter groups are more common; 1/3 (complication) variants rarer than 5/9.
  const suffixShare: Record<string, number> = { '1': 0.35, '3': 0.6, '5': 1, '9': 0.9 };
  const baseFrequency = Float64Array.from(drgs, (d, i) => Math.pow(rws[i]!, -0.8) * (suffixShare[d[3]!] ?? 1));
  // Draws by Walker's alias method: O(1) per case where a binary search over 600 groups cost ~10 branches.
  // One table per distinct case-mix tilt (one per level), shared by its hospitals: three small tables stay in cache, 200 did not.
  const tilts = [...new Set(hospitals.map((h) => h.caseMixTilt))];
  const drgAliasByTilt = new Map(tilts.map((tilt) => [tilt, aliasTable(Float64Array.from(baseFrequency, (f, i) => f * Math.pow(rws[i]!, tilt)))]));
  const drgAliasByHospital = hospitals.map((h) => drgAliasByTilt.get(h.caseMixTilt)!);
  const hospitalAlias = aliasTable(Float64Array.from(hospitals, (h) => h.size));
  const baseAmount = options.baseAmount ?? 10_000;
  const inflation = options.inflation ?? 0.04;
  const sigma = options.costSigma ?? 0.35;
  const highRate = options.highOutlierRate ?? 0.015;
  const lowRate = options.lowOutlierRate ?? 0.02;
  const firstYear = Math.min(...options.years);
  const adrgOf = (drg: string) => drgName.get(drg)!;
  /** Whether DRG i's ADRG has a `1` (with MCC) group, so its `3` group must not get an MCC. */
  const hasMccVariant = drgs.map((d) => adrgOf(d).drgs.some((x) => x.code.endsWith('1')));
  // Per DRG index, looked up once: its ADRG's templates, flattened for the loop below.
  const templatesOf = drgs.map((d) => library.byAdrg.get(adrgOf(d).code)!.map((t) => drawTemplate(t, library.pools)));
  const nineSeverities = ['none', 'none', 'cc', 'mcc'] as const;

  return {
    hospitals,
    library,
    drgs,
    skippedDrgs,
    chunkCount: Math.ceil(options.casesPerYear / synthChunkSize),
    *year(year: number) {
      for (let i = 0; i < this.chunkCount; i++) yield* this.chunk(year, i);
    },
    *chunk(year: number, chunkIndex: number) {
      const r = createRandom(options.seed, 1_000 + year * 10_000 + chunkIndex);
      const recent: { patientId: string; discharge: number; hospital: number }[] = [];
      let patientSeq = 0;
      const first = chunkIndex * synthChunkSize;
      const count = Math.max(0, Math.min(synthChunkSize, options.casesPerYear - first));
      const yearStart = Date.UTC(year, 0, 1);
      const daysInYear = (Date.UTC(year + 1, 0, 1) - yearStart) / 86_400_000;
      const dayAlias = aliasTable(Float64Array.from({ length: daysInYear }, (_, d) => monthWeights[new Date(yearStart + d * 86_400_000).getUTCMonth()]!));
      const listIdPrefix = hospitals.map((hospital) => `${hospital.hospitalId}-${year}-`);
      const patientIdPrefix = `PT${String(options.seed % 1000).padStart(3, '0')}${year}${String(chunkIndex).padStart(3, '0')}`;
      const yearFactor = Math.pow(1 + inflation, year - firstYear);
      // ISO dates of the days around the year (admissions may start in the year before), built once.
      const isoDays = Array.from({ length: daysInYear + 200 }, (_, i) => isoDay(yearStart, i - 200));
      const dateOf = (day: number) => isoDays[day + 200] ?? isoDay(yearStart, day);
      for (let n = 0; n < count; n++) {
        const h = drawAlias(hospitalAlias, r.uniform());
        const hospital = hospitals[h]!;
        const g = drawAlias(drgAliasByHospital[h]!, r.uniform());
        const drg = drgs[g]!;
        const templates = templatesOf[g]!;
        const template = templates[Math.floor(r.uniform() * templates.length)]!;
        const listId = listIdPrefix[h]! + String(first + n + 1).padStart(7, '0');

        // Demographics.
        const sex = template.sex ?? (r.uniform() < 0.5 ? 'M' : 'F');
        // Adults by default; some children where the template does not fix the age or sex.
        const child = template.mayBeChild && r.uniform() < 0.08;
        const ageYears = template.ageLow === template.ageHigh ? template.ageLow : child ? 1 + Math.floor(r.uniform() * 17) : sampleAge(r, template.ageLow, template.ageHigh);
        const record: SettlementRecord = {
          listId,
          hospitalId: hospital.hospitalId,
          hospitalLevel: hospital.level,
          insuranceType: r.uniform() < (hospital.level === 3 ? 0.55 : 0.35) ? 'employee' : 'resident',
          patientId: '',
          sex,
          ageYears,
          lengthOfStay: 0,
          dischargeDisposition: '1',
          principalDiagnosis: template.principalDiagnosis,
          secondaryDiagnoses: [],
          procedures: template.procedures,
        };
        if (ageYears === 0) {
          const [lo, hi] = template.source.ageDays ?? [0, 364];
          record.ageDays = lo + Math.floor(r.uniform() * (hi - lo + 1));
          if (record.ageDays <= 28 || template.source.birthWeight) {
            const [wlo, whi] = template.source.birthWeight ?? [2500, 4200];
            record.birthWeightGrams = wlo + Math.floor(r.uniform() * (whi - wlo + 1));
          }
        }

        // Complications for the DRG's 4th character.
        const suffix = drg[3]!;
        const severity = suffix === '1' ? 'mcc' : suffix === '3' ? (hasMccVariant[g] || r.uniform() < 0.8 ? 'cc' : 'mcc') : suffix === '5' ? 'none' : nineSeverities[Math.floor(r.uniform() * 4)]!;
        record.secondaryDiagnoses = secondaries(library.pools, template, severity, r);

        // Cost, stay, dates.
        const rw = rws[g]!;
        let shock = Math.exp(sigma * r.normal() - (sigma * sigma) / 2);
        const u = r.uniform();
        if (u < highRate) shock *= 2.5 + 4 * r.uniform();
        else if (u < highRate + lowRate) shock *= 0.15 + 0.3 * r.uniform();
        const totalCost = round2(rw * baseAmount * levelFactor[hospital.level] * hospital.efficiency * yearFactor * shock);
        const baseStay = 2 + 3.2 * Math.sqrt(rw);
        const lengthOfStay = Math.max(1, Math.min(180, Math.round(baseStay * Math.pow(shock, 0.6) * Math.exp(0.15 * r.normal()))));
        record.lengthOfStay = lengthOfStay;
        let discharge = drawAlias(dayAlias, r.uniform());
        let patientId: string | null = null;
        if (recent.length > 50 && r.uniform() < 0.06) {
          // A readmission: an earlier patient of (mostly) the same hospital comes back within a month.
          const previous = recent[Math.floor(r.uniform() * recent.length)]!;
          const gap = 1 + Math.floor(r.uniform() * 30);
          const readmitDischarge = previous.discharge + gap + lengthOfStay;
          if (readmitDischarge < daysInYear) {
            patientId = previous.patientId;
            discharge = readmitDischarge;
          }
        }
        patientId ??= patientIdPrefix + String(++patientSeq).padStart(5, '0');
        if (recent.length < 5000) recent.push({ patientId, discharge, hospital: h });
        else recent[Math.floor(r.uniform() * recent.length)] = { patientId, discharge, hospital: h };
        record.patientId = patientId;
        const admission = discharge - lengthOfStay;
        record.admissionDate = dateOf(admission);
        record.dischargeDate = dateOf(discharge);
        record.dischargeDisposition = disposition(r, severity);
        record.totalCost = totalCost;
        record.costs = splitCost(totalCost, template.costProfile, r);
        const fundShare = record.insuranceType === 'employee' ? 0.8 : 0.65;
        record.fundPayment = round2(totalCost * fundShare * (0.92 + 0.08 * r.uniform()));
        record.selfPay = round2(totalCost - record.fundPayment);
        yield { record, truth: { listId, intendedDrg: drg } };
      }
    },
  };
}

function makeHospitals(count: number, random: Random): SyntheticHospital[] {
  const out: SyntheticHospital[] = [];
  for (let i = 0; i < count; i++) {
    const u = random.uniform();
    const level: 1 | 2 | 3 = i === 0 || u < 0.22 ? 3 : u < 0.7 ? 2 : 1;
    const size = (level === 3 ? 5 : level === 2 ? 2 : 0.7) * Math.exp(0.35 * random.normal());
    out.push({
      hospitalId: `HOSP${String(i + 1).padStart(3, '0')}`,
      name: `${level === 3 ? '第' + (i + 1) + '人民医院' : level === 2 ? '区' + (i + 1) + '医院' : '乡镇卫生院' + (i + 1)}`,
      level,
      size: round2(size),
      efficiency: round2(Math.exp(0.12 * random.normal())),
      caseMixTilt: level === 3 ? 0.35 : level === 2 ? 0 : -0.45,
    });
  }
  return out;
}

/**
 * A case template flattened for the generator's loop: every one has the same fields (no
 * optional ones), so reading them stays monomorphic, and what a case needs from lookups
 * (the exclusion tables holding its principal, its cost profile) is looked up once.
 */
interface DrawTemplate {
  source: CaseTemplate;
  principalDiagnosis: string;
  requiredDiagnoses: string[];
  procedures: string[];
  sex: 'M' | 'F' | undefined;
  ageLow: number;
  ageHigh: number;
  /** An adult template without a fixed sex: some of its cases are children. */
  mayBeChild: boolean;
  /** The exclusion tables that contain the principal diagnosis. */
  excluding: ReadonlySet<string> | undefined;
  costProfile: Float64Array;
}

function drawTemplate(t: CaseTemplate, pools: SecondaryPools): DrawTemplate {
  return {
    source: t,
    principalDiagnosis: t.principalDiagnosis,
    requiredDiagnoses: t.requiredDiagnoses,
    procedures: t.procedures,
    sex: t.sex,
    ageLow: t.ageYears[0],
    ageHigh: t.ageYears[1],
    mayBeChild: t.ageYears[0] === 18 && t.ageYears[1] === 85 && t.sex === undefined,
    excluding: pools.excludingTables.get(t.principalDiagnosis),
    costProfile: profileShares[t.kind],
  };
}

/**
 * The template's required diagnoses, then secondary diagnoses that give the case `severity`
 * (MCC / CC / none) with its principal diagnosis.
 */
function secondaries(pools: SecondaryPools, template: DrawTemplate, severity: 'mcc' | 'cc' | 'none', r: Random): string[] {
  const principal = template.principalDiagnosis;
  const excluding = template.excluding;
  const out = template.requiredDiagnoses.slice();
  if (severity === 'mcc') {
    const code = pickCounted(pools.mcc, excluding, principal, r);
    if (code) out.push(code);
  }
  if (severity === 'cc' || (severity === 'mcc' && r.uniform() < 0.5)) {
    const code = pickCounted(pools.cc, excluding, principal, r);
    if (code) out.push(code);
  }
  const plain = Math.floor(r.uniform() * 3.2);
  for (let i = 0; i < plain; i++) {
    const code = pools.plain[Math.floor(r.uniform() * pools.plain.length)];
    if (code && code !== principal && !out.includes(code)) out.push(code);
  }
  return out;
}

/** A secondary from the pool that counts with this principal (its exclusion table does not hold the principal). */
function pickCounted(pool: SecondaryPools['mcc'], excluding: ReadonlySet<string> | undefined, principal: string, r: Random): string | undefined {
  for (let tries = 0; tries < 20; tries++) {
    const e = pool[Math.floor(r.uniform() * pool.length)];
    if (e && (e.table === null || !excluding?.has(e.table)) && e.code !== principal) return e.code;
  }
  return undefined;
}

/** 离院方式: deaths and transfers are likelier with complications. */
function disposition(r: Random, severity: 'mcc' | 'cc' | 'none'): SettlementRecord['dischargeDisposition'] {
  const u = r.uniform();
  const death = severity === 'mcc' ? 0.035 : severity === 'cc' ? 0.01 : 0.003;
  if (u < death) return '5';
  if (u < death + 0.02) return '2';
  if (u < death + 0.03) return '3';
  if (u < death + 0.05) return '4';
  if (u < death + 0.06) return '9';
  return '1';
}

/** Profiles as arrays in `costCategories` order. */
const profileShares: Record<CaseTemplate['kind'], Float64Array> = {
  surgical: Float64Array.from(costCategories, (c) => profiles.surgical[c] ?? 0),
  procedural: Float64Array.from(costCategories, (c) => profiles.procedural[c] ?? 0),
  medical: Float64Array.from(costCategories, (c) => profiles.medical[c] ?? 0),
};
const shareScratch = new Float64Array(costCategories.length);

/** Split a total into the cost categories by a profile with noise; the parts sum to the total to the cent. */
function splitCost(total: number, profile: Float64Array, r: Random): Partial<Record<CostCategory, number>> {
  let sum = 0;
  let largest = 0;
  for (let i = 0; i < profile.length; i++) {
    const share = profile[i]! === 0 ? 0 : profile[i]! * Math.exp(0.3 * r.normal());
    shareScratch[i] = share;
    sum += share;
    if (share > shareScratch[largest]!) largest = i;
  }
  const cents = Math.round(total * 100);
  let allocated = 0;
  const parts = partScratch;
  let positive = 0;
  for (let i = 0; i < profile.length; i++) {
    const part = Math.floor((cents * shareScratch[i]!) / sum);
    parts[i] = part;
    allocated += part;
  }
  parts[largest]! += cents - allocated;
  for (let i = 0; i < parts.length; i++) if (parts[i]! > 0) positive++;
  return positive === parts.length ? allCategories(parts) : positive === parts.length - 1 && parts[surgery] === 0 ? allButSurgery(parts) : someCategories(parts);
}

const partScratch = new Int32Array(costCategories.length);
const surgery = costCategories.indexOf('surgery');

// Cost objects in their two common shapes are built as literals (one hidden class each, no
// key-by-key transitions); the order is `costCategories`'.
function allCategories(p: Int32Array): Partial<Record<CostCategory, number>> {
  return { bed: p[0]! / 100, consultation: p[1]! / 100, exam: p[2]! / 100, lab: p[3]! / 100, treatment: p[4]! / 100, surgery: p[5]! / 100, nursing: p[6]! / 100, materials: p[7]! / 100, westernDrugs: p[8]! / 100, herbalDrugs: p[9]! / 100, patentDrugs: p[10]! / 100, generalCare: p[11]! / 100, registration: p[12]! / 100, other: p[13]! / 100 };
}

function allButSurgery(p: Int32Array): Partial<Record<CostCategory, number>> {
  return { bed: p[0]! / 100, consultation: p[1]! / 100, exam: p[2]! / 100, lab: p[3]! / 100, treatment: p[4]! / 100, nursing: p[6]! / 100, materials: p[7]! / 100, westernDrugs: p[8]! / 100, herbalDrugs: p[9]! / 100, patentDrugs: p[10]! / 100, generalCare: p[11]! / 100, registration: p[12]! / 100, other: p[13]! / 100 };
}

function someCategories(p: Int32Array): Partial<Record<CostCategory, number>> {
  const out: Partial<Record<CostCategory, number>> = {};
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) out[costCategories[i]!] = p[i]! / 100;
  return out;
}

function sampleAge(r: Random, lo: number, hi: number): number {
  // Adults skew old (inpatients): a triangular-ish draw towards the upper middle of the range.
  const u = Math.max(r.uniform(), r.uniform());
  return lo + Math.floor(u * (hi - lo + 1));
}

function isoDay(yearStart: number, day: number): string {
  return new Date(yearStart + day * 86_400_000).toISOString().slice(0, 10);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
