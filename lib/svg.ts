/**
 * A very small SVG writer: elements as strings with escaped attributes and text, numbers
 * rounded to two decimals so the files stay small and diff-able. No DOM, no dependencies.
 */

export type Attributes = Record<string, string | number | undefined>;

/** Escape &, <, >, " and ' for XML text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A coordinate or length with at most two decimals ("-0" written as "0"). */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? num(v) : v!)}"`)
    .join('');
}

/** `<name attrs>children</name>`, or self-closing without children. Children are already SVG. */
export function element(name: string, attrs: Attributes = {}, children: string | string[] = []): string {
  const inner = Array.isArray(children) ? children.join('') : children;
  return inner === '' ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${inner}</${name}>`;
}

/** A text element with escaped content. */
export function text(x: number, y: number, content: string, attrs: Attributes = {}): string {
  return element('text', { x, y, ...attrs }, escapeXml(content));
}

/** A polyline/polygon `points` attribute from [x, y] pairs. */
export function points(pairs: Array<[number, number]>): string {
  return pairs.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
}

/** The whole document with its XML namespace. */
export function svgDocument(width: number, height: number, children: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': 'sans-serif', 'font-size': 12 }, children)}\n`;
}

/** "Nice" axis ticks (1, 2, 2.5 or 5 × 10^k) covering [min, max] with about `count` steps. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}
