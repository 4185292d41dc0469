/**
 * The first start's demo, at a small size: synthetic lists of three years with abuse injected,
 * loaded through the API, a DIP catalogue activated, a supervision run with at least four kinds
 * of flags, a stress test and a forecast — and a second call (a restart) loads nothing.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoLoads, describeDemo, loadDemoOnce } from '../../infra/local/demo.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { call, freePort, key, tempDataDir } from './helpers.ts';

const dataDir = tempDataDir();
let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('demo', () => {
  it('fills every page once, and a restart reloads nothing', async () => {
    stack = await startLocalStack({ port: await freePort(), dataDir, buildDir: path.join(dataDir, 'build'), quiet: true });
    const { runForecast } = await import('../../lambdas/jobs/forecast.ts');
    const { awsDeps } = await import('../../lambdas/shared/deps.ts');
    const spec = { years: [2022, 2023, 2024], casesPerYear: 1500, hospitals: 8, seed: 3 };
    const logged: string[] = [];
    const load = await loadDemoOnce(stack.url, { admin: key.admin, analyst: key.analyst }, dataDir, spec, () => runForecast(awsDeps, new Date('2025-01-15T00:00:00Z')), (l) => logged.push(l));
    expect(load).not.toBeNull();
    expect(load!.problems).toEqual([]);
    expect(load!.accepted).toBeGreaterThan(4000);
    expect(load!.dipCatalog!.packets).toBeGreaterThan(0);
    const kinds = Object.entries(load!.supervision!.flagsByRule).filter(([, n]) => n > 0).map(([rule]) => rule);
    expect(kinds.length).toBeGreaterThanOrEqual(4);
    expect(load!.stressTest!.status).toBe('succeeded');
    expect(load!.forecast).toMatchObject({ status: 'succeeded', months: 36 });
    // What the console shows is there.
    expect((await call(`${stack.url}/v1/dip-catalog`, 'GET', key.analyst)).json.id).toBe(load!.dipCatalog!.id);
    expect((await call(`${stack.url}/v1/forecasts/latest`, 'GET', key.analyst)).status).toBe(200);
    expect((await call(`${stack.url}/v1/supervision-runs/latest`, 'GET', key.analyst)).json.id).toBe(load!.supervision!.id);
    expect(describeDemo(demoLoads(dataDir))).toContain('4,500 settlement lists of 2022, 2023, 2024 from 8 hospitals');
    // A restart: nothing is loaded again.
    expect(await loadDemoOnce(stack.url, { admin: key.admin, analyst: key.analyst }, dataDir, spec, () => runForecast(awsDeps, new Date()))).toBeNull();
    expect(demoLoads(dataDir)).toHaveLength(1);
  }, 240_000);
});
