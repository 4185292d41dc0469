/**
 * Cases: look up a listId or filter the hospital's cases; a case shows its DRG (and DIP) group,
 * weight, expected payment and the grouping trace in words; the pre-check groups pasted records
 * or a file (an Excel workbook, CSV, JSON Lines, JSON) through POST /v1/group without storing
 * them, and a hospital or an admin can ingest the same through POST /v1/settlement-lists.
 */
import { api, errorBox, type Problem } from '../api.ts';
import { field, h, input, num, status, table, yuan } from '../dom.ts';
import { type Session } from '../session.ts';
import type { CaseDip, Grouping, StoredCase, TraceStep } from '../types.ts';
import { counted } from '../../../models/text/plural.ts';

/** Base rate (yuan per RW) used for the expected payment until a policy is chosen: the demo policy's. */
const defaultBaseRate = 9865;

const statusText: Record<string, string> = { grouped: 'Grouped', ambiguous: 'Ambiguous group (QY)', ungroupable: 'Ungroupable (0000)', invalid: 'Invalid record' };

/** The DIP packet in words: packet (kind, catch-all), score, auxiliary tier and the case score. */
function dipText(d: CaseDip | undefined): string {
  if (!d) return 'not assigned (no DIP catalogue was active for this case)';
  const kind = d.status === 'fallback' ? 'catch-all packet: the reference years had no such case' : d.kind === 'core' ? 'core packet' : 'comprehensive packet';
  const aux = d.auxiliary ? `; auxiliary tier ${d.auxiliary.tier} (${d.auxiliary.rule}), coefficient ${num(d.auxiliary.coefficient, 3)}, case score ${num(d.score === null ? null : d.score * d.auxiliary.coefficient, 2)}` : '; no auxiliary tier';
  return `${d.packet} (${kind}), score ${num(d.score, 2)}${aux}`;
}

