/**
 * The payreform service on AWS: HTTP API (+ Lambda authorizer for the keys) over the functions
 * of `app/routes.ts`; one DynamoDB table and two S3 buckets (raw batches, the cases lake)
 * encrypted with one KMS key, private and TLS-only; the pseudonymisation secret; the simulation
 * state machine (S3 request object → EventBridge → Step Functions, a Distributed Map per phase
 * over the lake's partitions); the monthly forecast schedule; supervision runs (a request object or
 * the monthly schedule → the SupervisionRun function). Grants are per function, exactly the
 * actions `infra/access.ts` lists for it. Every log group (functions, API access, state machine)
 * is encrypted with its own KMS key whose policy lets CloudWatch Logs use it for this account's
 * log groups only.
 */
import { readFileSync } from 'node:fs';
import { Aws, Duration, RemovalPolicy, Stack, type StackProps, CfnOutput } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule, RuleTargetInput, EventField, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ParamsAndSecretsLayerVersion, ParamsAndSecretsVersions } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type BucketProps } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Chain, Choice, Condition, DefinitionBody, DistributedMap, Fail, JsonPath, LogLevel, S3JsonItemReader, StateMachine, Succeed, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { parseSchemeIndex, schemeIndexFile } from '../../app/scheme-index.ts';
import { simulationPhases, type SimulationPhase } from '../../app/simulation-phases.ts';
import { indexNames } from '../../app/storage-names.ts';
import { authorizer as authorizerDecl, jobs, routes, type RouteDecl } from '../../app/routes.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { accessOf, stateMachineAccess } from '../access.ts';
import { grantAccess } from '../constructs/grants.ts';

/**
 * The Distributed Map's reader of a simulation manifest. CDK's S3JsonItemReader grants
 * s3:GetObject on the whole bucket when the key comes from the execution input; the manifests
 * all live under jobs/simulations/, so the state machine gets exactly that (infra/access.ts).
 */
class ManifestReader extends S3JsonItemReader {
  override providePolicyStatements(): PolicyStatement[] {
    return [];
  }
}

export interface ServiceStackProps extends StackProps {
  /**
   * Directory with `schemes/` (a rule pack and payment table per scheme held, and the index naming
   * the default) and `codes/`, built by infra/local/build.ts writeReference. Every function is told
   * the held schemes and the default (HELD_SCHEMES, DEFAULT_SCHEME) from its index.
   */
  referenceDir: string;
  /** FUND_BUDGET_YUAN for the forecast job's budget alert (`cdk deploy -c fundBudgetYuan=…`); unset: no alert. */
  fundBudgetYuan?: number;
  /**
   * Days a raw request body (kept, pseudonymised, for replay) lives before S3 deletes it; also how
   * long a replaced object version lingers. Default: context `rawRetentionDays`, else 90.
   */
  rawRetentionDays?: number;
}

