import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../lib/cli-error.ts';
import { codeSetFiles, loadCodeSets } from '../../../lib/codesets.ts';
import { referenceAvailable, referencePath } from '../../../lib/reference.ts';
import { codeListFromBytes, parseCodeList, parseGreyList } from '../../../models/settlement/codes.ts';
import { fixtureDir } from './helpers.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

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

  it('parses bare grey lists (codes and line ends only) as any other, order kept (property)', () => {
    const general = (text: string) => parseGreyList(`${text}\r`); // a \r: never bare, always the line-by-line parse
    expect([...parseGreyList('B00\nA00\n\nB00\nC01')]).toEqual(['B00', 'A00', 'C01']);
    const piece = fc.constantFrom('A', '0', '.', '\n', '\n', ' ', '\t', '\r', '\u00a0', '\uFEFF', '\u3000', 'x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        expect([...parseGreyList(text)]).toEqual([...general(text)]);
      }),
      { numRuns: 3000 },
    );
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

describe('a code list answered from its bytes', () => {
  /** The list both ways: answered from the bytes (counting full parses) and parsed. */
  const both = (text: string) => {
    const parses = { count: 0 };
    const fromBytes = codeListFromBytes(utf8(text), () => (parses.count++, parseCodeList(text)));
    return { fromBytes, parsed: parseCodeList(text), parses };
  };

  it('finds exactly the codes the parser reads, without parsing a sorted list; names and file order from the parse', () => {
    const { fromBytes, parsed, parses } = both('\uFEFFA00.000 霍乱\r\n\r\n  A01.001+K77.0*\t伤寒性肝炎  \r\nA15.000x010 继发性肺结核(初治 单耐药)\nA15.000x010 重复\nB99\n   \t\n');
    for (const code of parsed.keys()) expect(fromBytes.has(code)).toBe(true);
    for (const other of ['', 'A00', 'A00.0000', 'A00.000 ', 'A01.001', 'B9', 'B99\r', 'B990', 'C00', '0', '霍乱', 'A00.000 霍乱', '\uFEFFA00.000']) expect(fromBytes.has(other)).toBe(false);
    expect(fromBytes.has('B99')).toBe(true); // asked again: remembered
    expect(parses.count).toBe(0);
    expect(fromBytes.get('A01.001+K77.0*')).toBe('伤寒性肝炎');
    expect([...fromBytes.keys()]).toEqual([...parsed.keys()]);
    expect(parses.count).toBe(1);
  });

  it('answers from the parse, once a code is not found, for lists it cannot search: codes out of order, other characters in or before a code', () => {
    for (const text of ['B00 b\nA00 a\n', 'A00 a\nA0 b\nC c\n', 'A0\u00e9 x\nB b\n', '\u3000A00 a\nB b\n', 'A00\rB a\nC c\n', 'A00\u000b a\nC c\n', 'A00 a\n\uFEFFB00 b\nC c\n']) {
      const { fromBytes, parsed, parses } = both(text);
      for (const code of [...parsed.keys(), 'Z', 'A', 'A00']) expect(fromBytes.has(code), `${JSON.stringify(text)}: ${code}`).toBe(parsed.has(code));
      expect(parses.count).toBe(1);
    }
  });

  it('agrees with the parser on any list and any questions, in any order (property)', () => {
    const piece = fc.constantFrom('A', 'B', 'Z', '0', '9', '.', '+', '*', 'x', ' ', '\t', '\r', '\u00e9', '\u3000', '霍', '\u000b', '\uFEFF');
    const code = fc.array(fc.constantFrom('A', 'B', '0', '1', '.', 'x'), { minLength: 1, maxLength: 4 }).map((c) => c.join(''));
    const line = fc.tuple(fc.constantFrom('', ' ', '\t '), code, fc.constantFrom('', ' 名称', '\t名 称 ', ' '), fc.constantFrom('\n', '\r\n')).map((p) => p.join(''));
    const sortedText = fc.array(line, { maxLength: 12 }).map((lines) => lines.sort((a, b) => (a.trim() < b.trim() ? -1 : a.trim() > b.trim() ? 1 : 0)).join(''));
    const anyText = fc.oneof(sortedText, fc.array(fc.oneof(line, fc.array(piece, { maxLength: 6 }).map((p) => p.join('') + '\n')), { maxLength: 12 }).map((l) => l.join('')));
    const withBom = fc.tuple(fc.boolean(), anyText, fc.boolean()).map(([bom, text, cut]) => (bom ? '\uFEFF' : '') + (cut ? text.replace(/\r?\n$/, '') : text));
    const query = fc.oneof(code, fc.array(piece, { maxLength: 5 }).map((p) => p.join('')));
    let unparsed = 0;
    fc.assert(
      fc.property(withBom, fc.array(query, { maxLength: 8 }), fc.boolean(), (text, queries, listedFirst) => {
        const { fromBytes, parsed, parses } = both(text);
        const asked = listedFirst ? [...parsed.keys(), ...queries] : [...queries, ...parsed.keys()];
        for (const c of asked) expect(fromBytes.has(c)).toBe(parsed.has(c));
        if (parses.count === 0) unparsed++;
      }),
      { numRuns: 4000 },
    );
    expect(unparsed).toBeGreaterThan(1000); // most lists are searched in their bytes, not parsed
  });

  it.runIf(referenceAvailable())('searches the reference lists (sorted) without parsing them, with the same codes', () => {
    for (const name of [codeSetFiles.diagnoses, codeSetFiles.procedures]) {
      const bytes = readFileSync(referencePath('codes', name));
      const parsed = parseCodeList(bytes.toString('utf8'));
      let parses = 0;
      const fromBytes = codeListFromBytes(bytes, () => (parses++, parsed));
      const codes = [...parsed.keys()];
      expect(codes.filter((c) => !fromBytes.has(c))).toEqual([]);
      const near = codes.flatMap((c) => [c + '0', c.slice(0, -1), c.toLowerCase()]);
      expect(near.filter((c) => fromBytes.has(c) !== parsed.has(c))).toEqual([]);
      expect(parses).toBe(0);
    }
  });
});
