/**
 * DRG split design from data (issue 5, "DRG split design"): for each ADRG with enough cases, a
 * CART regression tree (`models/learning/cart.ts`) on case features proposes a split of the
 * ADRG, and its quality is set beside the official suffix split (1 with MCC / 3 with CC /
 * 5 without / 9 unsplit, models.md §1). It lives with the learned grouping (DIP) because it is
 * the same machinery: packets mined from a region's history.
 *
 * Target: cost at the newest year's price level, c' = c × mean_newest / mean_y (all-case means
 * of each discharge year), so inflation between years is not taken for heterogeneity.
 * Features (all known at discharge, none an outcome of care like the stay):
 *   ccLevel (none / cc / mcc, the grouper's severity with exclusions), ageBand (the six DIP bands),
 *   disposition (离院方式 1–9), newbornWeight (g, missing unless a birth weight is coded),
 *   ventilationHours (missing unless coded), procedureClass (surgical / therapeutic /
 *   diagnostic / conservative).
 * Figures per ADRG, each within the ADRG (SS_total = Σ (c' − mean_ADRG)²):
 *   RIV_split = 1 − Σ_groups SS_group / SS_total,
 *   mean CV  = Σ_groups n_g CV_g / n (case-weighted mean of the groups' CVs),
 * for the official split (groups = the DRGs the grouper gave) and the proposed one (groups =
 * the tree's leaves). The data argue for a different split when
 *   RIV_proposed − RIV_official ≥ minRivGain (default 0.05)
 * — the tree explains at least 5 % more of the ADRG's variance with at most as many groups
 * as 2^maxDepth (default 2 → ≤ 4 groups, the size of a 1/3/5 split).
 */
import { binFeatures, type BinnedFeature } from '../../learning/binning.ts';
import { trainBinned } from '../../learning/cart.ts';
import { ageBands, comprehensiveClasses } from './codes.ts';
import { momentsByGroup } from './stats.ts';
import { counted } from '../../text/plural.ts';

export const dispositionLabels = ['1', '2', '3', '4', '5', '9'] as const;
export const ccLevels = ['none', 'cc', 'mcc'] as const;

/** Cases of all ADRGs in columns. */
export interface SplitDesignCases {
  size: number;
  /** ADRG and DRG codes per case (indices into the lists). */
  adrg: Int32Array;
  drg: Int32Array;
  adrgs: string[];
  drgs: string[];
  year: Int32Array;
  cost: Float64Array;
  ccLevel: Uint8Array;
  ageBand: Uint8Array;
  disposition: Uint8Array;
  procedureClass: Uint8Array;
  newbornWeight: Float64Array;
  ventilationHours: Float64Array;
}

export interface SplitDesignOptions {
  /** ADRGs with fewer cases are not designed. Default 500. */
  minCases?: number;
  /** Depth of the proposed tree. Default 2 (≤ 4 groups). */
  maxDepth?: number;
  /** Fewest cases in a proposed group: max(this, 5 % of the ADRG). Default 50. */
  minGroupCases?: number;
  /** RIV gain that makes a proposal worth a look. Default 0.05. */
  minRivGain?: number;
}

export interface SplitGroup {
  /** DRG code (official) or the leaf's rule in words (proposed). */
  name: string;
  cases: number;
  meanCost: number;
  cv: number;
}

export interface AdrgProposal {
  adrg: string;
  cases: number;
  meanCost: number;
  cv: number;
  official: { groups: SplitGroup[]; riv: number; meanCv: number };
  proposed: { groups: SplitGroup[]; riv: number; meanCv: number; importance: Record<string, number> };
  rivGain: number;
  /** Whether the data argue for a different split (rivGain ≥ minRivGain). */
  differs: boolean;
}

export interface SplitDesign {
  options: Required<SplitDesignOptions>;
  adrgsConsidered: number;
  adrgsSkipped: number;
  proposals: AdrgProposal[];
}