export class ServiceStack extends Stack {
  readonly functions = new Map<string, ServiceFunction>();
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);

    const key = new Key(this, 'DataKey', { enableKeyRotation: true, description: 'payreform: table, buckets, secret', removalPolicy: RemovalPolicy.RETAIN });
    const logKey = new Key(this, 'LogKey', { enableKeyRotation: true, description: 'payreform: CloudWatch log groups', removalPolicy: RemovalPolicy.RETAIN });
    logKey.addToResourcePolicy(new PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'], // the policy CloudWatch Logs documents
      resources: ['*'], // in a key policy, "*" is this key
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
    }));

    const table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        { indexName: indexNames.byMonth, partitionKey: { name: 'gsi1pk', type: AttributeType.STRING }, sortKey: { name: 'gsi1sk', type: AttributeType.STRING } },
        { indexName: indexNames.byDrg, partitionKey: { name: 'gsi2pk', type: AttributeType.STRING }, sortKey: { name: 'gsi2sk', type: AttributeType.STRING } },
      ],
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED, // the S3 log delivery service cannot write to KMS-encrypted buckets
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    const bucket = (name: string, eventBridgeEnabled = false, lifecycleRules?: BucketProps['lifecycleRules']): Bucket => new Bucket(this, name, {
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${name.toLowerCase()}/`,
      eventBridgeEnabled,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(lifecycleRules ? { lifecycleRules } : {}),
    });
    const rawDays = props.rawRetentionDays ?? Number(this.node.tryGetContext('rawRetentionDays') ?? 90);
    if (!Number.isInteger(rawDays) || rawDays < 1) throw new Error(`rawRetentionDays must be a whole number of days, at least 1 (got ${String(rawDays)})`);
    const raw = bucket('RawBatches', false, [{ id: 'ExpireRawBodies', expiration: Duration.days(rawDays), noncurrentVersionExpiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }]);
    const lake = bucket('Lake', true);

    const secret = new Secret(this, 'PseudonymSecret', {
      description: 'HMAC key that pseudonymises patientId',
      encryptionKey: key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const paramsAndSecrets = ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, { cacheSize: 10 });

    const indexFile = schemeIndexFile(props.referenceDir);
    const schemes = parseSchemeIndex(readFileSync(indexFile, 'utf8'), indexFile);
    const environment: Record<string, string> = {
      TABLE_NAME: table.tableName, RAW_BUCKET: raw.bucketName, LAKE_BUCKET: lake.bucketName, PSEUDONYM_SECRET_ID: secret.secretArn,
      DEFAULT_SCHEME: schemes.default, HELD_SCHEMES: schemes.schemes.map((s) => s.id).join(','),
    };
    if (props.fundBudgetYuan !== undefined) environment.FUND_BUDGET_YUAN = String(props.fundBudgetYuan);
    const data = { table, raw, lake, key, secret };
    const make = (decl: Pick<RouteDecl, 'id' | 'entry' | 'summary' | 'reference' | 'timeoutSeconds' | 'memoryMb'>): ServiceFunction => {
      const access = accessOf(decl.id);
      const fn = new ServiceFunction(this, decl.id, {
        logKey,
        entry: decl.entry,
        description: decl.summary.slice(0, 250),
        environment,
        ...(decl.timeoutSeconds ? { timeoutSeconds: decl.timeoutSeconds } : {}),
        ...(decl.memoryMb ? { memoryMb: decl.memoryMb } : {}),
        ...(decl.reference ? { referenceDir: props.referenceDir } : {}),
        ...(access.secret ? { paramsAndSecrets } : {}),
      });
      grantAccess(fn, access, data);
      this.functions.set(decl.id, fn);
      return fn;
    };

    // HTTP API
    const authorizerFn = make(authorizerDecl);
    const authorizer = new HttpLambdaAuthorizer('Keys', authorizerFn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // No identity source, so API Gateway calls the authorizer even without a key instead of
      // answering its own 401 body (HTTP APIs have no gateway responses); caching needs an
      // identity source, so the authorizer keeps its own one-minute cache per container.
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    this.api = new HttpApi(this, 'Api', { apiName: 'payreform', createDefaultStage: false });
    const apiLogs = new LogGroup(this, 'ApiAccessLogs', { encryptionKey: logKey, retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 500, burstLimit: 1000 },
      accessLogSettings: { destination: new LogGroupLogDestination(apiLogs) },
    });
    for (const r of routes) {
      const fn = make(r);
      this.api.addRoutes({
        path: r.path,
        methods: [HttpMethod[r.method]],
        integration: new HttpLambdaIntegration(`${r.id}Integration`, fn),
        ...(r.roles ? { authorizer } : {}),
      });
    }

    // Jobs
    for (const j of jobs) make(j);
    const fn = (id: string): ServiceFunction => this.functions.get(id)!;

    // Simulation state machine
    const failed = new LambdaInvoke(this, 'MarkFailed', { lambdaFunction: fn('SimulationStep'), payload: { type: 0, value: { 'id.$': '$.id', step: 'fail' } } as never, payloadResponseOnly: true, resultPath: JsonPath.DISCARD })
      .next(new Fail(this, 'SimulationFailed'));
    const task = (id: string, lambda: string, payload: Record<string, unknown>, resultPath?: string): LambdaInvoke => {
      const t = new LambdaInvoke(this, id, {
        lambdaFunction: fn(lambda),
        payload: { type: 0, value: payload } as never,
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
        ...(resultPath === undefined ? { resultPath: JsonPath.DISCARD } : { resultSelector: undefined }),
      });
      t.addCatch(failed, { resultPath: '$.error' });
      return t;
    };
    const map = (phase: string): DistributedMap => {
      const m = new DistributedMap(this, `Map${phase}`, {
        itemReader: new ManifestReader({ bucket: lake, key: JsonPath.stringAt('$.manifestKey') }),
        itemSelector: { id: JsonPath.stringAt('$$.Map.Item.Value.id'), partition: JsonPath.stringAt('$$.Map.Item.Value.partition'), phase },
        maxConcurrency: 200,
        resultPath: JsonPath.DISCARD,
      });
      const worker = new LambdaInvoke(this, `Partition${phase}`, { lambdaFunction: fn('SimulationPartition'), payloadResponseOnly: true, retryOnServiceExceptions: true });
      worker.addRetry({ errors: ['States.ALL'], maxAttempts: 2, interval: Duration.seconds(2), backoffRate: 2 });
      m.itemProcessor(worker);
      m.addCatch(failed, { resultPath: '$.error' });
      return m;
    };
    const coordinate = new LambdaInvoke(this, 'Coordinate', { lambdaFunction: fn('SimulationCoordinator'), payloadResponseOnly: true, retryOnServiceExceptions: true });
    coordinate.addCatch(new Fail(this, 'CoordinateFailed'), { resultPath: '$.error' });
    // The phases in the order of app/simulation-phases.ts, built from the end: a run of
    // budget-only phases sits behind a Choice on the coordinator's `budget`.
    const stateOf = (p: SimulationPhase): DistributedMap | LambdaInvoke => (p.kind === 'map' ? map(p.name) : task(p.name[0]!.toUpperCase() + p.name.slice(1), 'SimulationStep', { 'id.$': '$.id', step: p.name }));
    let tail: IChainable = new Succeed(this, 'Done');
    for (let i = simulationPhases.length - 1; i >= 0;) {
      if (!simulationPhases[i]!.budgetOnly) {
        tail = stateOf(simulationPhases[i]!).next(tail);
        i--;
        continue;
      }
      let branch: IChainable = tail;
      for (; i >= 0 && simulationPhases[i]!.budgetOnly; i--) branch = stateOf(simulationPhases[i]!).next(branch);
      tail = new Choice(this, 'Budget?').when(Condition.booleanEquals('$.budget', true), branch).otherwise(tail);
    }
    const definition = Chain.start(coordinate).next(tail);
    const machine = new StateMachine(this, 'Simulation', {
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      timeout: Duration.hours(2),
      logs: { destination: new LogGroup(this, 'SimulationLogs', { encryptionKey: logKey, retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN }), level: LogLevel.ALL },
    });
    grantAccess(machine, stateMachineAccess, data); // the Distributed Map's ItemReader reads the manifest

    new Rule(this, 'SimulationRequested', {
      description: 'A simulation request object in the lake bucket starts the state machine',
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [lake.bucketName] }, object: { key: Match.wildcard('jobs/simulations/*/request.json') } } },
      targets: [new SfnStateMachine(machine, { input: RuleTargetInput.fromObject({ key: EventField.fromPath('$.detail.object.key') }) })],
    });

    // Monthly forecast
    new Rule(this, 'MonthlyForecast', {
      description: 'Monthly expenditure forecast (02:00 UTC on the 1st)',
      schedule: Schedule.cron({ minute: '0', hour: '2', day: '1' }),
      targets: [new LambdaFunction(fn('Forecast'))],
    });

    // Stress tests: a request object starts its run.
    new Rule(this, 'StressTestRequested', {
      description: 'A stress test request object in the lake bucket starts the run',
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [lake.bucketName] }, object: { key: Match.wildcard('jobs/stress-tests/*/request.json') } } },
      targets: [new LambdaFunction(fn('StressTestRun'), { event: RuleTargetInput.fromObject({ key: EventField.fromPath('$.detail.object.key') }), retryAttempts: 2 })],
    });
    // Supervision: a run request object starts its run; the monthly schedule screens the previous month.
    new Rule(this, 'SupervisionRequested', {
      description: 'A supervision run request object in the lake bucket starts the run',
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [lake.bucketName] }, object: { key: Match.wildcard('jobs/supervision/*/request.json') } } },
      targets: [new LambdaFunction(fn('SupervisionRun'), { event: RuleTargetInput.fromObject({ key: EventField.fromPath('$.detail.object.key') }), retryAttempts: 2 })],
    });
    new Rule(this, 'MonthlySupervision', {
      description: 'Monthly supervision run over the previous month (03:00 UTC on the 1st, after the forecast)',
      schedule: Schedule.cron({ minute: '0', hour: '3', day: '1' }),
      targets: [new LambdaFunction(fn('SupervisionRun'), { retryAttempts: 2 })],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }
}
