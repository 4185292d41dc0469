/**
 * `payreform drg design`: settlement records → for each ADRG with enough cases a CART-proposed
 * split beside the official 1/3/5/9 split (models/grouping/dip/split-design.ts); writes
 * DIR/proposals.json and DIR/proposals.md. Records are grouped by the CHS-DRG grouper first;
 * invalid records, ungroupable and ambiguous (QY) cases and cases without a cost are left out
 * (counted on stderr).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { caseSeverity, indexRulePack } from '../../models/grouping/drg/grouper.ts';
import { ageBandIndex, comprehensiveClasses, readProcedures } from '../../models/grouping/dip/codes.ts';
import { designMarkdown, designSplits, dispositionLabels, type SplitDesignCases } from '../../models/grouping/dip/split-design.ts';
import { groupRecord } from '../../app/record.ts';
import { validForGrouping } from '../../app/valid-record.ts';
import { caseFilesOption, codeEditionOption, codeEditionOptionSpec, codeEditionUsage, numberOption, parseOptions, requireOption } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { recordFileBatches } from '../../lib/record-file.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { inputProgress } from '../../lib/progress.ts';
import { ambiguousOption, loadScheme, schemeIdentity, schemeLine, schemeOption, schemeOptions } from '../../lib/scheme.ts';
import { loadProcedureClasses } from '../dip-records.ts';
import { counted } from '../../models/text/plural.ts';

const usage = `usage: payreform drg design --cases FILE... --output DIR [--min-cases N] [--max-depth D] [--min-group-cases N] [--min-riv-gain X] [--scheme-dir DIR] [--code-edition E]

For each ADRG with at least --min-cases cases (default 500), a CART of depth ≤ --max-depth
(default 2) on MCC/CC level, age band, discharge disposition, newborn weight, ventilation hours
and procedure class proposes a split; DIR/proposals.json and DIR/proposals.md compare its RIV and
CV with the official suffix split's and list the ADRGs where the data argue for another split
(RIV gain ≥ --min-riv-gain, default 0.05). "Official" is the split of the scheme the cases are
grouped by:
  --scheme     an OpenDRG directory (a city's local scheme), an NHSA text directory or a compiled
               pack (default: CHS-DRG 1.1; --scheme-dir is the older spelling); proposals.json and
               proposals.md name it and its pack hash
  --ambiguous  qy (default: the scheme's own ambiguous groups, left out) or fallthrough
${codeEditionUsage}`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'design') {
    if (sub === '--help' || sub === '-h') {
      process.stdout.write(usage + '\n');
      return 0;
    }
    throw new CliError(`${sub === undefined ? 'a subcommand is required' : `unknown subcommand "${sub}"`}: use "drg design".\n${usage}`, 2);
  }
  const parsed = parseOptions(rest, { cases: { type: 'string', multiple: true }, output: { type: 'string', short: 'o' }, 'min-cases': { type: 'string' }, 'max-depth': { type: 'string' }, 'min-group-cases': { type: 'string' }, 'min-riv-gain': { type: 'string' }, ...schemeOptions, ambiguous: { type: 'string' }, ...codeEditionOptionSpec }, usage, true);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const files = caseFilesOption(values, positionals, usage);
  const output = requireOption(values, 'output', usage);
  const options = { minCases: numberOption(values, 'min-cases', 500), maxDepth: numberOption(values, 'max-depth', 2), minGroupCases: numberOption(values, 'min-group-cases', 50), minRivGain: numberOption(values, 'min-riv-gain', 0.05) };
  if (!Number.isInteger(options.maxDepth) || options.maxDepth < 1 || options.maxDepth > 6) throw new CliError(`--max-depth must be a whole number from 1 to 6, got ${options.maxDepth}.`, 2);
  const started = performance.now();
  const ambiguous = ambiguousOption(values) ?? 'qy';
  const pack = loadScheme(schemeOption(values));
  const index = indexRulePack(pack);
  const codeSets = loadCodeSets();
  const codes = codeEditionOption(values);
  const classes = loadProcedureClasses();
  const classIndex = new Map<string, number>(comprehensiveClasses.map((c, i) => [c, i]));
  const dispositionIndex = new Map<string, number>(dispositionLabels.map((d, i) => [d, i]));
  const cols = { adrg: [] as number[], drg: [] as number[], year: [] as number[], cost: [] as number[], ccLevel: [] as number[], ageBand: [] as number[], disposition: [] as number[], procedureClass: [] as number[], newbornWeight: [] as number[], ventilationHours: [] as number[] };
  const adrgs = new Map<string, number>();
  const drgs = new Map<string, number>();
  const intern = (m: Map<string, number>, k: string) => m.get(k) ?? m.set(k, m.size).get(k)!;
  const counts = { records: 0, invalid: 0, notGrouped: 0, noCost: 0 };
  const progress = inputProgress('reading and grouping', files);
  const scheme = { pack };
  for (const file of files) {
    for await (const batch of recordFileBatches(file, undefined, progress)) {
      for (const raw of batch) {
        counts.records++;
        const { record: r, rejection } = validForGrouping(raw, codeSets, codes);
        if (!r) {
          counts.invalid++;
          process.stderr.write(`${file}: ${rejection}\n`);
          continue;
        }
        if (r.totalCost === undefined) {
          counts.noCost++;
          continue;
        }
        const g = groupRecord(scheme, r, { ambiguous, trace: false });
        if (g.status !== 'grouped') {
          counts.notGrouped++;
          continue;
        }
        const severity = caseSeverity(index, r, null);
        cols.adrg.push(intern(adrgs, g.adrg!));
        cols.drg.push(intern(drgs, g.drg!));
        cols.year.push(r.dischargeDate ? Number(r.dischargeDate.slice(0, 4)) : 0);
        cols.cost.push(r.totalCost);
        cols.ccLevel.push(severity === 'mcc' ? 2 : severity === 'cc' ? 1 : 0);
        cols.ageBand.push(ageBandIndex(r.ageYears, r.ageDays));
        cols.disposition.push(dispositionIndex.get(r.dischargeDisposition) ?? 0);
        cols.procedureClass.push(classIndex.get(readProcedures(r.procedures, classes).comprehensiveClass)!);
        cols.newbornWeight.push(r.birthWeightGrams ?? NaN);
        cols.ventilationHours.push(r.ventilationHours ?? NaN);
      }
    }
  }
  progress.finish();
  const cases: SplitDesignCases = {
    size: cols.adrg.length,
    adrg: Int32Array.from(cols.adrg),
    drg: Int32Array.from(cols.drg),
    adrgs: [...adrgs.keys()],
    drgs: [...drgs.keys()],
    year: Int32Array.from(cols.year),
    cost: Float64Array.from(cols.cost),
    ccLevel: Uint8Array.from(cols.ccLevel),
    ageBand: Uint8Array.from(cols.ageBand),
    disposition: Uint8Array.from(cols.disposition),
    procedureClass: Uint8Array.from(cols.procedureClass),
    newbornWeight: Float64Array.from(cols.newbornWeight),
    ventilationHours: Float64Array.from(cols.ventilationHours),
  };
  // A run with no grouped case to learn from designed nothing: it says so and never exits 0.
  if (cases.size === 0) throw new CliError(`${files.join(', ')}: no grouped case with a cost was read (${counted(counts.records, 'record')}, ${counts.invalid} invalid, ${counts.notGrouped} ungroupable or ambiguous, ${counts.noCost} without cost), so no split was designed.`, 2);
  const read = performance.now();
  const design = designSplits(cases, options);
  mkdirSync(output, { recursive: true });
  writeFileSync(path.join(output, 'proposals.json'), JSON.stringify({ ...design, groupedBy: schemeIdentity(pack), input: { files, ...counts, cases: cases.size } }, null, 1) + '\n');
  writeFileSync(path.join(output, 'proposals.md'), designMarkdown(design).replace('\n\n', `\n\nCases grouped under ${schemeLine(pack)}.\n\n`));
  const differ = design.proposals.filter((p) => p.differs).length;
  process.stderr.write(
    `${counted(counts.records, 'record')} grouped under ${schemeLine(pack)}: ${counted(cases.size, 'grouped case')} used (${counts.invalid} invalid, ${counts.notGrouped} ungroupable or ambiguous, ${counts.noCost} without cost)\n` +
      `${design.adrgsConsidered} ADRGs with ≥ ${options.minCases} cases designed (${design.adrgsSkipped} smaller skipped); the data argue for a different split in ${differ}\n` +
      `read and grouped ${((read - started) / 1000).toFixed(2)} s, designed ${((performance.now() - read) / 1000).toFixed(2)} s → ${path.join(output, 'proposals.md')}\n`,
  );
  return 0;
}
