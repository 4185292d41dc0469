/**
 * `payreform compile-scheme`: scheme text directory → rule pack JSON, with the compile report:
 * counts per level, every line that could not be interpreted, every difference between the
 * combined and per-file texts, and every PDF artefact line with what was done about it.
 */
import { writeFileSync } from 'node:fs';
import type { CompileReport } from '../../models/grouping/drg/compile.ts';
import type { SourceNote } from '../../models/grouping/drg/scheme-text.ts';
import { parseOptions } from '../../lib/args.ts';
import { compileSchemeDir, schemeOption } from '../../lib/scheme.ts';

const usage = `usage: payreform compile-scheme [--scheme DIR] [--output pack.json] [--report report.txt]

Compiles a DRG scheme directory into a rule pack: an NHSA scheme text directory (1_MDC.txt …,
default: CHS-DRG 1.1) or an OpenDRG scheme directory (Grouper.py, MDC/, ADRG/, DRG/, DATA/ —
the national 1.0/1.1 or a city's local scheme; its Python is read as data, never run). Prints
the compile report to stderr (counts per level, uninterpreted lines, source differences, PDF
artefacts by kind, and for OpenDRG what was read but is not a rule); --report writes the full
report with every line. A condition that cannot be read, or an ADRG or DRG split that is
referenced but never defined, stops the compile with the file and line.
  --scheme-dir  the same as --scheme, as older scripts spell it`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, { scheme: { type: 'string' }, 'scheme-dir': { type: 'string' }, output: { type: 'string', short: 'o' }, report: { type: 'string' } }, usage);
  if (!parsed) return 0;
  const dir = schemeOption(parsed.values);
  const started = performance.now();
  const { pack, report } = compileSchemeDir(dir);
  const elapsed = performance.now() - started;
  const json = JSON.stringify(pack);
  const output = parsed.values.output as string | undefined;
  if (output) writeFileSync(output, json);
  process.stderr.write(formatReport(report, false));
  process.stderr.write(`compiled in ${elapsed.toFixed(0)} ms; rule pack ${(json.length / 1024 / 1024).toFixed(2)} MB${output ? ` written to ${output}` : ''}\n`);
  const reportFile = parsed.values.report as string | undefined;
  if (reportFile) writeFileSync(reportFile, formatReport(report, true));
  return 0;
}

/** The compile report as text; `full` lists every artefact line, otherwise counts by kind. */
export function formatReport(report: CompileReport, full: boolean): string {
  const c = report.counts;
  const lines = [
    `scheme ${report.scheme} (source sha256 ${report.sourceHash})`,
    `  ${c.mdcs} MDCs, ${c.adrgs} ADRGs, ${c.drgs} DRGs; ${c.mcc} MCC and ${c.cc} CC diagnoses; ${c.exclusionTables} exclusion tables; ${c.codeLists} code lists; ${c.operatingRoomProcedures} operating-room procedures`,
    `uninterpreted lines: ${report.uninterpreted.length}`,
    ...report.uninterpreted.map(noteLine),
  ];
  if (report.notes) {
    // An OpenDRG scheme: no PDF text, so no artefacts or file differences; what was read but is not a rule instead.
    lines.push(`read but not rules: ${report.notes.length}`);
    lines.push(...(full ? report.notes : report.notes.slice(0, 10)).map(noteLine));
    if (!full && report.notes.length > 10) lines.push(`  … ${report.notes.length - 10} more (--report lists them all)`);
    return lines.join('\n') + '\n';
  }
  lines.push(`differences between 4_ADRG_DETAIL.txt and the per-MDC/ADRG files (the union is used): ${report.differences.length}`, ...report.differences.map(noteLine));
  const byKind = new Map<string, SourceNote[]>();
  for (const note of report.artefacts) {
    if (!byKind.has(note.kind)) byKind.set(note.kind, []);
    byKind.get(note.kind)!.push(note);
  }
  lines.push(`PDF artefacts repaired: ${report.artefacts.length}`);
  for (const [kind, notes] of byKind) {
    lines.push(`  ${kind}: ${notes.length} — ${notes[0]!.explanation.replace(/^the name of \S+/, 'a name')}`);
    if (full) lines.push(...notes.map((n) => `    ${n.file}:${n.line}: ${n.text}  [${n.explanation}]`));
  }
  return lines.join('\n') + '\n';
}

function noteLine(note: SourceNote): string {
  return `  ${note.file}:${note.line}: ${note.text.slice(0, 120)}  — ${note.explanation}`;
}
