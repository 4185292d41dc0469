/**
 * report.html of `payreform simulate`: one self-contained page (Chart.js inlined, no network)
 * with the charts an analyst looks at — payment vs cost by hospital, CMI by hospital, outlier
 * shares by policy, and the biggest winners and losers between the first policy and each
 * compared one. Accessible: every chart has a heading, a text description (aria-label), axis
 * titles, and a data table fallback under it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { caseMixIndex } from '../models/payment/price.ts';
import type { PolicyResult } from '../models/payment/simulate.ts';
import { escapeHtml, reportPage, tableHtml } from '../lib/html-report.ts';
import { projectRoot } from '../lib/reference.ts';
import { hospitalValueCents } from './simulate-output.ts';

/** Hospitals drawn in the per-hospital bar charts (the largest by cost; the tables list all). */
const maxBars = 60;
const winnersLosers = 10;

interface Chart {
  id: string;
  title: string;
  description: string;
  config: object;
  table: { header: string[]; rows: (string | number)[][] };
}

function chartJs(): string {
  return readFileSync(path.join(projectRoot, 'node_modules', 'chart.js', 'dist', 'chart.umd.min.js'), 'utf8');
}

// One formatter for every amount (what x.toLocaleString('en', …) builds at each call).
const wholeYuan = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const money = (x: number) => wholeYuan.format(x);
const colours = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function axes(x: string, y: string, extra: object = {}) {
  return { responsive: true, plugins: { legend: { position: 'bottom' } }, scales: { x: { title: { display: true, text: x } }, y: { title: { display: true, text: y }, beginAtZero: true } }, ...extra };
}

function paymentVsCost(label: string, result: PolicyResult): Chart {
  const value = hospitalValueCents(result);
  // DIP: the case value before the fund ratio, so it compares with the cost like a DRG payment does.
  const what = result.dip ? 'case value' : 'total payment';
  const hospitals = [...result.hospitals].map((h) => ({ ...h, paymentCents: value.get(h.hospitalId) ?? 0 })).sort((a, b) => b.totalCost - a.totalCost);
  const shown = hospitals.slice(0, maxBars);
  return {
    id: 'payment-vs-cost',
    title: `Payment vs cost by hospital (${label})`,
    description: `Bar chart of total cost and total payment in yuan for the ${shown.length} hospitals with the highest cost${hospitals.length > shown.length ? ` of ${hospitals.length}` : ''}, largest first.`,
    config: {
      type: 'bar',
      data: { labels: shown.map((h) => h.hospitalId), datasets: [{ label: 'total cost', data: shown.map((h) => Math.round(h.totalCost)), backgroundColor: '#9aa5b1' }, { label: what, data: shown.map((h) => Math.round(h.paymentCents / 100)), backgroundColor: colours[0] }] },
      options: axes('hospital', 'yuan'),
    },
    table: { header: ['hospital', 'level', 'cases', 'total cost (yuan)', `${what} (yuan)`, `${result.dip ? 'value' : 'payment'} / cost`], rows: hospitals.map((h) => [h.hospitalId, h.level || '', h.cases, money(h.totalCost), money(h.paymentCents / 100), h.totalCost > 0 ? (h.paymentCents / 100 / h.totalCost).toFixed(3) : '']) },
  };
}

function cmiByHospital(label: string, result: PolicyResult): Chart {
  const hospitals = [...result.hospitals].sort((a, b) => caseMixIndex(b) - caseMixIndex(a));
  const shown = hospitals.slice(0, maxBars);
  const levelColour = (level: number) => ['#7f7f7f', '#2ca02c', '#ff7f0e', '#1f77b4'][level] ?? '#7f7f7f';
  return {
    id: 'cmi',
    title: `Case-mix index (CMI) by hospital (${label})`,
    description: `Bar chart of the CMI (mean relative weight of a hospital's DRG-paid cases) of ${shown.length} hospitals, highest first; colour shows the hospital level (green 1, orange 2, blue 3).`,
    config: {
      type: 'bar',
      data: { labels: shown.map((h) => h.hospitalId), datasets: [{ label: 'CMI', data: shown.map((h) => Number(caseMixIndex(h).toFixed(4))), backgroundColor: shown.map((h) => levelColour(h.level)) }] },
      options: axes('hospital', 'CMI'),
    },
    table: { header: ['hospital', 'level', 'DRG-paid cases', 'CMI'], rows: hospitals.map((h) => [h.hospitalId, h.level || '', h.pricedCases, Number.isFinite(caseMixIndex(h)) ? caseMixIndex(h).toFixed(4) : '']) },
  };
}

function outlierShares(labels: string[], results: PolicyResult[]): Chart {
  const classes = ['normal', 'low', 'high', 'review', 'byItem'] as const;
  const names = { normal: 'normal', low: 'low-cost (paid at cost)', high: 'high-cost', review: 'individual review (特例单议)', byItem: 'paid by item (no DRG price)' };
  const share = (r: PolicyResult, c: (typeof classes)[number]) => (r.totals.cases > 0 ? (100 * r.totals.outliers[c]) / r.totals.cases : 0);
  return {
    id: 'outliers',
    title: 'Outlier shares by policy',
    description: `Stacked bar chart of the share of settlement-year cases in each outlier class under each of ${labels.length} policies.`,
    config: {
      type: 'bar',
      data: { labels, datasets: classes.map((c, i) => ({ label: names[c], data: results.map((r) => Number(share(r, c).toFixed(3))), backgroundColor: ['#9aa5b1', '#2ca02c', '#ff7f0e', '#d62728', '#7f7f7f'][i] })) },
      options: axes('policy', '% of cases', { scales: { x: { stacked: true, title: { display: true, text: 'policy' } }, y: { stacked: true, max: 100, title: { display: true, text: '% of cases' } } } }),
    },
    table: { header: ['policy', ...classes.map((c) => names[c])], rows: results.map((r, p) => [labels[p]!, ...classes.map((c) => `${r.totals.outliers[c]} (${share(r, c).toFixed(2)} %)`)]) },
  };
}

