/**
 * The DIP half of the Simulations page: the fields of a `"method": "dip"` policy (labels in the
 * form's words, each field's id mapped from its policy path so the schema's problems land next to
 * it) and the results of a DIP run — the year-start point value beside the settlement one per
 * fund, the outlier classes against the year-start standard, special review under its cap, and
 * per hospital the monthly prepayments, the year-end clearing and the balance rule.
 */
import { field, h, input, num, pct, select, table, yuan } from '../dom.ts';
import type { DipSimulationResultView } from '../types.ts';

const numberOrText = (s: string): number | string => (s.trim() === '' ? '' : Number.isNaN(Number(s)) ? s : Number(s));

/** Policy path → the id of its field (DIP fields only; the shared ones are the DRG map's). */
export const dipFieldIds: Record<string, string> = {
  budget: 'd-budget', pointValue: 'd-pointValue', fundRatio: 'd-fundRatio', prepaymentShare: 'd-prepayment',
  'funds.employee.budget': 'd-employeeBudget', 'funds.employee.fundRatio': 'd-employeeRatio', 'funds.resident.budget': 'd-residentBudget', 'funds.resident.fundRatio': 'd-residentRatio',
  hospitalCoefficients: 'd-coefficients', coreThreshold: 'd-coreThreshold', ungroupedShare: 'd-ungrouped',
  'specialReview.threshold': 'd-reviewThreshold', 'specialReview.capPerMille': 'd-reviewCap',
  'yearStartTrim[0]': 'd-ysTrimLow', 'yearStartTrim[1]': 'd-ysTrimHigh', yearStartTrim: 'd-ysTrimLow',
  surplusRetention: 'd-surplus', overspendShare: 'd-overspend', reasonableOverspend: 'd-reasonable',
};

