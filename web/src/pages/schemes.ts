/**
 * Schemes: the DRG schemes the deployment holds (GET /v1/schemes) and a comparison of two of them
 * on the stored cases of a period (POST /v1/scheme-comparisons, polled): how cases move between
 * DRGs and ADRGs, in-group rate, groups used, RIV and CV under each, and each hospital's CMI —
 * and, priced by a DRG policy pasted as JSON, each hospital's payment under each scheme.
 */
import { api, errorBox } from '../api.ts';
import { figure, palette } from '../charts.ts';
import { downloadCsv, field, h, input, num, pct, progress, select, table } from '../dom.ts';
import type { HeldSchemeSummary, SchemeComparison, Transition } from '../types.ts';

const label = (t: Transition['from']): string => t.code ?? `(${t.status})`;
const shownFlows = 20;
const shownRows = 50;

async function heldSchemes(): Promise<HeldSchemeSummary[] | null> {
  try {
    const answer = await api<HeldSchemeSummary[] | { schemes: HeldSchemeSummary[] }>('/v1/schemes');
    return Array.isArray(answer) ? answer : answer.schemes;
  } catch {
    return null; // a deployment without the listing: the ids are typed instead
  }
}

/** POST, then poll until the job is done; `onProgress` hears each status. */
async function runComparison(body: Record<string, unknown>, onProgress: (c: SchemeComparison) => void): Promise<SchemeComparison> {
  let c = await api<SchemeComparison>('/v1/scheme-comparisons', { method: 'POST', body });
  while (c.status === 'queued' || c.status === 'running') {
    onProgress(c);
    await new Promise((r) => setTimeout(r, 500));
    c = await api<SchemeComparison>(`/v1/scheme-comparisons/${c.id}`);
  }
  if (c.status !== 'succeeded' || !c.result) throw new Error(c.error ?? 'The comparison failed.');
  return c;
}

export async function schemesPage(main: HTMLElement): Promise<void> {
  main.append(h('h1', {}, 'Schemes'));
  const schemes = await heldSchemes();
  const ids = schemes?.map((s) => s.id) ?? [];
  if (schemes) {
    main.append(table('Schemes this deployment holds', ['scheme', 'name', 'DRGs', 'ADRGs', 'payment table'], schemes.map((s) => [s.id, s.name ?? '', s.drgs ?? '—', s.adrgs ?? '—', s.paymentTable ?? '—']), { numeric: [false, false, true, true, false] }));
  }
  const pick = (fallback: string): HTMLInputElement | HTMLSelectElement => (ids.length > 0 ? select(ids.map((id) => [id, id]), ids.includes(fallback) ? fallback : ids[0]!) : input('text', fallback, { required: true }));
  const a = pick('chs-drg-1.1');
  const b = pick(ids.find((id) => id !== 'chs-drg-1.1' && id !== 'chs_drg_11') ?? 'suzhou_2023');
  const from = input('month', '', { placeholder: 'YYYY-MM' });
  const to = input('month', '', { placeholder: 'YYYY-MM' });
  const policy = h('textarea', { rows: 4, spellcheck: 'false', placeholder: '{"method": "drg", "referenceYears": [2025], "settlementYear": 2025, "budget": 50000000}' }) as HTMLTextAreaElement;
  const button = h('button', { type: 'submit' }, 'Compare');
  const out = h('div', { 'aria-live': 'polite' });
  const results = h('div');
  const form = h('form', { class: 'card', 'aria-labelledby': 'compare-title', novalidate: true },
    h('h2', { id: 'compare-title' }, 'Compare two schemes on the stored cases'),
    h('div', { class: 'row fields' },
      field('c-a', 'Scheme A', a, 'The scheme cases move from.'),
      field('c-b', 'Scheme B', b, 'The scheme cases move to.'),
      field('c-from', 'From month (optional)', from, 'With "to"; default: the latest month stored.'),
      field('c-to', 'To month (optional)', to, 'At most 24 months in one comparison.')),
    field('c-policy', 'Price by a DRG policy (optional, JSON)', policy, 'A policy as on the Simulations page (its fields as JSON): each hospital is then paid under each scheme, and CMI takes the policy\'s weights.'),
    button, out);
  main.append(form, results);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    const bar = progress('Comparison progress');
    bar.set(null, undefined, 'queued…');
    out.replaceChildren(bar.el);
    try {
      const text = policy.value.trim();
      let priced: Record<string, unknown> | undefined;
      if (text !== '') {
        try {
          priced = JSON.parse(text) as Record<string, unknown>;
        } catch {
          throw new Error('The policy is not JSON: paste a policy object such as {"method": "drg", …}.');
        }
      }
      const body = { schemes: [a.value.trim(), b.value.trim()], ...(from.value && to.value ? { from: from.value, to: to.value } : {}), ...(priced ? { policy: priced } : {}) };
      const c = await runComparison(body, (s) => bar.set(s.progress.partitionsDone, s.progress.partitionsTotal ?? undefined, `${s.progress.phase}: ${s.progress.casesRead.toLocaleString('en')} cases read`));
      bar.set(1, 1, `done: ${c.result!.cases.toLocaleString('en')} cases compared`);
      results.replaceChildren(...show(c));
    } catch (error) {
      out.replaceChildren(errorBox(error));
    } finally {
      button.disabled = false;
    }
  });
}

