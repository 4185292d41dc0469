/** The policy document: defaults from models.md, and errors as sentences naming the field. */
import { describe, expect, it } from 'vitest';
import { parsePaymentPolicy, parsePolicy, PolicyError } from '../../../models/payment/policy.ts';

const issueExample = {
  scheme: 'chs-drg-1.1', method: 'drg', referenceYears: [2023, 2024], yearWeights: [3, 7], trim: [0.025, 0.975],
  settlementYear: 2025, budget: 850000000, levelCoefficients: { '1': 0.9, '2': 1.0, '3': 1.1 }, outliers: { low: 0.5, high: 2.0, review: 5.0 },
};

function issues(input: unknown): string[] {
  try {
    parsePolicy(input);
  } catch (error) {
    if (error instanceof PolicyError) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
}

describe('payment policy', () => {
  it('accepts the issue example and fills the models.md defaults', () => {
    const p = parsePolicy(issueExample);
    expect(p).toMatchObject({ version: '1', ambiguous: 'qy', excludeStays: { minDays: 2, maxDays: 60 }, feeForService: { ambiguousGroups: false, share: 1 } });
    const minimal = parsePolicy({ method: 'drg', referenceYears: [2022, 2023, 2024], settlementYear: 2025, baseRate: 9000 });
    expect(minimal.yearWeights).toEqual([1, 2, 7]);
    expect(minimal.trim).toEqual([0.025, 0.975]);
    expect(minimal.outliers).toEqual({ low: 0.5, high: 2, review: 5 });
    expect(minimal.levelCoefficients).toEqual({ '1': 1, '2': 1, '3': 1 });
    expect(parsePolicy({ method: 'drg', referenceYears: [2024, 2023], settlementYear: 2025, baseRate: 1 }).yearWeights).toEqual([2, 7]);
  });

  it('keeps years and their weights paired when the years are given newest first', () => {
    const p = parsePolicy({ ...issueExample, referenceYears: [2024, 2023], yearWeights: [7, 3] });
    expect(p.referenceYears).toEqual([2023, 2024]);
    expect(p.yearWeights).toEqual([3, 7]);
  });

  it('says what is wrong, with the field path', () => {
    expect(issues({ ...issueExample, baseRate: 9000 })).toEqual(['baseRate give exactly one of budget (the base rate is then derived) and baseRate']);
    expect(issues({ ...issueExample, budget: undefined })).toEqual(['the policy give exactly one of budget (the base rate is then derived) and baseRate']);
    expect(issues({ ...issueExample, outliers: { low: 0.5, high: 1.5, review: 5 } })[0]).toMatch(/^outliers\.high must be at least 2/);
    expect(issues({ ...issueExample, yearWeights: [1] })).toEqual(['yearWeights must have one weight per reference year (2), got 1']);
    expect(issues({ ...issueExample, trim: [0.9, 0.1] })).toEqual(['trim the lower percentile must be below the upper one']);
    expect(issues({ ...issueExample, levelCoefficients: { '2': -1 } })).toEqual(['levelCoefficients.2 must be positive']);
    expect(issues({ ...issueExample, yearWeight: [1, 2] })).toEqual(['yearWeight is not a policy field']);
    expect(issues({ ...issueExample, method: 'cart' })).toEqual(['method must be "drg" or "dip"']);
    expect(issues({ ...issueExample, method: undefined })).toEqual(['method must be "drg" or "dip"']);
    expect(issues([])).toEqual(['the policy must be an object']);
    expect(issues({ ...issueExample, method: 'dip' })).toEqual(['method must be "drg" here: a "dip" policy runs its own phases']);
    expect(issues({ ...issueExample, settlementYear: undefined })).toEqual(['settlementYear is required: the settlement year']);
  });
});

function paymentIssues(input: unknown): string[] {
  try {
    parsePaymentPolicy(input);
  } catch (error) {
    if (error instanceof PolicyError) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
}

describe('payment policy: the method union', () => {
  const dip = { method: 'dip', referenceYears: [2024, 2023], settlementYear: 2025, budget: 1e6 };

  it('reads a DRG policy as before and a DIP policy with the models.md defaults', () => {
    expect(parsePaymentPolicy(issueExample)).toEqual(parsePolicy(issueExample));
    const p = parsePaymentPolicy(dip);
    if (p.method !== 'dip') throw new Error('expected a DIP policy');
    expect(p).toMatchObject({ referenceYears: [2023, 2024], yearWeights: [2, 7], fundRatio: 1, prepaymentShare: 0.9, outliers: { low: 0.5, high: 2, review: 5 }, maxCoreThreshold: 15, coverageTarget: 0.85, hospitalCoefficients: 'level', ungroupedShare: 0.7, specialReview: { threshold: 2, capPerMille: 5 }, scoreScale: 1000, trim: [0.025, 0.975] });
    expect(p.coreThreshold).toBeUndefined();
    expect(parsePaymentPolicy({ ...dip, levelCoefficients: { '3': 1.1 } })).toMatchObject({ hospitalCoefficients: 'given', levelCoefficients: { '1': 1, '2': 1, '3': 1.1 } });
    expect(p.levelCoefficients).toEqual({ '1': 1, '2': 1, '3': 1 });
    expect(p.catalog).toBeUndefined();
    expect(parsePaymentPolicy({ ...dip, budget: undefined, pointValue: 12.5, catalog: 'catalog.json' })).toMatchObject({ pointValue: 12.5, catalog: 'catalog.json' });
  });

  it('says what is wrong with a DIP policy, with the field path', () => {
    expect(paymentIssues({ ...dip, pointValue: 10 })).toEqual(['budget give exactly one of budget (the point value is then derived), pointValue and funds']);
    expect(paymentIssues({ ...dip, budget: undefined })).toEqual(['the policy give exactly one of budget (the point value is then derived), pointValue and funds']);
    expect(paymentIssues({ ...dip, hospitalCoefficients: 'given' })).toEqual(['levelCoefficients is required with hospitalCoefficients "given"']);
    expect(paymentIssues({ ...dip, fundRatio: 1.2 })).toEqual(['fundRatio must be above 0 and at most 1']);
    expect(paymentIssues({ ...dip, prepaymentShare: -0.1 })).toEqual(['prepaymentShare must be from 0 to 1']);
    expect(paymentIssues({ ...dip, coreThreshold: 0 })).toEqual(['coreThreshold must be at least 1']);
    expect(paymentIssues({ ...dip, outliers: { high: 1.5 } })[0]).toMatch(/^outliers\.high must be at least 2/);
    expect(paymentIssues({ ...dip, yearWeights: [1] })).toEqual(['yearWeights must have one weight per reference year (2), got 1']);
    expect(paymentIssues({ ...dip, baseRate: 9000 })).toEqual(['baseRate is not a policy field']);
    expect(paymentIssues({ ...dip, settlementYear: undefined })).toEqual(['settlementYear is required: the settlement year']);
    // DRG fields stay DRG-only, and DIP fields DIP-only.
    expect(paymentIssues({ ...issueExample, fundRatio: 0.8 })).toEqual(['fundRatio is not a policy field']);
  });
});
