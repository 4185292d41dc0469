/**
 * Supervision runs in the table: `SUPERVISION#<id>` / `JOB` holds status, progress and a summary;
 * `SUPERVISION#latest` points at the last run that succeeded. The results themselves (ranking,
 * flags with their evidence) are objects in the lake bucket under `jobs/supervision/<id>/`
 * (keys.ts) — a month of flags does not fit a 400 KB item.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './aws.ts';
import { config } from './config.ts';
import * as k from './keys.ts';
import type { SupervisionRun, SupervisionRunStore } from '../../models/ports.ts';

export type { SupervisionProgress, SupervisionRun } from '../../models/ports.ts';

const table = (): string => config().TABLE_NAME;

export async function putSupervisionRun(run: SupervisionRun): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.supervisionPk(run.id), sk: k.jobSk, type: 'supervision-run', ...run } }));
}

export async function getSupervisionRun(id: string): Promise<SupervisionRun | null> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.supervisionPk(id), sk: k.jobSk }, ConsistentRead: true }));
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, type: _type, ...run } = out.Item;
  return run as SupervisionRun;
}

export async function updateSupervisionRun(id: string, fields: Partial<Omit<SupervisionRun, 'id'>>): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [key, value] of Object.entries({ ...fields, updatedAt: fields.updatedAt ?? new Date().toISOString() })) {
    if (value === undefined) continue;
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    sets.push(`#${key} = :${key}`);
  }
  await dynamo().send(new UpdateCommand({ TableName: table(), Key: { pk: k.supervisionPk(id), sk: k.jobSk }, UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values }));
}

/**
 * Claim a run for this invocation: queued (or failed, for a retry) → running, once. A
 * redelivered event (EventBridge is at-least-once) finds it running or done and gets false.
 */
export async function claimSupervisionRun(id: string): Promise<boolean> {
  try {
    await dynamo().send(new UpdateCommand({
      TableName: table(),
      Key: { pk: k.supervisionPk(id), sk: k.jobSk },
      UpdateExpression: 'SET #status = :running, updatedAt = :now REMOVE #error',
      ConditionExpression: '#status IN (:queued, :failed)',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':failed': 'failed', ':now': new Date().toISOString() },
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException')) return false;
    throw error;
  }
}

export async function setLatestSupervisionRun(id: string): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.supervisionPk('latest'), sk: k.jobSk, type: 'supervision-latest', runId: id } }));
}

export async function latestSupervisionRunId(): Promise<string | null> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.supervisionPk('latest'), sk: k.jobSk }, ConsistentRead: true }));
  return (out.Item?.runId as string | undefined) ?? null;
}

/** The port these functions implement (models/ports.ts). */
export const dynamoSupervisionRunStore: SupervisionRunStore = {
  put: putSupervisionRun,
  get: getSupervisionRun,
  update: updateSupervisionRun,
  claim: claimSupervisionRun,
  setLatest: setLatestSupervisionRun,
  latestId: latestSupervisionRunId,
};
