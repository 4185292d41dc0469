/** API docs: the service's OpenAPI document (/openapi.json) laid out for reading. */
import { api, errorBox } from '../api.ts';
import { h, status } from '../dom.ts';

interface Operation {
  operationId: string; summary: string; 'x-roles'?: string[]; security?: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string }>;
}
interface Doc { info: { title: string; version: string; description: string }; paths: Record<string, Record<string, Operation>> }

const describeSchema = (s: Record<string, unknown>): string => {
  const parts = [String(s.type ?? (s.anyOf ? 'one of several' : ''))];
  if (s.pattern) parts.push(`pattern ${String(s.pattern)}`);
  if (s.enum) parts.push(`one of ${(s.enum as unknown[]).join(', ')}`);
  if (s.minimum !== undefined) parts.push(`≥ ${String(s.minimum)}`);
  if (s.maximum !== undefined) parts.push(`≤ ${String(s.maximum)}`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.filter(Boolean).join(', ');
};

export async function docsPage(main: HTMLElement): Promise<void> {
  main.append(h('h1', {}, 'API docs'));
  const loading = status('Loading /openapi.json…');
  main.append(loading);
  let doc: Doc;
  try {
    doc = await api<Doc>('/openapi.json');
  } catch (error) {
    loading.replaceWith(errorBox(error));
    return;
  }
  loading.remove();
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
  main.append(
    h('p', {}, `${doc.info.title} API, version ${doc.info.version}: ${doc.info.description} Every /v1 route needs "Authorization: Bearer <key>". The machine-readable document is at `, h('a', { href: '/openapi.json' }, '/openapi.json'), '.'),
    h('nav', { 'aria-label': 'Operations', class: 'card' }, h('ul', { class: 'toc' }, ops.map((o) => h('li', {}, h('a', { href: `#${o.op.operationId}` }, h('code', {}, `${o.method} ${o.path}`)), ` — ${o.op.summary}`)))),
  );
  for (const { path, method, op } of ops) {
    const params = op.parameters ?? [];
    const body = op.requestBody ? Object.entries(op.requestBody.content) : [];
    main.append(h('section', { class: 'card op', id: op.operationId, 'aria-labelledby': `${op.operationId}-title` },
      h('h2', { id: `${op.operationId}-title` }, h('span', { class: `method ${method.toLowerCase()}` }, method), ' ', h('code', {}, path)),
      h('p', {}, op.summary),
      h('p', { class: 'hint' }, op['x-roles'] ? `Keys: ${op['x-roles'].join(', ')}.` : 'Public: no key needed.'),
      params.length === 0 ? null : h('table', { class: 'data' },
        h('caption', {}, 'Parameters'),
        h('thead', {}, h('tr', {}, ['Name', 'In', 'Required', 'Schema'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, params.map((p) => h('tr', {}, h('th', { scope: 'row' }, h('code', {}, p.name)), h('td', {}, p.in), h('td', {}, p.required ? 'yes' : 'no'), h('td', {}, describeSchema(p.schema)))))),
      body.length === 0 ? null : h('details', {}, h('summary', {}, `Request body (${body.map(([t]) => t).join(', ')})`), h('pre', {}, JSON.stringify(body[0]![1].schema, null, 2).slice(0, 20000))),
      h('p', {}, 'Responses: ', Object.entries(op.responses).map(([code, r], i) => [i > 0 ? ', ' : '', h('code', {}, code), ` ${r.description}`]).flat()),
    ));
  }
}
