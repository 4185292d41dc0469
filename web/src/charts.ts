/**
 * Charts with Chart.js. Every chart is a figure: a caption, the canvas (role="img" with a
 * description) and the same numbers as a table under a disclosure, for screen readers and for
 * anyone who wants the figures. Colours: the Okabe–Ito palette (distinguishable with colour
 * blindness), text in the page's colour.
 */
import { Chart, registerables, type ChartConfiguration, type ChartType } from 'chart.js';
import { h, table } from './dom.ts';

Chart.register(...registerables);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans SC", sans-serif';
Chart.defaults.color = '#1f2328';
Chart.defaults.animation = false;

export const palette = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export interface FigureOptions<T extends ChartType> {
  title: string;
  description: string;
  config: ChartConfiguration<T>;
  tableHeaders: string[];
  tableRows: (string | number)[][];
  numeric?: boolean[];
  height?: number;
}

const live = new Set<Chart>();

/** Destroy the charts of the page being left. */
export function destroyCharts(): void {
  for (const c of live) c.destroy();
  live.clear();
}

export function figure<T extends ChartType>(o: FigureOptions<T>): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${o.title}. ${o.description}` });
  const box = h('div', { class: 'chart-box' }, canvas);
  box.style.height = `${o.height ?? 300}px`; // through the CSSOM: the CSP forbids style attributes
  const el = h('figure', { class: 'chart' },
    h('figcaption', {}, h('strong', {}, o.title), ' ', h('span', { class: 'hint' }, o.description)),
    box,
    h('details', {}, h('summary', {}, `Table: ${o.title}`), table(o.title, o.tableHeaders, o.tableRows, { numeric: o.numeric ?? o.tableHeaders.map((_, i) => i > 0) })),
  );
  const config = o.config as ChartConfiguration;
  config.options = { responsive: true, maintainAspectRatio: false, ...config.options };
  // Draw once the figure is in the document (Chart.js measures its parent).
  queueMicrotask(() => {
    const chart = new Chart(canvas, config);
    live.add(chart);
  });
  return el;
}
