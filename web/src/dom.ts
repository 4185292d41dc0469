/** Small DOM helpers: elements, tables, numbers. Text always goes in as text (never as HTML). */
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

export function table(caption: string, headers: string[], rows: (string | number | Node)[][], options: { numeric?: boolean[]; className?: string } = {}): HTMLTableElement {
  return h('table', { class: options.className ?? 'data' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((t, i) => h('th', { scope: 'col', class: options.numeric?.[i] ? 'num' : undefined }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: options.numeric?.[i] ? 'num' : undefined }, c)))))),
  );
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
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
