/**
 * cdk-nag (AwsSolutions) acknowledgements. Every finding is matched against this table of
 * (rule, finding pattern, reason); a finding no entry explains stays an error, so a new
 * unexplained finding fails `cdk synth` and `test/infra`.
 */
import { Validations, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export interface Explained {
  rule: string;
  /** Matches the finding id inside `Rule[...]` (or the whole id when the rule has no finding ids). */
  finding?: RegExp;
  reason: string;
  /** Only in this stack (construct id); omitted: any stack. */
  stack?: string;
}

export const explained: Explained[] = [
  { rule: 'AwsSolutions-IAM4', finding: /AWSLambdaBasicExecutionRole/, reason: 'AWSLambdaBasicExecutionRole only lets a function write its own CloudWatch logs; it is the managed policy AWS maintains for exactly that.' },
  // Object-level grants: each entry is one key prefix of our own buckets, and says which actions
  // (infra/access.ts) the functions hold on it. Grants use exact actions only — no `s3:*Object*`
  // or `kms:*` groups — so no Action:: finding is acknowledged at all.
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::<RawBatches[A-Za-z0-9]*\.Arn>\/raw\/\*$/, reason: 'Raw batch bodies (raw/hospital=<id>/date=<day>/<batch id>, one per request): s3:PutObject for the ingest function, s3:GetObject for ReplayBatch; keys are made per batch, so they cannot be listed in advance. No delete.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::<Lake[A-Za-z0-9]*\.Arn>\/cases\/\*$/, reason: 'The cases lake (cases/year=/month=/hospital=/batch-<id>.jsonl.gz): s3:PutObject for ingest and replay, s3:GetObject for the overview, forecast, simulation partitions and supervision runs (which also hold s3:ListBucket on the bucket limited by s3:prefix cases/*). Object names carry the batch id. No delete.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::<Lake[A-Za-z0-9]*\.Arn>\/jobs\/simulations\/\*$/, reason: 'Simulation job objects (jobs/simulations/<id>/request.json, manifest, per-phase partials, result.json; ids made per request): s3:PutObject for POST /v1/simulations and the simulation functions, s3:GetObject for those functions, GET /v1/simulations/{id} and the state machine\'s manifest reader. No delete.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::<Lake[A-Za-z0-9]*\.Arn>\/jobs\/supervision\/\*$/, reason: 'Supervision run objects (jobs/supervision/<run id>/request.json, result.json, flags per hospital; ids made per run): s3:PutObject for POST /v1/supervision-runs and the SupervisionRun job, s3:GetObject for the job and the two GET routes. No delete.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::<Lake[A-Za-z0-9]*\.Arn>\/jobs\/stress-tests\/\*$/, reason: 'Stress test request objects (jobs/stress-tests/<id>/request.json, ids made per request): s3:PutObject for POST /v1/stress-tests, s3:GetObject for the StressTestRun job. No delete.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::<Lake[A-Za-z0-9]*\.Arn>\/jobs\/scheme-comparisons\/\*$/, reason: 'Scheme comparison objects (jobs/scheme-comparisons/<id>/request.json, status.json, result.json; ids made per request): s3:PutObject for POST /v1/scheme-comparisons and the SchemeComparisonRun job, s3:GetObject for the job and GET /v1/scheme-comparisons/{id}. No delete.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::<Lake[A-Za-z0-9]*\.Arn>\/catalogs\/dip\/\*$/, reason: 'DIP catalogue objects (catalogs/dip/<sha-256>.json, named by the content hash of each catalogue put): s3:PutObject for PUT /v1/dip-catalog, s3:GetObject for POST /v1/group, ingest and replay. No delete.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::\*$/, reason: 'X-Ray PutTraceSegments/PutTelemetryRecords, the Step Functions log delivery actions and CloudFront CreateInvalidation/GetInvalidation (the console deployment invalidating its own distribution) have no resource-level permissions usable here; these statements carry only those actions.' },
  { rule: 'AwsSolutions-IAM5', stack: 'PayreformConsole', finding: /^Action::(s3:GetObject\*|s3:GetBucket\*|s3:List\*|s3:DeleteObject\*|s3:Abort\*)$/, reason: 'Console stack only: the CDK BucketDeployment that copies the built console into its bucket holds CDK\'s read groups (s3:GetObject*, s3:GetBucket*, s3:List*) on the asset and console buckets and s3:DeleteObject* / s3:Abort* on the console bucket (it prunes old files). The service stack has no such group: its grants are exact actions.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::(<ConsoleFiles[A-Za-z0-9]*\.Arn>\/\*|arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-[a-z0-9-]+\/\*)$/, reason: 'The console deployment (CDK BucketDeployment) copies the built files from the CDK asset bucket into the console bucket: object-level access inside those two buckets only.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'The state machine invokes our own simulation functions, any version (function ARN:*).' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::arn:<AWS::Partition>:states:[^:]+:<AWS::AccountId>:(execution|mapRun):.*$/, reason: 'The Distributed Map manages its own child executions and map runs, whose ids are generated at run time.' },
  { rule: 'AwsSolutions-IAM5', finding: /^Resource::arn:<AWS::Partition>:states:[^:]+:<AWS::AccountId>:stateMachine:.*$/, reason: 'The Distributed Map starts child executions of its own state machine.' },
  { rule: 'AwsSolutions-L1', reason: 'Node.js 22 is the runtime the service is built and tested for (ESM bundles target node22); moving runtime is a deliberate change, not drift. The console stack\'s only function is CDK\'s BucketDeployment handler, whose runtime aws-cdk-lib chooses and upgrades.' },
  { rule: 'AwsSolutions-CFR1', reason: 'The console is for the bureau\'s and hospitals\' staff wherever they sign in from; access is decided by API keys, not by country. A deployment that must stay in-country adds a geo restriction.' },
  { rule: 'AwsSolutions-CFR2', reason: 'The distribution serves static files and forwards to the HTTP API, which has its own throttling (500 rps, burst 1000) and key authorizer; a WAF web ACL (us-east-1, per-request cost) is a deployment option, not a default.' },
  { rule: 'AwsSolutions-CFR4', reason: 'With the default *.cloudfront.net certificate CloudFront cannot enforce a minimum TLS version; minimumProtocolVersion TLSv1.2_2021 is set and takes effect as soon as a custom domain with an ACM certificate is attached.' },
  { rule: 'AwsSolutions-SMG4', reason: 'The secret is the HMAC key of the patientId pseudonyms: rotating it would change every pseudonym and break linking a patient across years, so it is only re-keyed in a planned migration.' },
  { rule: 'AwsSolutions-APIG4', reason: 'Only GET /health and GET /openapi.json are public by design (liveness, API description); every /v1 route uses the Lambda authorizer.' },
  { rule: 'AwsSolutions-S1', reason: 'The access-log bucket does not log its own access (that would recurse); the data buckets log into it.' },
];

function splitId(id: string): { rule: string; finding: string } {
  const m = /^([^[]+)\[(.*)\]$/.exec(id);
  return m ? { rule: m[1]!, finding: m[2]! } : { rule: id, finding: id };
}

/** The entry explaining a finding of the stack with construct id `stackId`. */
export function explanationFor(id: string, stackId: string): Explained | undefined {
  const { rule, finding } = splitId(id);
  return explained.find((e) => e.rule === rule && (e.stack === undefined || e.stack === stackId) && (e.finding === undefined || e.finding.test(finding)));
}

/** Every AwsSolutions finding of the stack: rule id (with finding) and resource path. */
export function nagFindings(stack: Stack): { id: string; path: string }[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  const out: { id: string; path: string }[] = [];
  for (const v of report.violations) {
    for (const r of v.violatingResources) out.push({ id: v.ruleName, path: r.resourceLogicalId ?? r.locations?.[0] ?? '' });
  }
  return out;
}

/** Acknowledge (with its reason) every finding the table explains; the rest stay. */
export function acknowledgeExplained(stack: Stack): void {
  const ids = new Set(nagFindings(stack).map((f) => f.id));
  for (const id of ids) {
    const e = explanationFor(id, stack.node.id);
    if (e) Validations.of(stack).acknowledge({ id, reason: e.reason });
  }
}
