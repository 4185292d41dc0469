/**
 * Abuse patterns injected into synthetic settlement lists, with ground-truth labels, so the
 * supervision rules can be measured (precision and recall per rule).
 *
 * Applied to one generated chunk at a time with a random stream of its own (seed, year, chunk),
 * so the output stays deterministic and independent of the thread count, like the generator's.
 * A case receives at most one pattern. `rate` is the share of a chunk's cases that carry the
 * pattern (rounded per chunk, stochastically). Injected cases stay valid settlement records.
 *
 * - split-admission: one stay of ≥ 4 days cut into two admissions 1–7 days apart at the same
 *   hospital with the same codes; each half costs 55–70 % of the whole (two admissions bill
 *   more than one). The second half replaces another case of that hospital in the chunk. Both
 *   halves are labelled.
 * - frequent-admission: a patient with 4–6 stays within the year at one hospital (different
 *   diagnoses, 16–60 days apart): other cases of the hospital become his stays. All labelled.
 * - upcoding (at chosen hospitals): an MCC (a CC where the ADRG has no MCC group) that counts
 *   with the principal diagnosis is added to a case built for the group without complications;
 *   its cost and stay stay at that lower group's level. The regrouped DRG is checked.
 * - low-severity-admission (at chosen hospitals): light cases (table RW ≤ 0.45) become 1–2-day
 *   stays discharged home at the chosen hospital, costing 50–80 % of what they did — admissions
 *   peers would treat as outpatients.
 * - high-cost: the cost becomes 6–15 × max(its cost, RW × base amount of its year), the stay
 *   grows by the factor^0.3.
 * - drug-share (at chosen hospitals): drugs and materials of a case billed 2.5–5 ×.
 * Chosen hospitals: for each hospital-level pattern, max(1, round(10 % of the hospitals)), drawn
 * from the seed alone (the same in every chunk and thread), written to truth-hospitals.json.
 */
import { groupCase } from '../grouping/drg/grouper.ts';
import type { RulePack } from '../grouping/drg/pack.ts';
import { createRandom } from '../random.ts';
import type { CostCategory, SettlementRecord } from '../settlement/schema.ts';
import type { SynthOptions, SyntheticCase, SyntheticGenerator } from './generate.ts';

export const injectablePatterns = ['split-admission', 'upcoding', 'low-severity-admission', 'frequent-admission', 'high-cost', 'drug-share'] as const;
export type Pattern = (typeof injectablePatterns)[number];
export type InjectSpec = Partial<Record<Pattern, number>>;

/** Patterns injected at a few chosen hospitals (the others are spread over all hospitals). */
export const hospitalPatterns: readonly Pattern[] = ['upcoding', 'low-severity-admission', 'drug-share'];

export interface InjectedCase extends SyntheticCase {
  patterns: Pattern[];
}

export interface Injector {
  spec: InjectSpec;
  /** The hospitals chosen for hospital-level patterns. */
  hospitals: { hospitalId: string; patterns: Pattern[] }[];
  apply(year: number, chunkIndex: number, cases: SyntheticCase[]): InjectedCase[];
}

/** Parse `split-admission=0.01,upcoding=0.02` (rates in [0, 0.2]). Throws an Error with a sentence. */
export function parseInjectSpec(text: string): InjectSpec {
  const spec: InjectSpec = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (!injectablePatterns.includes(name as Pattern)) throw new Error(`unknown pattern "${name}" (known: ${injectablePatterns.join(', ')})`);
    const rate = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(rate) || rate < 0 || rate > 0.2) throw new Error(`the rate of ${name} must be a number from 0 to 0.2, got "${value ?? ''}"`);
    spec[name as Pattern] = rate;
  }
  return spec;
}

const drugMaterial: CostCategory[] = ['westernDrugs', 'herbalDrugs', 'patentDrugs', 'materials'];

