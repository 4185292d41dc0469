/**
 * Simulations: edit a payment policy in a form validated by the payment model's own zod schema
 * (models/payment/policy.ts — the same messages the API gives), run one or more policies as
 * simulation jobs with their progress, compare them by hospital, download the comparison as CSV.
 * A DIP policy (method choice) shows its own fields and results (simulations-dip.ts).
 */
import { paymentPolicySchema, policyProblems } from '../../../models/payment/policy.ts';
import { formatPath } from '../../../models/problem.ts';
import { api, errorBox } from '../api.ts';
import { figure, palette } from '../charts.ts';
import { downloadCsv, downloadXlsx, field, h, input, num, pct, progress, select, table, yuan } from '../dom.ts';
import type { DipSimulationResultView, HospitalResult, SimulationJob } from '../types.ts';
import { dipFieldIds, dipFields, dipResults } from './simulations-dip.ts';
import { counted } from '../../../models/text/plural.ts';

interface Draft { id: number; name: string; policy: Record<string, unknown> }

const fieldIds: Record<string, string> = {
  name: 'p-name', settlementYear: 'p-settlementYear', referenceYears: 'p-referenceYears', yearWeights: 'p-yearWeights',
  budget: 'p-budget', baseRate: 'p-baseRate', '': 'p-baseRate',
  'levelCoefficients.1': 'p-level1', 'levelCoefficients.2': 'p-level2', 'levelCoefficients.3': 'p-level3',
  'outliers.low': 'p-low', 'outliers.high': 'p-high', 'outliers.review': 'p-review', outliers: 'p-review',
  trim: 'p-trimLow', 'trim[0]': 'p-trimLow', 'trim[1]': 'p-trimHigh',
  'excludeStays.minDays': 'p-minDays', 'excludeStays.maxDays': 'p-maxDays',
  ambiguous: 'p-ambiguous', 'feeForService.share': 'p-share',
};

const numberOrText = (s: string): number | string => (s.trim() === '' ? '' : Number.isNaN(Number(s)) ? s : Number(s));
const list = (s: string): (number | string)[] => s.split(/[,\s]+/).filter(Boolean).map(numberOrText);