function flowsFigure(level: string, rows: Transition[], names: [string, string]): HTMLElement {
  const moved = rows.filter((t) => t.changed).slice(0, shownFlows);
  return figure({
    title: `Largest flows between ${level}s`,
    description: `The ${moved.length} largest moves of cases from a ${level} under ${names[0]} to another under ${names[1]}.`,
    config: { type: 'bar', data: { labels: moved.map((t) => `${label(t.from)} → ${label(t.to)}`), datasets: [{ label: 'cases', data: moved.map((t) => t.cases), backgroundColor: palette[4] }] }, options: { indexAxis: 'y', plugins: { legend: { display: false } } } },
    tableHeaders: [`${level} under ${names[0]}`, `${level} under ${names[1]}`, 'cases', 'share'],
    tableRows: moved.map((t) => [label(t.from), label(t.to), t.cases, pct(t.share, 2)]),
    numeric: [false, false, true, true],
    height: Math.max(200, 22 * moved.length + 60),
  });
}

function show(c: SchemeComparison): HTMLElement[] {
  const r = c.result!;
  const names: [string, string] = [r.schemes[0].id, r.schemes[1].id];
  const quality = figure({
    title: 'Grouping quality',
    description: 'In-group rate, RIV (reduction in variance of cost), case-weighted mean CV of cost within groups and share of groups with CV > 1, under each scheme.',
    config: { type: 'bar', data: { labels: ['in-group rate', 'RIV', 'mean CV', 'groups with CV > 1'], datasets: r.schemes.map((s, i) => ({ label: s.id, data: [s.inGroupRate ?? 0, s.riv ?? 0, s.meanCv ?? 0, s.shareCvAboveOne ?? 0], backgroundColor: palette[i] })) } },
    tableHeaders: ['scheme', 'in-group rate', 'RIV', 'mean CV', 'share of groups with CV > 1'],
    tableRows: r.schemes.map((s) => [s.id, pct(s.inGroupRate, 2), num(s.riv, 4), num(s.meanCv, 4), pct(s.shareCvAboveOne, 2)]),
  });
  const hospitals = [...r.hospitals].sort((x, y) => y.cases - x.cases).slice(0, 40);
  const cmi = figure({
    title: 'CMI by hospital',
    description: `Each hospital's case-mix index under each scheme (weights ${r.policy ? 'of the policy' : "from the cases' own cost"}), the ${hospitals.length} hospitals with the most cases.`,
    config: { type: 'bar', data: { labels: hospitals.map((x) => x.hospitalId), datasets: names.map((n, i) => ({ label: n, data: hospitals.map((x) => x.cmi[i] ?? 0), backgroundColor: palette[i] })) } },
    tableHeaders: ['hospital', 'cases', `CMI under ${names[0]}`, `CMI under ${names[1]}`],
    tableRows: r.hospitals.map((x) => [x.hospitalId, x.cases, num(x.cmi[0], 4), num(x.cmi[1], 4)]),
  });
  const payments = r.policy ? paymentsTable(r, names) : null;
  const csv = h('button', { type: 'button', class: 'secondary' }, 'Download the DRG transitions (CSV)');
  csv.addEventListener('click', () => downloadCsv(`transitions-drg-${names[0]}-${names[1]}.csv`, [['DRG under A', 'status under A', 'DRG under B', 'status under B', 'cases', 'share'], ...r.transitions.drg.map((t) => [label(t.from), t.from.status, label(t.to), t.to.status, t.cases, t.share])]));
  return [
    h('h2', {}, `${names[0]} → ${names[1]}, ${r.period.from} to ${r.period.to}`),
    h('p', { class: 'summary' }, `${r.cases.toLocaleString('en')} stored cases compared${r.skipped.withoutCost > 0 ? ` (${r.skipped.withoutCost.toLocaleString('en')} without a cost left out)` : ''}: ${r.changed.drg.toLocaleString('en')} (${pct(r.changed.drgShare, 2)}) change DRG, ${r.changed.adrg.toLocaleString('en')} (${pct(r.changed.adrgShare, 2)}) change ADRG.`),
    table('Schemes compared', ['scheme', 'cases', 'grouped', 'ambiguous', 'ungroupable', 'in-group rate', 'DRGs used', 'ADRGs used', 'RIV', 'mean CV', 'groups with CV > 1'],
      r.schemes.map((s) => [s.id, s.cases, s.grouped, s.ambiguous, s.ungroupable, pct(s.inGroupRate, 2), s.drgsUsed, s.adrgsUsed, num(s.riv, 4), num(s.meanCv, 4), s.groupsCvAboveOne]), { numeric: [false, true, true, true, true, true, true, true, true, true, true] }),
    flowsFigure('DRG', r.transitions.drg, names),
    flowsFigure('ADRG', r.transitions.adrg, names),
    quality,
    cmi,
    ...(payments ? [payments] : []),
    table(`DRG transitions, largest first (${Math.min(shownRows, r.transitions.drg.length)} of ${r.transitions.drgRows})`, [`DRG under ${names[0]}`, `DRG under ${names[1]}`, 'cases', 'share', 'changed'],
      r.transitions.drg.slice(0, shownRows).map((t) => [label(t.from), label(t.to), t.cases, pct(t.share, 2), t.changed ? 'yes' : 'no']), { numeric: [false, false, true, true, false] }),
    csv,
  ];
}

/** Priced by a policy: the total and base rate under each scheme, and each hospital's payment under each (yuan). */
function paymentsTable(r: NonNullable<SchemeComparison['result']>, names: [string, string]): HTMLElement {
  const p = r.policy!;
  const yuan = (x: number | undefined) => (x === undefined ? '—' : x.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  return h('div', {},
    h('p', { class: 'summary' }, `Priced by the policy ${p.name ?? '(unnamed)'} (version ${p.version}): ${names[0]} pays ${yuan(p.payment[0])} yuan (base rate ${num(p.baseRate[0], 2)}), ${names[1]} pays ${yuan(p.payment[1])} yuan (base rate ${num(p.baseRate[1], 2)}).`),
    table('Payment by hospital, yuan', ['hospital', 'cases', `payment under ${names[0]}`, `payment under ${names[1]}`, 'change', 'change share'],
      [...r.hospitals].sort((x, y) => Math.abs(y.paymentChange ?? 0) - Math.abs(x.paymentChange ?? 0)).map((x) => [x.hospitalId, x.cases, yuan(x.payment?.[0]), yuan(x.payment?.[1]), yuan(x.paymentChange), pct(x.paymentChangeShare ?? null, 2)]),
      { numeric: [false, true, true, true, true, true] }));
}
