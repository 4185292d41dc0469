/**
 * The HTML of the CLI's self-contained reports (simulate, compare-schemes): escaping, data
 * tables (first column as row headers) and the page around them. No network, no dependencies.
 */

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A table with a caption, a header row and rows whose first cell is the row's header. */
export function tableHtml(caption: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(String(c))}</th>` : `<td>${escapeHtml(String(c))}</td>`)).join('')}</tr>`).join('\n');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody></table>`;
}

/** A whole report page: `title` as the document title, `body` inside <main>, `tail` (scripts) after it. */
export function reportPage(title: string, body: string, tail = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th[scope="row"], thead th { text-align: left; }
.chart { position: relative; min-height: 20rem; }
section { margin-bottom: 2.5rem; }
</style>
</head>
<body>
<main>
${body}
</main>
${tail}
</body>
</html>
`;
}
