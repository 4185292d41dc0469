/**
 * Stress tests: a preset or an edited scenario (validated by the fund model's own zod schema),
 * run through POST /v1/stress-tests; the fan chart of months of reserve over the alert bands,
 * the depletion-probability table; a sweep of one parameter.
 */
import { presetNames, scenarioProblems, presets, scenarioSchema, sweepableFields } from '../../../models/fund/scenario.ts';
import { api, errorBox } from '../api.ts';
import { figure, palette } from '../charts.ts';
import { field, h, input, num, pct, progress, select, table } from '../dom.ts';
import { alertText, type StressTest } from '../types.ts';
import { counted } from '../../../models/text/plural.ts';

/** POST /v1/stress-tests answers 202 with the id; poll GET /v1/stress-tests/{id} until it is no longer running. */
async function startStressTest(body: Record<string, unknown>): Promise<StressTest> {
  let t = await api<StressTest>('/v1/stress-tests', { method: 'POST', body });
  while (t.status === 'running') {
    await new Promise((r) => setTimeout(r, 250));
    t = await api<StressTest>(`/v1/stress-tests/${t.id}`);
  }
  if (t.status !== 'succeeded') throw new Error(t.error ?? 'The stress test failed.');
  return t;
}

const fields = ['seed', 'paths', 'years', ...sweepableFields] as const;

const labels: Record<string, string> = {
  seed: 'Random seed', paths: 'Monte Carlo paths', years: 'Horizon (years)', reserve: 'Opening reserve (yuan)', members: 'Members',
  memberGrowth: 'Membership growth / year', contributionBase: 'Contribution base / month (yuan)', contributionRate: 'Contribution rate',
  subsidyPerMonth: 'Subsidy / month (yuan)', 'wageGrowth.mean': 'Wage growth: mean', 'wageGrowth.sd': 'Wage growth: sd', 'wageGrowth.ar': 'Wage growth: AR(1)',
  casesPerMemberYear: 'Cases per member-year', costPerCase: 'Cost per case (yuan)', fundRatio: 'Share paid by the fund',
  'costGrowth.mean': 'Cost growth: mean', 'costGrowth.sd': 'Cost growth: sd', 'costGrowth.ar': 'Cost growth: AR(1)',
  'ageing.share65': 'Share aged 65+', 'ageing.drift': 'Change of the 65+ share / year', 'ageing.costMultiple': 'Cost of 65+ vs younger',
  'epidemics.ratePerYear': 'Epidemics per year', 'epidemics.costIncrease': 'Epidemic cost increase', 'epidemics.months': 'Epidemic length (months)',
  interestRate: 'Interest rate / year',
};

const getPath = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);
function setPath(o: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = o;
  for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}
const fid = (path: string): string => `s-${path.replace('.', '-')}`;

