/**
 * The monthly forecast job against real dynalite and s3rver: three years of lake objects (one
 * hospital, seasonal monthly cost), then the job with a budget below and above the forecast —
 * an alert record and `alert` in GET /v1/forecasts/latest only when the forecast exceeds it.
 */
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStorage, type Storage } from './storage.ts';

let storage: Storage;
let m: {
  objects: typeof import('../../lambdas/shared/object-store.ts');
  deps: typeof import('../../lambdas/shared/deps.ts');
  job: typeof import('../../lambdas/jobs/forecast.ts');
  store: typeof import('../../lambdas/shared/fund-store.ts');
  latest: typeof import('../../lambdas/http/forecasts-latest.ts');
  config: typeof import('../../lambdas/shared/config.ts');
  keys: typeof import('../../lambdas/shared/keys.ts');
};

beforeAll(async () => {
  storage = await startStorage();
  m = {
    objects: await import('../../lambdas/shared/object-store.ts'),
    deps: await import('../../lambdas/shared/deps.ts'),
    job: await import('../../lambdas/jobs/forecast.ts'),
    store: await import('../../lambdas/shared/fund-store.ts'),
    latest: await import('../../lambdas/http/forecasts-latest.ts'),
    config: await import('../../lambdas/shared/config.ts'),
    keys: await import('../../lambdas/shared/keys.ts'),
  };
  const bucket = process.env.LAKE_BUCKET!;
  for (const year of [2023, 2024, 2025]) {
    for (let month = 1; month <= 12; month++) {
      const mm = String(month).padStart(2, '0');
      const totalCost = 1_000_000 * (1 + 0.05 * (year - 2023)) * (1 + 0.2 * Math.sin((month / 12) * 2 * Math.PI));
      const line = JSON.stringify({ listId: `L-${year}-${mm}`, hospitalId: 'H1', dischargeDate: `${year}-${mm}-15`, totalCost, ingestedAt: '2026-01-01T00:00:00Z' });
      await m.objects.s3ObjectStore.put(bucket, m.keys.lakeObjectKey(String(year), mm, 'H1', `b${year}${mm}`), gzipSync(`${line}\n`));
    }
  }
}, 60_000);

afterAll(async () => {
  delete process.env.FUND_BUDGET_YUAN;
  m.config.resetConfig();
  await storage.stop();
});

async function getLatest(): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const event = {
    version: '2.0', routeKey: 'GET /v1/forecasts/latest', rawPath: '/v1/forecasts/latest', headers: {}, isBase64Encoded: false,
    requestContext: { requestId: 'r1', authorizer: { lambda: { role: 'analyst' } } },
  } as unknown as APIGatewayProxyEventV2;
  const out = (await m.latest.handler(event, { awsRequestId: 'r1', functionName: 'test' } as Context)) as { statusCode: number; body: string };
  return { statusCode: out.statusCode, body: JSON.parse(out.body) as Record<string, unknown> };
}

describe('forecast job budget alert', () => {
  it('raises an alert record when the 12-month forecast exceeds a small budget', async () => {
    process.env.FUND_BUDGET_YUAN = '1000000';
    m.config.resetConfig();
    const out = await m.job.runForecast(m.deps.awsDeps, new Date('2026-01-02T02:00:00Z'));
    expect(out.status).toBe('succeeded');
    expect(out.alert).toMatchObject({ kind: 'forecast-over-budget', month: '2026-01', budget: 1_000_000, from: '2026-01', to: '2026-12' });
    expect(out.alert!.forecastTotal).toBeGreaterThan(1_000_000);
    expect(await m.store.getForecastAlert('2026-01')).toEqual(out.alert);
    const r = await getLatest();
    expect(r.statusCode).toBe(200);
    expect(r.body.alert).toEqual(out.alert);
  }, 60_000);

  it('raises none when the budget covers the forecast', async () => {
    process.env.FUND_BUDGET_YUAN = '1000000000';
    m.config.resetConfig();
    const out = await m.job.runForecast(m.deps.awsDeps, new Date('2026-02-02T02:00:00Z'));
    expect(out.status).toBe('succeeded');
    expect(out.alert).toBeNull();
    expect(await m.store.getForecastAlert('2026-02')).toBeNull();
    const r = await getLatest();
    expect(r.statusCode).toBe(200);
    expect(r.body.alert).toBeNull();
  }, 60_000);
});
