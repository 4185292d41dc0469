/**
 * A payment simulation as a fan-out over the lake's partitions (year/month/hospital), driven by
 * AWS Step Functions on AWS (a Distributed Map per phase, see infra/stacks) and by
 * `runSimulationInProcess` on the local stack — the same functions either way, in the order of
 * the one phase list (app/simulation-phases.ts), after the coordinator lists the partitions:
 *
 *   coordinate → map(partition: weights) → step: derive
 *              → [budget] map(partition: rate) → step: solve
 *              → map(partition: price) → step: finalize
 *
 * Per partition the payment model's pure phases run (`collectWeightSample`, `collectRateSample`,
 * `priceCases` + `roundPayments` + `hospitalTotals`); the steps merge (`mergeWeightSamples`,
 * `mergeRateSamples`, `mergeHospitalTotals`) and derive (`deriveWeights`, `solveBaseRate`,
 * `allocateCents`); finalize writes the result document of app/simulation-result.ts, the same
 * builder `payreform simulate` writes its result.json with. A DIP policy runs its own phases
 * (`dipCases` per partition, `dipSettle` centrally, simulation-dip.ts) behind the coordinator's
 * `method`. Intermediate aggregates live in S3 under `jobs/simulations/<id>/`;
 * progress (partitions done per phase, cases read) in the job item.
 */
import { solveBaseRate } from '../../models/payment/base-rate.ts';
import { CaseTableBuilder, GroupStatus, type CaseTable } from '../../models/payment/cases.ts';
import { roundPayments, type CentTally } from '../../models/payment/cents.ts';
import { Outlier, selectSpecialReview } from '../../models/payment/outliers.ts';
import { parseServicePolicy, type AnyPaymentPolicy, type DrgPaymentPolicy, type PaymentPolicy } from '../../models/payment/policy.ts';
import { collectRateSample, hospitalTotals, mergeHospitalTotals, mergeRateSamples, paidByRate, priceCases, type HospitalTotals } from '../../models/payment/price.ts';
import { mergeUnweighted, unweightedGroups, withTableWeights } from '../../models/payment/table-weights.ts';
import { collectWeightSample, deriveWeights, mergeWeightSamples, type WeightSample } from '../../models/payment/weights.ts';
import { policyTableWeights } from '../../app/policy-weights.ts';
import type { ObjectStore, Ports } from '../../models/ports.ts';
import { policyYearsProblem } from '../../app/policy-years.ts';
import { groupRecord } from '../../app/record.ts';
import { phasesFor, type MapPhase, type StepPhase } from '../../app/simulation-phases.ts';
import { allocateByHospital, budgetCents, mergeTallies, plannedCents, simulationResult, weightsState, type WeightsState } from '../../app/simulation-result.ts';
import { config } from '../shared/config.ts';
import * as k from '../shared/keys.ts';
import { dipReferenceOnce } from '../shared/dip-catalog.ts';
import { latestLakeLines, type LakeLineKey } from '../shared/lake-reader.ts';
import { defaultSchemeId, heldPaymentTable, schemeById, type HeldScheme } from '../shared/reference.ts';
import type { SimulationScheme } from '../http/result-schemas.ts';
import { dipPartitionBlock, settleDip, type DipLakeLine, type DipPartitionBlock } from './simulation-dip.ts';

/** A map phase of app/simulation-phases.ts. */
export type Phase = MapPhase;

/** The stores a simulation reads and writes: the lake's objects and the job item. */
export type SimulationPorts = Pick<Ports, 'objects' | 'simulations'>;

export interface SimulationRequest {
  policy: unknown;
  hospitalIds?: string[];
  /** Regroup the stored records under this held scheme (checked when the request was made). */
  scheme?: string;
}

const prefix = (id: string): string => `jobs/simulations/${id}/`;
export const manifestKey = (id: string): string => `${prefix(id)}partitions.json`;
const partKey = (id: string, phase: Phase, partition: string): string => `${prefix(id)}${phase}/${partition}.json`;
const stateKey = (id: string, name: string): string => `${prefix(id)}${name}.json`;
export const resultKey = (id: string): string => `${prefix(id)}result.json`;