export function stressTestsPage(main: HTMLElement): void {
  main.append(h('h1', {}, 'Stress tests'));
  const preset = select(presetNames.map((n) => [n, n]), 'baseline');
  const inputs = new Map<string, HTMLInputElement>();
  for (const p of fields) inputs.set(p, input('number', '', { step: 'any' }));
  const fill = (): void => {
    for (const p of fields) inputs.get(p)!.value = String(getPath(presets[preset.value], p) ?? '');
  };
  preset.addEventListener('change', () => {
    fill();
    validate();
  });
  const build = (): Record<string, unknown> => {
    const s: Record<string, unknown> = structuredClone(presets[preset.value]) as Record<string, unknown>;
    for (const p of fields) {
      const v = inputs.get(p)!.value;
      setPath(s, p, v.trim() === '' ? undefined : Number(v));
    }
    return s;
  };
  const summary = h('div', { 'aria-live': 'polite' });
  const validate = (): Record<string, unknown> | null => {
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const s = build();
    const parsed = scenarioSchema.safeParse(s);
    if (parsed.success) {
      summary.replaceChildren();
      return s;
    }
    // Each problem goes next to its field, found by the problem's path (never by its sentence).
    const problems = scenarioProblems(parsed.error.issues, s);
    const sentences = problems.map((p) => p.message);
    for (const problem of problems) {
      const id = fid(problem.path);
      const err = document.getElementById(`${id}-error`);
      if (err) err.textContent = problem.message;
      document.getElementById(id)?.setAttribute('aria-invalid', 'true');
    }
    summary.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, 'The scenario is not valid:'), h('ul', {}, sentences.map((t) => h('li', {}, t)))));
    return null;
  };
  const runButton = h('button', { type: 'submit' }, 'Run the stress test');
  const runOut = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'scenario-title', novalidate: true },
    h('h2', { id: 'scenario-title' }, 'Scenario'),
    h('div', { class: 'row' }, field('s-preset', 'Preset', preset, 'Pick a preset, then edit any field.')),
    h('div', { class: 'row fields' }, fields.map((p) => field(fid(p), labels[p] ?? p, inputs.get(p)!))),
    summary,
    runButton,
    runOut,
  );
  form.addEventListener('input', () => void validate());
  const results = h('div');
  const run = async (body: Record<string, unknown>, label: string): Promise<StressTest | null> => {
    const bar = progress(label);
    bar.set(null, undefined, 'simulating…');
    runOut.replaceChildren(bar.el);
    try {
      const t = await startStressTest(body);
      bar.set(1, 1, `done: ${counted(t.result.paths, 'path')} in ${num(t.result.elapsedMs, 0)} ms`);
      return t;
    } catch (error) {
      runOut.replaceChildren(errorBox(error));
      return null;
    }
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scenario = validate();
    if (!scenario) return;
    runButton.disabled = true;
    const t = await run({ preset: preset.value, scenario }, 'Stress test progress');
    runButton.disabled = false;
    if (t) results.replaceChildren(...show(t));
  });

  // Sweep
  const parameter = select(sweepableFields.map((p) => [p, labels[p] ?? p]), 'costGrowth.mean');
  const from = input('number', 0.05, { step: 'any' });
  const to = input('number', 0.1, { step: 'any' });
  const step = input('number', 0.01, { step: 'any' });
  const sweepOut = h('div');
  const sweepButton = h('button', { type: 'submit' }, 'Run the sweep');
  const sweepForm = h('form', { class: 'card', 'aria-labelledby': 'sweep-title' },
    h('h2', { id: 'sweep-title' }, 'Sweep one parameter'),
    h('p', { class: 'hint' }, 'Runs the scenario above once per value, all with the same seed (common random numbers), so differences come from the parameter alone.'),
    h('div', { class: 'row' }, field('sw-parameter', 'Parameter', parameter), field('sw-from', 'From', from), field('sw-to', 'To', to), field('sw-step', 'Step', step)),
    sweepButton,
    sweepOut,
  );
  parameter.addEventListener('change', () => {
    const v = Number(inputs.get(parameter.value)!.value) || 0;
    from.value = String(v * 0.8);
    to.value = String(v * 1.2);
    step.value = String(Math.abs(v * 0.1) || 0.01);
  });
  sweepForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scenario = validate();
    if (!scenario) return;
    sweepButton.disabled = true;
    const bar = progress('Sweep progress');
    bar.set(null, undefined, 'simulating every value…');
    sweepOut.replaceChildren(bar.el);
    try {
      const t = await startStressTest({ preset: preset.value, scenario, sweep: { parameter: parameter.value, from: Number(from.value), to: Number(to.value), step: Number(step.value) } });
      sweepOut.replaceChildren(...showSweep(t));
    } catch (error) {
      sweepOut.replaceChildren(errorBox(error));
    } finally {
      sweepButton.disabled = false;
    }
  });

  main.append(form, results, sweepForm);
  fill();
  validate();
}

