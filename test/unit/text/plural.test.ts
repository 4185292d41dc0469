import { describe, expect, it } from 'vitest';
import { counted, nounFor } from '../../../models/text/plural.ts';

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
