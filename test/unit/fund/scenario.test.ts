import { describe, it, expect } from 'vitest';
import { findPreset, mergeScenario, parseScenario, presetNames, presets, ScenarioError, withField } from '../../../models/fund/scenario.ts';

const issuesOf = (input: unknown): string[] => {
  try {
    parseScenario(input);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
};

describe('scenario schema', () => {
  it('accepts every preset and fills the defaults (paths 10 000, alert thresholds 3/6/9/15)', () => {
    expect(presetNames).toEqual(['baseline', 'ageing', 'high-cost-growth', 'epidemic']);
    for (const name of presetNames) {
      const s = parseScenario(presets[name]);
      expect(s.paths).toBe(10_000);
      expect(s.alerts).toEqual({ insufficientBelow: 3, warningBelow: 6, targetUpTo: 9, excessiveAbove: 15 });
    }
    const { seed: _seed, paths: _paths, ...rest } = presets.baseline!;
    const filled = parseScenario(rest);
    expect(filled.seed).toBe(1);
    expect(filled.paths).toBe(10_000);
  });

  it('finds presets by loose names', () => {
    expect(findPreset('high cost growth')).toBe(presets['high-cost-growth']);
    expect(findPreset('HighCostGrowth')).toBe(presets['high-cost-growth']);
    expect(findPreset('Epidemic')).toBe(presets.epidemic);
    expect(findPreset('nope')).toBeUndefined();
  });

  it('names the field path in every error sentence', () => {
    const bad = mergeScenario(presets.baseline, { costGrowth: { sd: -0.1 }, paths: 2.5, epidemics: { months: 'three' } });
    const issues = issuesOf(bad);
    expect(issues).toContain('costGrowth.sd must not be negative');
    expect(issues.some((i) => i.startsWith('paths must be a whole number'))).toBe(true);
    expect(issues.some((i) => i.startsWith('epidemics.months must be a number'))).toBe(true);
  });

  it('says which field is missing and rejects misspelt fields', () => {
    const { costPerCase: _omit, ...missing } = presets.baseline!;
    expect(issuesOf(missing)).toEqual(['costPerCase is required: the mean cost per case in yuan']);
    const typo = { ...presets.baseline, costgrowth: {} };
    expect(issuesOf(typo)).toEqual(['unknown field "costgrowth" (check the spelling)']);
    const nestedTypo = mergeScenario(presets.baseline, { wageGrowth: { sdd: 1 } });
    expect(issuesOf(nestedTypo)).toEqual(['unknown field "wageGrowth.sdd" (check the spelling)']);
  });

  it('keeps the share aged 65+ within 0…1 over the horizon and alert thresholds ordered', () => {
    const ageing = mergeScenario(presets.baseline, { ageing: { drift: 0.1 } });
    expect(issuesOf(ageing)[0]).toMatch(/^ageing\.drift takes the share aged 65 or over to 1\.1\d+ within 10 years/);
    const alerts = mergeScenario(presets.baseline, { alerts: { warningBelow: 10 } });
    expect(issuesOf(alerts)[0]).toMatch(/^alerts must be in increasing order/);
  });

  it('sets one field by dotted path and re-validates', () => {
    const s = parseScenario(presets.baseline);
    const changed = withField(s, 'costGrowth.mean', 0.09);
    expect(changed.costGrowth).toEqual({ ...s.costGrowth, mean: 0.09 });
    expect(s.costGrowth.mean).toBe(0.07);
    expect(() => withField(s, 'costGrowth.sd', -1)).toThrow('costGrowth.sd must not be negative');
    expect(() => withField(s, 'costGrowth', 1)).toThrow(/not a numeric scenario field/);
  });
});
