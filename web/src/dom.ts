/** Small DOM helpers: elements, tables, numbers, downloads. Text always goes in as text (never as HTML). */
import { xlsxBytes, type XlsxCell, type XlsxSheet } from './xlsx.ts';

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A table cell as a workbook cell: its raw value when it carries one (`data-value`), else its text — "1,234.5" as 1234.5, "—" empty. */
function workbookCell(cell: HTMLTableCellElement): XlsxCell {
  const raw = cell.dataset.value;
  if (raw !== undefined) return raw === '' ? null : cell.dataset.kind === 'number' ? Number(raw) : raw;
  const text = (cell.textContent ?? '').trim();
  if (text === '—' || text === '') return null;
  return /^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$/.test(text) ? Number(text.replace(/,/g, '')) : text;
}

/** A table cell; with a raw value (an amount to the cent, a ratio) kept for the download beside its formatted text. */
function cell(tag: 'th' | 'td', content: string | number | Node, numeric: boolean | undefined, value: XlsxCell | undefined): HTMLTableCellElement {
  const el = tag === 'th' ? h('th', { scope: 'row' }, content) : h('td', { class: numeric ? 'num' : undefined }, content);
  if (value !== undefined) {
    el.dataset.value = value === null ? '' : String(value);
    if (typeof value === 'number') el.dataset.kind = 'number';
  }
  return el;
}

let tables = 0;

/** A file name from a caption: "Cases 2025-01 to 2025-12" → "cases-2025-01-to-2025-12.xlsx". */
const fileName = (caption: string): string => `${caption.toLowerCase().replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'table'}.xlsx`;

/**
 * A data table with its caption and a "Download as Excel" button in it: the workbook holds the
 * table's header and the rows it shows — each cell's raw value from `values` when given (amounts
 * to the cent, ratios unrounded, as numbers), else its text (plain numbers as numbers). The cells
 * are read from the table when the button is pressed, so rows appended later ("more") go too.
 */
export function table(caption: string, headers: string[], rows: (string | number | Node)[][], options: { numeric?: boolean[]; className?: string; values?: XlsxCell[][] } = {}): HTMLTableElement {
  const download = h('button', { type: 'button', class: 'link download', 'aria-label': `Download "${caption}" as Excel` }, 'Download as Excel');
  // The table is named by its caption's text alone, not by the button inside the caption.
  const captionId = `table-caption-${++tables}`;
  const el = h('table', { class: options.className ?? 'data', 'aria-labelledby': captionId },
    h('caption', {}, h('span', { id: captionId }, caption), ' ', download),
    h('thead', {}, h('tr', {}, headers.map((t, i) => h('th', { scope: 'col', class: options.numeric?.[i] ? 'num' : undefined }, t)))),
    h('tbody', {}, rows.map((r, j) => h('tr', {}, r.map((c, i) => cell(i === 0 ? 'th' : 'td', c, options.numeric?.[i], options.values?.[j]?.[i]))))),
  );
  download.addEventListener('click', () => {
    const body = [...el.tBodies[0]!.rows].map((tr) => [...tr.cells].map(workbookCell));
    downloadXlsx(fileName(caption), [{ name: caption, rows: [headers, ...body] }]);
  });
  return el;
}

/** Save a workbook of `sheets` (first row of each = header) as `filename`. */
export function downloadXlsx(filename: string, sheets: XlsxSheet[]): void {
  saveBlob(filename, new Blob([xlsxBytes(sheets) as Uint8Array<ArrayBuffer>], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
}

function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const nf = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const yuanFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
export const num = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : digits === 2 ? nf.format(x) : x.toFixed(digits));
export const yuan = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `¥${yuanFormat.format(x)}`);
export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)} %`);

/** A labelled input (label wraps nothing: `for` points at the input's id). */
export function field(id: string, label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  input.id = id;
  const describedBy = [`${id}-error`, hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null,
    h('span', { id: `${id}-error`, class: 'field-error', 'aria-live': 'polite' }),
  );
}

export function input(type: string, value: string | number, attrs: Attrs = {}): HTMLInputElement {
  const el = h('input', { type, ...attrs });
  el.value = String(value);
  return el;
}

export function select(options: [string, string][], value: string): HTMLSelectElement {
  const el = h('select', {}, options.map(([v, t]) => h('option', { value: v }, t)));
  el.value = value;
  return el;
}

export function status(text: string): HTMLElement {
  return h('p', { class: 'status', role: 'status' }, text);
}

/**
 * A progress bar with a text label; `set(null)` makes it indeterminate (animated). The bar shows
 * only while something runs: once `done` reaches `total` it hides and the text stays.
 */
export function progress(label: string): { el: HTMLElement; set(done: number | null, total?: number, text?: string): void } {
  const bar = h('progress', { max: 100, 'aria-label': label });
  const text = h('span', { class: 'progress-text', 'aria-live': 'polite' }, '');
  const el = h('div', { class: 'progress' }, bar, text);
  return {
    el,
    set(done, total, t) {
      if (done === null || !total) bar.removeAttribute('value');
      else bar.value = Math.round((100 * done) / total);
      bar.hidden = done !== null && total !== undefined && total > 0 && done >= total;
      text.textContent = t ?? (done !== null && total ? `${done} of ${total}` : '');
    },
  };
}

export function downloadCsv(filename: string, rows: (string | number | null)[][]): void {
  const csv = rows.map((r) => r.map((c) => {
    const s = c === null ? '' : String(c);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',')).join('\n') + '\n';
  saveBlob(filename, new Blob([csv], { type: 'text/csv' }));
}
