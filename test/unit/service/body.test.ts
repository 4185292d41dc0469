/** Request bodies of settlement records: a CSV header that names no record fields is one 422 naming the columns. */
import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../../lambdas/shared/body.ts';
import { ServiceError } from '../../../lambdas/shared/errors.ts';

describe('parseRecords', () => {
  it('refuses a CSV body whose header has unknown or missing columns, naming them', async () => {
    const error = await parseRecords('listId,sex,principal_diagnosis\nA,M,K35.900\n', 'csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    const e = error as ServiceError;
    expect(e.code).toBe('invalid');
    expect(e.message).toContain('principal_diagnosis (did you mean principalDiagnosis?)');
    expect(e.message).toContain('no ageYears, lengthOfStay');
  });
});