/** The DIP inputs, their rows (hidden with a DRG policy) and the policy fields they give. */
export function dipFields() {
  const f = {
    mode: select([['budget', 'DIP fund budget (yuan): the point value is derived'], ['pointValue', 'Settlement point value (yuan per point)'], ['funds', 'Employee and resident funds, each with its budget']], 'budget'),
    budget: input('number', 20_000_000, { step: 'any' }),
    pointValue: input('number', 10, { step: 'any' }),
    fundRatio: input('number', 0.8, { step: 'any' }),
    employeeBudget: input('number', 12_000_000, { step: 'any' }), employeeRatio: input('number', 0.85, { step: 'any' }),
    residentBudget: input('number', 8_000_000, { step: 'any' }), residentRatio: input('number', 0.6, { step: 'any' }),
    prepayment: input('number', 0.9, { step: 'any' }),
    coefficients: select([['level', 'Derived per hospital level'], ['packet', 'Derived per packet and level'], ['given', 'The level coefficients above']], 'level'),
    coreThreshold: input('number', '', { step: 1 }),
    ungrouped: input('number', 0.7, { step: 'any' }),
    reviewThreshold: input('number', 2, { step: 'any' }), reviewCap: input('number', 5, { step: 'any' }),
    bestValue: select([['false', 'All hospitals'], ['true', 'Best-value interval: hospitals at or below the region\'s value per point']], 'false'),
    ysTrimLow: input('number', 0, { step: 'any' }), ysTrimHigh: input('number', 1, { step: 'any' }),
    surplus: input('number', 1, { step: 'any' }), overspend: input('number', 0, { step: 'any' }), reasonable: input('number', 0.1, { step: 'any' }),
  };
  const budget = field('d-budget', 'DIP fund budget (yuan)', f.budget, 'The settlement point value that spends it is derived.');
  const pointValue = field('d-pointValue', 'Settlement point value (yuan per point)', f.pointValue);
  const fundRatio = field('d-fundRatio', 'Fund payment ratio', f.fundRatio, 'The fund\'s share of a case\'s value (统筹基金支付比例).');
  const funds = [
    field('d-employeeBudget', 'Employee fund budget (yuan)', f.employeeBudget), field('d-employeeRatio', 'Employee fund ratio', f.employeeRatio),
    field('d-residentBudget', 'Resident fund budget (yuan)', f.residentBudget), field('d-residentRatio', 'Resident fund ratio', f.residentRatio),
  ];
  const rows = [
    h('div', { class: 'row' }, field('d-mode', 'Pay DIP by', f.mode), budget, pointValue, fundRatio, ...funds, field('d-prepayment', 'Monthly prepayment share', f.prepayment, 'Of the year-start valuation; the rest waits for the year-end clearing.')),
    h('div', { class: 'row' },
      field('d-coefficients', 'Hospital coefficients', f.coefficients, 'Level (or packet) mean cost ÷ city mean cost over the reference years; none for basic packets.'),
      field('d-coreThreshold', 'Core packet threshold (cases, optional)', f.coreThreshold, 'Default: the largest ≤ 15 whose core packets cover ≥ 85 % of cases.'),
      field('d-ungrouped', 'Share of cost paid for an ungrouped case', f.ungrouped),
      field('d-bestValue', 'Year-start point value from', f.bestValue),
      field('d-ysTrimLow', 'Year-start point value: lower quantile kept', f.ysTrimLow),
      field('d-ysTrimHigh', 'Year-start point value: upper quantile kept', f.ysTrimHigh),
    ),
    h('div', { class: 'row' },
      field('d-reviewThreshold', 'Special review above (× the year-start standard)', f.reviewThreshold),
      field('d-reviewCap', 'Special review cap (‰ of discharges)', f.reviewCap),
      field('d-surplus', 'Share of a surplus the hospital keeps', f.surplus),
      field('d-overspend', 'Share of a reasonable overspend the fund bears', f.overspend),
      field('d-reasonable', 'Reasonable overspend (share of the fund\'s cost)', f.reasonable),
    ),
  ];
  const show = (): void => {
    budget.hidden = f.mode.value !== 'budget';
    pointValue.hidden = f.mode.value !== 'pointValue';
    fundRatio.hidden = f.mode.value === 'funds';
    for (const x of funds) x.hidden = f.mode.value !== 'funds';
  };
  f.mode.addEventListener('change', show);
  show();
  /** The DIP policy fields (with the shared ones the caller adds). */
  const build = (levels: Record<string, unknown>): Record<string, unknown> => {
    const p: Record<string, unknown> = {
      method: 'dip',
      prepaymentShare: numberOrText(f.prepayment.value),
      hospitalCoefficients: f.coefficients.value,
      ungroupedShare: numberOrText(f.ungrouped.value),
      specialReview: { threshold: numberOrText(f.reviewThreshold.value), capPerMille: numberOrText(f.reviewCap.value) },
      yearStartTrim: [numberOrText(f.ysTrimLow.value), numberOrText(f.ysTrimHigh.value)],
      yearStartBestValue: f.bestValue.value === 'true',
      surplusRetention: numberOrText(f.surplus.value),
      overspendShare: numberOrText(f.overspend.value),
      reasonableOverspend: numberOrText(f.reasonable.value),
    };
    if (f.mode.value === 'funds') p.funds = { employee: { budget: numberOrText(f.employeeBudget.value), fundRatio: numberOrText(f.employeeRatio.value) }, resident: { budget: numberOrText(f.residentBudget.value), fundRatio: numberOrText(f.residentRatio.value) } };
    else {
      p[f.mode.value] = numberOrText(f.mode.value === 'budget' ? f.budget.value : f.pointValue.value);
      p.fundRatio = numberOrText(f.fundRatio.value);
    }
    if (f.coefficients.value === 'given') p.levelCoefficients = levels;
    if (f.coreThreshold.value.trim() !== '') p.coreThreshold = numberOrText(f.coreThreshold.value);
    return p;
  };
  /** A line for the list of policies to run. */
  const describe = (p: Record<string, unknown>): string => (p.funds ? 'DIP, employee and resident funds' : p.budget !== undefined ? `DIP, budget ${String(p.budget)}` : `DIP, point value ${String(p.pointValue)}`);
  return { f, rows, build, describe };
}

