/**
 * CDK app: `npx cdk synth --no-notices` (offline; NodejsFunction bundles with the local
 * esbuild). The rule pack is compiled from the scheme text into `.build/reference/` first and
 * copied into the bundles of the functions that group. cdk-nag's AwsSolutions checks run on
 * every synth; each acknowledged finding carries its reason (infra/nag.ts).
 */
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { projectRoot } from '../lib/reference.ts';
import { writeReference } from './local/build.ts';
import { acknowledgeExplained } from './nag.ts';
import { ServiceStack } from './stacks/service-stack.ts';

export function buildApp(app = new App()): { app: App; stack: ServiceStack } {
  const referenceDir = path.join(projectRoot, '.build', 'reference');
  writeReference(referenceDir);
  // A region is needed for the customer-managed-key table (TableV2) and the Parameters and Secrets layer.
  const region = process.env.CDK_DEFAULT_REGION ?? 'ap-southeast-1';
  const stack = new ServiceStack(app, 'Payreform', { referenceDir, description: 'payreform: DRG/DIP payment reform service', env: { region, ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}) } });
  acknowledgeExplained(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(projectRoot, 'infra', 'app.ts')) {
  buildApp().app.synth();
}
