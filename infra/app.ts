/**
 * CDK app: `npx cdk synth --no-notices` (offline; NodejsFunction bundles with the local
 * esbuild). The rule packs of the schemes held (context `schemes`: comma-separated ids, or `all`,
 * the default; `defaultScheme`: default `chs-drg-1.1`) are compiled into `.build/reference/`
 * first and copied into the bundles of the functions that group. cdk-nag's AwsSolutions checks run on
 * every synth; each acknowledged finding carries its reason (infra/nag.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { projectRoot } from '../lib/reference.ts';
import { schemeSelection, writeReference } from './local/build.ts';
import { acknowledgeExplained } from './nag.ts';
import { ServiceStack } from './stacks/service-stack.ts';
import { ConsoleStack } from './stacks/console-stack.ts';

/** The built console (`web/dist`), built with Vite first when missing. */
export function consoleSiteDir(): string {
  const dir = path.join(projectRoot, 'web', 'dist');
  if (!existsSync(path.join(dir, 'index.html'))) {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(projectRoot, 'web', 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit' });
  }
  return dir;
}

export function buildApp(app = new App()): { app: App; stack: ServiceStack; console: ConsoleStack } {
  const referenceDir = path.join(projectRoot, '.build', 'reference');
  const context = (name: string): string | undefined => {
    const value = app.node.tryGetContext(name) as unknown;
    return value === undefined || value === null ? undefined : String(value);
  };
  writeReference(referenceDir, schemeSelection(context('schemes'), context('defaultScheme')));
  // A region is needed for the customer-managed-key table (TableV2) and the Parameters and Secrets layer.
  const region = process.env.CDK_DEFAULT_REGION ?? 'ap-southeast-1';
  const env = { region, ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}) };
  const budget = app.node.tryGetContext('fundBudgetYuan') as string | number | undefined;
  const stack = new ServiceStack(app, 'Payreform', { referenceDir, ...(budget !== undefined ? { fundBudgetYuan: Number(budget) } : {}), description: 'payreform: DRG/DIP payment reform service', env });
  acknowledgeExplained(stack);
  const consoleStack = new ConsoleStack(app, 'PayreformConsole', { api: stack.api, siteDir: consoleSiteDir(), description: 'payreform: analyst console (S3 + CloudFront)', env });
  acknowledgeExplained(consoleStack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, console: consoleStack };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(projectRoot, 'infra', 'app.ts')) {
  buildApp().app.synth();
}