function show(t: StressTest): HTMLElement[] {
  const ys = t.result.years;
  const a = t.scenario.alerts;
  const top = Math.max(a.excessiveAbove + 5, ...ys.map((y) => y.monthsOfReserve.p95)) * 1.05;
  const bottom = Math.min(0, ...ys.map((y) => y.monthsOfReserve.p5));
  const labelsX = ys.map((y) => `Year ${y.year}`);
  const flat = (v: number): number[] => ys.map(() => v);
  const band = (label: string, v: number, colour: string) => ({ label, data: flat(v), borderWidth: 0, pointRadius: 0, backgroundColor: colour, fill: '-1' as const, order: 10 });
  const mr = (k: 'p5' | 'p25' | 'p50' | 'p75' | 'p95'): number[] => ys.map((y) => y.monthsOfReserve[k]);
  const fan = figure({
    title: 'Months of reserve',
    description: `Median, 25–75 % and 5–95 % of ${t.result.paths.toLocaleString('en')} simulated paths at each year end, over the alert bands (insufficient < ${a.insufficientBelow}, warning < ${a.warningBelow}, target ≤ ${a.targetUpTo}, high ≤ ${a.excessiveAbove}, excessive above).`,
    height: 360,
    config: {
      type: 'line',
      data: {
        labels: labelsX,
        datasets: [
          { label: 'floor', data: flat(bottom), pointRadius: 0, borderWidth: 0, fill: false, order: 10 },
          band('Insufficient', a.insufficientBelow, 'rgba(213,94,0,0.22)'),
          band('Warning', a.warningBelow, 'rgba(230,159,0,0.22)'),
          band('Target', a.targetUpTo, 'rgba(0,158,115,0.18)'),
          band('High', a.excessiveAbove, 'rgba(86,180,233,0.16)'),
          band('Excessive', top, 'rgba(110,119,129,0.12)'),
          { label: '5th percentile', data: mr('p5'), borderColor: 'rgba(0,114,178,0.6)', borderDash: [4, 3], pointRadius: 0, fill: false, order: 1 },
          { label: '5–95 %', data: mr('p95'), borderColor: 'rgba(0,114,178,0.6)', borderDash: [4, 3], pointRadius: 0, backgroundColor: 'rgba(0,114,178,0.15)', fill: '-1', order: 1 },
          { label: '25th percentile', data: mr('p25'), borderColor: 'rgba(0,114,178,0.8)', pointRadius: 0, fill: false, order: 1 },
          { label: '25–75 %', data: mr('p75'), borderColor: 'rgba(0,114,178,0.8)', pointRadius: 0, backgroundColor: 'rgba(0,114,178,0.3)', fill: '-1', order: 1 },
          { label: 'Median', data: mr('p50'), borderColor: palette[7], borderWidth: 2.5, pointRadius: 3, fill: false, order: 0 },
        ],
      },
      options: {
        scales: { y: { min: bottom, max: top, title: { display: true, text: 'months of expenditure in reserve' } } },
        plugins: { legend: { labels: { filter: (item) => !['floor', '5th percentile', '25th percentile'].includes(item.text) } }, tooltip: { filter: (item) => item.datasetIndex >= 6 } },
      },
    },
    tableHeaders: ['Year', 'p5', 'p25', 'Median', 'p75', 'p95', 'Alert'],
    tableRows: ys.map((y) => [y.year, num(y.monthsOfReserve.p5), num(y.monthsOfReserve.p25), num(y.monthsOfReserve.p50), num(y.monthsOfReserve.p75), num(y.monthsOfReserve.p95), alertText[y.alert]]),
  });
  const depletion = table('Deficit and depletion probability by year', ['Year', 'P(annual deficit)', 'P(depleted by year end)', 'P(first depleted this year)', 'Median months of reserve', 'Alert'],
    ys.map((y) => [y.year, pct(y.deficitProbability), pct(y.depletionProbability), pct(t.result.depletionYear[String(y.year)] ?? 0), num(y.monthsOfReserve.p50), h('span', { class: `badge alert-${y.alert}` }, alertText[y.alert])]),
    { numeric: [false, true, true, true, true, false] });
  return [h('section', { class: 'card', 'aria-label': 'Stress test result' },
    h('h2', {}, `Result: ${t.preset ?? 'custom'} scenario`),
    h('p', { class: 'hint' }, `${counted(t.result.paths, 'path')}, seed ${t.result.seed}; never depleted within ${counted(ys.length, 'year')}: ${pct(t.result.depletionYear.never ?? 0)}.`),
    fan, depletion)];
}

function showSweep(t: StressTest): HTMLElement[] {
  const s = t.sweep!;
  return [
    figure({
      title: `Depletion probability by ${s.parameter}`,
      description: `Probability that the reserve is depleted by the end of each year, for each value of ${s.parameter} (same seed).`,
      config: {
        type: 'line',
        data: { labels: s.years.map((y) => `Year ${y}`), datasets: s.rows.map((r, i) => ({ label: `${s.parameter} = ${r.value}`, data: r.depletionProbability.map((p) => 100 * p), borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], fill: false })) },
        options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '% of paths depleted' } } } },
      },
      tableHeaders: [s.parameter, ...s.years.map((y) => `Year ${y}`), 'Never'],
      tableRows: s.rows.map((r) => [r.value, ...r.depletionProbability.map((p) => pct(p)), pct(r.neverDepleted)]),
    }),
  ];
}