/** Bin the design features of every case once. */
function designFeatures(cases: SplitDesignCases): BinnedFeature[] {
  return binFeatures([
    { name: 'ccLevel', kind: 'categorical', codes: cases.ccLevel, categories: ccLevels },
    { name: 'ageBand', kind: 'categorical', codes: cases.ageBand, categories: ageBands },
    { name: 'disposition', kind: 'categorical', codes: cases.disposition, categories: dispositionLabels },
    { name: 'newbornWeight', kind: 'numeric', values: cases.newbornWeight },
    { name: 'ventilationHours', kind: 'numeric', values: cases.ventilationHours },
    { name: 'procedureClass', kind: 'categorical', codes: cases.procedureClass, categories: comprehensiveClasses },
  ]);
}

/** Cost at the newest year's price level: c × mean_newest / mean_y. */
export function priceLevelled(year: Int32Array, cost: Float64Array): Float64Array {
  const sums = new Map<number, { s: number; n: number }>();
  for (let i = 0; i < year.length; i++) {
    const e = sums.get(year[i]!) ?? { s: 0, n: 0 };
    e.s += cost[i]!;
    e.n++;
    sums.set(year[i]!, e);
  }
  const newest = Math.max(...sums.keys());
  const newestMean = sums.get(newest)!.s / sums.get(newest)!.n;
  const factor = new Map([...sums].map(([y, e]) => [y, newestMean / (e.s / e.n)]));
  return Float64Array.from(cost, (c, i) => c * factor.get(year[i]!)!);
}

/** Propose splits for every ADRG with enough cases (see the module comment). */
export function designSplits(cases: SplitDesignCases, options: SplitDesignOptions = {}): SplitDesign {
  const o: Required<SplitDesignOptions> = { minCases: options.minCases ?? 500, maxDepth: options.maxDepth ?? 2, minGroupCases: options.minGroupCases ?? 50, minRivGain: options.minRivGain ?? 0.05 };
  const proposals: AdrgProposal[] = [];
  if (cases.size === 0) return { options: o, adrgsConsidered: 0, adrgsSkipped: 0, proposals };
  const cost = priceLevelled(cases.year, cases.cost);
  const binned = designFeatures(cases);
  const members: number[][] = cases.adrgs.map(() => []);
  for (let i = 0; i < cases.size; i++) members[cases.adrg[i]!]!.push(i);
  let skipped = 0;
  cases.adrgs.forEach((adrg, a) => {
    const rows = Int32Array.from(members[a]!);
    if (rows.length < o.minCases) {
      if (rows.length > 0) skipped++;
      return;
    }
    proposals.push(proposeAdrg(adrg, rows, cases, cost, binned, o));
  });
  proposals.sort((x, y) => y.rivGain - x.rivGain || (x.adrg < y.adrg ? -1 : 1));
  return { options: o, adrgsConsidered: proposals.length, adrgsSkipped: skipped, proposals };
}

function proposeAdrg(adrg: string, rows: Int32Array, cases: SplitDesignCases, cost: Float64Array, binned: BinnedFeature[], o: Required<SplitDesignOptions>): AdrgProposal {
  const local = Float64Array.from(rows, (i) => cost[i]!);
  // Official split: the DRGs of the ADRG's cases.
  const drgIndex = new Map<number, number>();
  const drgOf = Int32Array.from(rows, (i) => {
    const d = cases.drg[i]!;
    let k = drgIndex.get(d);
    if (k === undefined) {
      k = drgIndex.size;
      drgIndex.set(d, k);
    }
    return k;
  });
  const drgNames = [...drgIndex.keys()].map((d) => cases.drgs[d]!);
  const official = splitFigures(drgOf, drgNames, local);
  // Proposed split: CART leaves.
  const minLeaf = Math.max(o.minGroupCases, Math.ceil(0.05 * rows.length));
  const { tree, leafOfRow } = trainBinned(binned, cost, { rows, maxDepth: o.maxDepth, minSamplesLeaf: minLeaf });
  const rules = tree.leaves().map((l) => l.rule);
  const proposed = splitFigures(leafOfRow, rules, local);
  const all = momentsByGroup(new Int32Array(rows.length), 1, local);
  const importance = Object.fromEntries(Object.entries(tree.featureImportance()).filter(([, v]) => v > 0).map(([k, v]) => [k, round4(v)]));
  const rivGain = proposed.riv - official.riv;
  return {
    adrg,
    cases: rows.length,
    meanCost: round2(all.mean[0]!),
    cv: round4(all.cv[0]!),
    official,
    proposed: { ...proposed, importance },
    rivGain: round4(rivGain),
    differs: rivGain >= o.minRivGain,
  };
}

