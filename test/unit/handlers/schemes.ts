/** The schemes a deployment holds (lambdas/shared/reference.ts): the index, the default validated with the configuration, packs loaded lazily. */
import { ensureReference } from './harness.ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { config, resetConfig } from '../../../lambdas/shared/config.ts';
import { defaultSchemeId, loadedSchemeIds, reference, resetReference, schemeById, schemeEntries, schemeIds } from '../../../lambdas/shared/reference.ts';
import { ServiceError } from '../../../lambdas/shared/errors.ts';

describe('the schemes a deployment holds', () => {
  beforeAll(ensureReference);
  afterEach(() => {
    delete process.env.DEFAULT_SCHEME;
    delete process.env.HELD_SCHEMES;
    resetConfig();
    resetReference();
  });

  it('holds the national text and every local scheme by default, chs-drg-1.1 the default, and parses no pack to list them', () => {
    resetReference();
    expect(schemeIds()).toEqual(expect.arrayContaining(['chs-drg-1.1', 'chs_drg_10', 'chs_drg_11', 'suzhou_2023', 'taizhou_2022', 'zhejiang_2022']));
    expect(schemeIds()).toHaveLength(15);
    expect(defaultSchemeId()).toBe('chs-drg-1.1');
    const suzhou = schemeEntries().find((s) => s.id === 'suzhou_2023')!;
    expect(suzhou).toMatchObject({ name: 'Suzhou 2023', source: 'opendrg', drgs: 648, adrgs: 376, paymentTable: 'suzhou-2023' });
    expect(suzhou.packHash).toMatch(/^[0-9a-f]{64}$/);
    expect(loadedSchemeIds()).toEqual([]);
    expect(schemeById('suzhou_2023').pack.scheme).toBe('suzhou_2023');
    expect(loadedSchemeIds()).toEqual(['suzhou_2023']);
    // A Suzhou DRG gets Suzhou's own weight, never the national table's.
    expect(schemeById('suzhou_2023').weights).not.toBe(schemeById('chs-drg-1.1').weights);
  });

  it('DEFAULT_SCHEME chooses the default: reference() is then that scheme\'s pack and weights', () => {
    process.env.DEFAULT_SCHEME = 'suzhou_2023';
    resetConfig();
    resetReference();
    expect(defaultSchemeId()).toBe('suzhou_2023');
    expect(reference().scheme.id).toBe('suzhou_2023');
    expect(reference().pack.scheme).toBe('suzhou_2023');
    expect(reference().paymentTable).toBe('suzhou-2023');
  });

  it('an unknown default is one configuration error naming the ids held (with HELD_SCHEMES at cold start; without it, at the index)', () => {
    process.env.DEFAULT_SCHEME = 'suzhou';
    process.env.HELD_SCHEMES = 'chs-drg-1.1,suzhou_2023';
    resetConfig();
    expect(() => config()).toThrow('invalid service configuration: DEFAULT_SCHEME: the scheme "suzhou" is not held by this deployment; it holds chs-drg-1.1, suzhou_2023');
    delete process.env.HELD_SCHEMES;
    resetConfig();
    resetReference();
    expect(() => defaultSchemeId()).toThrow(/DEFAULT_SCHEME: the scheme "suzhou" is not held by this deployment; it holds chs-drg-1.1, beijing_2022, .*zhejiang_2022$/);
    process.env.DEFAULT_SCHEME = 'chs-drg-1.1';
    process.env.HELD_SCHEMES = 'chs-drg-1.1,lisbon_2024';
    resetConfig();
    resetReference();
    expect(() => schemeIds()).toThrow(/HELD_SCHEMES: the scheme "lisbon_2024" is not held by this deployment/);
  });

  it('HELD_SCHEMES narrows what is held; an id not held is a 422 naming the held ids', () => {
    process.env.HELD_SCHEMES = 'chs-drg-1.1,suzhou_2023';
    resetConfig();
    resetReference();
    expect(schemeIds()).toEqual(['chs-drg-1.1', 'suzhou_2023']);
    let thrown: unknown;
    try {
      schemeById('taizhou_2022', 'scheme');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServiceError);
    expect((thrown as ServiceError).code).toBe('invalid');
    expect((thrown as ServiceError).details).toEqual({ problems: [{ code: 'invalid-value', path: 'scheme', message: 'the scheme "taizhou_2022" is not held by this deployment; it holds chs-drg-1.1, suzhou_2023.' }] });
  });
});
