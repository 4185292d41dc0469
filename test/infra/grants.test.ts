/**
 * Least privilege, function by function: the exact set of actions each function's role may take
 * on the table (and which indexes / partition keys), on each bucket (and which key prefixes), on
 * the data key (and through which services) and on the secret. The expectation is written out
 * here, independently of infra/access.ts, so widening a grant there fails this test.
 */
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeReference } from '../../infra/local/build.ts';
import { authorizer, jobs, routes } from '../../app/routes.ts';
import { ServiceStack } from '../../infra/stacks/service-stack.ts';
import { projectRoot } from '../../lib/reference.ts';

let template: Template;

beforeAll(() => {
  const referenceDir = path.join(projectRoot, '.build', 'reference');
  writeReference(referenceDir);
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new ServiceStack(app, 'Payreform', { referenceDir, env: { region: 'ap-southeast-1' } }));
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string | string[]>> };

/** A resource of the template, named: `Table`, `Table/index/byMonth`, `Lake/cases/*`, `DataKey`, `*`. */
function resourceName(r: unknown): string {
  if (r === '*') return '*';
  const text = JSON.stringify(r);
  const id = /"(Table|RawBatches|Lake|DataKey|PseudonymSecret)[A-F0-9]{8}"/.exec(text)?.[1] ?? text;
  const join = (r as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  const tail = join ? join[1].filter((p): p is string => typeof p === 'string').join('').replace(/^arn:.*?:::?/, '') : '';
  return `${id}${tail}`;
}

function conditionText(c: Statement['Condition']): string {
  if (!c) return '';
  const parts = Object.values(c).flatMap((o) => Object.entries(o).map(([k, v]) => `${k.replace(/^.*:/, '')}=${[v].flat().map((x) => (typeof x === 'string' ? x.replace(/\.ap-southeast-1\.amazonaws\.com$/, '') : 'token')).sort().join('|')}`));
  return ` if ${parts.sort().join(' ')}`;
}

/** Every grant of a function's role (its inline policies), one line per action and resource; X-Ray left out. */
function grantsOf(fnId: string): string[] {
  const roleIds = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => new RegExp(`^${fnId}ServiceRole[A-F0-9]{8}$`).test(id));
  expect(roleIds, `the role of ${fnId}`).toHaveLength(1);
  const out = new Set<string>();
  for (const p of Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } } }[]) {
    if (!JSON.stringify(p.Properties.Roles).includes(`"${roleIds[0]}"`)) continue;
    for (const s of p.Properties.PolicyDocument.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const a of [s.Action].flat()) {
        if (a.startsWith('xray:')) continue;
        for (const r of [s.Resource].flat()) out.add(`${a} ${resourceName(r)}${conditionText(s.Condition)}`);
      }
    }
  }
  return [...out].sort();
}

const key = (via: string, write = false): string[] => [`kms:Decrypt DataKey if ViaService=${via}`, `kms:DescribeKey DataKey if ViaService=${via}`, ...(write ? [`kms:Encrypt DataKey if ViaService=${via}`, `kms:GenerateDataKey DataKey if ViaService=${via}`] : [])];
const table = (actions: string[], leadingKeys?: string): string[] => actions.map((a) => `dynamodb:${a} Table${leadingKeys ? ` if LeadingKeys=${leadingKeys}` : ''}`);
const secret = ['secretsmanager:DescribeSecret PseudonymSecret', 'secretsmanager:GetSecretValue PseudonymSecret'];
const listCases = 'ListBucket Lake if prefix=cases/*';

const ingest = [
  ...table(['GetItem', 'PutItem', 'BatchGetItem'], 'CATALOG#DIP|HOSP#*'),
  's3:PutObject RawBatches/raw/*', 's3:GetObject Lake/catalogs/dip/*', 's3:PutObject Lake/cases/*',
  ...key('dynamodb|s3', true), ...secret,
];
const supervisionRead = [...table(['GetItem'], 'SUPERVISION#*'), 's3:GetObject Lake/jobs/supervision/*', ...key('dynamodb|s3')];

