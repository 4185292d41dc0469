/**
 * `npm start`: the local service. Until the serverless issue lands it does what the engine can
 * already do on a laptop: compile the CHS-DRG 1.1 scheme, group the 2 000 dev cases, and print
 * a summary (by status and MDC, agreement with the independent grouper, throughput).
 */
import { readFileSync } from 'node:fs';
import { groupCase, type GroupingInput } from '../../models/grouping/drg/grouper.ts';
import { validateRecord } from '../../models/settlement/validate.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { referencePath } from '../../lib/reference.ts';
import { compileSchemeDir, defaultSchemeDir } from '../../lib/scheme.ts';

const started = performance.now();
const { pack, report } = compileSchemeDir(defaultSchemeDir());
const compiledMs = performance.now() - started;
const codeSets = loadCodeSets();
const lines = readFileSync(referencePath('dev-cases', 'chs-drg-1.1-cases.jsonl'), 'utf8').trim().split('\n');
const expected = new Map(
  readFileSync(referencePath('dev-cases', 'chs-drg-1.1-expected.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const e = JSON.parse(l) as { listId: string; drg: string | null };
    return [e.listId, e.drg];
  }),
);

const byStatus = new Map<string, number>();
const byMdc = new Map<string, number>();
let agree = 0;
let warnings = 0;
const t = performance.now();
for (const line of lines) {
  const validation = validateRecord(JSON.parse(line), { mode: 'group', codeSets });
  if (!validation.ok) {
    byStatus.set('invalid', (byStatus.get('invalid') ?? 0) + 1);
    continue;
  }
  if (validation.warnings.length > 0) warnings++;
  const record = validation.record as GroupingInput & { listId: string };
  const official = groupCase(pack, record, { trace: false });
  byStatus.set(official.status, (byStatus.get(official.status) ?? 0) + 1);
  if (official.mdc) byMdc.set(official.mdc, (byMdc.get(official.mdc) ?? 0) + 1);
  if (groupCase(pack, record, { ambiguous: 'fallthrough', trace: false }).drg === expected.get(record.listId)) agree++;
}
const ms = performance.now() - t;

const out: string[] = [];
out.push(`payreform — CHS-DRG 1.1 rule pack compiled in ${compiledMs.toFixed(0)} ms: ${report.counts.mdcs} MDCs, ${report.counts.adrgs} ADRGs, ${report.counts.drgs} DRGs, ${report.uninterpreted.length} uninterpreted lines`);
out.push(`Grouped ${lines.length} dev cases (official QY mode) in ${ms.toFixed(0)} ms:`);
for (const [status, n] of [...byStatus].sort((a, b) => b[1] - a[1])) out.push(`  ${status.padEnd(12)} ${String(n).padStart(5)}`);
if (warnings > 0) out.push(`  (${warnings} with warnings, e.g. grey codes)`);
out.push(`Cases by MDC: ${[...byMdc].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ')}`);
out.push(`Agreement with the independent grouper (fall-through mode): ${agree}/${lines.length} = ${((agree / lines.length) * 100).toFixed(2)} %`);
out.push('');
out.push('The HTTP service (API Gateway + Lambda, DynamoDB, S3) arrives with the serverless issue;');
out.push('meanwhile try the CLI: npx payreform group --input ../shared/reference/dev-cases/chs-drg-1.1-cases.jsonl --explain | head -3');
process.stdout.write(out.join('\n') + '\n');
