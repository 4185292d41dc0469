import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../lib/cli-error.ts';
import { loadCodeSets } from '../../../lib/codesets.ts';
import { parseCodeList, parseGreyList } from '../../../models/settlement/codes.ts';
import { fixtureDir } from './helpers.ts';

describe('code lists', () => {
  it('parses `code name` lines, tolerating a BOM, CRLF, blank lines and spaces in names', () => {
    const codes = parseCodeList('\uFEFFA00.000 霍乱\r\n\r\n  A15.000x010 继发性肺结核(初治 单耐药)涂阳培阳  \r\nA01.001+K77.0*\t伤寒性肝炎\nB99\n');
    expect([...codes.entries()]).toEqual([
      ['A00.000', '霍乱'],
      ['A15.000x010', '继发性肺结核(初治 单耐药)涂阳培阳'],
      ['A01.001+K77.0*', '伤寒性肝炎'],
      ['B99', ''],
    ]);
  });

  it('parses grey lists one code a line', () => {
    expect([...parseGreyList('\uFEFFZ95.200\r\n\r\n38.6800 ignored name\n')]).toEqual(['Z95.200', '38.6800']);
  });

  it('loads a codes directory once and caches it', () => {
    const dir = path.join(fixtureDir, 'codes');
    const sets = loadCodeSets(dir);
    expect(sets.diagnoses.get('A00.000')).toBe('霍乱，由于O1群霍乱弧菌');
    expect(sets.diagnoses.get('A15.000x010')).toBe('继发性肺结核(初治 单耐药)涂阳培阳');
    expect(sets.greyDiagnoses.has('Z95.200')).toBe(true);
    expect(sets.greyProcedures.has('38.6800')).toBe(true);
    expect(loadCodeSets(dir + '/')).toBe(sets);
  });

  it('says which file is missing with a CliError', () => {
    expect(() => loadCodeSets(fixtureDir)).toThrow(CliError);
    expect(() => loadCodeSets(fixtureDir)).toThrow(/icd10-chs-2\.0\.dat does not exist/);
  });
});
