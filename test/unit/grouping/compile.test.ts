import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSchemeDir } from '../../../lib/scheme.ts';
import { packSchemas } from '../../../models/grouping/drg/pack.ts';
import { groupCase } from '../../../models/grouping/drg/grouper.ts';
import { chsDrg11 } from '../../helpers/scheme.ts';

const miniScheme = path.join(import.meta.dirname, '../../fixtures/grouping/mini-scheme');

describe('compiling the CHS-DRG 1.1 scheme text', () => {
  const { pack, report } = chsDrg11();

  it('finds every MDC, ADRG and DRG of the scheme', () => {
    expect(report.counts).toMatchObject({ mdcs: 26, adrgs: 376, drgs: 628, exclusionTables: 214 });
    expect(report.counts.mcc).toBeGreaterThan(4000);
    expect(report.counts.cc).toBeGreaterThan(15000);
  });

  it('interprets every line: none is left uninterpreted, and each repaired artefact says what was done', () => {
    expect(report.uninterpreted).toEqual([]);
    const kinds = new Set(report.artefacts.map((a) => a.kind));
    for (const kind of ['joined-line-marker', 'page-number', 'repeated-header', 'joined-page', 'wrapped-name', 'table-on-next-line', 'spelling-variant']) expect(kinds).toContain(kind);
    for (const a of report.artefacts) expect(a.explanation.length).toBeGreaterThan(10);
  });

  it('reports where the combined text and the per-ADRG files differ, and uses their union', () => {
    expect(report.differences.map((d) => d.explanation.slice(0, 4))).toEqual(['FU2:', 'WJ1:', 'YC1:', 'MDCZ']);
    const wj1 = pack.adrgs.find((a) => a.code === 'WJ1')!;
    expect(wj1.alternatives[0]!.conditions).toContainEqual({ kind: 'operatingRoomProcedure' });
  });

  it('produces a pack that validates against its schema, with the hash of its source', () => {
    expect(packSchemas().rulePackSchema.safeParse(pack).success).toBe(true);
    expect(pack.sourceHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('compiles the surgery-table formulas of JA1 into two alternatives', () => {
    const ja1 = pack.adrgs.find((a) => a.code === 'JA1')!;
    expect(ja1.alternatives.map((a) => a.conditions.map((c) => c.kind))).toEqual([
      ['principalDiagnosis', 'anyProcedure', 'anyProcedure'],
      ['principalDiagnosis', 'anyProcedure', 'anyProcedure', 'anyProcedure'],
    ]);
  });

  it('adds the conditions stated only in group names (newborn age, birth-weight bands)', () => {
    const ps2 = pack.adrgs.find((a) => a.code === 'PS2')!;
    expect(ps2.alternatives[0]!.conditions).toContainEqual({ kind: 'birthWeight', min: 1500, max: 1999 });
    expect(ps2.alternatives[0]!.text).toContain('出生体重1500-1999g');
  });
});

describe('another scheme in the same text form compiles without code changes', () => {
  const { pack, report } = compileSchemeDir(miniScheme);

  it('reads its groups and repairs its artefacts', () => {
    expect(report.counts).toMatchObject({ mdcs: 4, adrgs: 6, drgs: 10, mcc: 4, cc: 2, exclusionTables: 4 });
    expect(report.uninterpreted).toEqual([]);
    expect(report.artefacts.map((a) => `${a.file}:${a.line}:${a.kind}`)).toEqual([
      '4_ADRG_DETAIL.txt:5:joined-line-marker',
      '4_ADRG_DETAIL.txt:8:joined-line-marker',
      '4_ADRG_DETAIL.txt:11:page-number',
      '5_MCC.txt:3:joined-page',
      '5_MCC.txt:4:page-number',
      '5_MCC.txt:5:repeated-header',
      '6_CC.txt:4:wrapped-name',
      '6_CC.txt:5:table-on-next-line',
      '7_CCE.txt:7:wrapped-name',
      '7_CCE.txt:11:page-number',
    ]);
    expect(pack.mcc).toEqual({ 'J96.000': '7-2', 'R57.000': '7-3', 'U82.100': null, 'S27.000': '7-9' });
  });

  it('excludes the MCCs of every table a principal diagnosis belongs to', () => {
    const base = { sex: 'M' as const, ageYears: 60, principalDiagnosis: 'I61.000', procedures: [] };
    // I61.000 is in tables 7-2 and 7-3: both MCCs are excluded.
    expect(groupCase(pack, { ...base, secondaryDiagnoses: ['J96.000', 'R57.000'] }).drg).toBe('BR15');
    // U82.100 is excluded by nothing (无).
    const withFree = groupCase(pack, { ...base, secondaryDiagnoses: ['J96.000', 'U82.100'] });
    expect(withFree.drg).toBe('BR11');
    expect(withFree.trace.map((t) => t.text).join('\n')).toContain('J96.000 is an MCC (严重并发症或合并症) of exclusion table 7-2, and the principal diagnosis I61.000 is in that table');
    // A CC whose table does not hold the principal counts.
    expect(groupCase(pack, { ...base, secondaryDiagnoses: ['E87.100'] }).drg).toBe('BR13');
    expect(groupCase(pack, { ...base, principalDiagnosis: 'G93.900', secondaryDiagnoses: ['E87.100'] }).drg).toBe('BZ19');
  });

  it('sends multiple trauma to MDCZ only with diagnoses from two body sites', () => {
    const trauma = { sex: 'F' as const, ageYears: 30, principalDiagnosis: 'S06.500', procedures: [] };
    expect(groupCase(pack, { ...trauma, secondaryDiagnoses: ['S27.000'] })).toMatchObject({ mdc: 'MDCZ', drg: 'ZZ11' });
    // One site only: not MDCZ; MDCB takes the craniotomy, and without it no ADRG of MDCB lists S06.500.
    expect(groupCase(pack, { ...trauma, secondaryDiagnoses: [], procedures: ['01.2401'] })).toMatchObject({ mdc: 'MDCB', drg: 'BB15' });
    const none = groupCase(pack, { ...trauma, secondaryDiagnoses: [] });
    expect(none).toMatchObject({ status: 'ungroupable', mdc: null });
    expect(none.trace.map((t) => t.step)).toEqual(['mdc', 'mdc', 'mdc', 'ungroupable']);
  });
});
