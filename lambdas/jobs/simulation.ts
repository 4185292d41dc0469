/**
 * A payment simulation as a fan-out over the lake's partitions (year/month/hospital), driven by
 * AWS Step Functions on AWS (a Distributed Map per phase, see infra/stacks) and by
 * `runSimulationInProcess` on the local stack — the same functions either way:
 *
 *   coordinate → map(partition: weights) → step: derive
 *              → [budget] map(partition: rate) → step: solve
 *              → map(partition: price) → step: finalize
 *
 * Per partition the payment model's pure phases run (`collectWeightSample`, `collectRateSample`,
 * `priceCases` + `roundPayments` + `hospitalTotals`); the steps merge (`mergeWeightSamples`,
 * `mergeRateSamples`, `mergeHospitalTotals`) and derive (`deriveWeights`, `solveBaseRate`,
 * `allocateCents`). Intermediate aggregates live in S3 under `jobs/simulations/<id>/`;
 * progress (partitions done per phase, cases read) in the job item.
 */
import { groupCase } from '../../models/grouping/drg/grouper.ts';
import { solveBaseRate } from '../../models/payment/base-rate.ts';
import { CaseTableBuilder, GroupStatus, type CaseTable } from '../../models/payment/cases.ts';
import { allocateCents, roundPayments } from '../../models/payment/cents.ts';
import { parsePolicy, type PaymentPolicy } from '../../models/payment/policy.ts';
import { collectRateSample, hospitalTotals, mergeHospitalTotals, mergeRateSamples, paidByRate, priceCases, caseMixIndex, type HospitalTotals } from '../../models/payment/price.ts';
import { collectWeightSample, deriveWeights, mergeWeightSamples, relativeWeightMap, type WeightSample } from '../../models/payment/weights.ts';
import type { ObjectStore, Ports } from '../../models/ports.ts';
import { config } from '../shared/config.ts';
import * as k from '../shared/keys.ts';
import { latestLakeLines } from '../shared/lake-reader.ts';
import { reference } from '../shared/reference.ts';

export type Phase = 'weights' | 'rate' | 'price';

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
  await writeJson(objects, manifestKey(id), list);
  await deps.simulations.update(id, { status: 'running', partitionsTotal: list.length * (policy.budget !== undefined ? 3 : 2), partitionsDone: 0, casesRead: 0, updatedAt: new Date().toISOString() });
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
  const pack = mode === 'fallthrough' ? reference().pack : null;
  for (const c of latest) {
    let group: { drg: string | null; status: GroupStatus };
    if (pack) {
      const g = groupCase(pack, c, { ambiguous: 'fallthrough', trace: false });
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
      out = { hospitals: hospitalTotals(table, priced, cents), tally: { cents: tally.cents, eligible: tally.eligible, histogram: Array.from(tally.histogram) } };
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

export type Step = 'derive' | 'solve' | 'finalize';

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
    const groups = [...weights.groups.values()].map((g) => ({ drg: g.drg, relativeWeight: g.relativeWeight, cases: g.cases, meanCost: g.meanCost, cv: g.cv }));
    await writeJson(objects, stateKey(id, 'weights'), { relativeWeights: Object.fromEntries(relativeWeightMap(weights)), groups, quality: weights.quality, counts: weights.counts, allCaseMean: weights.allCaseMean });
    if (!budget) await writeJson(objects, stateKey(id, 'rate'), { baseRate: policy.baseRate!, normalScale: 1, gap: 0, evaluations: 0 });
  } else if (input.step === 'solve') {
    const samples = (await parts<{ cost: number[]; unit: number[]; byItemCents: number }>(objects, id, 'rate'))
      .map((s) => ({ cost: Float64Array.from(s.cost), unit: Float64Array.from(s.unit), byItemCents: s.byItemCents }));
    const sample = mergeRateSamples(samples);
    const rate = solveBaseRate(sample, policy.budget! - sample.byItemCents / 100, policy.outliers);
    await writeJson(objects, stateKey(id, 'rate'), rate);
  } else {
    const priced = await parts<{ hospitals: HospitalTotals[]; tally: { cents: number; eligible: number; histogram: number[] } }>(objects, id, 'price');
    const hospitals = mergeHospitalTotals(priced.map((p) => p.hospitals));
    const rate = await readJson<{ baseRate: number; normalScale: number; gap: number }>(objects, stateKey(id, 'rate'));
    const weights = await readJson<{ groups: unknown[]; quality: unknown; counts: unknown }>(objects, stateKey(id, 'weights'));
    let paymentCents = hospitals.reduce((s, h) => s + h.paymentCents, 0);
    let leftoverCents = 0;
    if (budget) {
      // The leftover cents (< one per case) are split over partitions by the model's plan; the
      // budget total is exact, per-hospital totals are before that split (see the README).
      const target = Math.floor(policy.budget! * 100 + 0.5 + 1e-6);
      allocateCents(priced.map((p) => ({ cents: p.tally.cents, eligible: p.tally.eligible, histogram: Float64Array.from(p.tally.histogram) })), target);
      leftoverCents = target - paymentCents;
      paymentCents = target;
    }
    const totalCost = hospitals.reduce((s, h) => s + h.totalCost, 0);
    const result = {
      policy: { name: policy.name ?? null, version: policy.version, settlementYear: policy.settlementYear, referenceYears: policy.referenceYears },
      rate,
      totals: { cases: hospitals.reduce((s, h) => s + h.cases, 0), totalCost, payment: paymentCents / 100, leftoverCentsSpread: leftoverCents },
      hospitals: hospitals.map((h) => ({ ...h, payment: h.paymentCents / 100, cmi: caseMixIndex(h), balance: h.paymentCents / 100 - h.totalCost })),
      weights,
    };
    await writeJson(objects, resultKey(id), result);
    await deps.simulations.update(id, { status: 'succeeded', resultKey: resultKey(id), summary: { cases: result.totals.cases, payment: result.totals.payment, totalCost, baseRate: rate.baseRate, hospitals: hospitals.length }, updatedAt: new Date().toISOString() });
  }
  return { id, budget };
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
    await map('weights');
    await runStep(deps, { id, step: 'derive' });
    if (budget) {
      await map('rate');
      await runStep(deps, { id, step: 'solve' });
    }
    await map('price');
    await runStep(deps, { id, step: 'finalize' });
  } catch (error) {
    await failJob(deps, id, error instanceof Error ? error.message : String(error));
  }
}
