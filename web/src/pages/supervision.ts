/**
 * Supervision (智能监管): the latest supervision run's hospitals ranked by risk — a bar chart of
 * each rule's contribution and the same in a table — each rule's definition and counts, and a
 * drill-down to a hospital's flags with their evidence in words. Analysts start a new run
 * (optionally for other months) and follow its progress; a hospital key sees only its own
 * hospital (its rank, its contributions, its flags), as the API answers it.
 */
import { api, ApiError, errorBox } from '../api.ts';
import { figure, palette } from '../charts.ts';
import { field, h, input, num, progress, select, status, table } from '../dom.ts';
import { isAnalyst, type Session } from '../session.ts';
import { counted } from '../../../models/text/plural.ts';

const ruleIds = ['split-admission', 'upcoding', 'low-severity-admission', 'frequent-admission', 'high-cost', 'drug-share'] as const;
type RuleId = (typeof ruleIds)[number];
const ruleNames: Record<RuleId, string> = {
  'split-admission': 'Split admission',
  upcoding: 'Upcoding',
  'low-severity-admission': 'Low-severity admission',
  'frequent-admission': 'Frequent admission',
  'high-cost': 'High cost',
  'drug-share': 'Drug & material share',
};

interface RuleRisk { caseFlags: number; expectedCaseFlags: number; hospitalFlags: number; signal: number; contribution: number }
interface HospitalRisk { hospitalId: string; cases: number; risk: number; rank: number; rules: Record<RuleId, RuleRisk>; explanation: string }
interface Flag { rule: RuleId; hospitalId: string; listId: string | null; score: number; evidence: Record<string, unknown> & { reason: string } }
interface Run {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  trigger: 'api' | 'schedule';
  createdAt: string;
  progress: { phase: string; partitionsDone: number; partitionsTotal: number | null; casesRead: number };
  result?: {
    period: { from: string; to: string };
    ruleSet: { name: string; version: string };
    definitions: Record<RuleId, string>;
    cases: number;
    flags: number;
    byRule: Record<RuleId, { caseFlags: number; hospitalFlags: number }>;
    hospitalsRanked: number;
    hospitals: HospitalRisk[];
  };
  flags?: { hospitalId: string; rule: string | null; total: number; items: Flag[]; cursor?: string };
  error?: string;
}

const month = (): HTMLInputElement => input('month', '', { pattern: '\\d{4}-\\d{2}' });

export async function supervisionPage(main: HTMLElement, session: Session | null): Promise<void> {
  main.append(h('h1', {}, 'Supervision'), h('p', { class: 'hint' },
    'Screening of the settled cases for split admissions, upcoding, low-severity and frequent admissions, high-cost cases and abnormal drug shares. ',
    'Each hospital\'s risk (0–100) adds up the rules\' contributions; every flag carries its evidence. A run screens one period of discharges; one runs every month for the month before.'));
  const results = h('div', { 'aria-live': 'polite' });
  if (isAnalyst(session)) main.append(runForm(results));
  main.append(results);
  results.append(status('Loading the latest supervision run…'));
  try {
    const run = await api<Run>('/v1/supervision-runs/latest' + (session?.role === 'hospital' ? `?hospitalId=${encodeURIComponent(session.hospitalId ?? '')}` : ''));
    results.replaceChildren(...renderRun(run, session));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) results.replaceChildren(h('p', {}, error.message));
    else results.replaceChildren(errorBox(error));
  }
}

