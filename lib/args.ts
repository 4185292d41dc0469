/**
 * Command-line option parsing for the CLI subcommands, on node:util parseArgs, turning its
 * errors into clear sentences (CliError, exit code 2).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { codeEditions, type CodeEdition } from '../models/settlement/code-map.ts';
import type { CodeEditions } from '../app/record.ts';
import { CliError } from './cli-error.ts';
import { lazyClinicalCodeMaps } from './codesets.ts';
import { recordFileFormat } from './record-file.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * Parse a command's options. With `allowPositionals`, a value that follows a repeatable option's
 * value belongs to that option: `--compare b.json c.json` is two policies to compare and
 * `--cases a.jsonl b.jsonl` two case files, as well as `--compare b.json --compare c.json`.
 * Values before any repeatable option stay positionals.
 */
export function parseOptions<T extends OptionSpec>(argv: string[], options: T, usage: string, allowPositionals = false) {
  try {
    const config: ParseArgsConfig = { args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true, tokens: true };
    const parsed = parseArgs(config) as unknown as { values: Record<keyof T | 'help', string | boolean | string[] | undefined>; positionals: string[]; tokens: { kind: string; name?: string; value?: string }[] };
    if (parsed.values.help) {
      process.stdout.write(usage + '\n');
      return null;
    }
    const positionals: string[] = [];
    let repeatable: string | null = null;
    for (const token of parsed.tokens) {
      if (token.kind === 'option') repeatable = options[token.name!]?.multiple === true && options[token.name!]?.type === 'string' ? token.name! : null;
      else if (token.kind === 'positional') {
        if (repeatable === null) positionals.push(token.value!);
        else (parsed.values[repeatable] as string[]).push(token.value!);
      } else repeatable = null;
    }
    return { values: parsed.values, positionals };
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${usage}`, 2);
  }
}

/** A required string option, or a CliError naming it. */
export function requireOption(values: Record<string, unknown>, name: string, usage: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(`--${name} is required.\n${usage}`, 2);
  return value;
}

/** A numeric option, or a CliError naming it and the value it got. */
export function numberOption(values: Record<string, unknown>, name: string, fallback?: number): number {
  const raw = values[name];
  if (raw === undefined) {
    if (fallback === undefined) throw new CliError(`--${name} is required.`, 2);
    return fallback;
  }
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
    throw new CliError(`--${name} must be a number, got "${String(raw)}".`, 2);
  }
  return value;
}

/** `--threads N` (default: one per core, at most 4, or `fallback`), a whole number ≥ 1. */
export function threadsOption(values: Record<string, unknown>, fallback = Math.min(4, availableParallelism())): number {
  const threads = Math.floor(numberOption(values, 'threads', fallback));
  if (threads < 1) throw new CliError(`--threads must be at least 1, got ${threads}.`, 2);
  return threads;
}

/** The case files of `--cases a.jsonl b.jsonl` (or repeated `--cases`), each of which must exist. */
export function caseFilesOption(values: Record<string, unknown>, positionals: string[], usage: string): string[] {
  const files = [...((values.cases as string[] | undefined) ?? []), ...positionals];
  if (files.length === 0) throw new CliError(`--cases is required.\n${usage}`, 2);
  for (const f of files) if (!existsSync(f)) throw new CliError(`cannot read the cases: ${f} does not exist.`);
  // Every file's content is checked against its format before any is read: a run over several files stops before it starts.
  for (const f of files) recordFileFormat(f);
  return files;
}

/** The `--code-edition` option of every command that reads settlement records. */
export const codeEditionOptionSpec = { 'code-edition': { type: 'string' } } as const satisfies OptionSpec;

/** Its line in a command's usage text. */
export const codeEditionUsage = `  --code-edition  the code edition of records that do not name theirs in codeEdition: chs-2.0 (医保版 2.0, default)
                  or gl-2.0 (国临版: mapped to the insurance edition before validation, originals kept)`;

/**
 * `--code-edition chs-2.0|gl-2.0` → how the run reads codes: the default edition and the
 * clinical-edition maps, loaded only when a record needs them.
 */
export function codeEditionOption(values: Record<string, unknown>): CodeEditions & { codeEdition: CodeEdition } {
  const raw = values['code-edition'];
  if (raw !== undefined && !(codeEditions as readonly unknown[]).includes(raw)) {
    throw new CliError(`--code-edition must be ${codeEditions.join(' or ')}, got "${String(raw)}".`, 2);
  }
  return { codeEdition: (raw as CodeEdition | undefined) ?? 'chs-2.0', codeMaps: lazyClinicalCodeMaps() };
}
