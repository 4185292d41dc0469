import { describe, it, expect } from 'vitest';
import {
  aicc,
  analyticVariance,
  etsName,
  fitEts,
  forecastWithIntervals,
  heuristicInitialState,
  parameterCount,
  pointForecast,
  runRecursion,
  simulateEts,
  simulateFuture,
  trendMultiplier,
  type EtsSpec,
} from '../../../models/fund/ets.ts';
import { nelderMead } from '../../../models/fund/optimise.ts';
import { quantileSorted } from '../../../models/fund/statistics.ts';

const additiveSeason = (() => {
  const raw = [-10, -8, -2, 3, 6, 12, 15, 11, 4, -3, -12, -16];
  const mean = raw.reduce((a, b) => a + b, 0) / 12;
  return raw.map((s) => s - mean);
})();
const multiplicativeSeason = (() => {
  const raw = [0.9, 0.88, 0.98, 1.0, 1.02, 1.1, 1.2, 1.18, 1.04, 0.95, 0.85, 0.9];
  const mean = raw.reduce((a, b) => a + b, 0) / 12;
  return raw.map((s) => s / mean);
})();

describe('Nelder–Mead', () => {
  it('minimises the Rosenbrock function and a 10-dimensional quadratic', () => {
    const rosen = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1], { tolerance: 1e-14, xTolerance: 1e-10 });
    expect(rosen.x[0]).toBeCloseTo(1, 5);
    expect(rosen.x[1]).toBeCloseTo(1, 5);
    const centre = Array.from({ length: 10 }, (_, i) => i - 4.5);
    const quad = nelderMead((x) => x.reduce((s, v, i) => s + (i + 1) * (v - centre[i]!) ** 2, 0), new Array(10).fill(0), { tolerance: 1e-14 });
    quad.x.forEach((v, i) => expect(v).toBeCloseTo(centre[i]!, 3));
  });

  it('treats Infinity as inadmissible and stays inside the admissible region', () => {
    const result = nelderMead((x) => (x[0]! < 0 ? Infinity : (x[0]! - 2) ** 2), [5]);
    expect(result.x[0]).toBeCloseTo(2, 5);
  });
});

describe('ETS recursions and likelihood', () => {
  it('names forms in Hyndman notation and counts their parameters', () => {
    expect(etsName({ error: 'A', trend: 'Ad', season: 'M' })).toBe('ETS(A,Ad,M)');
    // α, β, γ, φ, l₀, b₀, σ; the initial seasonals come from the decomposition …
    expect(parameterCount({ error: 'A', trend: 'Ad', season: 'M' }, 12)).toBe(7);
    expect(parameterCount({ error: 'M', trend: 'N', season: 'A' }, 12)).toBe(4);
    // … unless they are estimated too: 11 more.
    expect(parameterCount({ error: 'A', trend: 'Ad', season: 'M' }, 12, true)).toBe(18);
    expect(parameterCount({ error: 'M', trend: 'N', season: 'A' }, 12, true)).toBe(15);
    expect(aicc(100, 3, 4)).toBe(Infinity);
    expect(aicc(100, 3, 24)).toBeCloseTo(100 + 6 + 24 / 20, 12);
  });

  it('computes one step of ETS(A,Ad,M) by hand', () => {
    // l₀ = 100, b₀ = 2, φ = 0.9, s = 1.1 for the first month: μ = (100 + 1.8)·1.1 = 111.98, e = y − μ = 8.02.
    const spec: EtsSpec = { error: 'A', trend: 'Ad', season: 'M' };
    const season = [1.1, ...new Array(11).fill(1)];
    const fitted: number[] = [];
    const r = runRecursion(spec, { alpha: 0.5, beta: 0.1, gamma: 0.2, phi: 0.9 }, { level: 100, trend: 2, season }, [120], 12, fitted)!;
    expect(fitted[0]).toBeCloseTo(111.98, 10);
    expect(r.sumSquares).toBeCloseTo(8.02 ** 2, 10);
    expect(r.final.level).toBeCloseTo(101.8 + (0.5 * 8.02) / 1.1, 10);
    expect(r.final.trend).toBeCloseTo(1.8 + (0.1 * 8.02) / 1.1, 10);
    expect(r.final.season[0]).toBeCloseTo(1.1 + (0.2 * 8.02) / 101.8, 10);
  });

  it('rejects multiplicative forms that leave the positive domain', () => {
    const spec: EtsSpec = { error: 'M', trend: 'N', season: 'N' };
    expect(runRecursion(spec, { alpha: 0.5, beta: 0, gamma: 0, phi: 1 }, { level: -1, trend: 0, season: [] }, [1, 2], 1)).toBeNull();
    expect(fitEts([1, 2, -3, 4, 5, 6, 7, 8], spec)).toBeNull();
  });

  it('damps the trend by φ + φ² + … + φ^h', () => {
    expect(trendMultiplier({ error: 'A', trend: 'Ad', season: 'N' }, 0.5, 3)).toBeCloseTo(0.875, 12);
    expect(trendMultiplier({ error: 'A', trend: 'A', season: 'N' }, 0.5, 3)).toBe(3);
    expect(trendMultiplier({ error: 'A', trend: 'N', season: 'N' }, 0.5, 3)).toBe(0);
  });

  it('initialises states by classical decomposition (seasonals normalised)', () => {
    const y = Array.from({ length: 48 }, (_, t) => (200 + 3 * t) * multiplicativeSeason[t % 12]!);
    const s = heuristicInitialState({ error: 'M', trend: 'A', season: 'M' }, y, 12);
    expect(s.season.reduce((a, b) => a + b, 0)).toBeCloseTo(12, 10);
    s.season.forEach((v, j) => expect(v).toBeCloseTo(multiplicativeSeason[j]!, 1));
    expect(s.trend).toBeCloseTo(3, 0);
    expect(s.level).toBeGreaterThan(190);
    expect(s.level).toBeLessThan(210);
  });
});

