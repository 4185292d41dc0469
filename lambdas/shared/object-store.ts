/** The S3 adapter of the `ObjectStore` port (s3rver locally). */
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../../models/ports.ts';
import { s3 } from './aws.ts';

export const s3ObjectStore: ObjectStore = {
  async put(bucket, key, body, contentType) {
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: typeof body === 'string' ? Buffer.from(body) : body, ContentType: contentType }));
  },
  async get(bucket, key) {
    try {
      const out = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound'))) return null;
      throw error;
    }
  },
  async list(bucket, prefix) {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys;
  },
};
