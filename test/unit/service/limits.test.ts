/** The record counter that enforces the caps before parsing, and the per-key token bucket. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countRecordsUpTo } from '../../../lambdas/shared/body.ts';
import { TokenBuckets } from '../../../lambdas/shared/throttle.ts';

describe('countRecordsUpTo', () => {
  it('counts the elements of a top-level JSON array, whatever their strings and nesting hold', () => {
    expect(countRecordsUpTo('[]', 'json', 10)).toBe(0);
    expect(countRecordsUpTo(' \ufeff[ ] ', 'json', 10)).toBe(0);
    expect(countRecordsUpTo('{"a":[1,2,3]}', 'json', 10)).toBe(1);
    expect(countRecordsUpTo('[{"a":"],[\\"x\\",{"}, [1,[2,3]], "s,t", 4, null]', 'json', 10)).toBe(5);
    expect(countRecordsUpTo(`[${'{},'.repeat(999_999)}{}]`, 'json', 10_000)).toBe(10_001);
  });

  it('agrees with JSON.parse on any array of JSON values (up to the limit)', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 30 }), fc.integer({ min: 0, max: 40 }), (values, limit) => {
      const text = JSON.stringify(values, null, values.length % 2 === 0 ? 1 : undefined);
      expect(countRecordsUpTo(text, 'json', limit)).toBe(Math.min(values.length, limit + 1));
    }));
  });

  it('counts non-blank JSON Lines and CSV rows after the header, quoted line breaks inside one row', () => {
    expect(countRecordsUpTo('{}\n\n  \r\n{}\r\n{}', 'jsonl', 10)).toBe(3);
    expect(countRecordsUpTo('{}\n'.repeat(1_000_000), 'jsonl', 5)).toBe(6);
    expect(countRecordsUpTo('a,b\n1,2\n\n"x\ny",3\r\n4,5\r\n', 'csv', 10)).toBe(3);
    expect(countRecordsUpTo('a,b\n', 'csv', 10)).toBe(0);
    expect(countRecordsUpTo('a,b\n1,2\n3,4\n5,6', 'csv', 1)).toBe(2);
  });
});

describe('TokenBuckets', () => {
  it('lets a burst through, then refills at the rate, per key, with the wait until the next token', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now);
    expect([1, 2, 3, 4].map(() => buckets.take('k').ok)).toEqual([true, true, true, false]);
    expect(buckets.take('k').retryAfterSeconds).toBeCloseTo(0.5);
    expect(buckets.take('other').ok).toBe(true);
    now = 500;
    expect(buckets.take('k').ok).toBe(true);
    expect(buckets.take('k').ok).toBe(false);
    now = 60_000;
    expect([1, 2, 3, 4].map(() => buckets.take('k').ok)).toEqual([true, true, true, false]);
  });
});