/** The expected grants: written out, not derived from infra/access.ts. */
const expected: Record<string, string[]> = {
  Health: [],
  OpenApi: [],
  WhoAmI: [],
  ListSchemes: [],
  Authorizer: [...table(['GetItem'], 'KEY#*'), ...key('dynamodb')],
  IngestSettlementLists: ingest,
  ReplayBatch: [...ingest.filter((g) => !g.startsWith('s3:PutObject RawBatches')), ...table(['Query'], 'CATALOG#DIP|HOSP#*'), 's3:GetObject RawBatches/raw/*'],
  GetCase: [...table(['GetItem'], 'HOSP#*'), ...key('dynamodb')],
  ListCases: ['dynamodb:Query Table/index/byMonth', 'dynamodb:Query Table/index/byDrg', ...key('dynamodb')],
  DataQuality: [...table(['Query'], 'HOSP#*'), 'dynamodb:Query Table/index/byMonth if LeadingKeys=HOSP#*', ...key('dynamodb')],
  Group: [...table(['GetItem'], 'CATALOG#DIP'), 's3:GetObject Lake/catalogs/dip/*', ...key('dynamodb|s3')],
  PutDipCatalog: [...table(['PutItem'], 'CATALOG#DIP'), 's3:PutObject Lake/catalogs/dip/*', ...key('dynamodb|s3', true)],
  GetDipCatalog: [...table(['GetItem'], 'CATALOG#DIP'), ...key('dynamodb')],
  CreateSimulation: [...table(['PutItem'], 'SIM#*'), 's3:PutObject Lake/jobs/simulations/*', ...key('dynamodb|s3', true)],
  GetSimulation: [...table(['GetItem'], 'SIM#*'), 's3:GetObject Lake/jobs/simulations/*', ...key('dynamodb|s3')],
  CreateStressTest: [...table(['PutItem'], 'STRESS#*'), 's3:PutObject Lake/jobs/stress-tests/*', ...key('dynamodb|s3', true)],
  GetStressTest: [...table(['GetItem'], 'STRESS#*'), ...key('dynamodb')],
  LatestForecast: [...table(['GetItem'], 'FORECAST#*'), ...key('dynamodb')],
  Overview: ['s3:GetObject Lake/cases/*', `s3:${listCases}`, ...key('s3')],
  CreateSupervisionRun: [...table(['PutItem'], 'SUPERVISION#*'), 's3:PutObject Lake/jobs/supervision/*', ...key('dynamodb|s3', true)],
  GetSupervisionRun: supervisionRead,
  LatestSupervisionRun: supervisionRead,
  SimulationCoordinator: [...table(['UpdateItem'], 'SIM#*'), 's3:GetObject Lake/jobs/simulations/*', 's3:PutObject Lake/jobs/simulations/*', `s3:${listCases}`, ...key('dynamodb|s3', true)],
  SimulationPartition: [...table(['PutItem', 'UpdateItem'], 'SIM#*'), 's3:GetObject Lake/cases/*', 's3:GetObject Lake/jobs/simulations/*', 's3:PutObject Lake/jobs/simulations/*', `s3:${listCases}`, ...key('dynamodb|s3', true)],
  SimulationStep: [...table(['UpdateItem'], 'SIM#*'), 's3:GetObject Lake/jobs/simulations/*', 's3:PutObject Lake/jobs/simulations/*', ...key('dynamodb|s3', true)],
  Forecast: [...table(['PutItem'], 'ALERT#*|FORECAST#*'), 's3:GetObject Lake/cases/*', `s3:${listCases}`, ...key('dynamodb|s3', true)],
  SupervisionRun: [...table(['GetItem', 'PutItem', 'UpdateItem'], 'SUPERVISION#*'), 's3:GetObject Lake/cases/*', 's3:GetObject Lake/jobs/supervision/*', 's3:PutObject Lake/jobs/supervision/*', `s3:${listCases}`, ...key('dynamodb|s3', true)],
  CreateSchemeComparison: ['s3:PutObject Lake/jobs/scheme-comparisons/*', ...key('s3', true)],
  GetSchemeComparison: ['s3:GetObject Lake/jobs/scheme-comparisons/*', ...key('s3')],
  SchemeComparisonRun: ['s3:GetObject Lake/cases/*', 's3:GetObject Lake/jobs/scheme-comparisons/*', 's3:PutObject Lake/jobs/scheme-comparisons/*', `s3:${listCases}`, ...key('s3', true)],
  StressTestRun: [...table(['GetItem', 'PutItem'], 'STRESS#*'), 's3:GetObject Lake/jobs/stress-tests/*', ...key('dynamodb|s3', true)],
};

describe('least privilege, function by function', () => {
  it('has an expectation for every function of the stack', () => {
    expect(Object.keys(expected).sort()).toEqual([...routes.map((r) => r.id), authorizer.id, ...jobs.map((j) => j.id)].sort());
  });

  for (const [fnId, grants] of Object.entries(expected)) {
    it(`${fnId} may do exactly what it needs`, () => {
      expect(grantsOf(fnId)).toEqual([...grants].sort());
    });
  }

  it('lets no function scan, delete an item or an object, or use a wildcard action', () => {
    const all = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 's3:DeleteObject', 's3:*', 'dynamodb:*', 'kms:*']) expect(all).not.toContain(`"${forbidden}`);
    const actions = [...all.matchAll(/"((?:dynamodb|s3|kms):[A-Za-z*]+)"/g)].map((m) => m[1]!);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('encrypts every log group with the log key, whose policy admits CloudWatch Logs for this account only', () => {
    const groups = Object.entries(template.findResources('AWS::Logs::LogGroup')) as [string, { Properties: { KmsKeyId?: unknown } }][];
    expect(groups.length).toBe(routes.length + 1 + jobs.length + 2);
    for (const [id, g] of groups) expect(JSON.stringify(g.Properties.KmsKeyId ?? null), id).toMatch(/"LogKey[A-F0-9]{8}"/);
    const keys = Object.entries(template.findResources('AWS::KMS::Key')) as [string, { Properties: { EnableKeyRotation: boolean; KeyPolicy: { Statement: Statement[] & { Principal?: unknown }[] } } }][];
    const logKey = keys.find(([id]) => id.startsWith('LogKey'))![1];
    expect(logKey.Properties.EnableKeyRotation).toBe(true);
    const forLogs = logKey.Properties.KeyPolicy.Statement.find((s) => JSON.stringify(s).includes('logs.'))!;
    expect(JSON.stringify(forLogs.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(JSON.stringify(forLogs.Condition)).toContain(':log-group:*');
  });

  it('lets the state machine read only the simulation objects (its manifest)', () => {
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('SimulationRole'))!;
    const text = JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes(`"${roleId}"`)));
    expect(text).toContain('/jobs/simulations/*');
    expect(text).not.toContain('s3:PutObject');
    expect(text).not.toContain('s3:List');
  });
});