function groupLines(g: Grouping, weight: number | null, baseRate: number, dip?: CaseDip): HTMLElement {
  const rows: [string, string][] = [
    ['Status', statusText[g.status] ?? g.status],
    ['DRG', g.drg ?? '—'],
    ['ADRG / MDC', `${g.adrg ?? '—'} / ${g.mdc ?? '—'}`],
    ['Severity', g.severity === 'mcc' ? 'with a major complication (MCC)' : g.severity === 'cc' ? 'with a complication (CC)' : g.severity === 'none' ? 'without complications' : '—'],
    ['DIP packet', dipText(dip)],
    ['Relative weight (RW)', weight === null ? 'no weight in the payment table' : num(weight, 4)],
    ['Expected payment', weight === null ? 'paid by item (no DRG price)' : `${yuan(weight * baseRate)} (RW × base rate ${num(baseRate)}; level coefficient 1)`],
  ];
  return h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function traceList(trace: TraceStep[] | undefined): HTMLElement {
  if (!trace || trace.length === 0) return h('p', {}, 'No grouping trace was kept for this case.');
  return h('ol', { class: 'trace' }, trace.map((t) => h('li', {}, t.text, t.codes && t.codes.length > 0 ? h('span', { class: 'codes' }, ` (${t.codes.join(', ')})`) : null)));
}

export async function casesPage(main: HTMLElement, session: Session | null): Promise<void> {
  const hospitalScoped = session?.role === 'hospital';
  main.append(h('h1', {}, hospitalScoped ? `Cases — ${session.hospitalId}` : 'Cases'));
  const baseRate = input('number', defaultBaseRate, { min: 1, step: 'any' });

  // Look up one case
  const listId = input('text', '', { required: true, autocomplete: 'off', placeholder: 'e.g. HOSP001-2025-0000001' });
  const hospital = input('text', '', { autocomplete: 'off', placeholder: 'e.g. HOSP001' });
  const lookupOut = h('div', { 'aria-live': 'polite' });
  const lookup = h('form', { class: 'card', 'aria-labelledby': 'lookup-title' },
    h('h2', { id: 'lookup-title' }, 'Look up a case'),
    h('div', { class: 'row' },
      field('listId', 'Settlement list id (listId)', listId),
      hospitalScoped ? null : field('hospitalId', 'Hospital', hospital, 'Analysts name the hospital: a listId is unique within a hospital.'),
      field('baseRate', 'Base rate for the expected payment (yuan per RW)', baseRate),
    ),
    h('button', { type: 'submit' }, 'Look up'),
    lookupOut,
  );
  lookup.addEventListener('submit', async (event) => {
    event.preventDefault();
    lookupOut.replaceChildren(status('Looking up…'));
    try {
      const q = hospitalScoped || hospital.value.trim() === '' ? '' : `?hospitalId=${encodeURIComponent(hospital.value.trim())}`;
      const c = await api<StoredCase>(`/v1/cases/${encodeURIComponent(listId.value.trim())}${q}`);
      lookupOut.replaceChildren(showCase(c, Number(baseRate.value) || defaultBaseRate));
    } catch (error) {
      lookupOut.replaceChildren(errorBox(error));
    }
  });
  main.append(lookup);

  // Filter cases
  const from = input('date', '2025-01-01');
  const to = input('date', '2025-12-31');
  const drg = input('text', '', { placeholder: 'e.g. FM19', autocomplete: 'off' });
  const hospitalFilter = input('text', '', { placeholder: 'e.g. HOSP001', autocomplete: 'off' });
  const listOut = h('div', { 'aria-live': 'polite' });
  let cursor: string | undefined;
  const more = h('button', { type: 'button', hidden: true }, 'Next page');
  const filter = h('form', { class: 'card', 'aria-labelledby': 'filter-title' },
    h('h2', { id: 'filter-title' }, 'Filter cases'),
    h('div', { class: 'row' },
      hospitalScoped ? null : field('filterHospital', 'Hospital', hospitalFilter),
      field('from', 'Discharged from', from),
      field('to', 'Discharged to', to),
      field('drg', 'DRG', drg, 'A CHS-DRG code, or NONE for ungroupable cases.'),
    ),
    h('button', { type: 'submit' }, 'Filter'),
    listOut,
    more,
  );
  const load = async (append: boolean): Promise<void> => {
    const params = new URLSearchParams({ from: from.value, to: to.value, limit: '25' });
    if (!hospitalScoped && hospitalFilter.value.trim()) params.set('hospitalId', hospitalFilter.value.trim());
    if (drg.value.trim()) params.set('drg', drg.value.trim().toUpperCase());
    if (append && cursor) params.set('cursor', cursor);
    if (!append) listOut.replaceChildren(status('Loading…'));
    try {
      const page = await api<{ items: StoredCase[]; cursor?: string }>(`/v1/cases?${params}`);
      cursor = page.cursor;
      more.hidden = !cursor;
      const rows = page.items.map((c) => {
        const open = h('button', { type: 'button', class: 'link' }, c.listId);
        open.addEventListener('click', () => {
          listId.value = c.listId;
          hospital.value = c.hospitalId;
          lookup.requestSubmit();
          lookup.scrollIntoView();
        });
        return [open, c.hospitalId, c.record.dischargeDate ?? '', c.grouping.drg ?? '—', statusText[c.grouping.status] ?? c.grouping.status, yuan(c.record.totalCost)];
      });
      const values = page.items.map((c) => [c.listId, c.hospitalId, c.record.dischargeDate ?? null, c.grouping.drg ?? null, statusText[c.grouping.status] ?? c.grouping.status, c.record.totalCost ?? null]);
      const t = table(`Cases ${from.value} to ${to.value}`, ['listId', 'Hospital', 'Discharged', 'DRG', 'Status', 'Total cost'], rows, { numeric: [false, false, false, false, false, true], values });
      if (append) listOut.querySelector('tbody')?.append(...t.querySelectorAll('tbody tr'));
      else listOut.replaceChildren(page.items.length === 0 ? h('p', {}, 'No cases match.') : t);
    } catch (error) {
      listOut.replaceChildren(errorBox(error));
      more.hidden = true;
    }
  };
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(false);
  });
  more.addEventListener('click', () => void load(true));
  main.append(filter);

  // Pre-check (and, for a hospital or an admin, ingest) pasted records or a file.
  const records = h('textarea', { rows: 8, spellcheck: 'false', placeholder: '{"listId":"…","hospitalId":"…", …}' });
  const file = h('input', { type: 'file', accept: '.xlsx,.csv,.jsonl,.ndjson,.json' });
  const checkOut = h('div', { 'aria-live': 'polite' });
  const canIngest = session?.role === 'hospital' || session?.role === 'admin';
  const ingestButton = canIngest ? h('button', { type: 'button', class: 'secondary' }, 'Ingest (store)') : null;
  const check = h('form', { class: 'card', 'aria-labelledby': 'precheck-title' },
    h('h2', { id: 'precheck-title' }, canIngest ? 'Pre-check or ingest records' : 'Pre-check records'),
    h('p', {}, 'Paste one settlement record (JSON), a JSON array or JSON Lines, or choose a file: an Excel workbook (.xlsx, first sheet, header row = field names), CSV, JSON Lines or JSON. Pre-check validates and groups them without storing them (at most 1 000 records)' + (canIngest ? '; ingest stores them (at most 10 000 records).' : '.')),
    field('records', 'Settlement records', records),
    field('records-file', 'Or a file', file, 'Its format is taken from its name: .xlsx, .csv, .jsonl or .json.'),
    h('p', {}, h('button', { type: 'submit' }, 'Pre-check'), ingestButton ? ' ' : null, ingestButton),
    checkOut,
  );
  /** The request body: the chosen file (its Content-Type from its name), else the pasted text. */
  const requestBody = (): { text?: string; bytes?: Blob; contentType: string } => {
    const chosen = file.files?.[0];
    if (chosen) {
      const name = chosen.name.toLowerCase();
      const contentType = name.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : name.endsWith('.csv') ? 'text/csv' : name.endsWith('.json') ? 'application/json' : 'application/x-ndjson';
      return { bytes: chosen, contentType };
    }
    const text = records.value.trim();
    const jsonLines = !text.startsWith('[') && text.split('\n').filter((l) => l.trim()).length > 1;
    return { text: jsonLines || text.startsWith('[') ? text : `[${text}]`, contentType: jsonLines ? 'application/x-ndjson' : 'application/json' };
  };
  check.addEventListener('submit', async (event) => {
    event.preventDefault();
    checkOut.replaceChildren(status('Grouping…'));
    try {
      const out = await api<{ results: (Grouping & { dip?: CaseDip; index: number; listId: string | null; status: string; weight: number | null; errors?: Problem[]; warnings?: Problem[]; trace?: TraceStep[] })[] }>('/v1/group?explain=true', { method: 'POST', ...requestBody() });
      const counts = new Map<string, number>();
      for (const r of out.results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      checkOut.replaceChildren(
        table('Pre-check results', ['Record', 'listId', 'Status', 'DRG', 'Weight', 'Problems'], out.results.map((r) => [r.index + 1, r.listId ?? '—', statusText[r.status] ?? r.status, r.drg ?? '—', num(r.weight, 4), (r.errors ?? []).map((e) => e.message).join(' ')]), {
          numeric: [true, false, false, false, true, false],
          values: out.results.map((r) => [r.index + 1, r.listId, statusText[r.status] ?? r.status, r.drg ?? null, r.weight, (r.errors ?? []).map((e) => e.message).join(' ') || null]),
        }),
        ...out.results.map((r) => h('section', { class: 'result' },
          h('h3', {}, `Record ${r.index + 1}${r.listId ? ` — ${r.listId}` : ''}: ${statusText[r.status] ?? r.status}`),
          r.errors && r.errors.length > 0 ? h('div', { class: 'error', role: 'alert' }, h('p', {}, 'This record would be rejected:'), h('ul', {}, r.errors.map((e) => h('li', { 'data-path': e.path, 'data-code': e.code }, e.message)))) : groupLines(r, r.weight, Number(baseRate.value) || defaultBaseRate, r.dip),
          r.warnings && r.warnings.length > 0 ? h('div', { class: 'warning' }, h('p', {}, 'Warnings:'), h('ul', {}, r.warnings.map((w) => h('li', { 'data-path': w.path, 'data-code': w.code }, w.message)))) : null,
          r.trace ? h('details', { open: true }, h('summary', {}, 'How it was grouped'), traceList(r.trace)) : null,
        )),
      );
    } catch (error) {
      checkOut.replaceChildren(errorBox(error));
    }
  });
  ingestButton?.addEventListener('click', async () => {
    checkOut.replaceChildren(status('Ingesting…'));
    try {
      const out = await api<{ batchId: string; accepted: number; rejected: number; created: number; unchanged: number; replaced: number; errors: { index: number; listId: string | null; message: string }[] }>('/v1/settlement-lists', { method: 'POST', ...requestBody() });
      checkOut.replaceChildren(
        h('p', { class: 'status', role: 'status' }, `Batch ${out.batchId}: ${out.accepted} accepted (${out.created} new, ${out.replaced} replaced, ${out.unchanged} unchanged), ${out.rejected} rejected.`),
        ...(out.errors.length === 0 ? [] : [table('Rejected records', ['Record', 'listId', 'Problem'], out.errors.map((e) => [e.index + 1, e.listId ?? '—', e.message]), { numeric: [true, false, false] })]),
      );
    } catch (error) {
      checkOut.replaceChildren(errorBox(error));
    }
  });
  main.append(check);
}

function showCase(c: StoredCase, baseRate: number): HTMLElement {
  const r = c.record;
  return h('section', { class: 'result', 'aria-label': `Case ${c.listId}` },
    h('h3', {}, `${c.listId} — ${c.hospitalId}`),
    h('p', { class: 'hint' }, `Principal diagnosis ${String(r.principalDiagnosis ?? '—')}, stay ${typeof r.lengthOfStay === 'number' ? counted(r.lengthOfStay, 'day') : '—'}, discharged ${r.dischargeDate ?? '—'}, total cost ${yuan(r.totalCost)}; version ${c.version}, received ${c.ingestedAt.slice(0, 19).replace('T', ' ')}.`),
    groupLines(c.grouping, c.weight, baseRate, c.dip),
    h('h4', {}, 'How it was grouped'),
    traceList(c.trace),
  );
}
