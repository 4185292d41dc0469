/**
 * Hospital coefficients (医疗机构调节系数, models.md §2), derived from the reference years:
 *
 *   level coefficient   c_l     = Σ_y w_y m_{l,y} / Σ_y w_y m_y
 *   packet coefficient  c_{p,l} = Σ_y w_y m_{p,l,y} / Σ_y w_y m_{p,y}
 *
 * m_{l,y}: mean cost of the year-y cases at hospitals of level l; m_y: of all year-y cases (the
 * city); the sums run over the years in which the numerator's group has cases, so a level missing
 * in one year is compared with the city in the same years. A packet coefficient needs ≥ `minCases`
 * cases of the packet at that level (else the level coefficient applies). Cases of an unknown level
 * (0) count for the city and get coefficient 1. Which cases take which coefficient (none for basic
 * packets, the level one for conservative packets) is the payment's rule (simulate-dip.ts).
 */

export interface CoefficientCases {
  /** Hospital level 1–3 (0 unknown). */
  level: Uint8Array;
  /** Index of the reference year (0 … Y − 1), −1 to leave the case out. */
  yearSlot: Int32Array;
  cost: Float64Array;
  /** Packet index (−1: ungrouped, counts for the level figures only). */
  packet: Int32Array;
}

export interface HospitalCoefficients {
  /** Index 1–3: the level coefficient (index 0: 1 for unknown levels). */
  level: Float64Array;
  /** Cases of each level (index 0 unknown). */
  levelCases: Int32Array;
  /** packet × 4 + level: the packet coefficient, NaN when the packet has too few cases at that level. */
  packet: Float64Array;
}

export function deriveHospitalCoefficients(cases: CoefficientCases, packets: number, weights: readonly number[], minCases: number): HospitalCoefficients {
  const Y = weights.length;
  // Sums and counts by (group, year): groups are levels 0–3 and "all" (4); packets × (levels 0–3, all).
  const levelSum = new Float64Array(5 * Y);
  const levelCount = new Int32Array(5 * Y);
  const packetSum = new Float64Array(packets * 5 * Y);
  const packetCount = new Int32Array(packets * 5 * Y);
  const levelCases = new Int32Array(4);
  for (let i = 0; i < cases.cost.length; i++) {
    const y = cases.yearSlot[i]!;
    if (y < 0) continue;
    const l = cases.level[i]! <= 3 ? cases.level[i]! : 0;
    const c = cases.cost[i]!;
    levelCases[l]!++;
    levelSum[l * Y + y]! += c;
    levelCount[l * Y + y]!++;
    levelSum[4 * Y + y]! += c;
    levelCount[4 * Y + y]!++;
    const p = cases.packet[i]!;
    if (p < 0) continue;
    const o = p * 5 * Y;
    packetSum[o + l * Y + y]! += c;
    packetCount[o + l * Y + y]!++;
    packetSum[o + 4 * Y + y]! += c;
    packetCount[o + 4 * Y + y]!++;
  }
  const ratio = (sum: Float64Array, count: Int32Array, offset: number, group: number): { value: number; cases: number } => {
    let num = 0;
    let den = 0;
    let n = 0;
    for (let y = 0; y < Y; y++) {
      const k = count[offset + group * Y + y]!;
      if (k === 0) continue;
      n += k;
      num += weights[y]! * (sum[offset + group * Y + y]! / k);
      den += weights[y]! * (sum[offset + 4 * Y + y]! / count[offset + 4 * Y + y]!);
    }
    return { value: den > 0 ? num / den : NaN, cases: n };
  };
  const level = new Float64Array(4).fill(1);
  for (let l = 1; l <= 3; l++) {
    const r = ratio(levelSum, levelCount, 0, l);
    if (r.cases > 0 && Number.isFinite(r.value)) level[l] = r.value;
  }
  const packet = new Float64Array(packets * 4).fill(NaN);
  for (let p = 0; p < packets; p++) {
    for (let l = 1; l <= 3; l++) {
      const r = ratio(packetSum, packetCount, p * 5 * Y, l);
      if (r.cases >= minCases && Number.isFinite(r.value)) packet[p * 4 + l] = r.value;
    }
  }
  return { level, levelCases, packet };
}