function winnersAndLosers(baseLabel: string, base: PolicyResult, label: string, other: PolicyResult, index: number): Chart {
  const before = hospitalValueCents(base);
  const after = hospitalValueCents(other);
  const diffs = other.hospitals.map((h) => ({ id: h.hospitalId, diff: ((after.get(h.hospitalId) ?? 0) - (before.get(h.hospitalId) ?? 0)) / 100 })).sort((a, b) => b.diff - a.diff);
  const winners = diffs.slice(0, winnersLosers).filter((d) => d.diff > 0);
  const losers = diffs.slice(-winnersLosers).filter((d) => d.diff < 0 && !winners.includes(d));
  const shown = [...winners, ...losers];
  return {
    id: `winners-losers-${index}`,
    title: `Biggest winners and losers: ${label} vs ${baseLabel}`,
    description: `Horizontal bar chart of the change in total payment (yuan) per hospital under ${label} compared with ${baseLabel}: the ${winners.length} largest gains and ${losers.length} largest losses.`,
    config: {
      type: 'bar',
      data: { labels: shown.map((d) => d.id), datasets: [{ label: `payment change, ${label} − ${baseLabel} (yuan)`, data: shown.map((d) => Math.round(d.diff)), backgroundColor: shown.map((d) => (d.diff >= 0 ? '#2ca02c' : '#d62728')) }] },
      options: { indexAxis: 'y', ...axes('payment change (yuan)', 'hospital'), scales: { x: { title: { display: true, text: 'payment change (yuan)' } }, y: { title: { display: true, text: 'hospital' } } } },
    },
    table: { header: ['hospital', `payment under ${baseLabel} (yuan)`, `payment under ${label} (yuan)`, 'change (yuan)'], rows: shown.map((d) => [d.id, money((before.get(d.id) ?? 0) / 100), money((before.get(d.id) ?? 0) / 100 + d.diff), money(d.diff)]) },
  };
}

function section(chart: Chart): string {
  return `<section aria-labelledby="${chart.id}-title">
<h2 id="${chart.id}-title">${escapeHtml(chart.title)}</h2>
<p id="${chart.id}-desc">${escapeHtml(chart.description)}</p>
<div class="chart"><canvas id="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)}" aria-describedby="${chart.id}-desc"><p>${escapeHtml(chart.description)} The data are in the table below.</p></canvas></div>
<details><summary>Data table: ${escapeHtml(chart.title)}</summary>
${tableHtml(chart.title, chart.table.header, chart.table.rows)}</details>
</section>`;
}

/** The whole report page. */
export function reportHtml(labels: string[], results: PolicyResult[]): string {
  const base = results[0]!;
  const charts: Chart[] = [paymentVsCost(labels[0]!, base), cmiByHospital(labels[0]!, base), outlierShares(labels, results)];
  results.slice(1).forEach((r, i) => charts.push(winnersAndLosers(labels[0]!, base, labels[i + 1]!, r, i + 1)));
  const summaryRows = results
    .map((r, p) => `<tr><th scope="row">${escapeHtml(labels[p]!)}</th><td>${r.policy.budget !== undefined ? money(r.policy.budget) : '—'}</td><td>${r.dip ? `${r.rate.baseRate.toFixed(4)} (DIP point value; year-start ${r.dip.funds[0]!.yearStart.value.toFixed(4)})` : r.rate.baseRate.toFixed(2)}</td><td>${money(r.totals.paymentCents / 100)}</td><td>${money(r.totals.totalCost)}</td><td>${r.totals.cases}</td><td>${(100 * r.grouping.settlement.inGroupRate).toFixed(2)} %</td><td>${r.weights.quality.riv.toFixed(3)}</td></tr>`)
    .join('\n');
  const configs = Object.fromEntries(charts.map((c) => [c.id, c.config]));
  const body = `<h1>Payment simulation</h1>
<p>Settlement year ${base.policy.settlementYear}; ${base.dip ? 'DIP catalogue' : 'weights'} from ${base.policy.referenceYears.join(', ')}. Money in yuan.</p>
<table><caption>Policies</caption><thead><tr><th scope="col">policy</th><th scope="col">budget</th><th scope="col">base rate (费率) / point value (点值)</th><th scope="col">total payment</th><th scope="col">total cost</th><th scope="col">cases</th><th scope="col">in-group rate</th><th scope="col">RIV</th></tr></thead>
<tbody>
${summaryRows}
</tbody></table>
${charts.map(section).join('\n')}`;
  const scripts = `<script>${chartJs()}</script>
<script>
const configs = ${JSON.stringify(configs).replace(/</g, '\\u003c')};
for (const [id, config] of Object.entries(configs)) new Chart(document.getElementById(id), config);
</script>`;
  return reportPage(`Payment simulation: ${labels.join(', ')}`, body, scripts);
}
