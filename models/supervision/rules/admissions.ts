/**
 * The two patient-history rules: split admission (分解住院) and frequent admission (频繁住院).
 * Both sort the cases that carry a patient id and dates once (by patient, then hospital or
 * date) and walk each patient's stays in order: O(N log N), no per-case objects.
 */
import { noDay, type SupervisionCases } from '../case-table.ts';
import { caseFacts, r2, type Flag } from '../flags.ts';
import type { RuleParams } from '../rule-set.ts';
import { counted } from '../../text/plural.ts';

/** Indexes of the cases with a patient and both dates, sorted by the comparator. */
function withHistory(t: SupervisionCases, compare: (a: number, b: number) => number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < t.size; i++) if (t.patient[i]! >= 0 && t.admission[i] !== noDay && t.discharge[i] !== noDay) out.push(i);
  return Int32Array.from(out).sort(compare);
}

/**
 * Split admission: consecutive stays a, b of one patient at one hospital with
 * 0 ≤ gap = admission_b − discharge_a ≤ windowDays and the same ADRG or MDC (per `match`),
 * a not ending in death and neither ADRG exempted. Both stays are flagged (once each), each
 * with the other as evidence. Score = 1 − gap / (windowDays + 1), × 0.8 when only the MDC matches
 * (a readmission the next day in the same ADRG scores ~1).
 */
export function splitAdmissions(t: SupervisionCases, p: RuleParams<'split-admission'>): Flag[] {
  const order = withHistory(t, (a, b) => t.patient[a]! - t.patient[b]! || t.hospital[a]! - t.hospital[b]! || t.admission[a]! - t.admission[b]! || t.discharge[a]! - t.discharge[b]!);
  const exempt = new Set(p.excludeAdrgs);
  const flagged = new Set<number>();
  const flags: Flag[] = [];
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1]!;
    const b = order[k]!;
    if (t.patient[a] !== t.patient[b] || t.hospital[a] !== t.hospital[b]) continue;
    const gap = t.admission[b]! - t.discharge[a]!;
    if (gap < 0 || gap > p.windowDays || t.disposition[a] === 5) continue;
    const sameAdrg = t.adrg[a]! >= 0 && t.adrg[a] === t.adrg[b];
    const sameMdc = t.mdc[a]! >= 0 && t.mdc[a] === t.mdc[b];
    const matches = p.match === 'adrg' ? sameAdrg : p.match === 'mdc' ? sameMdc : sameAdrg || sameMdc;
    if (!matches) continue;
    if (exempt.size > 0 && (exempt.has(t.adrgs[t.adrg[a]!] ?? '') || exempt.has(t.adrgs[t.adrg[b]!] ?? ''))) continue;
    const score = (1 - gap / (p.windowDays + 1)) * (sameAdrg ? 1 : 0.8);
    const level = sameAdrg ? `ADRG ${t.adrgs[t.adrg[a]!]}` : `MDC ${t.mdcs[t.mdc[a]!]}`;
    const pair = { patientId: t.patients[t.patient[a]!], gapDays: gap, windowDays: p.windowDays, sameAdrg, sameMdc, first: caseFacts(t, a), readmission: caseFacts(t, b), combinedCost: r2(t.cost[a]! + t.cost[b]!) };
    const reason = `The patient was readmitted to the same hospital ${gap} day(s) after discharge (within ${p.windowDays}), in the same ${level}: one stay may have been billed as two cases.`;
    for (const [i, role] of [[a, 'first stay'], [b, 'readmission']] as const) {
      if (flagged.has(i)) continue;
      flagged.add(i);
      flags.push({ rule: 'split-admission', hospitalId: t.hospitals[t.hospital[i]!]!, listId: t.listIds[i]!, score, evidence: { reason, role, ...pair } });
    }
  }
  return flags;
}

/**
 * Frequent admission: a patient with ≥ minAdmissions admissions whose admission dates fall
 * within windowDays (a sliding window over the patient's admissions, any hospital). Every stay
 * inside such a window is flagged once, with the window's stays as evidence (at most 24).
 * Score = min(1, 0.5 + (count − minAdmissions) / (2 · minAdmissions)): 0.5 at the threshold,
 * 1 at twice it.
 */
export function frequentAdmissions(t: SupervisionCases, p: RuleParams<'frequent-admission'>): Flag[] {
  const order = withHistory(t, (a, b) => t.patient[a]! - t.patient[b]! || t.admission[a]! - t.admission[b]! || a - b);
  const flags: Flag[] = [];
  let from = 0;
  while (from < order.length) {
    let to = from + 1;
    while (to < order.length && t.patient[order[to]!] === t.patient[order[from]!]) to++;
    if (to - from >= p.minAdmissions) flagPatient(t, order, from, to, p, flags);
    from = to;
  }
  return flags;
}

/** The stays from…to of one patient (sorted by admission): flag those in a window holding ≥ minAdmissions. */
function flagPatient(t: SupervisionCases, order: Int32Array, from: number, to: number, p: RuleParams<'frequent-admission'>, flags: Flag[]): void {
  // best[k]: the largest window (count, its first and last position) that contains stay k.
  const n = to - from;
  const bestCount = new Int32Array(n);
  const bestStart = new Int32Array(n);
  const bestEnd = new Int32Array(n);
  let end = from;
  for (let s = from; s < to; s++) {
    if (end < s) end = s;
    while (end + 1 < to && t.admission[order[end + 1]!]! - t.admission[order[s]!]! < p.windowDays) end++;
    const count = end - s + 1;
    if (count < p.minAdmissions) continue;
    for (let k = s; k <= end; k++) {
      if (count > bestCount[k - from]!) {
        bestCount[k - from] = count;
        bestStart[k - from] = s;
        bestEnd[k - from] = end;
      }
    }
  }
  for (let k = 0; k < n; k++) {
    const count = bestCount[k]!;
    if (count === 0) continue;
    const i = order[from + k]!;
    const stays: Record<string, unknown>[] = [];
    for (let j = bestStart[k]!; j <= bestEnd[k]! && stays.length < 24; j++) {
      const c = order[j]!;
      stays.push({ listId: t.listIds[c], hospitalId: t.hospitals[t.hospital[c]!], admissionDate: caseFacts(t, c).admissionDate, drg: t.drg[c]! >= 0 ? t.drgs[t.drg[c]!] : null });
    }
    const first = stays[0]!.admissionDate as string;
    const last = stays[stays.length - 1]!.admissionDate as string;
    flags.push({
      rule: 'frequent-admission',
      hospitalId: t.hospitals[t.hospital[i]!]!,
      listId: t.listIds[i]!,
      score: Math.min(1, 0.5 + (count - p.minAdmissions) / (2 * p.minAdmissions)),
      evidence: {
        reason: `The patient was admitted ${count} times between ${first} and ${last} (${p.minAdmissions} or more within ${counted(p.windowDays, 'day')}); this stay is one of them.`,
        patientId: t.patients[t.patient[i]!],
        admissionsInWindow: count,
        minAdmissions: p.minAdmissions,
        windowDays: p.windowDays,
        stays,
      },
    });
  }
}
