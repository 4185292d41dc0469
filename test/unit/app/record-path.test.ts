/**
 * One record path: for the same raw record, every entry point's row — `payreform group`'s output
 * line, `POST /v1/group`'s result, the stored case of ingest and the simulation's case block —
 * carries the same validity and the same group, because each goes through app/record.ts.
 */
import { describe, expect, it } from 'vitest';
import { caseBlock } from '../../../app/case-block.ts';
import { emptyGroupCounts, groupResultRow } from '../../../app/group-result.ts';
import { groupRawRecord } from '../../../app/group-line.ts';
import { ingestRecord } from '../../../app/ingest-record.ts';
import { checkRecord } from '../../../app/record.ts';
import { devCasesWithMadeUpDetails } from '../../../infra/local/demo.ts';
import { loadCodeSets } from '../../../lib/codesets.ts';
import type { RawRecord } from '../../../models/settlement/readers.ts';
import { chsDrg11 } from '../../helpers/scheme.ts';

const lines = devCasesWithMadeUpDetails().slice(0, 300);
const { pack } = chsDrg11();
const codeSets = loadCodeSets();
const raws: RawRecord[] = lines.map((l, i) => ({ value: JSON.parse(l) as unknown, index: i, line: i + 1 }));

describe('the record path (app/record.ts)', () => {
  it('gives every entry point the same status and DRG for the same record', () => {
    const counts = emptyGroupCounts();
    const block = caseBlock(raws, { pack, codeSets, modes: ['qy'] });
    let k = 0;
    let stored = 0;
    for (const raw of raws) {
      const line = JSON.parse(groupRawRecord(raw, { pack, codeSets, options: { ambiguous: 'qy', trace: false } }).line) as { status: string; drg: string | null };
      const row = groupResultRow(raw.value, raw.index, { pack, codeSets, weights: new Map(), dip: null, explain: false }, counts);
      expect(row.status).toBe(line.status);
      expect(row.drg).toBe(line.drg);
      const ingested = ingestRecord(raw.value, { pack, codeSets, ownHospital: undefined, pseudonymise: (p) => `ref-${p}`, dip: null, today: '2026-12-04', groupedBy: { scheme: 'chs-drg-1.1', packHash: 'a'.repeat(64) } });
      if (ingested.ok) {
        stored++;
        expect(ingested.case.grouping).toMatchObject({ scheme: 'chs-drg-1.1', packHash: 'a'.repeat(64) });
        expect(ingested.case.grouping.drg).toBe(line.drg);
        expect(ingested.case.grouping.status).toBe(line.status);
      } else {
        // Ingest is stricter than grouping (grey codes refused), never looser.
        expect(ingested.problems.length).toBeGreaterThan(0);
      }
      if (line.status !== 'invalid') {
        expect(block.listIds[k]).toBe(row.listId);
        expect(block.drg[0]![k]! < 0 ? null : block.drgs[block.drg[0]![k]!]).toBe(line.drg);
        k++;
      }
    }
    expect(k).toBe(block.listIds.length);
    expect(stored).toBeGreaterThan(250);
    expect(counts.invalid).toBe(raws.length - block.listIds.length);
  }, 120_000);

  it('scopes ingest to a hospital key: its own filled in, another refused with the field', () => {
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    const ctx = { pack, codeSets, pseudonymise: (p: string) => `ref-${p}`, dip: null, today: '2026-12-04', groupedBy: { scheme: 'chs-drg-1.1', packHash: 'a'.repeat(64) } };
    const { hospitalId: _h, ...withoutHospital } = record;
    const own = ingestRecord({ ...withoutHospital, patientId: 'P-1' }, { ...ctx, ownHospital: 'HOSP777' });
    expect(own.ok && own.case.hospitalId).toBe('HOSP777');
    expect(own.ok && own.case.record.patientRef).toBe('ref-P-1');
    expect(JSON.stringify(own.ok && own.case)).not.toContain('"patientId"');
    const other = ingestRecord({ ...record, hospitalId: 'HOSP999' }, { ...ctx, ownHospital: 'HOSP777' });
    expect(other.ok).toBe(false);
    expect(!other.ok && other.problems.map((p) => p.path)).toEqual(['hospitalId']);
  });

  it('maps clinical-edition codes before validation (a record\'s own edition, else the default), and names an unmapped code', () => {
    const record = JSON.parse(lines[0]!) as { principalDiagnosis: string; secondaryDiagnoses: string[]; procedures: string[] };
    const maps = { diagnoses: new Map([['CLIN-DX', record.principalDiagnosis], ...record.secondaryDiagnoses.map((d) => [d, d] as [string, string])]), procedures: new Map(record.procedures.map((p) => [p, p] as [string, string])) };
    const clinical = { ...record, codeEdition: 'gl-2.0', principalDiagnosis: 'CLIN-DX' };
    let loads = 0;
    const codes = { codeMaps: () => (loads++, maps) };
    // Insurance-edition records never load the maps.
    expect(checkRecord(record, codeSets, 'group', codes).ok).toBe(true);
    expect(loads).toBe(0);
    const mapped = checkRecord(clinical, codeSets, 'group', codes);
    expect(mapped.ok && mapped.record.principalDiagnosis).toBe(record.principalDiagnosis);
    expect(mapped.ok && mapped.record.originalCodes?.principalDiagnosis).toBe('CLIN-DX');
    expect(mapped.ok && mapped.record.codeEdition).toBe('chs-2.0');
    // The batch's default edition applies to a record that names none; its own edition wins.
    const { codeEdition: _e, ...unnamed } = clinical;
    expect(checkRecord(unnamed, codeSets, 'group', { ...codes, codeEdition: 'gl-2.0' }).ok).toBe(true);
    expect(checkRecord(unnamed, codeSets, 'group', codes).ok).toBe(false);
    expect(checkRecord({ ...record, codeEdition: 'chs-2.0' }, codeSets, 'group', { ...codes, codeEdition: 'gl-2.0' }).ok).toBe(true);
    // An entry point without maps refuses a clinical record instead of validating its codes as insurance ones.
    const noMaps = checkRecord(clinical, codeSets, 'group');
    expect(!noMaps.ok && noMaps.errors.map((e) => e.path)).toEqual(['codeEdition']);
    const unmapped = checkRecord({ ...clinical, principalDiagnosis: 'CLIN-NONE' }, codeSets, 'group', codes);
    expect(unmapped.ok).toBe(false);
    expect(!unmapped.ok && unmapped.errors.map((e) => [e.code, e.path])).toEqual([['unmapped-code', 'principalDiagnosis']]);
    expect(!unmapped.ok && unmapped.errors[0]!.message).toContain('CLIN-NONE');
  });
});