const fundName = { all: 'One pool', employee: 'Employee (职工)', resident: 'Resident (居民)' } as const;

/** The results of one DIP run. */
export function dipResults(name: string, r: DipSimulationResultView): HTMLElement {
  const t = r.totals;
  const o = r.outliers;
  const sr = r.specialReview;
  return h('section', { class: 'card', 'aria-labelledby': `dip-${name}` },
    h('h3', { id: `dip-${name}` }, `DIP: ${name}`),
    h('p', {}, `${t.cases.toLocaleString('en')} settlement-year cases, total cost ${yuan(t.totalCost)}, fund payment ${yuan(t.payment)} (prepaid monthly ${yuan(t.prepaid)}, year-end ${yuan(t.yearEnd)}). Catalogue ${r.catalog.source === 'built' ? 'built from the reference years' : 'given'}: ${r.catalog.packets} packets, core threshold ${r.catalog.coreThreshold} (${r.catalog.coreThresholdSource}), core coverage ${pct(r.catalog.coreCoverage)}.`),
    table(`Point values: ${name}`, ['Fund', 'Budget', 'Fund ratio', 'Cases', 'Year-start point value', 'Settlement point value', 'Prepaid', 'Cleared', 'Difference'],
      r.funds.map((x) => [fundName[x.fund], yuan(x.budget), num(x.fundRatio), x.cases, num(x.yearStartPointValue, 4), num(x.settlementPointValue, 4), yuan(x.prepaid), yuan(x.cleared), yuan(x.difference)]),
      { numeric: [false, true, true, true, true, true, true, true, true] }),
    table(`Outlier classes: ${name}`, ['Class', 'Cases', 'Share'], [
      ['Normal', o.normal, pct(o.normal / Math.max(1, t.cases))],
      ['Low cost (< low × the year-start standard)', o.low, pct(o.low / Math.max(1, t.cases))],
      ['High cost (> high × the year-start standard)', o.high, pct(o.high / Math.max(1, t.cases))],
      ['Special review (approved, paid by item)', o.specialReview, pct(o.specialReview / Math.max(1, t.cases))],
      ['Ungrouped (paid by item)', o.ungrouped, pct(o.ungrouped / Math.max(1, t.cases))],
    ], { numeric: [false, true, true] }),
    table(`Special review: ${name}`, ['Rule', 'Candidates', 'Cap', 'Approved', 'Listed over the cap'], [[`> ${sr.threshold} × standard, ≤ ${sr.capPerMille} ‰ of discharges`, sr.candidates, sr.cap, sr.approved, sr.overCap]], { numeric: [false, true, true, true, true] }),
    table(`Clearing by hospital: ${name}`, ['Hospital', 'Fund', 'Cases', 'Fund share of cost', 'Prepaid', 'Cleared', 'Difference', 'Surplus kept', 'Overspend shared', 'Final', 'Low', 'High', 'Special review', 'Ungrouped'],
      r.hospitals.map((x) => [x.hospitalId, fundName[x.fund], x.cases, yuan(x.fundShareOfCost), yuan(x.prepaid), yuan(x.cleared), yuan(x.difference), yuan(x.retainedSurplus), yuan(x.sharedOverspend), yuan(x.final), x.low, x.high, x.specialReview, x.ungrouped]),
      { numeric: [false, false, true, true, true, true, true, true, true, true, true, true, true, true] }),
    h('p', { class: 'hint' }, 'Classes are judged against the year-start standard (case score × year-start point value), so they do not move with the budget. The fund payment is compared with the fund\'s share of cost.'),
  );
}