async function readJson<T>(objects: ObjectStore, key: string): Promise<T> {
  const bytes = await objects.get(config().LAKE_BUCKET, key);
  if (!bytes) throw new Error(`missing ${key}`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

async function writeJson(objects: ObjectStore, key: string, value: unknown): Promise<void> {
  await objects.put(config().LAKE_BUCKET, key, JSON.stringify(value), 'application/json');
}

async function loadRequest(objects: ObjectStore, id: string): Promise<{ policy: AnyPaymentPolicy; hospitalIds?: string[]; scheme?: string }> {
  const request = await readJson<SimulationRequest>(objects, k.simulationRequestKey(id));
  return { policy: parseServicePolicy(request.policy), ...(request.hospitalIds ? { hospitalIds: request.hospitalIds } : {}), ...(request.scheme ? { scheme: request.scheme } : {}) };
}

/**
 * The scheme the partitions regroup the stored records under: the one the request names; with
 * none, the default scheme when the policy sends ambiguous cases on (`fallthrough`: stored QY
 * groups cannot be reused); otherwise none — each case keeps the group it was stored with.
 */
function regroupingScheme(request: { policy: PaymentPolicy; scheme?: string }): HeldScheme | null {
  if (request.scheme !== undefined) return schemeById(request.scheme, 'scheme');
  return request.policy.ambiguous === 'fallthrough' ? schemeById(defaultSchemeId()) : null;
}

/** The request's policy, which the DRG phases need to be a DRG one. */
function drgPolicy(policy: AnyPaymentPolicy): DrgPaymentPolicy {
  if (policy.method !== 'drg') throw new Error('a DRG phase was given a DIP policy');
  return policy;
}

/** Whether the DRG chain's budget-only phases run (a DIP policy has none). */
const budgetOf = (policy: AnyPaymentPolicy): boolean => policy.method === 'drg' && policy.budget !== undefined;

// ---------------------------------------------------------------------------------------------
// Coordinator

/** Partition ids `yyyy-mm-<hospital>` of the policy's years, written as the Map's manifest. */
export async function coordinate(deps: SimulationPorts, id: string): Promise<{ id: string; partitions: number; budget: boolean; method: AnyPaymentPolicy['method'] }> {
  const { objects } = deps;
  const { policy, hospitalIds } = await loadRequest(objects, id);
  const wanted = hospitalIds ? new Set(hospitalIds) : null;
  const years = [...new Set([...policy.referenceYears, policy.settlementYear])].sort();
  const partitions = new Set<string>();
  for (const year of years) {
    for (const key of await objects.list(config().LAKE_BUCKET, k.lakeYearPrefix(String(year)))) {
      const p = k.parseLakeKey(key);
      if (p && (!wanted || wanted.has(p.hospitalId))) partitions.add(`${p.year}-${p.month}-${p.hospitalId}`);
    }
  }
  const list = [...partitions].sort().map((partition) => ({ id, partition }));
  const problem = policyYearsProblem(policy, new Set(list.map((p) => Number(p.partition.slice(0, 4)))));
  if (problem) {
    await failJob(deps, id, `The policy cannot be simulated: ${problem}.`);
    throw new Error(`The policy cannot be simulated: ${problem}.`);
  }
  await writeJson(objects, manifestKey(id), list);
  const budget = budgetOf(policy);
  await deps.simulations.update(id, { status: 'running', partitionsTotal: list.length * phasesFor(budget, policy.method).filter((p) => p.kind === 'map').length, partitionsDone: 0, casesRead: 0, updatedAt: new Date().toISOString() });
  return { id, partitions: list.length, budget, method: policy.method };
}

export async function manifest(objects: ObjectStore, id: string): Promise<{ id: string; partition: string }[]> {
  return readJson(objects, manifestKey(id));
}

// ---------------------------------------------------------------------------------------------
// Partition worker

/**
 * The fields of a lake line the simulation reads: what pricing needs and what any scheme can
 * group on (stay, disposition, department, ICU hours, amount — lines written before a field
 * existed simply lack it, and the grouper treats it as not recorded), and the stored group.
 */
interface LakeLine {
  listId: string;
  hospitalId: string;
  hospitalLevel?: number;
  dischargeDate: string;
  lengthOfStay: number;
  totalCost: number;
  sex: 'M' | 'F';
  ageYears: number;
  ageDays?: number;
  birthWeightGrams?: number;
  principalDiagnosis: string;
  secondaryDiagnoses: string[];
  procedures: string[];
  dischargeDisposition?: string;
  department?: string;
  icuHours?: number;
  group: { status: 'grouped' | 'ambiguous' | 'ungroupable'; drg: string | null; scheme?: string; packHash?: string };
  ingestedAt: string;
}

/** `scheme␀packHash` of a stored group (empty parts: stored before schemes were recorded) → cases. */
type GroupedByTally = Record<string, number>;

const statusCode = { grouped: GroupStatus.Grouped, ambiguous: GroupStatus.Ambiguous, ungroupable: GroupStatus.Ungroupable } as const;

/** The latest version of each case of one partition (`yyyy-mm-<hospital>`). */
async function partitionLines<T extends LakeLineKey>(objects: ObjectStore, partition: string): Promise<T[]> {
  const m = /^(\d{4})-(\d{2})-(.+)$/.exec(partition);
  if (!m) throw new Error(`bad partition id ${partition}`);
  return latestLakeLines<T>(objects, await objects.list(config().LAKE_BUCKET, k.lakePartitionPrefix(m[1]!, m[2]!, m[3]!)));
}

/**
 * Read one partition of the lake into a case table: latest version of each listId only. With a
 * `scheme`, every record is regrouped under it (app/record.ts `groupRecord`, `mode` for ambiguous
 * cases); without one each keeps its stored group, and `storedBy` (when given) counts the cases
 * by the scheme and pack their stored group came from.
 */
export async function readPartition(objects: ObjectStore, partition: string, mode: PaymentPolicy['ambiguous'], scheme: Pick<HeldScheme, 'pack'> | null = mode === 'fallthrough' ? schemeById(defaultSchemeId()) : null, storedBy?: GroupedByTally): Promise<CaseTable> {
  const latest = await partitionLines<LakeLine>(objects, partition);
  const builder = new CaseTableBuilder([mode], Math.max(16, latest.length));
  for (const c of latest) {
    let group: { drg: string | null; status: GroupStatus };
    if (scheme) {
      const g = groupRecord(scheme, c, { ambiguous: mode, trace: false });
      group = { drg: g.drg, status: statusCode[g.status] };
    } else {
      group = { drg: c.group.drg, status: statusCode[c.group.status] };
      if (storedBy) {
        const by = `${c.group.scheme ?? ''}\u0000${c.group.packHash ?? ''}`;
        storedBy[by] = (storedBy[by] ?? 0) + 1;
      }
    }
    builder.add({ listId: c.listId, year: Number(c.dischargeDate.slice(0, 4)), lengthOfStay: c.lengthOfStay, cost: c.totalCost, hospitalId: c.hospitalId, level: c.hospitalLevel ?? 0 }, [group]);
  }
  return builder.finish();
}

const toArrays = (m: Map<string, Float64Array>): Record<string, number[]> => Object.fromEntries([...m].map(([d, a]) => [d, Array.from(a)]));
const fromArrays = (o: Record<string, number[]>): Map<string, Float64Array> => new Map(Object.entries(o).map(([d, a]) => [d, Float64Array.from(a)]));

/** One phase over one partition; its aggregate goes to S3 and the partition is counted done once. */
export async function runPartition(deps: SimulationPorts, input: { id: string; phase: Phase; partition: string }): Promise<{ cases: number }> {
  const { objects } = deps;
  const request = await loadRequest(objects, input.id);
  if (input.phase === 'dipCases') {
    const block = dipPartitionBlock(await partitionLines<DipLakeLine & LakeLineKey>(objects, input.partition), dipReferenceOnce());
    await writeJson(objects, partKey(input.id, input.phase, input.partition), block);
    await deps.simulations.putPartitionResult(input.id, `${input.phase}#${input.partition}`, null, block.listIds.length);
    return { cases: block.listIds.length };
  }
  const policy = drgPolicy(request.policy);
  const storedBy: GroupedByTally = {};
  const table = await readPartition(objects, input.partition, policy.ambiguous, regroupingScheme({ policy, ...(request.scheme ? { scheme: request.scheme } : {}) }), storedBy);
  let out: unknown;
  if (input.phase === 'weights') {
    const s = collectWeightSample(table, policy);
    out = { years: s.years, costs: s.costs.map(toArrays), counts: s.counts, storedBy };
  } else {
    const rw = new Map(Object.entries((await readJson<{ relativeWeights: Record<string, number> }>(objects, stateKey(input.id, 'weights'))).relativeWeights));
    if (input.phase === 'rate') {
      const s = collectRateSample(table, rw, policy);
      out = { cost: Array.from(s.cost), unit: Array.from(s.unit), byItemCents: s.byItemCents };
    } else {
      const rate = await readJson<{ baseRate: number; normalScale: number }>(objects, stateKey(input.id, 'rate'));
      const priced = priceCases(table, rw, policy, rate);
      const { cents, tally } = roundPayments(priced.payment, (i) => paidByRate(priced, i));
      // Special-review candidates: the regional cap is applied over all partitions in finalize.
      const reviews: { ratio: number; listId: string }[] = [];
      for (let k = 0; k < priced.rows.length; k++) if (priced.outlier[k] === Outlier.Review) reviews.push({ ratio: priced.ratio[k]!, listId: table.listIds[priced.rows[k]!]! });
      out = { hospitals: hospitalTotals(table, priced, cents), unweighted: Object.fromEntries(unweightedGroups(table, priced, policy)), tally: { cents: tally.cents, eligible: tally.eligible, histogram: Array.from(tally.histogram) }, reviews };
    }
  }
  await writeJson(objects, partKey(input.id, input.phase, input.partition), out);
  await deps.simulations.putPartitionResult(input.id, `${input.phase}#${input.partition}`, null, input.phase === 'weights' ? table.size : 0);
  return { cases: table.size };
}

// ---------------------------------------------------------------------------------------------
// Steps between the maps

async function parts<T>(objects: ObjectStore, id: string, phase: Phase): Promise<T[]> {
  const list = await manifest(objects, id);
  const out: T[] = [];
  for (const { partition } of list) out.push(await readJson<T>(objects, partKey(id, phase, partition)));
  return out;
}

/** A step of app/simulation-phases.ts. */
export type Step = StepPhase;

export async function runStep(deps: SimulationPorts, input: { id: string; step: Step }): Promise<{ id: string; budget: boolean }> {
  const { objects } = deps;
  const { id } = input;
  const request = await loadRequest(objects, id);
  const budget = budgetOf(request.policy);
  if (input.step === 'dipSettle') {
    if (request.policy.method !== 'dip') throw new Error('the DIP step was given a DRG policy');
    const blocks = await parts<DipPartitionBlock>(objects, id, 'dipCases');
    if (blocks.length === 0) throw new Error('no cases are stored for the policy\'s years');
    const { result } = settleDip(blocks, request.policy, dipReferenceOnce(), new Date().toISOString());
    await writeJson(objects, resultKey(id), result);
    const fund = result.funds.length === 1 ? result.funds[0]! : null;
    const summary = { cases: result.totals.cases, payment: result.totals.payment, totalCost: result.totals.totalCost, baseRate: fund?.settlementPointValue ?? 0, hospitals: new Set(result.hospitals.map((h) => h.hospitalId)).size, method: 'dip' as const, yearStartPointValue: fund?.yearStartPointValue ?? null, settlementPointValue: fund?.settlementPointValue ?? null };
    await deps.simulations.update(id, { status: 'succeeded', resultKey: resultKey(id), summary, updatedAt: new Date().toISOString() });
    return { id, budget };
  }
  const policy = drgPolicy(request.policy);
  if (input.step === 'derive') {
    const samples = (await parts<{ years: number[]; costs: Record<string, number[]>[]; counts: WeightSample['counts'] }>(objects, id, 'weights'))
      .map((s): WeightSample => ({ years: s.years, costs: s.costs.map(fromArrays), counts: s.counts }));
    if (samples.length === 0) throw new Error('no cases are stored for the policy\'s years');
    const derived = deriveWeights(mergeWeightSamples(samples), policy);
    const table = policyTableWeights(policy, heldPaymentTable);
    const weights = table ? withTableWeights(derived, table) : derived;
    await writeJson(objects, stateKey(id, 'weights'), weightsState(weights));
    if (!budget) await writeJson(objects, stateKey(id, 'rate'), { baseRate: policy.baseRate!, normalScale: 1, gap: 0, evaluations: 0 });
  } else if (input.step === 'solve') {
    const samples = (await parts<{ cost: number[]; unit: number[]; byItemCents: number }>(objects, id, 'rate'))
      .map((s) => ({ cost: Float64Array.from(s.cost), unit: Float64Array.from(s.unit), byItemCents: s.byItemCents }));
    const sample = mergeRateSamples(samples);
    const rate = solveBaseRate(sample, policy.budget! - sample.byItemCents / 100, policy.outliers);
    await writeJson(objects, stateKey(id, 'rate'), rate);
  } else {
    const list = await manifest(objects, id);
    const priced = await parts<{ hospitals: HospitalTotals[]; unweighted?: Record<string, number>; tally: { cents: number; eligible: number; histogram: number[] }; reviews?: { ratio: number; listId: string }[] }>(objects, id, 'price');
    const hospitals = mergeHospitalTotals(priced.map((p) => p.hospitals));
    const hospitalOfPart = list.map((p) => /^\d{4}-\d{2}-(.+)$/.exec(p.partition)![1]!);
    capSpecialReview(policy, hospitals, priced.flatMap((p, i) => (p.reviews ?? []).map((r) => ({ ...r, hospitalId: hospitalOfPart[i]! }))));
    const rate = await readJson<{ baseRate: number; normalScale: number; gap: number; evaluations: number }>(objects, stateKey(id, 'rate'));
    const weights = await readJson<WeightsState>(objects, stateKey(id, 'weights'));
    let leftoverCents = 0;
    if (budget) {
      // The leftover cents (< one per case) are allocated over hospitals in id order, from the
      // partitions' remainder histograms merged per hospital (a partition is one hospital's
      // month): each hospital's payment includes its share, as in the in-process run.
      const byHospital = new Map<string, CentTally[]>();
      priced.forEach((p, i) => {
        const hospitalId = hospitalOfPart[i]!;
        const tally = { cents: p.tally.cents, eligible: p.tally.eligible, histogram: Float64Array.from(p.tally.histogram) };
        (byHospital.get(hospitalId) ?? byHospital.set(hospitalId, []).get(hospitalId)!).push(tally);
      });
      const tallies = [...byHospital].map(([hospitalId, ts]) => ({ hospitalId, tally: mergeTallies(ts) }));
      const target = budgetCents(policy.budget!);
      const plans = allocateByHospital(tallies, target);
      const extra = new Map(tallies.map((t, i) => [t.hospitalId, plannedCents(t.tally, plans[i]!)]));
      leftoverCents = target - hospitals.reduce((s, h) => s + h.paymentCents, 0);
      for (const h of hospitals) h.paymentCents += extra.get(h.hospitalId) ?? 0;
    }
    const result = { ...simulationResult({ policy, rate, hospitals, leftoverCents, weights, unweighted: mergeUnweighted(priced.map((p) => p.unweighted ?? {})) }), scheme: await groupedBy(objects, id, { policy, ...(request.scheme ? { scheme: request.scheme } : {}) }) };
    await writeJson(objects, resultKey(id), result);
    await deps.simulations.update(id, { status: 'succeeded', resultKey: resultKey(id), summary: { cases: result.totals.cases, payment: result.totals.payment, totalCost: result.totals.totalCost, baseRate: result.rate.baseRate, hospitals: hospitals.length }, updatedAt: new Date().toISOString() });
  }
  return { id, budget };
}

/**
 * Which scheme grouped the simulated cases: the one they were regrouped under, or — each case
 * keeping its stored group — the schemes and packs those groups came from, with their case counts
 * (id and packHash null: stored before schemes were recorded).
 */
async function groupedBy(objects: ObjectStore, id: string, request: { policy: PaymentPolicy; scheme?: string }): Promise<SimulationScheme> {
  const scheme = regroupingScheme(request);
  if (scheme) return { id: scheme.entry.id, packHash: scheme.entry.packHash, regrouped: true };
  const tally = new Map<string, number>();
  for (const p of await parts<{ storedBy?: GroupedByTally }>(objects, id, 'weights')) {
    for (const [by, cases] of Object.entries(p.storedBy ?? {})) tally.set(by, (tally.get(by) ?? 0) + cases);
  }
  const stored = [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([by, cases]) => {
    const [id, packHash] = by.split('\u0000') as [string, string];
    return { id: id === '' ? null : id, packHash: packHash === '' ? null : packHash, cases };
  });
  return { id: null, packHash: null, regrouped: false, stored };
}

/**
 * 特例单议 under the regional cap, over every partition's candidates (as app/simulate.ts does over
 * the one table): candidates beyond the cap count as high-cost cases. Payments do not change.
 */
function capSpecialReview(policy: PaymentPolicy, hospitals: HospitalTotals[], candidates: { ratio: number; listId: string; hospitalId: string }[]): void {
  const review = policy.specialReview;
  const want = review.approved ? new Set(review.approved) : null;
  const listed = want ? Uint8Array.from(candidates, (c) => (want.has(c.listId) ? 1 : 0)) : undefined;
  const discharges = hospitals.reduce((s, h) => s + h.cases, 0);
  const kept = selectSpecialReview(Float64Array.from(candidates, (c) => c.ratio), () => true, discharges, review.capPerMille, listed);
  const byId = new Map(hospitals.map((h) => [h.hospitalId, h]));
  candidates.forEach((c, k) => {
    if (kept.approved[k] === 1) return;
    const h = byId.get(c.hospitalId)!;
    h.review--;
    h.high++;
  });
}

export async function failJob(deps: Pick<Ports, 'simulations'>, id: string, error: string): Promise<void> {
  await deps.simulations.update(id, { status: 'failed', error: error.slice(0, 500), updatedAt: new Date().toISOString() });
}

// ---------------------------------------------------------------------------------------------
// The local stack's stand-in for the state machine: same functions, in-process.

export async function runSimulationInProcess(deps: SimulationPorts, id: string, concurrency = 4): Promise<void> {
  try {
    const job = await deps.simulations.get(id);
    if (!job || job.status !== 'queued') return;
    const { budget, method } = await coordinate(deps, id);
    const list = await manifest(deps.objects, id);
    const map = async (phase: Phase): Promise<void> => {
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, async () => {
        while (next < list.length) {
          const item = list[next++]!;
          await runPartition(deps, { ...item, phase });
        }
      }));
    };
    for (const phase of phasesFor(budget, method)) {
      if (phase.kind === 'map') await map(phase.name);
      else await runStep(deps, { id, step: phase.name });
    }
  } catch (error) {
    await failJob(deps, id, error instanceof Error ? error.message : String(error));
  }
}
