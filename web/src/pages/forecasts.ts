/** Forecasts: the monthly expenditure history and the latest forecast with 80/95 % bands, and the backtest MASE. */
import { api, noticeOrError } from '../api.ts';
import { figure, palette } from '../charts.ts';
import { h, num, status, table, yuan } from '../dom.ts';
import type { StoredForecast } from '../types.ts';
import { counted } from '../../../models/text/plural.ts';

export async function forecastsPage(main: HTMLElement): Promise<void> {
  main.append(h('h1', {}, 'Forecasts'));
  const loading = status('Loading the latest forecast…');
  main.append(loading);
  let f: StoredForecast;
  try {
    f = await api<StoredForecast>('/v1/forecasts/latest');
  } catch (error) {
    loading.replaceWith(noticeOrError(error));
    return;
  }
  loading.remove();
  const r = f.report;
  if (r === null) {
    main.append(h('p', { class: 'hint', role: 'status' }, `No forecast yet. ${f.message ?? ''} The monthly job tries again each month; load more months of settlement lists to get one sooner.`));
    return;
  }
  const months = [...f.history.map((x) => x.month), ...r.forecast.map((p) => p.month)];
  const pad = f.history.length;
  const series = (values: number[], offset: number): (number | null)[] => months.map((_, i) => (i >= offset && i - offset < values.length ? values[i - offset]! : null));
  const last = f.history[f.history.length - 1]!;
  // Join the forecast to the last observed month so the lines connect.
  const join = (k: 'mean' | 'lo80' | 'hi80' | 'lo95' | 'hi95'): (number | null)[] => series([last.value, ...r.forecast.map((p) => p[k])], pad - 1);
  main.append(h('p', {}, `Model ${r.model} (AICc ${num(r.aicc)}), fitted on ${counted(f.history.length, 'month')} of expenditure (${f.history[0]!.month} to ${last.month}) on ${f.createdAt.slice(0, 10)}.`));
  main.append(figure({
    title: 'Monthly expenditure: history and forecast',
    description: `Observed expenditure (total cost of the cases discharged each month) and the ${r.forecast.length}-month forecast with its 80 % and 95 % intervals.`,
    height: 380,
    config: {
      type: 'line',
      data: {
        labels: months,
        datasets: [
          { label: 'lower 95 %', data: join('lo95'), pointRadius: 0, borderWidth: 0, fill: false },
          { label: '95 % interval', data: join('hi95'), pointRadius: 0, borderWidth: 0, backgroundColor: 'rgba(230,159,0,0.18)', fill: '-1' },
          { label: 'lower 80 %', data: join('lo80'), pointRadius: 0, borderWidth: 0, fill: false },
          { label: '80 % interval', data: join('hi80'), pointRadius: 0, borderWidth: 0, backgroundColor: 'rgba(230,159,0,0.38)', fill: '-1' },
          { label: 'Forecast', data: join('mean'), borderColor: palette[3], borderDash: [6, 3], pointRadius: 2, fill: false },
          { label: 'History', data: series(f.history.map((x) => x.value), 0), borderColor: palette[0], pointRadius: 2, fill: false },
        ],
      },
      options: {
        spanGaps: false,
        scales: { y: { title: { display: true, text: 'yuan' } } },
        plugins: { legend: { labels: { filter: (item) => !item.text.startsWith('lower') } } },
      },
    },
    tableHeaders: ['Month', 'Forecast', '80 % low', '80 % high', '95 % low', '95 % high'],
    tableRows: r.forecast.map((p) => [p.month, yuan(p.mean), yuan(p.lo80), yuan(p.hi80), yuan(p.lo95), yuan(p.hi95)]),
  }));
  main.append(h('section', { class: 'card' },
    h('h2', {}, 'Backtest'),
    r.backtest
      ? table('Backtest on the last 12 months (refitted without them); MASE below 1 beats the in-sample seasonal naive forecast', ['Forecast', 'MASE'], [[r.model, num(r.backtest.mase, 3)], ['Seasonal naive', num(r.backtest.seasonalNaiveMase, 3)]], { numeric: [false, true] })
      : h('p', {}, 'No backtest: it needs at least 36 months (24 to fit, 12 held out).'),
  ));
}
