/**
 * A hospital's rate of some kind of case against its peers' — the test under the upcoding and
 * low-severity rules. Counts are kept per (level, cell) so each hospital's leave-one-out peer
 * figures come from totals minus its own, O(1) per hospital.
 *
 * For hospital h with x of n cases of the kind, among peers P (same level, h left out):
 *   p = Σ_P x / Σ_P n;
 *   ρ (intra-class correlation, hospitals differing beyond chance) by the method of moments on
 *     the peers' Pearson statistic X² = Σ_P (x − n p)² / (n p (1 − p)):
 *     ρ = clamp((X² − (|P| − 1)) / Σ_P (n − 1), 0, 0.5);
 *   pValue = P(X ≥ x) for X ~ BetaBinomial(n, mean p, ρ) (the binomial when ρ = 0).
 */
import { betaBinomialUpperTail } from '../statistics.ts';

/** Running sums over the hospitals of one (level, cell). */
export interface PeerSums {
  x: number;
  n: number;
  /** Σ x² / n. */
  x2n: number;
  /** Hospitals with n > 0. */
  hospitals: number;
}

export function emptySums(): PeerSums {
  return { x: 0, n: 0, x2n: 0, hospitals: 0 };
}

export function addToSums(s: PeerSums, x: number, n: number): void {
  if (n <= 0) return;
  s.x += x;
  s.n += n;
  s.x2n += (x * x) / n;
  s.hospitals++;
}

export interface PeerComparison {
  peerRate: number;
  peerCases: number;
  peerHospitals: number;
  rho: number;
  pValue: number;
}

/** The peers' figures without hospital (x, n), or null when fewer than `minPeers` hospitals / `minPeerCases` cases remain or the rate is 0 or 1. */
/** The peers' Pearson statistic without hospital (x, n): X² and its degrees of freedom (hospitals − 1) and Σ(n − 1), for pooling ρ over cells. */
export function peerDispersion(sums: PeerSums, x: number, n: number): { chi: number; hospitals: number; cases: number } | null {
  const px = sums.x - x;
  const pn = sums.n - n;
  const k = sums.hospitals - (n > 0 ? 1 : 0);
  if (k < 2 || pn <= k) return null;
  const p = px / pn;
  if (p <= 0 || p >= 1) return null;
  const x2n = sums.x2n - (n > 0 ? (x * x) / n : 0);
  return { chi: (x2n - 2 * p * px + p * p * pn) / (p * (1 - p)), hospitals: k, cases: pn };
}

export function leaveOneOut(sums: PeerSums, x: number, n: number, minPeerCases: number, minPeers = 2): Omit<PeerComparison, 'pValue'> | null {
  const px = sums.x - x;
  const pn = sums.n - n;
  const k = sums.hospitals - (n > 0 ? 1 : 0);
  if (pn < minPeerCases || k < minPeers) return null;
  const p = px / pn;
  if (p <= 0 || p >= 1) return p <= 0 ? { peerRate: 0, peerCases: pn, peerHospitals: k, rho: 0 } : null;
  const x2n = sums.x2n - (n > 0 ? (x * x) / n : 0);
  const chi = (x2n - 2 * p * px + p * p * pn) / (p * (1 - p));
  const rho = pn - k > 0 ? Math.max(0, Math.min(0.5, (chi - (k - 1)) / (pn - k))) : 0;
  return { peerRate: p, peerCases: pn, peerHospitals: k, rho };
}

/** The one-sided beta-binomial p-value of x of n against the peers. A zero peer rate gives p = 0 for any x > 0 (capped by the effect-size rules). */
export function compareWithPeers(peers: Omit<PeerComparison, 'pValue'>, x: number, n: number): PeerComparison {
  const pValue = peers.peerRate <= 0 ? (x > 0 ? 0 : 1) : betaBinomialUpperTail(x, n, peers.peerRate, peers.rho);
  return { ...peers, pValue };
}
