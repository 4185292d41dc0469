import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counted, nounFor, thousands } from '../../../models/text/plural.ts';

describe('counted', () => {
  it('"1 record", "0 records", "2 records", thousands grouped, irregular plurals', () => {
    expect(counted(1, 'record')).toBe('1 record');
    expect(counted(0, 'record')).toBe('0 records');
    expect(counted(2, 'record')).toBe('2 records');
    expect(counted(1234, 'case')).toBe('1,234 cases');
    expect(counted(1, 'policy', 'policies')).toBe('1 policy');
    expect(counted(3, 'leaf', 'leaves')).toBe('3 leaves');
    expect(nounFor(1, 'column')).toBe('column');
    expect(nounFor(2, 'column')).toBe('columns');
  });
});

describe('thousands', () => {
  it('writes what toLocaleString("en") writes, for any number', () => {
    for (const n of [0, -0, 1, 999, 1000, -1000, 123456, 1234567, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, 1e21, 1.5, -1234.5678, NaN, Infinity]) {
      expect(thousands(n)).toBe(n.toLocaleString('en'));
    }
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.maxSafeInteger(), fc.double()), (n) => thousands(n) === n.toLocaleString('en')), { numRuns: 5000 });
  });
});
