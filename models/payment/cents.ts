/**
 * Payments in whole cents, summing to the budget exactly.
 *
 * Each payment is rounded half-up to 0.01 yuan (models.md: money is rounded only when
 * reported). The rounded total then differs from the budget by D cents (|D| ≈ √N/3 from rounding,
 * plus nothing else: the solver already spent the budget exactly in yuan). D is allocated by
 * largest remainder over the cases whose payment depends on the base rate (normal, high and
 * review cases; cases paid at cost — low outliers and by-item cases — keep exactly their cost):
 * with D > 0, the cases whose rounding dropped the most get one more cent; with D < 0, those
 * rounded up the most get one cent less (more than one each only if |D| exceeds their number).
 *
 * Decomposable for the partitioned service: a partition reports its rounded total and a
 * histogram of remainders (1 024 bins of 1/1 024 cent); `allocateCents` picks the threshold bin
 * centrally and says how many cases of the threshold bin each partition adjusts (in partition
 * order, then case order), so partitions apply the same plan the single-process run applies.
 */

/** Remainder histogram resolution: 1/1 024 of a cent. */
export const remainderBins = 1024;

/** Half-up rounding of yuan to whole cents (10⁻⁶ cent absorbs binary fractions: 1.005 → 101). */
export function roundHalfUpCents(yuan: number): number {
  return Math.floor(yuan * 100 + 0.5 + 1e-6);
}

/** What a partition reports for the allocation. */
export interface CentTally {
  /** Σ rounded cents of every priced case. */
  cents: number;
  /** Cases that may receive leftover cents. */
  eligible: number;
  /** Eligible cases per remainder bin (bin 0: rounded up by ~½ cent … last: rounded down by ~½ cent). */
  histogram: Float64Array;
}

/** Rounded cents of each payment and, for eligible cases, their remainder bin (−1 otherwise). */
export function roundPayments(payment: Float64Array, eligible: (i: number) => boolean): { cents: Float64Array; bin: Int16Array; tally: CentTally } {
  const n = payment.length;
  const cents = new Float64Array(n);
  const bin = new Int16Array(n).fill(-1);
  const histogram = new Float64Array(remainderBins);
  let total = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = payment[i]! * 100;
    const c = roundHalfUpCents(payment[i]!);
    cents[i] = c;
    total += c;
    if (!eligible(i)) continue;
    // x − c ∈ [−½, ½): how far rounding moved the payment (negative: rounded up).
    const b = Math.min(remainderBins - 1, Math.max(0, Math.floor((x - c + 0.5) * remainderBins)));
    bin[i] = b;
    histogram[b]!++;
    count++;
  }
  return { cents, bin, tally: { cents: total, eligible: count, histogram } };
}

/** A partition's share of the leftover cents. */
export interface CentPlan {
  /** Cents added to every eligible case (non-zero only when |D| ≥ the eligible count). */
  each: number;
  /** +1 or −1: the direction of the remaining single cents (0: none). */
  direction: number;
  /** Eligible cases with a bin strictly beyond `threshold` (above for +1, below for −1) get `direction`. */
  threshold: number;
  /** Of the cases in the threshold bin, the first `atThreshold` (case order) also get `direction`. */
  atThreshold: number;
}

/** Split D = target − Σ rounded cents over partitions (see the module comment). */
export function allocateCents(tallies: readonly CentTally[], target: number): CentPlan[] {
  const total = tallies.reduce((s, t) => s + t.cents, 0);
  const eligible = tallies.reduce((s, t) => s + t.eligible, 0);
  const leftover = target - total;
  if (leftover === 0) return tallies.map(() => ({ each: 0, direction: 0, threshold: -1, atThreshold: 0 }));
  if (eligible === 0) throw new Error(`${leftover} cents are left over and no case paid by the base rate can take them`);
  const each = Math.trunc(leftover / eligible);
  let rest = Math.abs(leftover - each * eligible);
  const direction = rest === 0 ? 0 : Math.sign(leftover - each * eligible);
  if (direction === 0) return tallies.map(() => ({ each, direction: 0, threshold: -1, atThreshold: 0 }));
  // Walk the bins from the end that should move first.
  const order = direction > 0 ? (k: number) => remainderBins - 1 - k : (k: number) => k;
  let threshold = -1;
  for (let k = 0; k < remainderBins; k++) {
    const b = order(k);
    const inBin = tallies.reduce((s, t) => s + t.histogram[b]!, 0);
    if (inBin >= rest) {
      threshold = b;
      break;
    }
    rest -= inBin;
  }
  return tallies.map((t) => {
    const take = Math.min(rest, t.histogram[threshold]!);
    rest -= take;
    return { each, direction, threshold, atThreshold: take };
  });
}

/** Apply a partition's plan to its rounded cents (in place). */
export function applyCents(cents: Float64Array, bin: Int16Array, plan: CentPlan): void {
  if (plan.each === 0 && plan.direction === 0) return;
  let atThreshold = plan.atThreshold;
  for (let i = 0; i < cents.length; i++) {
    const b = bin[i]!;
    if (b < 0) continue;
    let c = cents[i]! + plan.each;
    if (plan.direction !== 0) {
      const beyond = plan.direction > 0 ? b > plan.threshold : b < plan.threshold;
      if (beyond) c += plan.direction;
      else if (b === plan.threshold && atThreshold > 0) {
        c += plan.direction;
        atThreshold--;
      }
    }
    cents[i] = c;
  }
}