export function createInjector(pack: RulePack, generator: SyntheticGenerator, options: SynthOptions, spec: InjectSpec): Injector {
  const { hospitals } = generator;
  const chosen = new Map<Pattern, Set<string>>();
  const taken = new Set<string>();
  hospitalPatterns.forEach((pattern, k) => {
    if (!(spec[pattern]! > 0)) return;
    const r = createRandom(options.seed, 0x7fff0000 + k);
    const want = Math.max(1, Math.round(hospitals.length * 0.1));
    const pool = hospitals.map((h) => h.hospitalId).filter((h) => !taken.has(h) || hospitals.length < 3 * want);
    const picked = new Set<string>();
    while (picked.size < Math.min(want, pool.length)) picked.add(pool[Math.floor(r.uniform() * pool.length)]!);
    for (const h of picked) taken.add(h);
    chosen.set(pattern, picked);
  });
  const byHospital = new Map<string, Pattern[]>();
  for (const [pattern, set] of chosen) for (const h of set) byHospital.set(h, [...(byHospital.get(h) ?? []), pattern]);
  const levelOf = new Map(hospitals.map((h) => [h.hospitalId, h.level]));
  const adrgDrgs = new Map(pack.adrgs.map((a) => [a.code, new Set(a.drgs.map((d) => d.code[3]!))]));
  const firstYear = Math.min(...options.years);
  const baseAmount = options.baseAmount ?? 10_000;
  const inflation = options.inflation ?? 0.04;
  const { pools } = generator.library;

  return {
    spec,
    hospitals: [...byHospital].map(([hospitalId, patterns]) => ({ hospitalId, patterns })).sort((a, b) => a.hospitalId.localeCompare(b.hospitalId)),
    apply(year, chunkIndex, input) {
      const r = createRandom(options.seed, 0x40000000 + (year - 1900) * 100_000 + chunkIndex);
      const cases: InjectedCase[] = input.map((c) => ({ ...c, patterns: [] }));
      const used = new Uint8Array(cases.length);
      const yearEnd = dayOf(`${year}-12-31`);
      const count = (pattern: Pattern) => {
        const x = (spec[pattern] ?? 0) * cases.length;
        return Math.floor(x) + (r.uniform() < x - Math.floor(x) ? 1 : 0);
      };
      const label = (i: number, pattern: Pattern) => {
        used[i] = 1;
        cases[i]!.patterns.push(pattern);
      };
      /** Up to `n` unused case indexes satisfying `ok`, in random order (a random start, then a scan). */
      const pick = (n: number, ok: (c: InjectedCase, i: number) => boolean): number[] => {
        const out: number[] = [];
        if (n <= 0 || cases.length === 0) return out;
        const start = Math.floor(r.uniform() * cases.length);
        const step = 7919; // a prime: visits every index when it does not divide the length
        const len = cases.length;
        const stride = len % step === 0 ? 1 : step;
        for (let k = 0; k < len && out.length < n; k++) {
          const i = (start + k * stride) % len;
          if (!used[i] && ok(cases[i]!, i)) {
            out.push(i);
            used[i] = 1;
          }
        }
        for (const i of out) used[i] = 0;
        return out;
      };

      // Split admissions: pairs.
      for (let pairs = Math.round(count('split-admission') / 2); pairs > 0; pairs--) {
        const [a] = pick(1, (c) => c.record.lengthOfStay >= 4 && c.record.dischargeDisposition === '1' && c.record.ageYears > 0);
        if (a === undefined) break;
        const A = cases[a]!.record;
        const [b] = pick(1, (c, i) => i !== a && c.record.hospitalId === A.hospitalId);
        if (b === undefined) break;
        const L = A.lengthOfStay;
        const first = Math.max(1, Math.round(L * (0.35 + 0.3 * r.uniform())));
        const second = Math.max(1, L - first);
        const gap = 1 + Math.floor(r.uniform() * 7);
        const admission = dayOf(A.admissionDate!);
        if (admission + first + gap + second > yearEnd) continue;
        const B = structuredClone(A);
        setStay(A, admission, first);
        setStay(B, admission + first + gap, second);
        B.listId = cases[b]!.record.listId;
        rescale(A, () => 0.55 + 0.15 * r.uniform());
        rescale(B, () => 0.55 + 0.15 * r.uniform());
        cases[b] = { record: B, truth: { listId: B.listId, intendedDrg: cases[a]!.truth.intendedDrg }, patterns: [] };
        label(a, 'split-admission');
        label(b, 'split-admission');
      }

      // Frequent admissions: patients of 4–6 stays.
      for (let left = count('frequent-admission'); left >= 4; ) {
        const k = Math.min(left, 4 + Math.floor(r.uniform() * 3));
        const [a] = pick(1, (c) => c.record.ageYears >= 18 && c.record.ageYears <= 85);
        if (a === undefined) break;
        const A = cases[a]!.record;
        const others = pick(k - 1, (c, i) => i !== a && c.record.hospitalId === A.hospitalId && c.record.sex === A.sex && c.record.ageYears >= 18 && c.record.ageYears <= 85);
        if (others.length < k - 1) {
          left -= k; // this hospital is too small for such a patient; spend the budget anyway
          continue;
        }
        const stays = [a, ...others];
        const gaps = stays.map(() => 16 + Math.floor(r.uniform() * 45));
        const span = stays.reduce((s, i, j) => s + cases[i]!.record.lengthOfStay + (j > 0 ? gaps[j]! : 0), 0);
        if (span > 330) {
          left -= k;
          continue;
        }
        let day = dayOf(`${year}-01-01`) + Math.floor(r.uniform() * (360 - span));
        stays.forEach((i, j) => {
          const rec = cases[i]!.record;
          if (j > 0) day += gaps[j]!;
          rec.patientId = A.patientId!;
          rec.ageYears = A.ageYears;
          setStay(rec, day, rec.lengthOfStay);
          day += rec.lengthOfStay;
          label(i, 'frequent-admission');
        });
        left -= k;
      }

      // Upcoding at chosen hospitals.
      const upcoders = chosen.get('upcoding');
      if (upcoders) {
        const targets = pick(count('upcoding'), (c) => upcoders.has(c.record.hospitalId!) && c.truth.intendedDrg[3] === '5' && hasComplicationGroup(adrgDrgs, c.truth.intendedDrg));
        for (const i of targets) {
          const rec = cases[i]!.record;
          const wantMcc = adrgDrgs.get(cases[i]!.truth.intendedDrg.slice(0, 3))!.has('1');
          for (let tries = 0; tries < 8; tries++) {
            const pool = wantMcc ? pools.mcc : pools.cc;
            const e = pool[Math.floor(r.uniform() * pool.length)];
            if (!e || e.code === rec.principalDiagnosis || rec.secondaryDiagnoses.includes(e.code)) continue;
            if (e.table !== null && pools.excludingTables.get(rec.principalDiagnosis)?.has(e.table)) continue;
            const coded = { ...rec, secondaryDiagnoses: [e.code, ...rec.secondaryDiagnoses] };
            const g = groupCase(pack, coded, { trace: false });
            if (g.drg === null || g.drg === cases[i]!.truth.intendedDrg || g.drg.slice(0, 3) !== cases[i]!.truth.intendedDrg.slice(0, 3)) continue;
            rec.secondaryDiagnoses = coded.secondaryDiagnoses;
            label(i, 'upcoding');
            break;
          }
        }
      }

      // Low-severity admissions moved to chosen hospitals.
      const admitters = chosen.get('low-severity-admission');
      if (admitters) {
        const ids = [...admitters];
        const targets = pick(count('low-severity-admission'), (c) => (options.relativeWeights.get(c.truth.intendedDrg) ?? 9) <= 0.45 && c.record.ageYears > 0 && c.record.admissionDate !== undefined);
        for (const i of targets) {
          const rec = cases[i]!.record;
          const to = ids[Math.floor(r.uniform() * ids.length)]!;
          rec.listId = rec.listId.replace(rec.hospitalId!, to);
          cases[i]!.truth.listId = rec.listId;
          rec.hospitalId = to;
          rec.hospitalLevel = levelOf.get(to)!;
          const stay = 1 + (r.uniform() < 0.5 ? 1 : 0);
          setStay(rec, dayOf(rec.dischargeDate!) - stay, stay);
          rec.dischargeDisposition = '1';
          rescale(rec, () => 0.5 + 0.3 * r.uniform());
          label(i, 'low-severity-admission');
        }
      }

      // Extreme costs.
      for (const i of pick(count('high-cost'), (c) => c.record.totalCost! > 0 && options.relativeWeights.has(c.truth.intendedDrg))) {
        const rec = cases[i]!.record;
        const reference = options.relativeWeights.get(cases[i]!.truth.intendedDrg)! * baseAmount * Math.pow(1 + inflation, year - firstYear);
        const factor = 6 + 9 * r.uniform();
        const target = factor * Math.max(rec.totalCost!, reference);
        rescale(rec, () => target / rec.totalCost!);
        const stay = Math.min(180, Math.round(rec.lengthOfStay * Math.pow(factor, 0.3)));
        setStay(rec, dayOf(rec.dischargeDate!) - stay, stay);
        label(i, 'high-cost');
      }

      // Inflated drug and material bills at chosen hospitals.
      const billers = chosen.get('drug-share');
      if (billers) {
        for (const i of pick(count('drug-share'), (c) => billers.has(c.record.hospitalId!) && c.record.costs !== undefined)) {
          const factor = 2.5 + 2.5 * r.uniform();
          rescale(cases[i]!.record, (c) => (drugMaterial.includes(c) ? factor : 1));
          label(i, 'drug-share');
        }
      }
      return cases;
    },
  };
}

