/**
 * Drug and material scores of a packet (药品分值 dRW, 耗材分值 cRW; the specification's §5.1.4,
 * models.md §2): dRW_i = dm_i / dM, the packet's mean drug cost ÷ the all-case mean drug cost,
 * each year weighted as the score is — Σ_y w_y (dm_{i,y} / dM_y) / Σ_y w_y over the years in
 * which the packet has itemised cases. For monitoring the structure of a packet's costs (a
 * packet whose dRW runs far above its score is drug-heavy); never in the payment. Only cases
 * whose settlement list itemises its costs count; NaN where no case of the packet does.
 */

/** Per packet, the weighted item score (see the module comment). `packetOf` −1: in no packet (still counted in dM_y). */
export function itemScores(packetOf: Int32Array, packets: number, yearOf: Int32Array, weights: readonly number[], item: Float64Array): Float64Array {
  const Y = weights.length;
  const sum = new Float64Array(packets * Y);
  const count = new Float64Array(packets * Y);
  const allSum = new Float64Array(Y);
  const allCount = new Float64Array(Y);
  for (let k = 0; k < packetOf.length; k++) {
    const x = item[k]!;
    if (!Number.isFinite(x)) continue;
    const y = yearOf[k]!;
    allSum[y]! += x;
    allCount[y]!++;
    const p = packetOf[k]!;
    if (p < 0) continue;
    sum[p * Y + y]! += x;
    count[p * Y + y]!++;
  }
  const out = new Float64Array(packets).fill(NaN);
  for (let p = 0; p < packets; p++) {
    let num = 0;
    let den = 0;
    for (let y = 0; y < Y; y++) {
      const c = count[p * Y + y]!;
      const all = allCount[y]! > 0 ? allSum[y]! / allCount[y]! : NaN;
      if (c === 0 || !(all > 0)) continue;
      num += weights[y]! * (sum[p * Y + y]! / c / all);
      den += weights[y]!;
    }
    if (den > 0) out[p] = num / den;
  }
  return out;
}

/** A case's drug cost (western + herbal + patent drugs) and material cost from its itemised costs; NaN without them. */
export function itemCosts(costs: Partial<Record<string, number>> | undefined): { drugs: number; materials: number } {
  if (!costs) return { drugs: NaN, materials: NaN };
  return { drugs: (costs.westernDrugs ?? 0) + (costs.herbalDrugs ?? 0) + (costs.patentDrugs ?? 0), materials: costs.materials ?? 0 };
}
