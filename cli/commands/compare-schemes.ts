/**
 * `payreform compare-schemes`: the same settlement lists grouped under two DRG schemes — how
 * cases move between DRGs and ADRGs, each scheme's in-group rate, groups used, CMI, RIV and CV,
 * and per hospital the CMI and, with a policy, the payment under each scheme. Records are read
 * once (lib/record-file.ts), checked (app/valid-record.ts) and grouped under both schemes by
 * app/scheme-comparison.ts; a policy prices each scheme's cases with app/simulate.ts, the model
 * of models/comparison/ compares. Writes report.html, transitions-drg.csv, transitions-adrg.csv,
 * schemes.csv, hospitals.csv and summary.json to DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AmbiguousMode } from '../../models/grouping/drg/grouper.ts';
import type { RulePack } from '../../models/grouping/drg/pack.ts';
import type { SchemeComparison } from '../../models/comparison/compare.ts';
import { ComparedCasesBuilder } from '../../models/comparison/compared-cases.ts';
import { BudgetError } from '../../models/payment/base-rate.ts';
import { CaseTableBuilder } from '../../models/payment/cases.ts';
import type { PaymentPolicy } from '../../models/payment/policy.ts';
import type { PolicyResult } from '../../models/payment/simulate.ts';
import { csvField } from '../../models/text/csv.ts';
import { addComparedRecord, comparedSchemes, comparisonTables, missingForComparison, type ComparisonContext } from '../../app/scheme-comparison.ts';
import { simulatePolicy } from '../../app/simulate.ts';
import { lineRejection, validForGrouping } from '../../app/valid-record.ts';
import { caseFilesOption, codeEditionOption, codeEditionOptionSpec, codeEditionUsage, parseOptions } from '../../lib/args.ts';
import { CliError } from '../../lib/cli-error.ts';
import { loadCodeSets } from '../../lib/codesets.ts';
import { inputProgress } from '../../lib/progress.ts';
import { recordFileBatches } from '../../lib/record-file.ts';
import { loadScheme } from '../../lib/scheme.ts';
import { compareReportHtml } from '../compare-report.ts';
import { readPolicy } from './simulate.ts';

const usage = `usage: payreform compare-schemes --cases FILE... --scheme A --scheme B [--policy FILE] [--ambiguous qy|fallthrough] [--output DIR] [--code-edition E]

Groups the same settlement lists (JSON Lines, CSV or JSON) under two DRG schemes and compares
them: how cases move between DRGs and between ADRGs (largest flows first; ungroupable and
ambiguous cases as their own rows), each scheme's in-group rate, groups used, CMI, RIV and CV of
cost, and per hospital the CMI under each scheme — with a policy, the weights are the policy's and
each hospital's payment under each scheme and the change are added.
Writes to DIR (default: scheme-comparison): report.html, transitions-drg.csv,
transitions-adrg.csv, schemes.csv, hospitals.csv and summary.json.
  --cases      one or more settlement-list files; every case needs hospitalId and totalCost
               (with a policy also dischargeDate)
  --scheme     give it twice: scheme A, then scheme B — each an OpenDRG scheme directory, an NHSA
               scheme text directory or a compiled rule pack
  --policy     a DRG payment policy (as for simulate) to price the cases under each scheme
  --ambiguous  qy or fallthrough for both schemes (default: each scheme's own rule; with a
               policy, the policy's "ambiguous")
  --output     the output directory
${codeEditionUsage}`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, { cases: { type: 'string', multiple: true }, scheme: { type: 'string', multiple: true }, policy: { type: 'string' }, ambiguous: { type: 'string' }, output: { type: 'string', short: 'o' }, ...codeEditionOptionSpec }, usage, true);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const schemePaths = (values.scheme as string[] | undefined) ?? [];
  if (schemePaths.length !== 2) throw new CliError(`give exactly two schemes to compare (--scheme A --scheme B); got ${schemePaths.length}.\n${usage}`, 2);
  const files = caseFilesOption(values, positionals, usage);
  const policyFile = values.policy as string | undefined;
  const policy = policyFile !== undefined ? drgPolicy(policyFile) : undefined;
  const ambiguous = ambiguousOption(values.ambiguous as string | undefined, policy);
  const output = (values.output as string | undefined) ?? 'scheme-comparison';
  const started = performance.now();
  const packs = schemePaths.map(readScheme) as [RulePack, RulePack];
  const labels = schemeLabels(packs);

  const codeSets = loadCodeSets();
  const builder = new ComparedCasesBuilder(1 << 14);
  const ctx: ComparisonContext = { schemes: [{ pack: packs[0] }, { pack: packs[1] }], ...(ambiguous ? { ambiguous } : {}) };
  if (policy) ctx.tables = [new CaseTableBuilder([policy.ambiguous], 1 << 14), new CaseTableBuilder([policy.ambiguous], 1 << 14)];
  const input = { files, records: 0, rejected: 0 };
  const errors: string[] = [];
  const reject = (sentence: string) => {
    input.rejected++;
    if (errors.length < 10) errors.push(sentence);
  };
  const progress = inputProgress('reading and grouping', files);
  const codes = codeEditionOption(values);
  for (const file of files) {
    for await (const batch of recordFileBatches(file, undefined, progress)) {
      for (const raw of batch) {
        input.records++;
        const { record, rejection } = validForGrouping(raw, codeSets, codes);
        if (!record) {
          reject(files.length > 1 ? `${file}: ${rejection}` : rejection);
          continue;
        }
        const missing = missingForComparison(record, policy !== undefined);
        if (missing) {
          reject(lineRejection(raw, record.listId, `${missing} is required to compare schemes (the hospital and the cost${policy ? ', and the discharge date to price by the policy' : ''})`));
          continue;
        }
        addComparedRecord(builder, record, ctx);
      }
    }
  }
  progress.finish();
  for (const e of errors) process.stderr.write(`rejected: ${e}\n`);
  if (input.rejected > errors.length) process.stderr.write(`… ${input.rejected - errors.length} more rejected records\n`);
  const cases = builder.finish();
  if (cases.size === 0) throw new CliError(`no case to compare: ${input.records} records read from ${files.join(', ')}, ${input.rejected} rejected.`);

  const priced = policy && ctx.tables ? (ctx.tables.map((t, i) => price(t.finish(), policy, policyFile!, labels[i]!)) as [PolicyResult, PolicyResult]) : undefined;
  const result: SchemeComparison = comparedSchemes(cases, priced);

  mkdirSync(output, { recursive: true });
  const tables = comparisonTables(result, labels);
  for (const [name, table] of Object.entries(tables)) writeFileSync(path.join(output, `${name}.csv`), [table.header, ...table.rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n');
  writeFileSync(path.join(output, 'summary.json'), JSON.stringify(summary(result, labels, schemePaths, input, policyFile, priced), null, 2) + '\n');
  writeFileSync(path.join(output, 'report.html'), compareReportHtml(result, labels, { ...input, ...(policyFile ? { policy: policyFile } : {}) }));

  const [a, b] = result.schemes;
  const pct = (n: number) => ((100 * n) / result.cases).toFixed(2);
  process.stderr.write(
    `${input.records.toLocaleString('en')} records: ${result.cases.toLocaleString('en')} compared, ${input.rejected.toLocaleString('en')} rejected\n` +
      `${labels[0]} → ${labels[1]}: ${result.changed.drg.toLocaleString('en')} cases (${pct(result.changed.drg)} %) change DRG, ${result.changed.adrg.toLocaleString('en')} (${pct(result.changed.adrg)} %) change ADRG\n` +
      result.schemes.map((s, i) => `${labels[i]}: in-group rate ${(100 * s.inGroupRate).toFixed(2)} %, ${s.drgsUsed} DRGs used, CMI ${s.cmi.toFixed(4)}, RIV ${s.riv.toFixed(4)}, mean CV ${s.meanCv.toFixed(4)}, ${s.groupsCvAboveOne} groups with CV > 1`).join('\n') +
      `\n${((performance.now() - started) / 1000).toFixed(2)} s; wrote ${output}${a.weightSource === 'cases' && b.weightSource === 'cases' ? ' (weights from the cases\' cost)' : ''}\n`,
  );
  return 0;
}

function readScheme(schemePath: string): RulePack {
  try {
    return loadScheme(schemePath);
  } catch (error) {
    if (error instanceof CliError) throw new CliError(`cannot read the scheme ${schemePath}: ${error.message}`, 2);
    throw error;
  }
}

function drgPolicy(file: string): PaymentPolicy {
  const policy = readPolicy(file);
  if (policy.method !== 'drg') throw new CliError(`the policy ${file} is a DIP policy; compare-schemes prices DRG policies.`, 2);
  return policy;
}

function ambiguousOption(value: string | undefined, policy: PaymentPolicy | undefined): AmbiguousMode | undefined {
  if (value !== undefined && value !== 'qy' && value !== 'fallthrough') throw new CliError(`--ambiguous must be "qy" or "fallthrough", got "${value}".`, 2);
  if (policy && value !== undefined && value !== policy.ambiguous) throw new CliError(`--ambiguous ${value} contradicts the policy's "ambiguous": "${policy.ambiguous}"; give one of them.`, 2);
  return (value as AmbiguousMode | undefined) ?? policy?.ambiguous;
}

/** The schemes' names (their pack's `scheme`), made distinct when both are the same scheme. */
function schemeLabels(packs: [RulePack, RulePack]): [string, string] {
  return packs[0].scheme === packs[1].scheme ? [`${packs[0].scheme} (A)`, `${packs[1].scheme} (B)`] : [packs[0].scheme, packs[1].scheme];
}

function price(table: ReturnType<CaseTableBuilder['finish']>, policy: PaymentPolicy, file: string, label: string): PolicyResult {
  try {
    return simulatePolicy(table, policy);
  } catch (error) {
    if (error instanceof BudgetError) throw new CliError(`the policy ${file} under the scheme ${label}: ${error.message}.`);
    throw error;
  }
}

function summary(result: SchemeComparison, labels: [string, string], paths: string[], input: { files: string[]; records: number; rejected: number }, policyFile: string | undefined, priced: [PolicyResult, PolicyResult] | undefined) {
  return {
    schemes: labels.map((label, i) => ({ label, path: paths[i], ...result.schemes[i]!, ...(priced ? { payment: (priced[i]!.totals.paymentCents / 100).toFixed(2), baseRate: priced[i]!.rate.baseRate } : {}) })),
    input: { ...input, compared: result.cases },
    changed: { drg: result.changed.drg, adrg: result.changed.adrg, drgShare: result.changed.drg / result.cases, adrgShare: result.changed.adrg / result.cases },
    ...(policyFile ? { policy: policyFile } : {}),
  };
}
