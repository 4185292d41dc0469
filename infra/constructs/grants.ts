/**
 * One entry of `infra/access.ts` → IAM statements on a principal: exact DynamoDB actions on the
 * table (or its named indexes) with a `dynamodb:LeadingKeys` condition where the entry names
 * its partition keys; GetObject/PutObject on the named lake prefixes and ListBucket limited by
 * `s3:prefix`; the data key's Decrypt/DescribeKey for anything read and Encrypt/GenerateDataKey
 * for anything written, only through DynamoDB and S3 (`kms:ViaService`); the secret through its
 * own grant. No action groups with wildcards.
 */
import { Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { FunctionAccess } from '../access.ts';

export interface DataResources {
  table: ITableV2;
  raw: IBucket;
  lake: IBucket;
  key: IKey;
  secret: ISecret;
}

const writes = new Set(['PutItem', 'UpdateItem', 'BatchWriteItem']);

export function grantAccess(grantee: IGrantable, a: FunctionAccess, r: DataResources): void {
  const add = (s: PolicyStatement): void => {
    grantee.grantPrincipal.addToPrincipalPolicy(s);
  };
  let reads = false;
  let written = false;
  const services = new Set<string>();
  const region = Stack.of(r.table).region;

  if (a.table) {
    const t = a.table;
    const resources = t.indexes ? t.indexes.map((i) => `${r.table.tableArn}/index/${i}`) : [r.table.tableArn];
    add(new PolicyStatement({
      actions: t.actions.map((x) => `dynamodb:${x}`),
      resources,
      ...(t.leadingKeys ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...t.leadingKeys] } } } : {}),
    }));
    if (t.indexQueries) {
      add(new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: t.indexQueries.map((i) => `${r.table.tableArn}/index/${i}`),
        ...(t.leadingKeys ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...t.leadingKeys] } } } : {}),
      }));
    }
    reads = true; // reading an item, and the conditional writes' old item, needs Decrypt
    if (t.actions.some((x) => writes.has(x))) written = true;
    services.add(`dynamodb.${region}.amazonaws.com`);
  }
  const objects = (bucket: IBucket, action: 's3:GetObject' | 's3:PutObject', prefixes: readonly string[]): void => {
    if (prefixes.length === 0) return;
    add(new PolicyStatement({ actions: [action], resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)) }));
    services.add(`s3.${region}.amazonaws.com`);
    if (action === 's3:GetObject') reads = true;
    else written = true;
  };
  if (a.raw?.get) objects(r.raw, 's3:GetObject', ['raw/']);
  if (a.raw?.put) objects(r.raw, 's3:PutObject', ['raw/']);
  if (a.lake) {
    objects(r.lake, 's3:GetObject', a.lake.get ?? []);
    objects(r.lake, 's3:PutObject', a.lake.put ?? []);
    if (a.lake.list && a.lake.list.length > 0) {
      add(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [r.lake.bucketArn], conditions: { StringLike: { 's3:prefix': a.lake.list.map((p) => `${p}*`) } } }));
    }
  }
  if (services.size > 0) {
    const actions = ['kms:Decrypt', 'kms:DescribeKey'];
    if (written) actions.push('kms:Encrypt', 'kms:GenerateDataKey');
    if (reads || written) add(new PolicyStatement({ actions, resources: [r.key.keyArn], conditions: { StringEquals: { 'kms:ViaService': [...services].sort() } } }));
  }
  if (a.secret) r.secret.grantRead(grantee);
}