describe('ETS maximum likelihood recovers known parameters on simulated series', () => {
  it('ETS(A,A,A): α = 0.3, β = 0.05, γ = 0.2, σ = 2 over 40 years', () => {
    const spec: EtsSpec = { error: 'A', trend: 'A', season: 'A' };
    for (const seed of [1, 2, 3]) {
      const y = simulateEts(spec, { alpha: 0.3, beta: 0.05, gamma: 0.2, phi: 1 }, { level: 100, trend: 0.5, season: additiveSeason }, 480, 2, seed);
      const fit = fitEts(y, spec)!;
      expect(Math.abs(fit.parameters.alpha - 0.3)).toBeLessThan(0.08);
      expect(Math.abs(fit.parameters.beta - 0.05)).toBeLessThan(0.025);
      expect(Math.abs(fit.parameters.gamma - 0.2)).toBeLessThan(0.08);
      expect(Math.abs(Math.sqrt(fit.sigma2) - 2)).toBeLessThan(0.2);
    }
  });

  it('ETS(M,N,M): α = 0.4, γ = 0.2, σ = 3 % over 40 years', () => {
    const spec: EtsSpec = { error: 'M', trend: 'N', season: 'M' };
    for (const seed of [1, 2, 3]) {
      const y = simulateEts(spec, { alpha: 0.4, beta: 0, gamma: 0.2, phi: 1 }, { level: 1000, trend: 0, season: multiplicativeSeason }, 480, 0.03, seed);
      const fit = fitEts(y, spec)!;
      expect(Math.abs(fit.parameters.alpha - 0.4)).toBeLessThan(0.08);
      expect(Math.abs(fit.parameters.gamma - 0.2)).toBeLessThan(0.08);
      expect(Math.abs(Math.sqrt(fit.sigma2) - 0.03)).toBeLessThan(0.003);
    }
  });
});

describe('ETS prediction intervals', () => {
  const spec: EtsSpec = { error: 'A', trend: 'Ad', season: 'A' };
  const y = simulateEts(spec, { alpha: 0.3, beta: 0.05, gamma: 0.1, phi: 0.9 }, { level: 100, trend: 1, season: additiveSeason }, 120, 2, 4);
  const fit = fitEts(y, spec)!;

  it('class-1 analytic variance agrees with simulated future paths', () => {
    const horizon = 14;
    const nsim = 20_000;
    const paths = simulateFuture(fit, horizon, nsim, 8);
    const means = pointForecast(fit, horizon);
    for (const h of [1, 6, 13, 14]) {
      const column = Float64Array.from({ length: nsim }, (_, i) => paths[i * horizon + h - 1]!).sort();
      const sd = Math.sqrt(analyticVariance(fit, h));
      expect(Math.abs(quantileSorted(column, 0.5) - means[h - 1]!)).toBeLessThan(0.05 * sd);
      expect(Math.abs(quantileSorted(column, 0.975) - (means[h - 1]! + 1.96 * sd))).toBeLessThan(0.08 * sd);
    }
  });

  it('orders the bounds and widens them with the horizon', () => {
    const points = forecastWithIntervals(fit, 24);
    for (const p of points) expect(p.lo95 < p.lo80 && p.lo80 < p.mean && p.mean < p.hi80 && p.hi80 < p.hi95).toBe(true);
    expect(points[23]!.hi95 - points[23]!.lo95).toBeGreaterThan(points[0]!.hi95 - points[0]!.lo95);
  });

  it('simulates intervals of multiplicative forms reproducibly from a seed', () => {
    const mspec: EtsSpec = { error: 'M', trend: 'N', season: 'M' };
    const my = simulateEts(mspec, { alpha: 0.3, beta: 0, gamma: 0.1, phi: 1 }, { level: 500, trend: 0, season: multiplicativeSeason }, 96, 0.04, 2);
    const mfit = fitEts(my, mspec)!;
    const a = forecastWithIntervals(mfit, 12, { seed: 5, simulations: 2000 });
    expect(forecastWithIntervals(mfit, 12, { seed: 5, simulations: 2000 })).toEqual(a);
    for (const p of a) expect(p.lo95 < p.lo80 && p.lo80 < p.hi80 && p.hi80 < p.hi95 && p.lo80 < p.mean && p.mean < p.hi80).toBe(true);
  });
});