function runForm(results: HTMLElement): HTMLElement {
  const from = month();
  const to = month();
  const rulesSel = select([['default', 'National default rules'], ['strict', 'Stricter: 30-day split window, 3 admissions a year']], 'default');
  const bar = progress('Progress of the supervision run');
  bar.el.hidden = true;
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Run supervision');
  const form = h('form', { class: 'card', 'aria-labelledby': 'run-title', novalidate: true },
    h('h2', { id: 'run-title' }, 'New supervision run'),
    h('div', { class: 'row' },
      field('s-from', 'From month (optional)', from, 'Default: the latest month of discharges.'),
      field('s-to', 'To month (optional)', to, 'At most 24 months in one run.'),
      field('s-rules', 'Rule set', rulesSel),
    ),
    button, bar.el, out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    out.replaceChildren();
    const body: Record<string, unknown> = {};
    if (from.value || to.value) Object.assign(body, { from: from.value || to.value, to: to.value || from.value });
    if (rulesSel.value === 'strict') body.ruleSet = { name: 'stricter rules', rules: { 'split-admission': { windowDays: 30 }, 'frequent-admission': { minAdmissions: 3 } } };
    button.disabled = true;
    bar.el.hidden = false;
    bar.set(null, undefined, 'starting…');
    try {
      const started = await api<Run>('/v1/supervision-runs', { method: 'POST', body });
      for (;;) {
        const run = await api<Run>(`/v1/supervision-runs/${started.id}`);
        const p = run.progress;
        if (run.status === 'succeeded') {
          bar.set(1, 1, `done: ${counted(p.casesRead, 'case')} screened`);
          results.replaceChildren(...renderRun(run, null));
          break;
        }
        if (run.status === 'failed') throw new Error(run.error ?? 'The supervision run failed.');
        bar.set(run.status === 'queued' ? null : p.partitionsDone, p.partitionsTotal ?? undefined, run.status === 'queued' ? 'queued' : `${p.phase}: ${p.partitionsDone} of ${p.partitionsTotal ?? '?'} hospital-months, ${p.casesRead.toLocaleString('en')} cases`);
        await new Promise((r) => setTimeout(r, 400));
      }
    } catch (error) {
      out.append(errorBox(error));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function renderRun(run: Run, session: Session | null): HTMLElement[] {
  const r = run.result;
  if (!r) return [h('p', {}, `The latest run is ${run.status}.`)];
  const own = session?.role === 'hospital' ? session.hospitalId ?? null : null;
  const out: HTMLElement[] = [];
  out.push(h('section', { class: 'card', 'aria-labelledby': 'run-summary' },
    h('h2', { id: 'run-summary' }, `Run of ${run.createdAt.slice(0, 16).replace('T', ' ')} UTC (${run.trigger === 'schedule' ? 'monthly' : 'requested'})`),
    h('p', {}, `Discharges ${r.period.from === r.period.to ? `of ${r.period.from}` : `from ${r.period.from} to ${r.period.to}`}: ${counted(r.cases, 'case')} screened, ${r.flags.toLocaleString('en')} flags; rules "${r.ruleSet.name}" version ${r.ruleSet.version}.`),
    r.hospitals.every((x) => x.risk === 0) ? h('p', { class: 'hint' }, 'No hospital stands out: each has about as many flags as a typical hospital, so every risk is 0. The flags are still listed below.') : null,
    own && r.hospitals[0] ? h('p', { class: 'lead' }, `Your hospital ranks ${r.hospitals[0].rank} of ${r.hospitalsRanked} by risk (${num(r.hospitals[0].risk, 1)} out of 100).`) : null,
  ));
  const hospitals = r.hospitals;
  const grid = h('div', { class: 'grid' });
  out.push(grid);
  grid.append(figure({
    title: own ? 'Your risk by rule' : 'Hospitals ranked by risk',
    description: 'Each bar is a hospital\'s risk score (0–100), split into the contribution of each rule; highest risk first.',
    height: Math.max(220, 40 + 28 * hospitals.length),
    config: {
      type: 'bar',
      data: { labels: hospitals.map((x) => `${x.rank}. ${x.hospitalId}`), datasets: ruleIds.map((rule, i) => ({ label: ruleNames[rule], data: hospitals.map((x) => x.rules[rule]?.contribution ?? 0), backgroundColor: palette[i % palette.length] })) },
      options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, suggestedMax: 10, title: { display: true, text: 'risk (0–100)' } }, y: { stacked: true } } },
    },
    tableHeaders: ['Hospital', 'Risk', ...ruleIds.map((x) => ruleNames[x])],
    tableRows: hospitals.map((x) => [x.hospitalId, num(x.risk, 1), ...ruleIds.map((rule) => num(x.rules[rule]?.contribution ?? 0, 1))]),
  }));
  grid.append(table('Flags by rule', ['Rule', 'Case flags', 'Hospital-level flags'], ruleIds.map((rule) => [ruleNames[rule], r.byRule[rule]?.caseFlags ?? 0, r.byRule[rule]?.hospitalFlags ?? 0]), { numeric: [false, true, true] }));

  const drill = h('section', { class: 'card', id: 'flags', 'aria-labelledby': 'flags-title', 'aria-live': 'polite' }, h('h2', { id: 'flags-title' }, 'Flags'), h('p', { class: 'hint' }, 'Choose a hospital to see its flags and their evidence.'));
  const show = (hospitalId: string): void => void showFlags(drill, run.id, hospitalId, r.definitions, run.flags?.hospitalId === hospitalId ? run.flags : undefined);
  const rows = hospitals.map((x) => {
    const b = h('button', { type: 'button', class: 'link', 'aria-label': `Flags of ${x.hospitalId}` }, 'flags');
    b.addEventListener('click', () => show(x.hospitalId));
    return [String(x.rank), x.hospitalId, x.cases.toLocaleString('en'), num(x.risk, 1), x.explanation, b];
  });
  out.push(h('section', { class: 'card', 'aria-labelledby': 'rank-title' }, h('h2', { id: 'rank-title' }, 'Ranking'),
    table('Hospitals by risk, with what contributes', ['Rank', 'Hospital', 'Cases', 'Risk', 'Why', 'Evidence'], rows, { numeric: [true, false, true, true, false, false], className: 'data ranking', values: hospitals.map((x) => [x.rank, x.hospitalId, x.cases, Number(x.risk.toFixed(4)), x.explanation, null]) })));
  out.push(drill);
  out.push(h('details', { class: 'card' }, h('summary', {}, 'What each rule means'), h('dl', { class: 'facts' }, ruleIds.flatMap((rule) => [h('dt', {}, ruleNames[rule]), h('dd', {}, r.definitions[rule] ?? '')]))));
  if (own) show(own);
  return out;
}