export function simulationsPage(main: HTMLElement): void {
  main.append(h('h1', {}, 'Simulations'));
  const dip = dipFields();
  const f = {
    method: select([['drg', 'DRG: relative weights and a base rate'], ['dip', 'DIP: packet scores and point values']], 'drg'),
    name: input('text', 'Base rate 9 865'),
    settlementYear: input('number', 2025, { step: 1 }),
    referenceYears: input('text', '2025'),
    yearWeights: input('text', ''),
    mode: select([['baseRate', 'Base rate (yuan per RW)'], ['budget', 'Budget (yuan): the base rate is derived']], 'baseRate'),
    // One input per way of paying, so switching changes no value the user typed.
    baseRate: input('number', 9865, { step: 'any' }),
    budget: input('number', 20_000_000, { step: 'any' }),
    level1: input('number', 1, { step: 'any' }), level2: input('number', 1, { step: 'any' }), level3: input('number', 1, { step: 'any' }),
    low: input('number', 0.5, { step: 'any' }), high: input('number', 2, { step: 'any' }), review: input('number', 5, { step: 'any' }),
    trimLow: input('number', 0.025, { step: 'any' }), trimHigh: input('number', 0.975, { step: 'any' }),
    minDays: input('number', 2, { step: 1 }), maxDays: input('number', 60, { step: 1 }),
    ambiguous: select([['qy', 'Official ambiguous groups (QY)'], ['fallthrough', 'Fall through to the medical groups']], 'qy'),
    share: input('number', 1, { step: 'any' }),
  };
  const build = (): Record<string, unknown> => {
    if (f.method.value === 'dip') {
      const p: Record<string, unknown> = {
        name: f.name.value,
        settlementYear: numberOrText(f.settlementYear.value),
        referenceYears: list(f.referenceYears.value),
        outliers: { low: numberOrText(f.low.value), high: numberOrText(f.high.value), review: numberOrText(f.review.value) },
        trim: [numberOrText(f.trimLow.value), numberOrText(f.trimHigh.value)],
        ...dip.build({ 1: numberOrText(f.level1.value), 2: numberOrText(f.level2.value), 3: numberOrText(f.level3.value) }),
      };
      if (f.yearWeights.value.trim()) p.yearWeights = list(f.yearWeights.value);
      return p;
    }
    const p: Record<string, unknown> = {
      method: 'drg',
      name: f.name.value,
      settlementYear: numberOrText(f.settlementYear.value),
      referenceYears: list(f.referenceYears.value),
      [f.mode.value]: numberOrText(f.mode.value === 'budget' ? f.budget.value : f.baseRate.value),
      levelCoefficients: { 1: numberOrText(f.level1.value), 2: numberOrText(f.level2.value), 3: numberOrText(f.level3.value) },
      outliers: { low: numberOrText(f.low.value), high: numberOrText(f.high.value), review: numberOrText(f.review.value) },
      trim: [numberOrText(f.trimLow.value), numberOrText(f.trimHigh.value)],
      excludeStays: { minDays: numberOrText(f.minDays.value), maxDays: numberOrText(f.maxDays.value) },
      ambiguous: f.ambiguous.value,
      feeForService: { ambiguousGroups: false, share: numberOrText(f.share.value) },
    };
    if (f.yearWeights.value.trim()) p.yearWeights = list(f.yearWeights.value);
    return p;
  };
  const summary = h('div', { 'aria-live': 'polite' });
  const baseRateField = field('p-baseRate', 'Base rate (yuan per RW)', f.baseRate);
  const budgetField = field('p-budget', 'Budget (yuan)', f.budget, 'The base rate that spends it is derived.');
  const drgPay = h('div', { class: 'row' }, field('p-mode', 'Pay by', f.mode), baseRateField, budgetField);
  const reviewField = field('p-review', 'Review ratio', f.review, 'ratio > review: individual review');
  const validate = (): Record<string, unknown> | null => {
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const policy = build();
    const parsed = paymentPolicySchema.safeParse(policy);
    if (parsed.success) {
      summary.replaceChildren();
      return policy;
    }
    // Each problem in the form's own words (the field's label, then what is wrong), placed next to
    // its field by its path — never found by its sentence.
    const sentences: string[] = [];
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      const ids = f.method.value === 'dip' ? { ...fieldIds, ...dipFieldIds } : fieldIds;
      const id = ids[path] ?? ids[String(issue.path[0] ?? '')];
      const label = id ? form.querySelector(`label[for="${id}"]`)?.textContent : undefined;
      const texts = label && issue.code !== 'unrecognized_keys' ? [`${label}: ${issue.message}.`] : policyProblems([issue], policy).map((p) => p.message);
      sentences.push(...texts);
      const err = document.getElementById(`${id ?? 'p-name'}-error`);
      if (err) err.textContent = [err.textContent, ...texts].filter(Boolean).join(' ');
      document.getElementById(id ?? 'p-name')?.setAttribute('aria-invalid', 'true');
    }
    summary.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, 'The policy is not valid:'), h('ul', {}, sentences.map((s) => h('li', {}, s)))));
    return null;
  };

  const form = h('form', { class: 'card', 'aria-labelledby': 'policy-title', novalidate: true },
    h('h2', { id: 'policy-title' }, 'Policy'),
    h('div', { class: 'row' },
      field('p-method', 'Method', f.method, 'DIP: catalogue built from the reference years by the national specification.'),
      field('p-name', 'Name', f.name),
      field('p-settlementYear', 'Settlement year', f.settlementYear, 'The year whose cases are paid.'),
      field('p-referenceYears', 'Reference years', f.referenceYears, 'Years the weights come from, e.g. 2023, 2024, 2025.'),
      field('p-yearWeights', 'Year weights (optional)', f.yearWeights, 'One per reference year; default 1 : 2 : 7.'),
    ),
    drgPay,
    h('div', { class: 'row' },
      field('p-level1', 'Level-1 coefficient', f.level1),
      field('p-level2', 'Level-2 coefficient', f.level2),
      field('p-level3', 'Level-3 coefficient', f.level3),
    ),
    ...dip.rows,
    h('div', { class: 'row' },
      field('p-low', 'Low-cost ratio', f.low, 'ratio < low: paid at cost'),
      field('p-high', 'High-cost ratio', f.high, 'ratio > high: cost − standard'),
      reviewField,
      field('p-trimLow', 'Trim lower percentile', f.trimLow),
      field('p-trimHigh', 'Trim upper percentile', f.trimHigh),
    ),
    h('div', { class: 'row', 'data-drg': 'true' },
      field('p-minDays', 'Shortest stay kept out of weights (days)', f.minDays),
      field('p-maxDays', 'Longest stay kept out of weights (days)', f.maxDays),
      field('p-ambiguous', 'Unmatched OR procedures', f.ambiguous),
      field('p-share', 'Share of cost paid by item', f.share),
    ),
    summary,
    h('button', { type: 'submit' }, 'Add to the comparison'),
  );
  form.addEventListener('input', () => void validate());
  const showAmount = (): void => {
    baseRateField.hidden = f.mode.value === 'budget';
    budgetField.hidden = f.mode.value !== 'budget';
  };
  f.mode.addEventListener('change', () => {
    showAmount();
    validate();
  });
  showAmount();
  // DRG-only fields hide with a DIP policy and the DIP ones show; no value the user typed changes.
  const showMethod = (): void => {
    const isDip = f.method.value === 'dip';
    drgPay.hidden = isDip;
    reviewField.hidden = isDip;
    for (const el of form.querySelectorAll<HTMLElement>('[data-drg]')) el.hidden = isDip;
    for (const row of dip.rows) row.hidden = !isDip;
  };
  f.method.addEventListener('change', () => {
    showMethod();
    validate();
  });
  dip.f.mode.addEventListener('change', () => void validate());
  showMethod();

  const drafts: Draft[] = [];
  let nextId = 1;
  const listEl = h('ul', { class: 'policies' });
  const runButton = h('button', { type: 'button' }, 'Run');
  const runOut = h('div', { 'aria-live': 'polite' });
  const results = h('div');
  const renderList = (): void => {
    listEl.replaceChildren(...drafts.map((d) => {
      const remove = h('button', { type: 'button', class: 'link', 'aria-label': `Remove ${d.name}` }, 'remove');
      remove.addEventListener('click', () => {
        drafts.splice(drafts.indexOf(d), 1);
        renderList();
      });
      const p = d.policy;
      const how = p.method === 'dip' ? dip.describe(p) : p.baseRate !== undefined ? `base rate ${String(p.baseRate)}` : `budget ${String(p.budget)}`;
      return h('li', {}, h('strong', {}, d.name), ` — ${how}, outliers ${JSON.stringify(p.outliers)} `, remove);
    }));
    runButton.disabled = drafts.length === 0;
    runButton.textContent = drafts.length > 1 ? `Run and compare ${drafts.length} policies` : 'Run';
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const policy = validate();
    if (!policy) return;
    const name = String(policy.name || `Policy ${nextId}`);
    drafts.push({ id: nextId++, name: drafts.some((d) => d.name === name) ? `${name} (${nextId})` : name, policy });
    renderList();
  });
  runButton.addEventListener('click', async () => {
    runButton.disabled = true;
    results.replaceChildren();
    const runs = drafts.map((d) => ({ d, bar: progress(`Progress of ${d.name}`) }));
    runOut.replaceChildren(...runs.map((r) => h('div', { class: 'run' }, h('span', {}, r.d.name), r.bar.el)));
    try {
      const done = await Promise.all(runs.map(async ({ d, bar }) => {
        bar.set(null, undefined, 'starting…');
        const started = await api<SimulationJob>('/v1/simulations', { method: 'POST', body: { year: String(d.policy.settlementYear), name: d.name, policy: d.policy } });
        for (;;) {
          const job = await api<SimulationJob>(`/v1/simulations/${started.id}`);
          const total = job.progress.partitionsTotal;
          if (job.status === 'succeeded') {
            bar.set(1, 1, `done: ${counted(job.progress.casesRead, 'case')} read`);
            return { d, job };
          }
          if (job.status === 'failed') throw new Error(`${d.name}: ${job.error ?? 'the simulation failed'}`);
          bar.set(job.status === 'queued' ? null : job.progress.partitionsDone, total ?? undefined, job.status === 'queued' ? 'queued' : `${job.progress.partitionsDone} of ${total ?? '?'} partition steps, ${job.progress.casesRead.toLocaleString('en')} cases read`);
          await new Promise((r) => setTimeout(r, 400));
        }
      }));
      const drgRuns = done.filter(({ job }) => job.result?.method !== 'dip');
      const dipRuns = done.filter(({ job }) => job.result?.method === 'dip');
      results.replaceChildren(...(drgRuns.length > 0 ? compare(drgRuns.map(({ d, job }) => ({ name: d.name, job }))) : []), ...(dipRuns.length > 0 ? [h('h2', {}, 'DIP results'), ...dipRuns.map(({ d, job }) => dipResults(d.name, job.result as DipSimulationResultView))] : []));
    } catch (error) {
      runOut.append(errorBox(error));
    } finally {
      runButton.disabled = false;
    }
  });
  renderList();
  main.append(form, h('section', { class: 'card', 'aria-labelledby': 'compare-title' }, h('h2', { id: 'compare-title' }, 'Policies to run'), drafts.length === 0 ? h('p', { class: 'hint' }, 'Add one policy to run it, two or more to compare them.') : null, listEl, runButton, runOut), results);
  validate();
}

