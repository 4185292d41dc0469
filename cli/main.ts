/**
 * `payreform` command-line interface: one thin adapter per subcommand over models/.
 * Each subcommand lives in cli/commands/<name>.ts and exports `run(argv)` → exit code.
 * Exit code ≠ 0 only when the run itself cannot proceed (unreadable input, missing scheme…).
 */
import { readFileSync } from 'node:fs';
import { CliError } from '../lib/cli-error.ts';
import { HeaderError } from '../models/settlement/readers.ts';

type CommandModule = { run: (argv: string[]) => Promise<number> };
type Command = { summary: string };

const commands: Record<string, Command> = {
  group: { summary: 'group settlement records into CHS-DRG 1.1 groups' },
  'compile-scheme': { summary: 'compile a CHS-DRG scheme text directory into a rule pack' },
  synth: { summary: 'generate realistic synthetic settlement lists' },
  simulate: { summary: 'simulate a payment policy over settlement lists' },
  cart: { summary: 'train a CART regression tree on a CSV file' },
  dip: { summary: 'build a DIP catalog (dip build) or group cases into packets (dip group)' },
  drg: { summary: 'propose DRG splits from data (drg design)' },
  'stress-test': { summary: 'Monte Carlo stress test of the pooled fund' },
  forecast: { summary: 'ETS forecast of monthly fund expenditure' },
  monitor: { summary: 'screen cases for split admissions, upcoding and other abuse' },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: payreform <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "payreform <command> --help" for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`payreform ${version}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`payreform: unknown command "${name}".\n${usage()}\n`);
    return 2;
  }
  try {
    const module = (await import(`./commands/${name}.ts`)) as CommandModule;
    return await module.run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`payreform ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof HeaderError) {
      process.stderr.write(`payreform ${name}: ${error.message}\n`);
      return 2;
    }
    if (isMissingModule(error)) {
      process.stderr.write(`payreform ${name}: this command is not available in this version yet.\n`);
      return 2;
    }
    throw error;
  }
}

function isMissingModule(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes('/cli/commands/');
}