/** Groups, RIV and case-weighted mean CV of one split of an ADRG's costs. */
function splitFigures(groupOf: Int32Array, names: string[], cost: Float64Array): { groups: SplitGroup[]; riv: number; meanCv: number } {
  const m = momentsByGroup(groupOf, names.length, cost);
  const total = momentsByGroup(new Int32Array(cost.length), 1, cost).ss[0]!;
  let within = 0;
  let weightedCv = 0;
  const groups: SplitGroup[] = names.map((name, g) => {
    within += m.ss[g]!;
    weightedCv += m.count[g]! * (Number.isFinite(m.cv[g]!) ? m.cv[g]! : 0);
    return { name, cases: m.count[g]!, meanCost: round2(m.mean[g]!), cv: round4(m.cv[g]!) };
  });
  groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { groups, riv: round4(total > 0 ? 1 - within / total : 0), meanCv: round4(weightedCv / cost.length) };
}

/** The design as a readable Markdown report. */
export function designMarkdown(design: SplitDesign): string {
  const o = design.options;
  const lines = [
    '# DRG split design',
    '',
    `ADRGs with ≥ ${o.minCases} cases: ${design.adrgsConsidered} (${design.adrgsSkipped} smaller ones skipped). A CART of depth ≤ ${o.maxDepth} on ccLevel, ageBand, disposition, newbornWeight, ventilationHours and procedureClass proposes a split of each; RIV and the case-weighted mean CV are within the ADRG, costs at the newest year's price level.`,
    '',
    `## ADRGs where the data argue for a different split (RIV gain ≥ ${o.minRivGain})`,
    '',
  ];
  const differ = design.proposals.filter((p) => p.differs);
  if (differ.length === 0) lines.push('None: the official suffix split is as good as a learned one everywhere.', '');
  for (const p of differ) {
    lines.push(`### ${p.adrg} — ${counted(p.cases, 'case')}, RIV ${p.official.riv} → ${p.proposed.riv} (+${p.rivGain}), mean CV ${p.official.meanCv} → ${p.proposed.meanCv}`, '');
    lines.push('| split | group | cases | mean cost | CV |', '|---|---|---:|---:|---:|');
    for (const g of p.official.groups) lines.push(`| official | ${g.name} | ${g.cases} | ${g.meanCost.toFixed(2)} | ${g.cv} |`);
    for (const g of p.proposed.groups) lines.push(`| proposed | ${g.name} | ${g.cases} | ${g.meanCost.toFixed(2)} | ${g.cv} |`);
    lines.push('');
  }
  lines.push('## All ADRGs', '', '| ADRG | cases | CV | official RIV | proposed RIV | gain | official mean CV | proposed mean CV | main features |', '|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const p of design.proposals) {
    const features = Object.entries(p.proposed.importance).sort((a, b) => b[1] - a[1]).map(([k]) => k).join(', ') || '—';
    lines.push(`| ${p.adrg} | ${p.cases} | ${p.cv} | ${p.official.riv} | ${p.proposed.riv} | ${p.rivGain} | ${p.official.meanCv} | ${p.proposed.meanCv} | ${features} |`);
  }
  return lines.join('\n') + '\n';
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
