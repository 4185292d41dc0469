/** The forecast job, GET /v1/forecasts/latest and GET /v1/overview over an in-memory lake. */
import { analyst, call, ensureReference, hosp1, hosp2, putLakeLines } from './harness.ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { latestForecastHandler } from '../../../lambdas/http/forecasts-latest.ts';
import { overviewHandler } from '../../../lambdas/http/overview.ts';
import { forecastHandler } from '../../../lambdas/jobs/forecast.ts';
import { resetConfig } from '../../../lambdas/shared/config.ts';
import * as k from '../../../lambdas/shared/keys.ts';
import { memoryPorts, testClock } from '../../helpers/memory-stores.ts';

describe('forecast and overview', () => {
  /** 24 months of one hospital's expenditure (2024–2025, the least a forecast fits on), one case a month, seasonal and growing. */
  async function twoYears(ports: ReturnType<typeof memoryPorts>): Promise<void> {
    for (const year of [2024, 2025]) {
      for (let month = 1; month <= 12; month++) {
        const mm = String(month).padStart(2, '0');
        const totalCost = 1_000_000 * (1 + 0.05 * (year - 2024)) * (1 + 0.2 * Math.sin((month / 12) * 2 * Math.PI));
        await putLakeLines(ports.objects, k.lakeObjectKey(String(year), mm, 'H1', `b${year}${mm}`), [{ listId: `L-${year}-${mm}`, hospitalId: 'H1', dischargeDate: `${year}-${mm}-15`, totalCost, ingestedAt: '2026-01-01T00:00:00Z' }]);
      }
    }
  }

  afterEach(() => {
    delete process.env.FUND_BUDGET_YUAN;
    resetConfig();
  });

  describe('forecast job and GET /v1/forecasts/latest', () => {
    it('404 before the first run; a run with too little history stores why (404 with that sentence)', async () => {
      const ports = memoryPorts();
      const latest = latestForecastHandler(ports);
      expect((await call(latest, { caller: analyst })).status).toBe(404);
      await putLakeLines(ports.objects, k.lakeObjectKey('2025', '01', 'H1', 'b1'), [{ listId: 'L1', hospitalId: 'H1', dischargeDate: '2025-01-15', totalCost: 100, ingestedAt: '2026-01-01T00:00:00Z' }]);
      expect(await forecastHandler(ports)({})).toMatchObject({ status: 'insufficient', months: 1, alert: null });
      const out = await call(latest, { caller: analyst });
      expect(out.status).toBe(404);
      expect(out.body.message).toMatch(/1 consecutive month/);
    });

    it('forecasts twelve months from 24 months of history and raises the budget alert when they exceed it', async () => {
      const ports = memoryPorts(testClock('2026-01-02T02:00:00Z'));
      await twoYears(ports);
      process.env.FUND_BUDGET_YUAN = '1000000';
      resetConfig();
      const run = await forecastHandler(ports)({});
      expect(run).toMatchObject({ status: 'succeeded', months: 24, alert: { kind: 'forecast-over-budget', month: '2026-01', budget: 1_000_000 } });
      expect(await ports.forecasts.getAlert('2026-01')).toEqual(run.alert);
      const out = await call(latestForecastHandler(ports), { caller: analyst });
      expect(out.status).toBe(200);
      expect(out.body.history).toHaveLength(24);
      expect(out.body.report.forecast).toHaveLength(12);
      expect(out.body.report.forecast[0].month).toBe('2026-01');
      expect(out.body.alert).toEqual(run.alert);
      expect((await call(latestForecastHandler(ports), { caller: hosp1 })).status).toBe(403);
    });
  });

  describe('GET /v1/overview', () => {
    beforeAll(ensureReference);

    const lake = async (): Promise<ReturnType<typeof memoryPorts>> => {
      const ports = memoryPorts();
      const line = (hospitalId: string, listId: string, dischargeDate: string, totalCost: number, ingestedAt = '2026-01-01T00:00:00Z') =>
        ({ listId, hospitalId, dischargeDate, totalCost, lengthOfStay: 3, group: { status: 'grouped', mdc: 'E', adrg: 'ES3', drg: 'ES31' }, ingestedAt });
      await putLakeLines(ports.objects, k.lakeObjectKey('2024', '12', 'HOSP001', 'a'), [line('HOSP001', 'A0', '2024-12-20', 500)]);
      await putLakeLines(ports.objects, k.lakeObjectKey('2025', '03', 'HOSP001', 'a'), [line('HOSP001', 'A1', '2025-03-02', 1000), line('HOSP001', 'A2', '2025-03-09', 2000)]);
      // A1 sent again, corrected: the overview counts its latest version once.
      await putLakeLines(ports.objects, k.lakeObjectKey('2025', '03', 'HOSP001', 'b'), [line('HOSP001', 'A1', '2025-03-02', 1500, '2026-01-05T00:00:00Z')]);
      await putLakeLines(ports.objects, k.lakeObjectKey('2025', '04', 'HOSP002', 'c'), [line('HOSP002', 'B1', '2025-04-10', 7000)]);
      return ports;
    };

    it('an analyst sees every hospital of the latest year by default, each case once at its latest version', async () => {
      const out = await call(overviewHandler(await lake()), { caller: analyst });
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ year: '2025', years: ['2024', '2025'], totals: { cases: 3, totalCost: 10_500 } });
      expect(out.body.hospitals.map((h: { hospitalId: string }) => h.hospitalId).sort()).toEqual(['HOSP001', 'HOSP002']);
    });

    it('a hospital key sees its own hospital only, whatever the year', async () => {
      const ports = await lake();
      const own = await call(overviewHandler(ports), { caller: hosp2, query: { year: '2025' } });
      expect(own.body).toMatchObject({ hospitalId: 'HOSP002', totals: { cases: 1, totalCost: 7000 } });
      expect(own.body.hospitals.map((h: { hospitalId: string }) => h.hospitalId)).toEqual(['HOSP002']);
      expect((await call(overviewHandler(ports), { caller: hosp1, query: { year: '2024' } })).body.totals).toMatchObject({ cases: 1, totalCost: 500 });
      expect((await call(overviewHandler(ports), { caller: hosp1, query: { year: '25' } })).status).toBe(422);
      expect((await call(overviewHandler(ports), {})).status).toBe(401);
    });
  });
});
