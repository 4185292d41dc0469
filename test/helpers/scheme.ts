/** The real CHS-DRG 1.1 rule pack, compiled once per test worker. */
import { compileSchemeDir, defaultSchemeDir } from '../../lib/scheme.ts';
import type { CompileReport } from '../../models/grouping/drg/compile.ts';
import type { RulePack } from '../../models/grouping/drg/pack.ts';

let compiled: { pack: RulePack; report: CompileReport } | undefined;

export function chsDrg11(): { pack: RulePack; report: CompileReport } {
  compiled ??= compileSchemeDir(defaultSchemeDir());
  return compiled;
}
