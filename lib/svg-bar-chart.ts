/**
 * A horizontal bar chart as inline SVG (for HTML reports): one row per category, one bar per
 * series in it, a zero line when values go negative, value labels at the bar ends, and a
 * legend. `role="img"` with the title and description as its accessible name and description.
 */
import { element, escapeXml, niceTicks, text } from './svg.ts';

export interface BarSeries {
  name: string;
  colour: string;
  values: readonly number[];
}

export interface BarChart {
  /** Unique within the page (ids of the title and description). */
  id: string;
  title: string;
  description: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  /** The value axis title. */
  axis: string;
  /** Value labels (default: up to 4 significant decimals). */
  format?: (value: number) => string;
}

const defaultFormat = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en') : Number(v.toPrecision(4)).toLocaleString('en', { maximumFractionDigits: 4 }));

/** The chart as an `<svg>` element to inline in HTML. */
export function barChartSvg(chart: BarChart): string {
  const format = chart.format ?? defaultFormat;
  const bar = 14;
  const rowHeight = chart.series.length * bar + 10;
  const labelWidth = Math.min(260, 12 + 7 * Math.max(4, ...chart.categories.map((c) => c.length)));
  const margin = { left: labelWidth, right: 90, top: 30 + (chart.series.length > 1 ? 18 : 0), bottom: 46 };
  const width = 820;
  const plotW = width - margin.left - margin.right;
  const plotH = Math.max(rowHeight, chart.categories.length * rowHeight);
  const height = margin.top + plotH + margin.bottom;
  const values = chart.series.flatMap((s) => s.values.filter(Number.isFinite));
  // The scale covers every value and zero; the ticks are the nice values inside it.
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values, lo + 1e-9);
  const ticks = niceTicks(lo, hi, 6).filter((t) => t >= lo && t <= hi);
  const x = (v: number) => margin.left + ((v - lo) / (hi - lo)) * plotW;
  const parts: string[] = [element('title', { id: `${chart.id}-svg-title` }, escapeXml(chart.title)), element('desc', { id: `${chart.id}-svg-desc` }, escapeXml(chart.description))];
  parts.push(element('rect', { x: 0, y: 0, width, height, fill: 'white' }));
  for (const t of ticks) {
    parts.push(element('line', { x1: x(t), x2: x(t), y1: margin.top, y2: margin.top + plotH, stroke: '#e0e0e0' }));
    parts.push(text(x(t), margin.top + plotH + 16, format(t), { 'text-anchor': 'middle', 'font-size': 11 }));
  }
  parts.push(element('line', { x1: x(0), x2: x(0), y1: margin.top, y2: margin.top + plotH, stroke: '#333' }));
  parts.push(text(margin.left + plotW / 2, height - 10, chart.axis, { 'text-anchor': 'middle' }));
  chart.categories.forEach((category, c) => {
    const top = margin.top + c * rowHeight + 5;
    parts.push(text(margin.left - 8, top + (chart.series.length * bar) / 2 + 4, category, { 'text-anchor': 'end', 'font-size': 11 }));
    chart.series.forEach((s, k) => {
      const v = s.values[c]!;
      if (!Number.isFinite(v)) return;
      const y = top + k * bar;
      const from = x(Math.min(0, v));
      const w = Math.max(0.5, Math.abs(x(v) - x(0)));
      parts.push(element('rect', { x: from, y, width: w, height: bar - 2, fill: s.colour }, element('title', {}, escapeXml(`${category}, ${s.name}: ${format(v)}`))));
      // A negative bar's value goes right of the zero line, clear of the category labels.
      parts.push(text(v >= 0 ? from + w + 4 : x(0) + 4, y + bar - 4, format(v), { 'font-size': 10, fill: '#333' }));
    });
  });
  if (chart.series.length > 1) {
    let lx = margin.left;
    for (const s of chart.series) {
      parts.push(element('rect', { x: lx, y: 8, width: 14, height: 10, fill: s.colour }));
      parts.push(text(lx + 20, 17, s.name, { 'font-size': 11 }));
      lx += 20 + s.name.length * 6.5 + 18;
    }
  }
  return element('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${chart.id}-svg-title ${chart.id}-svg-desc`, 'font-family': 'sans-serif', 'font-size': 12 }, parts);
}
