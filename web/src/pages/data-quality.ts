/**
 * Data quality: rejection and warning rates by hospital and month, the most frequent problems,
 * and a drill-down to the reasons records were rejected in one hospital and month.
 */
import { api, errorBox } from '../api.ts';
import { figure, palette } from '../charts.ts';
import { field, h, pct, progress, select, table } from '../dom.ts';
import type { Session } from '../session.ts';
import type { Overview } from '../types.ts';
import { counted } from '../../../models/text/plural.ts';

interface Quality {
  hospitalId: string; month: string; batches: number; received: number; accepted: number; rejected: number; rejectionRate: number;
  rejectionsByReason: { reason: string; records: number; rate: number }[]; greyCodes: number; warned: number;
  missingOptionalFields: { field: string; records: number; rate: number }[];
}

const reasonText = (reason: string): string => {
  const [path, kind] = reason.split(':');
  return kind ? `${path}: ${kind.replace(/-/g, ' ')}` : reason;
};

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

export async function dataQualityPage(main: HTMLElement, session: Session | null): Promise<void> {
  main.append(h('h1', {}, 'Data quality'));
  const bar = progress('Loading data quality');
  main.append(bar.el);
  let o: Overview;
  try {
    o = await api<Overview>('/v1/overview');
  } catch (error) {
    bar.el.replaceWith(errorBox(error));
    return;
  }
  const hospitals = session?.role === 'hospital' ? [session.hospitalId!] : o.hospitals.map((x) => x.hospitalId);
  const months = o.months.map((m) => m.month);
  if (!o.year || hospitals.length === 0) {
    bar.el.replaceWith(h('p', {}, 'No settlement lists have been received yet.'));
    return;
  }
  const pairs = hospitals.flatMap((hospitalId) => months.map((month) => ({ hospitalId, month })));
  let done = 0;
  let quality: Quality[];
  try {
    quality = await pool(pairs, 6, async (p) => {
      const q = await api<Quality>(`/v1/data-quality?hospitalId=${encodeURIComponent(p.hospitalId)}&month=${p.month}`);
      bar.set(++done, pairs.length, `${done} of ${pairs.length} hospital-months`);
      return q;
    });
  } catch (error) {
    bar.el.replaceWith(errorBox(error));
    return;
  }
  bar.el.remove();
  const cell = (hospitalId: string, month: string): Quality | undefined => quality.find((q) => q.hospitalId === hospitalId && q.month === month);
  const sum = (qs: Quality[], k: 'received' | 'rejected' | 'warned' | 'greyCodes' | 'accepted'): number => qs.reduce((s, q) => s + q[k], 0);
  const all = quality;
  main.append(h('p', {}, `${o.year}: ${counted(sum(all, 'received'), 'record')} received, ${sum(all, 'rejected').toLocaleString('en')} rejected (${pct(sum(all, 'rejected') / Math.max(1, sum(all, 'received')), 2)}), ${sum(all, 'warned').toLocaleString('en')} with warnings, ${sum(all, 'greyCodes').toLocaleString('en')} grey codes.`));
  const grid = h('div', { class: 'grid' });
  main.append(grid);
  grid.append(figure({
    title: 'Rejection rate by month',
    description: 'Share of received records rejected at ingest, per hospital and discharge month.',
    config: { type: 'line', data: { labels: months, datasets: hospitals.map((id, i) => ({ label: id, data: months.map((m) => 100 * (cell(id, m)?.rejectionRate ?? 0)), borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length] })) }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: '% rejected' } } } } },
    tableHeaders: ['Month', ...hospitals],
    tableRows: months.map((m) => [m, ...hospitals.map((id) => pct(cell(id, m)?.rejectionRate ?? 0, 2))]),
  }));
  grid.append(figure({
    title: 'Warning rate by month',
    description: 'Share of received records accepted with warnings (repeated codes, unknown fields), per hospital and month.',
    config: { type: 'line', data: { labels: months, datasets: hospitals.map((id, i) => ({ label: id, data: months.map((m) => { const q = cell(id, m); return q && q.received > 0 ? (100 * q.warned) / q.received : 0; }), borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length] })) }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: '% with warnings' } } } } },
    tableHeaders: ['Month', ...hospitals],
    tableRows: months.map((m) => [m, ...hospitals.map((id) => { const q = cell(id, m); return pct(q && q.received > 0 ? q.warned / q.received : 0, 2); })]),
  }));

  const reasons = new Map<string, number>();
  for (const q of quality) for (const r of q.rejectionsByReason) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + r.records);
  const missing = new Map<string, number>();
  for (const q of quality) for (const m of q.missingOptionalFields) missing.set(m.field, (missing.get(m.field) ?? 0) + m.records);
  const top = [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  main.append(h('section', { class: 'card' },
    h('h2', {}, 'Most frequent problems'),
    top.length === 0 ? h('p', {}, 'No record was rejected.') : table('Rejection reasons, all months', ['Reason', 'Records'], top.map(([r, n]) => [reasonText(r), n])),
    missing.size === 0 ? null : table('Optional fields most often missing (accepted records)', ['Field', 'Records'], [...missing.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([f, n]) => [f, n])),
  ));

  const hospital = select(hospitals.map((x) => [x, x]), hospitals[0]!);
  const month = select(months.map((m) => [m, m]), months[0]!);
  const detail = h('div', { 'aria-live': 'polite' });
  const drill = (): void => {
    const q = cell(hospital.value, month.value);
    if (!q) {
      detail.replaceChildren(h('p', {}, 'No records.'));
      return;
    }
    detail.replaceChildren(
      h('p', {}, `${q.received} received in ${q.batches} batch${q.batches === 1 ? '' : 'es'}: ${q.accepted} accepted, ${q.rejected} rejected (${pct(q.rejectionRate, 2)}); ${q.warned} with warnings; ${q.greyCodes} grey codes.`),
      q.rejectionsByReason.length === 0 ? h('p', {}, 'No record was rejected.') : table(`Why records were rejected: ${q.hospitalId}, ${q.month}`, ['Reason', 'Records', 'Share of received'], q.rejectionsByReason.map((r) => [reasonText(r.reason), r.records, pct(r.rate, 2)])),
      q.missingOptionalFields.length === 0 ? h('p', {}, 'No optional field is missing.') : table(`Missing optional fields: ${q.hospitalId}, ${q.month}`, ['Field', 'Records', 'Share of accepted'], q.missingOptionalFields.map((m) => [m.field, m.records, pct(m.rate, 2)])),
    );
  };
  hospital.addEventListener('change', drill);
  month.addEventListener('change', drill);
  main.append(h('section', { class: 'card', 'aria-labelledby': 'drill-title' },
    h('h2', { id: 'drill-title' }, 'Drill down'),
    h('div', { class: 'row' }, field('dq-hospital', 'Hospital', hospital), field('dq-month', 'Month', month)),
    detail,
  ));
  drill();
}
