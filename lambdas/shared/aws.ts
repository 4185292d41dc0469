/**
 * AWS SDK clients, one per container. On AWS they use the function's role; on the local stack
 * they point at dynalite and s3rver (DYNAMODB_ENDPOINT / S3_ENDPOINT) with dummy credentials.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { config } from './config.ts';

let documentClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;

const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function dynamo(): DynamoDBDocumentClient {
  if (documentClient) return documentClient;
  const c = config();
  const client = new DynamoDBClient({
    region: c.AWS_REGION,
    ...(c.DYNAMODB_ENDPOINT ? { endpoint: c.DYNAMODB_ENDPOINT, credentials: localCredentials } : {}),
    maxAttempts: 5,
  });
  documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
  return documentClient;
}

export function s3(): S3Client {
  if (s3Client) return s3Client;
  const c = config();
  s3Client = new S3Client({
    region: c.AWS_REGION,
    ...(c.S3_ENDPOINT
      ? { endpoint: c.S3_ENDPOINT, forcePathStyle: true, credentials: localCredentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
  return s3Client;
}

/** Tests that switch endpoints call this. */
export function resetClients(): void {
  documentClient = undefined;
  s3Client = undefined;
}