async function showFlags(drill: HTMLElement, runId: string, hospitalId: string, definitions: Record<RuleId, string>, first?: Run['flags']): Promise<void> {
  const ruleSel = select([['', 'All rules'], ...ruleIds.map((r): [string, string] => [r, ruleNames[r]])], first?.rule ?? '');
  const list = h('ol', { class: 'flags' });
  const more = h('button', { type: 'button' }, 'More flags');
  const count = h('p', {});
  let cursor: string | undefined;
  const load = async (reset: boolean): Promise<void> => {
    if (reset) {
      list.replaceChildren();
      cursor = undefined;
    }
    const q = new URLSearchParams({ hospitalId, limit: '25' });
    if (ruleSel.value) q.set('rule', ruleSel.value);
    if (cursor) q.set('cursor', cursor);
    try {
      const page = reset && first && !ruleSel.value ? first : (await api<Run>(`/v1/supervision-runs/${runId}?${q.toString()}`)).flags!;
      first = undefined;
      count.textContent = page.total === 0 ? `No ${ruleSel.value ? ruleNames[ruleSel.value as RuleId] + ' ' : ''}flags for ${hospitalId}.` : `${counted(page.total, 'flag')} for ${hospitalId}, highest score first.`;
      list.append(...page.items.map((f) => flagItem(f, definitions)));
      cursor = page.cursor;
      more.hidden = cursor === undefined;
    } catch (error) {
      drill.append(errorBox(error));
    }
  };
  ruleSel.addEventListener('change', () => void load(true));
  more.addEventListener('click', () => void load(false));
  drill.replaceChildren(h('h2', { id: 'flags-title' }, `Flags of ${hospitalId}`), field('s-rule', 'Rule', ruleSel), count, list, more);
  await load(true);
}

const labels: Record<string, string> = { role: 'Role in the pair', gapDays: 'Days between the stays', admissionsInWindow: 'Admissions in the window', windowDays: 'Window (days)', minAdmissions: 'Admissions that flag' };

function words(key: string): string {
  return labels[key] ?? key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

function value(v: unknown): string | HTMLElement {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return num(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v) && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
    const rows = v as Record<string, unknown>[];
    const keys = [...new Set(rows.flatMap((x) => Object.keys(x)))];
    return table('Cases in the evidence', keys.map(words), rows.map((x) => keys.map((k) => (x.otherHospital && k === 'otherHospital' ? 'another hospital' : String(x[k] ?? '—')))), { className: 'data compact' });
  }
  if (Array.isArray(v)) return v.map(String).join(', ');
  return h('dl', { class: 'facts' }, Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => [h('dt', {}, words(k)), h('dd', {}, value(x))]));
}

function flagItem(f: Flag, definitions: Record<RuleId, string>): HTMLElement {
  const { reason, ...rest } = f.evidence;
  return h('li', { class: 'flag' },
    h('p', {}, h('strong', {}, ruleNames[f.rule] ?? f.rule), ` · ${f.listId ? `case ${f.listId}` : 'the hospital as a whole'} · score ${num(f.score, 2)}`),
    h('p', {}, reason),
    h('details', {}, h('summary', {}, 'Evidence figures'), h('p', { class: 'hint' }, definitions[f.rule] ?? ''), value(rest)),
  );
}