function hasComplicationGroup(adrgDrgs: Map<string, Set<string>>, drg: string): boolean {
  const suffixes = adrgDrgs.get(drg.slice(0, 3));
  return suffixes !== undefined && (suffixes.has('1') || suffixes.has('3'));
}

/** Scale each cost category by its factor, to the cent; the total and the fund / self-pay split follow. */
function rescale(record: SettlementRecord, factor: (category: CostCategory) => number): void {
  const before = record.totalCost ?? 0;
  if (!record.costs || before <= 0) return;
  let cents = 0;
  const costs: Partial<Record<CostCategory, number>> = {};
  for (const [category, value] of Object.entries(record.costs) as [CostCategory, number][]) {
    const c = Math.round(value * 100 * factor(category));
    if (c > 0) costs[category] = c / 100;
    cents += c;
  }
  record.costs = costs;
  record.totalCost = cents / 100;
  if (record.fundPayment !== undefined) {
    record.fundPayment = Math.round(record.fundPayment * (record.totalCost / before) * 100) / 100;
    record.selfPay = Math.round((record.totalCost - record.fundPayment) * 100) / 100;
  }
}

function setStay(record: SettlementRecord, admissionDay: number, lengthOfStay: number): void {
  record.admissionDate = isoOf(admissionDay);
  record.dischargeDate = isoOf(admissionDay + lengthOfStay);
  record.lengthOfStay = lengthOfStay;
}

function dayOf(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

function isoOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
