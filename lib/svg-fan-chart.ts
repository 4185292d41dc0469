/**
 * The stress test's fan chart: months of reserve by year, p5–p95 and p25–p75 bands around the
 * median, over the alert bands (< 3 insufficient, 3–6 warning, 6–9 target, 9–15 high,
 * > 15 excessive by default).
 */
import type { StressTestResult } from '../models/fund/stress-test.ts';
import type { AlertThresholds } from '../models/fund/scenario.ts';
import { defaultAlertThresholds } from '../models/fund/scenario.ts';
import { element, niceTicks, num, points, svgDocument, text } from './svg.ts';

export interface FanChartOptions {
  width?: number;
  height?: number;
  title?: string;
  alerts?: AlertThresholds;
}

const colours = {
  insufficient: '#f4c7c3',
  warning: '#fce8b2',
  target: '#b7e1cd',
  high: '#eceff1',
  excessive: '#e1d5f2',
  outer: '#455a64',
  inner: '#263238',
  median: '#000000',
};

/** Render the fan chart of a stress-test result as an SVG document. */
export function fanChartSvg(result: StressTestResult, options: FanChartOptions = {}): string {
  const width = options.width ?? 820;
  const height = options.height ?? 480;
  const t = options.alerts ?? defaultAlertThresholds;
  const margin = { left: 70, right: 130, top: 62, bottom: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const years = result.years;
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  const low = Math.min(0, ...years.map((y) => finite(y.monthsOfReserve.p5)));
  const high = Math.max(t.excessiveAbove + 3, ...years.map((y) => finite(y.monthsOfReserve.p95)));
  const ticks = niceTicks(low, high, 8);
  const yMin = Math.min(low, ticks[0]!);
  const yMax = Math.max(high, ticks[ticks.length - 1]!);
  const lastYear = years.length;
  const x = (year: number) => margin.left + (lastYear <= 1 ? plotW / 2 : ((year - 1) / (lastYear - 1)) * plotW);
  const y = (months: number) => margin.top + plotH - ((Math.min(Math.max(finite(months), yMin), yMax) - yMin) / (yMax - yMin)) * plotH;

  const parts: string[] = [];
  parts.push(element('rect', { x: 0, y: 0, width, height, fill: 'white' }));
  parts.push(text(margin.left, 24, options.title ?? `Months of reserve — ${result.paths.toLocaleString('en')} paths, seed ${result.seed}`, { 'font-size': 15, 'font-weight': 'bold' }));

  // Alert bands, clipped to the plot.
  const bands: Array<{ from: number; to: number; label: string; fill: string }> = [
    { from: yMin, to: t.insufficientBelow, label: `insufficient (< ${t.insufficientBelow})`, fill: colours.insufficient },
    { from: t.insufficientBelow, to: t.warningBelow, label: `warning (${t.insufficientBelow}–${t.warningBelow})`, fill: colours.warning },
    { from: t.warningBelow, to: t.targetUpTo, label: `target (${t.warningBelow}–${t.targetUpTo})`, fill: colours.target },
    { from: t.targetUpTo, to: t.excessiveAbove, label: `high (${t.targetUpTo}–${t.excessiveAbove})`, fill: colours.high },
    { from: t.excessiveAbove, to: yMax, label: `excessive (> ${t.excessiveAbove})`, fill: colours.excessive },
  ];
  for (const band of bands) {
    const from = Math.max(band.from, yMin);
    const to = Math.min(band.to, yMax);
    if (!(to > from)) continue;
    parts.push(element('rect', { x: margin.left, y: y(to), width: plotW, height: y(from) - y(to), fill: band.fill }));
    parts.push(text(margin.left + plotW + 8, (y(from) + y(to)) / 2 + 4, band.label, { 'font-size': 11, fill: '#444' }));
  }

  // Grid and axes.
  for (const tick of ticks) {
    parts.push(element('line', { x1: margin.left, x2: margin.left + plotW, y1: y(tick), y2: y(tick), stroke: '#ffffff', 'stroke-width': 1 }));
    parts.push(text(margin.left - 8, y(tick) + 4, num(tick), { 'text-anchor': 'end' }));
  }
  const yearStep = Math.max(1, Math.ceil(lastYear / 20));
  for (let year = 1; year <= lastYear; year += yearStep) {
    parts.push(element('line', { x1: x(year), x2: x(year), y1: margin.top + plotH, y2: margin.top + plotH + 5, stroke: '#333' }));
    parts.push(text(x(year), margin.top + plotH + 20, String(year), { 'text-anchor': 'middle' }));
  }
  parts.push(element('line', { x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + plotH, stroke: '#333' }));
  parts.push(element('line', { x1: margin.left, x2: margin.left + plotW, y1: margin.top + plotH, y2: margin.top + plotH, stroke: '#333' }));
  if (yMin < 0) parts.push(element('line', { x1: margin.left, x2: margin.left + plotW, y1: y(0), y2: y(0), stroke: '#b31412', 'stroke-dasharray': '4 3' }));
  parts.push(text(margin.left + plotW / 2, height - 14, 'Year (end of)', { 'text-anchor': 'middle' }));
  parts.push(text(18, margin.top + plotH / 2, 'Months of reserve', { 'text-anchor': 'middle', transform: `rotate(-90 18 ${num(margin.top + plotH / 2)})` }));

  // Fan.
  const band = (lo: (i: number) => number, hi: (i: number) => number) => {
    const upper = years.map((yr, i) => [x(yr.year), y(hi(i))] as [number, number]);
    const lower = years.map((yr, i) => [x(yr.year), y(lo(i))] as [number, number]).reverse();
    return points([...upper, ...lower]);
  };
  const q = (i: number) => years[i]!.monthsOfReserve;
  parts.push(element('polygon', { points: band((i) => q(i).p5, (i) => q(i).p95), fill: colours.outer, 'fill-opacity': 0.3, stroke: 'none' }));
  parts.push(element('polygon', { points: band((i) => q(i).p25, (i) => q(i).p75), fill: colours.inner, 'fill-opacity': 0.4, stroke: 'none' }));
  const median = years.map((yr) => [x(yr.year), y(yr.monthsOfReserve.p50)] as [number, number]);
  parts.push(element('polyline', { points: points(median), fill: 'none', stroke: colours.median, 'stroke-width': 2.5 }));
  for (const [cx, cy] of median) parts.push(element('circle', { cx, cy, r: 3, fill: colours.median }));

  // Legend, one row between the title and the plot.
  const ly = 36;
  let lx = margin.left;
  const swatch = (fill: string, opacity: number, label: string) => {
    parts.push(element('rect', { x: lx, y: ly, width: 18, height: 10, fill, 'fill-opacity': opacity }));
    parts.push(text(lx + 24, ly + 9, label, { 'font-size': 11 }));
    lx += 24 + label.length * 6.2 + 18;
  };
  swatch(colours.outer, 0.3, '5th–95th percentile');
  swatch(colours.inner, 0.4, '25th–75th percentile');
  parts.push(element('line', { x1: lx, x2: lx + 18, y1: ly + 5, y2: ly + 5, stroke: colours.median, 'stroke-width': 2.5 }));
  parts.push(text(lx + 24, ly + 9, 'median (alert of the year)', { 'font-size': 11 }));

  return svgDocument(width, height, parts);
}
