/**
 * report.html of `payreform compare-schemes`: one self-contained page (inline SVG, no script, no
 * network) — the largest flows between DRGs and between ADRGs, each scheme's grouping quality and
 * groups used, and per hospital the payment change under a policy (else its CMI under each
 * scheme). Every chart has a heading, an accessible name and description, and its data table.
 */
import type { SchemeComparison } from '../models/comparison/compare.ts';
import type { Transition } from '../models/comparison/transitions.ts';
import { groupLabel } from '../models/comparison/transitions.ts';
import { comparisonTables, type Table } from '../app/scheme-comparison.ts';
import { escapeHtml, reportPage, tableHtml } from '../lib/html-report.ts';
import { barChartSvg, type BarChart } from '../lib/svg-bar-chart.ts';

const colours: [string, string] = ['#1f77b4', '#ff7f0e'];
/** Flows and hospitals drawn in a chart; the HTML tables show at most `tableRows` rows (the CSV files hold all). */
const flowBars = 20;
const hospitalBars = 40;
const tableRows = 100;

function section(chart: BarChart, table: Table, caption: string): string {
  const rows = table.rows.slice(0, tableRows);
  const more = table.rows.length > rows.length ? `<p>The first ${rows.length} of ${table.rows.length} rows; the CSV file has them all.</p>` : '';
  return `<section aria-labelledby="${chart.id}-title">
<h2 id="${chart.id}-title">${escapeHtml(chart.title)}</h2>
<p>${escapeHtml(chart.description)}</p>
${barChartSvg(chart)}
<details><summary>Data table: ${escapeHtml(caption)}</summary>
${tableHtml(caption, table.header, rows)}${more}</details>
</section>`;
}

function flowChart(id: string, level: string, rows: readonly Transition[], labels: readonly [string, string], cases: number): BarChart {
  const changed = rows.filter((t) => t.changed).slice(0, flowBars);
  return {
    id,
    title: `Largest flows between ${level}s: ${labels[0]} → ${labels[1]}`,
    description: `Horizontal bar chart of the ${changed.length} largest moves of cases from a ${level} under ${labels[0]} to another ${level} (or status) under ${labels[1]}, in cases out of ${cases.toLocaleString('en')}.`,
    categories: changed.map((t) => `${groupLabel(t.from)} → ${groupLabel(t.to)}`),
    series: [{ name: 'cases', colour: '#6a51a3', values: changed.map((t) => t.cases) }],
    axis: 'cases',
  };
}

/** The whole report page of a comparison of `labels[0]` (A) with `labels[1]` (B). */
export function compareReportHtml(result: SchemeComparison, labels: readonly [string, string], input: { files: string[]; records: number; rejected: number; policy?: string }): string {
  const tables = comparisonTables(result, labels);
  const [a, b] = result.schemes;
  const pct = (n: number) => (result.cases > 0 ? ((100 * n) / result.cases).toFixed(2) : '0.00');
  const quality: BarChart = {
    id: 'quality',
    title: 'Grouping quality',
    description: `Grouped bar chart of the in-group rate, RIV (reduction in variance of cost), case-weighted mean CV of cost within groups, share of groups with CV > 1, and CMI (weights from ${a.weightSource === 'policy' ? 'the policy' : "the cases' cost, so 1 by construction"}) under each scheme.`,
    categories: ['in-group rate', 'RIV', 'mean CV', 'groups with CV > 1', 'CMI'],
    series: result.schemes.map((s, i) => ({ name: labels[i]!, colour: colours[i]!, values: [s.inGroupRate, s.riv, s.meanCv, s.shareCvAboveOne, s.cmi] })),
    axis: 'value (rates and shares 0–1)',
  };
  const used: BarChart = {
    id: 'groups-used',
    title: 'Groups used',
    description: 'Grouped bar chart of the number of distinct DRGs and ADRGs that at least one case falls in, under each scheme.',
    categories: ['DRGs used', 'ADRGs used'],
    series: result.schemes.map((s, i) => ({ name: labels[i]!, colour: colours[i]!, values: [s.drgsUsed, s.adrgsUsed] })),
    axis: 'groups',
  };
  const priced = result.hospitals.some((h) => h.paymentCents !== undefined);
  const hospitals = priced
    ? [...result.hospitals].sort((x, y) => Math.abs(y.differenceCents!) - Math.abs(x.differenceCents!)).slice(0, hospitalBars)
    : [...result.hospitals].sort((x, y) => y.cases - x.cases).slice(0, hospitalBars);
  const hospitalChart: BarChart = priced
    ? {
        id: 'hospital-payments',
        title: `Payment change by hospital: ${labels[1]} − ${labels[0]}`,
        description: `Horizontal bar chart of the change in each hospital's payment (yuan) under the policy ${input.policy ?? ''} when its cases are grouped under ${labels[1]} instead of ${labels[0]}: the ${hospitals.length} largest changes.`,
        categories: hospitals.map((h) => h.hospitalId),
        series: [{ name: 'payment change (yuan)', colour: '#2ca02c', values: hospitals.map((h) => h.differenceCents! / 100) }],
        axis: `payment change, ${labels[1]} − ${labels[0]} (yuan)`,
        format: (v) => Math.round(v).toLocaleString('en'),
      }
    : {
        id: 'hospital-cmi',
        title: 'CMI by hospital',
        description: `Grouped bar chart of each hospital's CMI (mean relative weight of its cases, weights from the cases' cost) under each scheme, for the ${hospitals.length} hospitals with the most cases.`,
        categories: hospitals.map((h) => h.hospitalId),
        series: labels.map((l, i) => ({ name: l, colour: colours[i]!, values: hospitals.map((h) => h.cmi[i]!) })),
        axis: 'CMI',
      };
  const body = `<h1>Scheme comparison: ${escapeHtml(labels[0])} → ${escapeHtml(labels[1])}</h1>
<p>${result.cases.toLocaleString('en')} cases (${input.records.toLocaleString('en')} records read from ${escapeHtml(input.files.join(', '))}, ${input.rejected.toLocaleString('en')} rejected) grouped under both schemes${input.policy ? `, priced by the policy ${escapeHtml(input.policy)}` : ''}.
${result.changed.drg.toLocaleString('en')} cases (${pct(result.changed.drg)} %) change DRG and ${result.changed.adrg.toLocaleString('en')} (${pct(result.changed.adrg)} %) change ADRG. In-group rate ${(100 * a.inGroupRate).toFixed(2)} % → ${(100 * b.inGroupRate).toFixed(2)} %, RIV ${a.riv.toFixed(3)} → ${b.riv.toFixed(3)}.</p>
${tableHtml('Schemes', tables.schemes.header, tables.schemes.rows)}
${section(flowChart('flows-drg', 'DRG', result.transitions.drg, labels, result.cases), tables['transitions-drg'], 'DRG transitions, largest first')}
${section(flowChart('flows-adrg', 'ADRG', result.transitions.adrg, labels, result.cases), tables['transitions-adrg'], 'ADRG transitions, largest first')}
${section(quality, tables.schemes, 'Schemes')}
${section(used, tables.schemes, 'Schemes')}
${section(hospitalChart, tables.hospitals, 'Hospitals')}`;
  return reportPage(`Scheme comparison: ${labels[0]} → ${labels[1]}`, body);
}