type DrgJob = SimulationJob & { result: Exclude<SimulationJob['result'], DipSimulationResultView | undefined> };

function compare(input: { name: string; job: SimulationJob }[]): HTMLElement[] {
  const runs = input as { name: string; job: DrgJob }[];
  const hospitals = [...new Set(runs.flatMap((r) => r.job.result!.hospitals.map((x) => x.hospitalId)))].sort();
  const get = (r: { job: DrgJob }, id: string): HospitalResult | undefined => r.job.result!.hospitals.find((x) => x.hospitalId === id);
  const first = runs[0]!;
  const out: HTMLElement[] = [h('h2', {}, 'Results')];
  out.push(table('Policies', ['Policy', 'Base rate', 'Cases', 'Total cost', 'Total payment', 'Payment / cost'], runs.map((r) => {
    const t = r.job.result!.totals;
    return [r.name, num(r.job.result!.rate.baseRate), t.cases, yuan(t.totalCost), yuan(t.payment), pct(t.payment / t.totalCost)];
  }), {
    values: runs.map((r) => {
      const t = r.job.result!.totals;
      return [r.name, Number(r.job.result!.rate.baseRate.toFixed(2)), t.cases, Number(t.totalCost.toFixed(2)), Number(t.payment.toFixed(2)), t.totalCost > 0 ? Number((t.payment / t.totalCost).toFixed(4)) : null];
    }),
  }));
  const comparisonRows = (): (string | number | null)[][] => {
    const rows: (string | number | null)[][] = [['hospitalId', 'policy', 'cases', 'cmi', 'totalCost', 'payment', 'paymentToCost', 'balance', 'lowOutliers', 'highOutliers', 'reviewOutliers', 'byItem', 'differenceFromFirst']];
    for (const id of hospitals) {
      const base = get(first, id);
      for (const r of runs) {
        const x = get(r, id);
        if (!x) continue;
        rows.push([id, r.name, x.cases, x.cmi, x.totalCost, x.payment, Number((x.payment / x.totalCost).toFixed(6)), Number(x.balance.toFixed(2)), x.low, x.high, x.review, x.byItem, base ? Number((x.payment - base.payment).toFixed(2)) : null]);
      }
    }
    return rows;
  };
  const download = h('button', { type: 'button' }, 'Download CSV');
  download.addEventListener('click', () => downloadCsv('simulation-comparison.csv', comparisonRows()));
  const downloadExcel = h('button', { type: 'button' }, 'Download as Excel');
  downloadExcel.addEventListener('click', () => downloadXlsx('simulation-comparison.xlsx', [{ name: 'comparison', rows: comparisonRows() }]));
  out.push(h('p', {}, download, ' ', downloadExcel));
  const grid = h('div', { class: 'grid' });
  out.push(grid);
  grid.append(figure({
    title: 'Payment vs cost by hospital',
    description: 'Total cost and the total payment under each policy, per hospital.',
    config: { type: 'bar', data: { labels: hospitals, datasets: [
      { label: 'Cost', data: hospitals.map((id) => get(first, id)?.totalCost ?? 0), backgroundColor: '#6e7781' },
      ...runs.map((r, i) => ({ label: `Payment: ${r.name}`, data: hospitals.map((id) => get(r, id)?.payment ?? 0), backgroundColor: palette[i % palette.length] })),
    ] }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'yuan' } } } } },
    tableHeaders: ['Hospital', 'Cost', ...runs.map((r) => `Payment: ${r.name}`)],
    tableRows: hospitals.map((id) => [id, yuan(get(first, id)?.totalCost), ...runs.map((r) => yuan(get(r, id)?.payment))]),
  }));
  const shares = (x: HospitalResult | undefined): number => (x && x.cases > 0 ? (x.low + x.high + x.review) / x.cases : 0);
  grid.append(figure({
    title: 'Outlier shares',
    description: 'Share of each hospital\'s cases paid as low-cost, high-cost or review outliers, per policy.',
    config: { type: 'bar', data: { labels: hospitals, datasets: runs.map((r, i) => ({ label: r.name, data: hospitals.map((id) => 100 * shares(get(r, id))), backgroundColor: palette[i % palette.length] })) }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: '% of cases' } } } } },
    tableHeaders: ['Hospital', ...runs.flatMap((r) => [`${r.name}: low`, `${r.name}: high`, `${r.name}: review`, `${r.name}: share`])],
    tableRows: hospitals.map((id) => [id, ...runs.flatMap((r) => {
      const x = get(r, id);
      return [x?.low ?? 0, x?.high ?? 0, x?.review ?? 0, pct(shares(x))];
    })]),
  }));
  for (const r of runs.slice(1)) {
    const diffs = hospitals.map((id) => ({ id, d: (get(r, id)?.payment ?? 0) - (get(first, id)?.payment ?? 0), base: get(first, id)?.payment ?? 0 })).sort((a, b) => b.d - a.d);
    grid.append(figure({
      title: `Winners and losers: ${r.name} vs ${first.name}`,
      description: 'Change in each hospital\'s payment, largest gain first (losses are negative).',
      config: { type: 'bar', data: { labels: diffs.map((x) => x.id), datasets: [{ label: 'Change in payment (yuan)', data: diffs.map((x) => x.d), backgroundColor: diffs.map((x) => (x.d >= 0 ? palette[2]! : palette[3]!)) }] }, options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: 'yuan' } } } } },
      tableHeaders: ['Hospital', 'Change (yuan)', 'Change (%)'],
      tableRows: diffs.map((x) => [x.id, yuan(x.d), pct(x.base === 0 ? 0 : x.d / x.base, 2)]),
    }));
  }
  if (runs.length === 1) grid.append(h('p', { class: 'hint' }, 'Add a second policy to see winners and losers.'));
  return out;
}
