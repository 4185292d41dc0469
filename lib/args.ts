/**
 * Command-line option parsing for the CLI subcommands, on node:util parseArgs, turning its
 * errors into clear sentences (CliError, exit code 2).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.ts';
import { recordFileFormat } from './record-file.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseOptions<T extends OptionSpec>(argv: string[], options: T, usage: string, allowPositionals = false) {
  try {
    const config: ParseArgsConfig = { args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true };
    const parsed = parseArgs(config) as unknown as { values: Record<keyof T | 'help', string | boolean | string[] | undefined>; positionals: string[] };
    if (parsed.values.help) {
      process.stdout.write(usage + '\n');
      return null;
    }
    return parsed;
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
