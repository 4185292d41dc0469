/**
 * `payreform` command-line interface: one thin adapter per subcommand over models/.
 * Each subcommand lives in cli/commands/<name>.ts and exports `run(argv)` → exit code.
 * Exit code ≠ 0 only when the run itself cannot proceed (unreadable input, missing scheme…).
 */
import { readFileSync } from 'node:fs';
import { CliError } from '../lib/cli-error.ts';
import { HeaderError } from '../models/settlement/readers.ts';
import { PaymentTableError } from '../models/payment/payment-table.ts';

type CommandModule = { run: (argv: string[]) => Promise<number> };
/** `load` imports the command's module only when it runs; static paths, so the prebuilt bundle (bin/payreform.mjs) holds each command as a chunk. */
type Command = { summary: string; load: () => Promise<CommandModule> };

const commands: Record<string, Command> = {
  group: { summary: 'group settlement records into CHS-DRG 1.1 groups', load: () => import('./commands/group.ts') },
  'compile-scheme': { summary: 'compile a CHS-DRG scheme text directory into a rule pack', load: () => import('./commands/compile-scheme.ts') },
  synth: { summary: 'generate realistic synthetic settlement lists', load: () => import('./commands/synth.ts') },
  simulate: { summary: 'simulate a payment policy over settlement lists', load: () => import('./commands/simulate.ts') },
  cart: { summary: 'train a CART regression tree on a CSV file', load: () => import('./commands/cart.ts') },
  dip: { summary: 'build a DIP catalog (dip build) or group cases into packets (dip group)', load: () => import('./commands/dip.ts') },
  drg: { summary: 'propose DRG splits from data (drg design)', load: () => import('./commands/drg.ts') },
  'stress-test': { summary: 'Monte Carlo stress test of the pooled fund', load: () => import('./commands/stress-test.ts') },
  forecast: { summary: 'ETS forecast of monthly fund expenditure', load: () => import('./commands/forecast.ts') },
  'compare-schemes': { summary: 'compare two DRG schemes on the same cases (flows, CMI, RIV, CV, payments)', load: () => import('./commands/compare-schemes.ts') },
  monitor: { summary: 'screen cases for split admissions, upcoding and other abuse', load: () => import('./commands/monitor.ts') },
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
    const module = await command.load();
    return await module.run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`payreform ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    // A file whose header or rows cannot be read (records, a city payment table): a usage error, one sentence.
    if (error instanceof HeaderError || error instanceof PaymentTableError) {
      process.stderr.write(`payreform ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
