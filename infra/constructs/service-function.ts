/**
 * The one Lambda construct of the service, with the defaults every function shares: Node.js 22
 * on arm64, an ESM bundle with source maps (esbuild through NodejsFunction), its own log group
 * (encrypted with the log key, with a retention), X-Ray tracing, Powertools settings; functions
 * that group or validate get the reference directory (rule pack, code sets, payment table)
 * copied next to the bundle.
 */
import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing, type ParamsAndSecretsLayerVersion } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { projectRoot } from '../../lib/reference.ts';
import { esmBanner } from '../local/build.ts';

export interface ServiceFunctionProps {
  entry: string;
  description: string;
  environment: Record<string, string>;
  timeoutSeconds?: number;
  memoryMb?: number;
  /** Directory to copy into the bundle as `reference/` (rule pack, code sets, payment table). */
  referenceDir?: string;
  paramsAndSecrets?: ParamsAndSecretsLayerVersion;
  /** Encrypts the function's log group (its key policy admits CloudWatch Logs). */
  logKey: IKey;
}

export class ServiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { encryptionKey: props.logKey, retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN });
    const referenceDir = props.referenceDir;
    super(scope, id, {
      entry: path.join(projectRoot, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb ?? 512,
      timeout: Duration.seconds(props.timeoutSeconds ?? 29),
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'payreform',
        POWERTOOLS_METRICS_NAMESPACE: 'payreform',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      ...(props.paramsAndSecrets ? { paramsAndSecrets: props.paramsAndSecrets } : {}),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        sourceMap: true,
        minify: true,
        mainFields: ['module', 'main'],
        banner: esmBanner,
        externalModules: ['@aws-sdk/*'],
        ...(referenceDir
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_input: string, output: string) => [`cp -r "${referenceDir}" "${output}/reference"`],
              },
            }
          : {}),
      },
    });
  }
}
