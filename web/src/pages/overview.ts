/** Overview: cases by month, in-group rate, CMI by hospital, the latest forecast and fund alert. */
import { api, errorBox, noticeOrError } from '../api.ts';
import { figure, palette } from '../charts.ts';
import { h, num, pct, status, yuan } from '../dom.ts';
import { isAnalyst, type Session } from '../session.ts';
import { alertText, type Overview, type StoredForecast, type StressTest } from '../types.ts';
import { counted } from '../../../models/text/plural.ts';

const tile = (label: string, value: string, note?: string): HTMLElement => h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, label), h('span', { class: 'tile-value' }, value), note ? h('span', { class: 'hint' }, note) : null);

export async function overviewPage(main: HTMLElement, session: Session | null): Promise<void> {
  main.append(h('h1', {}, session?.role === 'hospital' ? `Overview — ${session.hospitalId}` : 'Overview'));
  const loading = status('Loading the overview…');
  main.append(loading);
  let o: Overview;
  try {
    o = await api<Overview>('/v1/overview');
  } catch (error) {
    loading.replaceWith(errorBox(error));
    return;
  }
  loading.remove();
  if (!o.year) {
    main.append(h('p', {}, 'No cases have been received yet.'));
    return;
  }
  const tiles = h('div', { class: 'tiles' },
    tile('Cases', num(o.totals.cases, 2), `discharged in ${o.year}`),
    tile('In-group rate', pct(o.totals.inGroupRate), 'cases that reached a DRG'),
    tile('CMI', num(o.totals.cmi), 'mean relative weight'),
    tile('Total cost', yuan(o.totals.totalCost)),
  );
  main.append(tiles);
  const fund = h('div', { class: 'tiles' });
  if (isAnalyst(session)) main.append(h('h2', {}, 'Fund'), fund);

  const grid = h('div', { class: 'grid' });
  main.append(grid);
  grid.append(figure({
    title: `Cases by month, ${o.year}`,
    description: 'Cases by discharge month.',
    config: { type: 'bar', data: { labels: o.months.map((m) => m.month), datasets: [{ label: 'Cases', data: o.months.map((m) => m.cases), backgroundColor: palette[0] }] }, options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'cases' } } } } },
    tableHeaders: ['Month', 'Cases', 'Total cost (yuan)'],
    tableRows: o.months.map((m) => [m.month, m.cases, num(m.totalCost)]),
  }));
  grid.append(figure({
    title: 'CMI and in-group rate by hospital',
    description: 'Case-mix index (bars, left axis) and in-group rate (points, right axis) of each hospital.',
    config: {
      type: 'bar',
      data: {
        labels: o.hospitals.map((x) => x.hospitalId),
        datasets: [
          { label: 'CMI', data: o.hospitals.map((x) => x.cmi ?? 0), backgroundColor: palette[2], yAxisID: 'y' },
          { label: 'In-group rate (%)', type: 'line', data: o.hospitals.map((x) => x.inGroupRate * 100), borderColor: palette[3], backgroundColor: palette[3], showLine: false, pointRadius: 6, pointStyle: 'rectRot', yAxisID: 'y1', clip: false },
        ],
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'CMI' } }, y1: { position: 'right', min: 0, max: 100, title: { display: true, text: 'in-group rate (%)' }, grid: { drawOnChartArea: false } } } },
    },
    tableHeaders: ['Hospital', 'Cases', 'CMI', 'In-group rate', 'Ambiguous', 'Ungroupable'],
    tableRows: o.hospitals.map((x) => [x.hospitalId, x.cases, num(x.cmi), pct(x.inGroupRate), x.ambiguous, x.ungroupable]),
  }));

  if (isAnalyst(session)) {
    const [forecast, stress] = await Promise.allSettled([api<StoredForecast>('/v1/forecasts/latest'), api<StressTest>('/v1/stress-tests/latest')]);
    if (forecast.status === 'rejected') {
      fund.append(h('div', { class: 'tile wide' }, h('span', { class: 'tile-label' }, 'Latest forecast'), noticeOrError(forecast.reason)));
    } else if (forecast.value.report === null) {
      fund.append(h('div', { class: 'tile wide' }, h('span', { class: 'tile-label' }, 'Latest forecast'), h('p', { class: 'hint' }, `No forecast yet. ${forecast.value.message ?? ''}`)));
    } else {
      const f = forecast.value.report;
      const next = f.forecast[0]!;
      const year = f.forecast.reduce((s, p) => s + p.mean, 0);
      fund.append(tile(`Forecast ${next.month}`, yuan(next.mean), `80 %: ${yuan(next.lo80)} – ${yuan(next.hi80)} · ${f.model}`), tile(`Next ${counted(f.forecast.length, 'month')}`, yuan(year), 'expected expenditure'));
    }
    if (stress.status === 'fulfilled') {
      const y1 = stress.value.result.years[0]!;
      const last = stress.value.result.years[stress.value.result.years.length - 1]!;
      fund.append(
        h('div', { class: `tile alert-${y1.alert}` }, h('span', { class: 'tile-label' }, 'Fund alert (year 1)'), h('span', { class: 'tile-value' }, alertText[y1.alert]), h('span', { class: 'hint' }, `median ${num(y1.monthsOfReserve.p50)} months of reserve · ${stress.value.preset ?? 'custom'} scenario`)),
        tile(`Depletion by year ${last.year}`, pct(last.depletionProbability), `probability, ${counted(stress.value.result.paths, 'path')}`),
      );
    } else {
      fund.append(h('div', { class: 'tile wide' }, h('span', { class: 'tile-label' }, 'Fund alert'), noticeOrError(stress.reason), h('a', { href: '/stress-tests' }, 'Run a stress test')));
    }
  }
}
