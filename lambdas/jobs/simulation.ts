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
 * builder `payreform simulate` writes its result.json with. Intermediate aggregates live in S3 under `jobs/simulations/<id>/`;
 * progress (partitions done per phase, cases read) in the job item.
 */
import { solveBaseRate } from '../../models/payment/base-rate.ts';
import { CaseTableBuilder, GroupStatus, type CaseTable } from '../../models/payment/cases.ts';
import { roundPayments, type CentTally } from '../../models/payment/cents.ts';
import { Outlier, selectSpecialReview } from '../../models/payment/outliers.ts';
import { parsePolicy, type PaymentPolicy } from '../../models/payment/policy.ts';
import { collectRateSample, hospitalTotals, mergeHospitalTotals, mergeRateSamples, paidByRate, priceCases, type HospitalTotals } from '../../models/payment/price.ts';
import { collectWeightSample, deriveWeights, mergeWeightSamples, type WeightSample } from '../../models/payment/weights.ts';
import type { ObjectStore, Ports } from '../../models/ports.ts';
import { policyYearsProblem } from '../../app/policy-years.ts';
import { groupRecord } from '../../app/record.ts';
import { phasesFor, type MapPhase, type StepPhase } from '../../app/simulation-phases.ts';
import { allocateByHospital, budgetCents, mergeTallies, plannedCents, simulationResult, weightsState, type WeightsState } from '../../app/simulation-result.ts';
import { config } from '../shared/config.ts';
import * as k from '../shared/keys.ts';
import { latestLakeLines } from '../shared/lake-reader.ts';
import { reference } from '../shared/reference.ts';

/** A map phase of app/simulation-phases.ts. */
export type Phase = MapPhase;

/** The stores a simulation reads and writes: the lake's objects and the job item. */
export type SimulationPorts = Pick<Ports, 'objects' | 'simulations'>;

export interface SimulationRequest {
  policy: unknown;
  hospitalIds?: string[];
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

async function loadRequest(objects: ObjectStore, id: string): Promise<{ policy: PaymentPolicy; hospitalIds?: string[] }> {
  const request = await readJson<SimulationRequest>(objects, k.simulationRequestKey(id));
  return { policy: parsePolicy(request.policy), ...(request.hospitalIds ? { hospitalIds: request.hospitalIds } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Coordinator

/** Partition ids `yyyy-mm-<hospital>` of the policy's years, written as the Map's manifest. */
export async function coordinate(deps: SimulationPorts, id: string): Promise<{ id: string; partitions: number; budget: boolean }> {
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
  await deps.simulations.update(id, { status: 'running', partitionsTotal: list.length * phasesFor(policy.budget !== undefined).filter((p) => p.kind === 'map').length, partitionsDone: 0, casesRead: 0, updatedAt: new Date().toISOString() });
  return { id, partitions: list.length, budget: policy.budget !== undefined };
}

export async function manifest(objects: ObjectStore, id: string): Promise<{ id: string; partition: string }[]> {
  return readJson(objects, manifestKey(id));
}

// ---------------------------------------------------------------------------------------------
// Partition worker

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
  group: { status: 'grouped' | 'ambiguous' | 'ungroupable'; drg: string | null };
  ingestedAt: string;
}

const statusCode = { grouped: GroupStatus.Grouped, ambiguous: GroupStatus.Ambiguous, ungroupable: GroupStatus.Ungroupable } as const;

/** Read one partition of the lake into a case table: latest version of each listId only. */
export async function readPartition(objects: ObjectStore, partition: string, mode: PaymentPolicy['ambiguous']): Promise<CaseTable> {
  const m = /^(\d{4})-(\d{2})-(.+)$/.exec(partition);
  if (!m) throw new Error(`bad partition id ${partition}`);
  const latest = await latestLakeLines<LakeLine>(objects, await objects.list(config().LAKE_BUCKET, k.lakePartitionPrefix(m[1]!, m[2]!, m[3]!)));
  const builder = new CaseTableBuilder([mode], Math.max(16, latest.length));
  const scheme = mode === 'fallthrough' ? { pack: reference().pack } : null;
  for (const c of latest) {
    let group: { drg: string | null; status: GroupStatus };
    if (scheme) {
      const g = groupRecord(scheme, c, { ambiguous: 'fallthrough', trace: false });
      group = { drg: g.drg, status: statusCode[g.status] };
    } else {
      group = { drg: c.group.drg, status: statusCode[c.group.status] };
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
  const { policy } = await loadRequest(objects, input.id);
  const table = await readPartition(objects, input.partition, policy.ambiguous);
  let out: unknown;
  if (input.phase === 'weights') {
    const s = collectWeightSample(table, policy);
    out = { years: s.years, costs: s.costs.map(toArrays), counts: s.counts };
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
      out = { hospitals: hospitalTotals(table, priced, cents), tally: { cents: tally.cents, eligible: tally.eligible, histogram: Array.from(tally.histogram) }, reviews };
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
  const { policy } = await loadRequest(objects, id);
  const budget = policy.budget !== undefined;
  if (input.step === 'derive') {
    const samples = (await parts<{ years: number[]; costs: Record<string, number[]>[]; counts: WeightSample['counts'] }>(objects, id, 'weights'))
      .map((s): WeightSample => ({ years: s.years, costs: s.costs.map(fromArrays), counts: s.counts }));
    if (samples.length === 0) throw new Error('no cases are stored for the policy\'s years');
    const weights = deriveWeights(mergeWeightSamples(samples), policy);
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
    const priced = await parts<{ hospitals: HospitalTotals[]; tally: { cents: number; eligible: number; histogram: number[] }; reviews?: { ratio: number; listId: string }[] }>(objects, id, 'price');
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
    const result = simulationResult({ policy, rate, hospitals, leftoverCents, weights });
    await writeJson(objects, resultKey(id), result);
    await deps.simulations.update(id, { status: 'succeeded', resultKey: resultKey(id), summary: { cases: result.totals.cases, payment: result.totals.payment, totalCost: result.totals.totalCost, baseRate: result.rate.baseRate, hospitals: hospitals.length }, updatedAt: new Date().toISOString() });
  }
  return { id, budget };
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
    const { budget } = await coordinate(deps, id);
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
    for (const phase of phasesFor(budget)) {
      if (phase.kind === 'map') await map(phase.name);
      else await runStep(deps, { id, step: phase.name });
    }
  } catch (error) {
    await failJob(deps, id, error instanceof Error ? error.message : String(error));
  }
}
