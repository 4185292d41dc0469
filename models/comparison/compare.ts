/**
 * Compare two DRG schemes on the same cases (payreform compare-schemes, and the service's scheme
 * comparisons): how cases move between groups (transitions.ts), each scheme's quality — in-group
 * rate, groups used, CMI, RIV, CV (scheme-quality.ts) — and per hospital the CMI and, with a
 * policy, the payment under each scheme (hospitals.ts). Pure: the adapters group the cases
 * (app/record.ts `groupRecord`) and, with a policy, price them (app/simulate.ts) before this.
 */
import type { HospitalTotals } from '../payment/price.ts';
import type { ComparedCases } from './compared-cases.ts';
import { hospitalComparison, type HospitalComparison } from './hospitals.ts';
import { schemeQuality, type SchemeQuality } from './scheme-quality.ts';
import { changedCases, transitions, type Transition } from './transitions.ts';

export interface SchemeComparison {
  cases: number;
  /** Cases whose DRG (status or code) / ADRG changes from scheme A to scheme B. */
  changed: { drg: number; adrg: number };
  schemes: [SchemeQuality, SchemeQuality];
  transitions: { drg: Transition[]; adrg: Transition[] };
  hospitals: HospitalComparison[];
}

export interface CompareOptions {
  /** A policy's relative weights under each scheme (DRG code → RW); without them RWs come from the cases' cost. */
  relativeWeights?: [ReadonlyMap<string, number>, ReadonlyMap<string, number>];
  /** A policy's per-hospital totals under each scheme (the payments). */
  payments?: [readonly HospitalTotals[], readonly HospitalTotals[]];
}

export function compareSchemes(cases: ComparedCases, options: CompareOptions = {}): SchemeComparison {
  const a = schemeQuality(cases, 0, options.relativeWeights?.[0]);
  const b = schemeQuality(cases, 1, options.relativeWeights?.[1]);
  return {
    cases: cases.size,
    changed: { drg: changedCases(cases, 'drg'), adrg: changedCases(cases, 'adrg') },
    schemes: [a.quality, b.quality],
    transitions: { drg: transitions(cases, 'drg'), adrg: transitions(cases, 'adrg') },
    hospitals: hospitalComparison(cases, [a.hospitals, b.hospitals], options.payments),
  };
}
