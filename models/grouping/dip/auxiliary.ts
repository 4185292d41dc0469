/**
 * Auxiliary catalogue (辅助目录) of a packet: a CART regression tree (`models/learning/cart.ts`)
 * on the packet's cases, target = cost at the newest year's price level, features
 *   severity (none / cc / mcc: the CCI proxy from the DRG pack's MCC/CC lists and exclusions),
 *   age band (0–28 d, 29 d–1 y, 1–6, 7–17, 18–64, ≥ 65 years),
 *   outcome (death / transfer / other),
 * all categorical. The tree's leaves are the auxiliary tiers.
 *
 * Keep rule (models.md §2): with CV = √(SS / n) / mean of the packet and
 *   CV_aux = √(Σ_leaves SS_leaf / n) / mean            (the CV left within the tiers)
 * the tiers are kept when 1 − CV_aux / CV ≥ `auxiliaryCvReduction` (*param* 0.2). Depths
 * 1 … maxDepth are tried in turn and the shallowest tree that meets the rule wins, so a packet
 * gets the fewest tiers that do the job. Each leaf must hold ≥ minTierCases cases.
 *
 * A leaf of a tree with categorical splits is a product of category sets, one per feature, so
 * each tier is stored as `when` (the allowed categories of each restricted feature), found by
 * running the 3 × 6 × 3 = 54 category combinations through the tree.
 */
import type { BinnedFeature } from '../../learning/binning.ts';
import { binFeatures } from '../../learning/binning.ts';
import { trainBinned, type CartTree } from '../../learning/cart.ts';
import { ageBands, outcomes, severities } from './codes.ts';

export const auxiliaryFeatureNames = ['severity', 'ageBand', 'outcome'] as const;
const labels = { severity: severities, ageBand: ageBands, outcome: outcomes } as const;
type FeatureName = (typeof auxiliaryFeatureNames)[number];
const words: Record<FeatureName, string> = { severity: 'severity', ageBand: 'age', outcome: 'outcome' };

/** The allowed categories of each restricted feature. */
export type TierCondition = { severity?: string[]; ageBand?: string[]; outcome?: string[] };

/** Bin the three auxiliary features once for all rows (codes are the indices of `codes.ts`). */
export function auxiliaryFeatures(severity: Uint8Array, ageBand: Uint8Array, outcome: Uint8Array): BinnedFeature[] {
  return binFeatures([
    { name: 'severity', kind: 'categorical', codes: severity, categories: severities },
    { name: 'ageBand', kind: 'categorical', codes: ageBand, categories: ageBands },
    { name: 'outcome', kind: 'categorical', codes: outcome, categories: outcomes },
  ]);
}

export interface AuxiliaryOptions {
  maxDepth: number;
  minTierCases: number;
  cvReduction: number;
}

export interface AuxiliaryFit {
  /** Leaf (tier) of each of the packet's rows, aligned with `rows`. */
  tierOfRow: Int32Array;
  tiers: { when: TierCondition; rule: string }[];
  cv: number;
  cvWithin: number;
  depth: number;
}

/** Fit the auxiliary tiers of one packet (`rows` index `binned` and `cost`), or null when no tree cuts the CV enough. */
export function fitAuxiliary(binned: readonly BinnedFeature[], cost: Float64Array, rows: Int32Array, options: AuxiliaryOptions): AuxiliaryFit | null {
  if (rows.length < 2 * options.minTierCases) return null;
  for (let depth = 1; depth <= options.maxDepth; depth++) {
    const { tree, leafOfRow } = trainBinned(binned, cost, { rows, maxDepth: depth, minSamplesLeaf: options.minTierCases });
    const root = tree.model.nodes[0]!;
    if (tree.leafCount < 2 || !(root.sse > 0) || root.mean === 0) return null;
    let within = 0;
    for (const node of tree.model.nodes) if (node.kind === 'leaf') within += node.sse;
    const cv = Math.sqrt(root.sse / root.weight) / root.mean;
    const cvWithin = Math.sqrt(within / root.weight) / root.mean;
    if (1 - cvWithin / cv >= options.cvReduction) return { tierOfRow: leafOfRow, tiers: tierConditions(tree), cv, cvWithin, depth };
    // A deeper tree can only help when the shallow one already split something.
  }
  return null;
}

/** The condition of each leaf, by running every category combination through the tree. */
function tierConditions(tree: CartTree): { when: TierCondition; rule: string }[] {
  const sets = Array.from({ length: tree.leafCount }, () => ({ severity: new Set<string>(), ageBand: new Set<string>(), outcome: new Set<string>() }));
  for (const severity of severities) {
    for (const ageBand of ageBands) {
      for (const outcome of outcomes) {
        const s = sets[tree.leafId({ severity, ageBand, outcome })]!;
        s.severity.add(severity);
        s.ageBand.add(ageBand);
        s.outcome.add(outcome);
      }
    }
  }
  return sets.map((s) => {
    const when: TierCondition = {};
    for (const name of auxiliaryFeatureNames) {
      if (s[name].size < labels[name].length) when[name] = labels[name].filter((l) => s[name].has(l));
    }
    return { when, rule: conditionText(when) };
  });
}

/** A tier condition in words: "severity = mcc and age ∈ {18–64 y, ≥ 65 y}"; "all cases" when unrestricted. */
export function conditionText(when: TierCondition): string {
  const parts: string[] = [];
  for (const name of auxiliaryFeatureNames) {
    const allowed = when[name];
    if (!allowed) continue;
    parts.push(allowed.length === 1 ? `${words[name]} = ${allowed[0]}` : `${words[name]} ∈ {${allowed.join(', ')}}`);
  }
  return parts.length > 0 ? parts.join(' and ') : 'all cases';
}

/** Whether a case's features meet a tier condition. */
export function meetsCondition(when: TierCondition, severity: string, ageBand: string, outcome: string): boolean {
  return (!when.severity || when.severity.includes(severity)) && (!when.ageBand || when.ageBand.includes(ageBand)) && (!when.outcome || when.outcome.includes(outcome));
}
