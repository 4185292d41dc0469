/**
 * The CDK stack's template: resources, encryption, privacy, least privilege — and cdk-nag's
 * AwsSolutions checks with every finding explained. Bundling is skipped here (the template is
 * what is asserted); `npx cdk synth --no-notices` bundles for real.
 */
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/reference.ts';
import { writeReference } from '../../infra/local/build.ts';
import { explained, explanationFor, nagFindings } from '../../infra/nag.ts';
import { authorizer, jobs, routes } from '../../app/routes.ts';
import { phasesFor, type SimulationPhase } from '../../app/simulation-phases.ts';
import { ServiceStack } from '../../infra/stacks/service-stack.ts';

let stack: ServiceStack;
let template: Template;

beforeAll(() => {
  const referenceDir = path.join(projectRoot, '.build', 'reference');
  writeReference(referenceDir);
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new ServiceStack(app, 'Payreform', { referenceDir, env: { region: 'ap-southeast-1' } });
  template = Template.fromStack(stack);
});

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (type: string): [string, Resource][] => Object.entries(template.findResources(type)) as [string, Resource][];

describe('service stack', () => {
  it('has one function per route, the authorizer and each job, all Node.js 22 on arm64 with X-Ray and their own log group', () => {
    const fns = resources('AWS::Lambda::Function').filter(([id]) => !id.startsWith('LogRetention') && !id.includes('BucketNotifications'));
    expect(fns.length).toBe(routes.length + 1 + jobs.length);
    for (const [, fn] of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig).toBeDefined();
    }
    expect(authorizer.id).toBe('Authorizer');
  });

  it('tells every function the schemes its reference holds and the default, from the scheme index', () => {
    const fns = resources('AWS::Lambda::Function').filter(([id]) => !id.startsWith('LogRetention') && !id.includes('BucketNotifications'));
    for (const [, fn] of fns) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(variables.DEFAULT_SCHEME).toBe('chs-drg-1.1');
      expect(variables.HELD_SCHEMES!.split(',')).toEqual(expect.arrayContaining(['chs-drg-1.1', 'suzhou_2023', 'zhejiang_2022']));
    }
  });

  it('encrypts the table and the data buckets with the customer-managed key, with rotation', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'byMonth' }), Match.objectLike({ IndexName: 'byDrg' })]),
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, SSESpecification: Match.objectLike({ KMSMasterKeyId: Match.anyValue() }) })],
    });
    const kmsBuckets = resources('AWS::S3::Bucket').filter(([, b]) => JSON.stringify(b.Properties.BucketEncryption).includes('aws:kms'));
    expect(kmsBuckets.length).toBe(2);
  });

  it('keeps every bucket private and TLS-only', () => {
    for (const [, b] of resources('AWS::S3::Bucket')) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
    const policies = resources('AWS::S3::BucketPolicy');
    expect(policies.length).toBe(3);
    for (const [, p] of policies) expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('expires kept raw bodies after 90 days (rawRetentionDays changes it), the lake never', () => {
    const rules = (days: number) => ({ Rules: [expect.objectContaining({ Status: 'Enabled', ExpirationInDays: days, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })] });
    const raw = resources('AWS::S3::Bucket').filter(([id]) => id.startsWith('RawBatches'));
    expect(raw).toHaveLength(1);
    expect(raw[0]![1].Properties.LifecycleConfiguration).toEqual(rules(90));
    const lake = resources('AWS::S3::Bucket').filter(([id]) => id.startsWith('Lake'));
    expect(lake[0]![1].Properties.LifecycleConfiguration).toBeUndefined();
    const short = Template.fromStack(new ServiceStack(new App({ context: { 'aws:cdk:bundling-stacks': [], rawRetentionDays: 30 } }), 'Short', { referenceDir: path.join(projectRoot, '.build', 'reference'), env: { region: 'ap-southeast-1' } }));
    const shortRaw = Object.entries(short.findResources('AWS::S3::Bucket')).filter(([id]) => id.startsWith('RawBatches'));
    expect((shortRaw[0]![1] as Resource).Properties.LifecycleConfiguration).toEqual(rules(30));
  });

  it('serves exactly the declared routes, the /v1 ones behind the Lambda authorizer', () => {
    const declared = routes.map((r) => `${r.method} ${r.path}`).sort();
    const inTemplate = resources('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string).sort();
    expect(inTemplate).toEqual(declared);
    for (const [, r] of resources('AWS::ApiGatewayV2::Route')) {
      const key = r.Properties.RouteKey as string;
      expect(r.Properties.AuthorizationType).toBe(key.includes('/v1/') ? 'CUSTOM' : 'NONE');
    }
    // No identity source and no gateway cache: every request reaches the authorizer, so a missing
    // key gets the service's Error body from the handler, not API Gateway's own 401 body.
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'REQUEST', EnableSimpleResponses: true, AuthorizerResultTtlInSeconds: 0 });
    for (const a of Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer')) as Resource[]) expect(a.Properties.IdentitySource ?? []).toEqual([]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AccessLogSettings: Match.anyValue(), DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 500 }) });
  });

  it('runs simulations on Step Functions with Distributed Maps and the forecast monthly', () => {
    const machines = resources('AWS::StepFunctions::StateMachine');
    expect(machines.length).toBe(1);
    const definition = JSON.stringify(machines[0]![1].Properties.DefinitionString);
    expect(definition).toContain('DISTRIBUTED');
    expect(definition).toContain('ItemReader');
    // The states follow the one phase list (app/simulation-phases.ts): each phase's state leads
    // to the next phase's (budget-only ones behind the Choice on $.budget).
    const join = (machines[0]![1].Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const states = (JSON.parse(join.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as { StartAt: string; States: Record<string, { Type: string; Next?: string; Choices?: { Next: string }[]; Default?: string }> });
    const stateName = (p: SimulationPhase): string => (p.kind === 'map' ? `Map${p.name}` : p.name[0]!.toUpperCase() + p.name.slice(1));
    const after = (name: string, budget: boolean, method: 'drg' | 'dip'): string | undefined => {
      const st = states.States[name]!;
      if (st.Type !== 'Choice') return st.Next;
      const take = name === 'Method?' ? method === 'dip' : budget;
      return take ? st.Choices![0]!.Next : st.Default;
    };
    for (const method of ['drg', 'dip'] as const) {
      for (const budget of [true, false]) {
        let at = after(states.StartAt, budget, method)!;
        const visited: string[] = [];
        while (!states.States[at]!.Type.startsWith('Succeed')) {
          if (states.States[at]!.Type !== 'Choice') visited.push(at);
          at = after(at, budget, method)!;
        }
        expect(visited).toEqual(phasesFor(budget, method).map(stateName));
      }
    }
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 2 1 * ? *)' });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.s3'], 'detail-type': ['Object Created'] }) });
  });

  it('runs supervision monthly and on request, with grants scoped to the supervision objects', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 1 * ? *)', Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SupervisionRun'), 'Arn'] } })] });
    const requested = JSON.stringify(template.findResources('AWS::Events::Rule'));
    expect(requested).toContain('jobs/supervision/*/request.json');
    const policyOf = (fnId: string): string => {
      const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith(`${fnId}ServiceRole`)) ?? '???';
      return JSON.stringify(resources('AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId)).map(([, p]) => p.Properties.PolicyDocument));
    };
    expect(policyOf('CreateSupervisionRun')).toContain('/jobs/supervision/*');
    expect(policyOf('CreateSupervisionRun')).not.toContain('s3:GetObject');
    expect(policyOf('GetSupervisionRun')).not.toContain('s3:PutObject');
    expect(policyOf('GetSupervisionRun')).not.toContain('dynamodb:PutItem');
    expect(policyOf('SupervisionRun')).toContain('s3:GetObject');
    expect(policyOf('SupervisionRun')).not.toContain('s3:DeleteObject');
    // Stress tests: the request object starts StressTestRun; POST may only put request objects.
    expect(requested).toContain('jobs/stress-tests/*/request.json');
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ detail: Match.objectLike({ object: { key: [{ wildcard: 'jobs/stress-tests/*/request.json' }] } }) }), Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StressTestRun'), 'Arn'] } })] });
    expect(policyOf('CreateStressTest')).toContain('/jobs/stress-tests/*');
    expect(policyOf('CreateStressTest')).not.toContain('s3:GetObject');
    expect(policyOf('StressTestRun')).toContain('s3:GetObject');
    expect(policyOf('StressTestRun')).not.toContain('s3:PutObject');
  });

  it('grants least privilege: public and read routes cannot write, only ingest reads the secret', () => {
    const policyOf = (fnId: string): string => {
      const roleIds = Object.entries(template.findResources('AWS::IAM::Role')).map(([id]) => id).filter((id) => id.startsWith(`${fnId}ServiceRole`));
      const policies = resources('AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleIds[0] ?? '???'));
      return JSON.stringify(policies.map(([, p]) => p.Properties.PolicyDocument));
    };
    expect(policyOf('Health')).not.toContain('dynamodb:');
    expect(policyOf('Health')).not.toContain('s3:');
    expect(policyOf('GetCase')).toContain('dynamodb:GetItem');
    expect(policyOf('GetCase')).not.toContain('dynamodb:PutItem');
    expect(policyOf('ListCases')).not.toContain('dynamodb:PutItem');
    expect(policyOf('Group')).not.toContain('dynamodb:PutItem');
    expect(policyOf('Group')).not.toContain('s3:PutObject');
    // The DIP catalogue: only its prefix of the lake, for the routes that read or put it.
    expect(policyOf('Group')).toContain('catalogs/dip/*');
    expect(policyOf('PutDipCatalog')).toContain('s3:PutObject');
    expect(policyOf('PutDipCatalog')).toContain('catalogs/dip/*');
    expect(policyOf('PutDipCatalog')).not.toContain('cases/');
    expect(policyOf('GetDipCatalog')).not.toContain('s3:');
    expect(policyOf('GetDipCatalog')).not.toContain('dynamodb:PutItem');
    expect(policyOf('IngestSettlementLists')).toContain('dynamodb:PutItem');
    expect(policyOf('IngestSettlementLists')).toContain('secretsmanager:GetSecretValue');
    expect(policyOf('GetCase')).not.toContain('secretsmanager:');
    expect(policyOf('Authorizer')).not.toContain('dynamodb:PutItem');
  });

  it('passes cdk-nag AwsSolutions: every finding is explained by a reason', () => {
    const findings = nagFindings(stack);
    const unexplained = findings.filter((f) => !explanationFor(f.id, stack.node.id));
    expect(unexplained).toEqual([]);
    for (const e of explained) expect(e.reason.length).toBeGreaterThan(40);
  });
});
