/**
 * A supervision flag: which rule, which hospital, which case (null for a flag on the hospital
 * as a whole), a score in (0, 1] (the rule's strength of evidence, documented per rule) and the
 * evidence — the cases and figures that triggered it, with a sentence saying why.
 */
import { isoDate, noDay, type SupervisionCases } from './case-table.ts';
import type { RuleId } from './rule-set.ts';

export interface Evidence {
  /** Why the flag was raised, in words, with the figures. */
  reason: string;
  [key: string]: unknown;
}

export interface Flag {
  rule: RuleId;
  hospitalId: string;
  listId: string | null;
  score: number;
  evidence: Evidence;
}

/** Round for the evidence (money to the cent, ratios to 4 significant places). */
export function r2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function r4(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

/** Percent with one decimal, for sentences. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/** Yuan with thousands separators, for sentences. */
export function yuan(x: number): string {
  return `${Math.round(x).toLocaleString('en')} yuan`;
}

/** The facts of one case that most evidence repeats. */
export function caseFacts(t: SupervisionCases, i: number): Record<string, unknown> {
  return {
    listId: t.listIds[i],
    hospitalId: t.hospitals[t.hospital[i]!],
    drg: t.drg[i]! >= 0 ? t.drgs[t.drg[i]!] : null,
    admissionDate: t.admission[i] === noDay ? null : isoDate(t.admission[i]!),
    dischargeDate: t.discharge[i] === noDay ? null : isoDate(t.discharge[i]!),
    lengthOfStay: t.lengthOfStay[i],
    totalCost: r2(t.cost[i]!),
  };
}
