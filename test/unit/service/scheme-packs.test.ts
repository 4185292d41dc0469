/** Choosing the schemes a build holds (lib/scheme-packs.ts, infra/local/build.ts): ids, names, errors. */
import { describe, expect, it } from 'vitest';
import { schemeSelection } from '../../../infra/local/build.ts';
import { availableSchemes, schemeName, selectSchemes } from '../../../lib/scheme-packs.ts';

describe('the schemes a build holds', () => {
  it('offers the national text and the 14 OpenDRG schemes, holds all of them by default', () => {
    const ids = [...availableSchemes().keys()];
    expect(ids[0]).toBe('chs-drg-1.1');
    expect(ids).toHaveLength(15);
    expect(selectSchemes(undefined)).toEqual(ids);
    expect(selectSchemes('all')).toEqual(ids);
    expect(selectSchemes(' suzhou_2023 , wuxi_2022,suzhou_2023')).toEqual(['suzhou_2023', 'wuxi_2022']);
  });

  it('an unknown id is one error naming the schemes there are', () => {
    expect(() => selectSchemes('suzhou_2023,lisbon_2024')).toThrow(/^"lisbon_2024" is not a scheme of the reference data; the schemes are chs-drg-1\.1, beijing_2022, .*zhejiang_2022$/);
  });

  it('the default is always held, and chs-drg-1.1 unless named', () => {
    expect(schemeSelection('suzhou_2023', undefined)).toEqual({ held: ['chs-drg-1.1', 'suzhou_2023'], defaultScheme: 'chs-drg-1.1' });
    expect(schemeSelection('suzhou_2023', 'suzhou_2023')).toEqual({ held: ['suzhou_2023'], defaultScheme: 'suzhou_2023' });
    expect(schemeSelection('wuxi_2022', 'suzhou_2023')).toEqual({ held: ['suzhou_2023', 'wuxi_2022'], defaultScheme: 'suzhou_2023' });
  });

  it('names schemes readably', () => {
    expect(schemeName('suzhou_2023', 'opendrg')).toBe('Suzhou 2023');
    expect(schemeName('chs_drg_10', 'opendrg')).toBe('CHS-DRG 1.0 (OpenDRG)');
    expect(schemeName('chs-drg-1.1', 'nhsa-text')).toBe('CHS-DRG 1.1 (NHSA text)');
  });
});
