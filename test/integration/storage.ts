/** Real dynalite (in memory) and s3rver (temp dir) on random ports, and the service env pointing at them. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ensureBuckets, ensureTable, localNames } from '../../infra/local/stack.ts';
import { writeReference } from '../../infra/local/build.ts';
import { projectRoot } from '../../lib/reference.ts';
import { resetClients } from '../../lambdas/shared/aws.ts';
import { resetConfig } from '../../lambdas/shared/config.ts';

const require = createRequire(import.meta.url);

export interface Storage {
  stop(): Promise<void>;
}

export async function startStorage(): Promise<Storage> {
  const dynalite = require('dynalite') as (o: object) => Server;
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(path.join(tmpdir(), 'payreform-s3-'));
  const S3rver = require('s3rver') as new (o: object) => { run(): Promise<AddressInfo>; close(): Promise<void> };
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await s3.run();
  const referenceDir = path.join(projectRoot, '.build', 'reference');
  writeReference(referenceDir);
  Object.assign(process.env, {
    TABLE_NAME: localNames.table, RAW_BUCKET: localNames.rawBucket, LAKE_BUCKET: localNames.lakeBucket,
    AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: `http://127.0.0.1:${(db.address() as AddressInfo).port}`, S3_ENDPOINT: `http://127.0.0.1:${port}`,
    PSEUDONYM_SECRET: 'integration-test-secret-0123456789', REFERENCE_DIR: referenceDir,
    POWERTOOLS_TRACE_ENABLED: 'false', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  resetConfig();
  resetClients();
  await ensureTable(process.env.DYNAMODB_ENDPOINT!);
  await ensureBuckets(process.env.S3_ENDPOINT!);
  return {
    stop: async () => {
      await s3.close();
      await new Promise((r) => db.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The service's modules, imported after `startStorage` has set the environment they read. */
export async function serviceModules() {
  return {
    ingest: await import('../../lambdas/shared/ingest.ts'),
    deps: await import('../../lambdas/shared/deps.ts'),
    repo: await import('../../lambdas/shared/repositories.ts'),
    objects: await import('../../lambdas/shared/object-store.ts'),
    keys: await import('../../lambdas/shared/keys.ts'),
    aws: await import('../../lambdas/shared/aws.ts'),
    pseudonym: await import('../../lambdas/shared/pseudonym.ts'),
    reference: await import('../../lambdas/shared/reference.ts'),
    reader: await import('../../lambdas/shared/lake-reader.ts'),
    summary: await import('../../lambdas/shared/lake-summary.ts'),
    sim: await import('../../lambdas/jobs/simulation.ts'),
    sup: await import('../../lambdas/jobs/supervision.ts'),
    forecast: await import('../../lambdas/jobs/forecast.ts'),
    replay: await import('../../lambdas/jobs/replay-batch.ts'),
    store: await import('../../lambdas/shared/supervision-store.ts'),
    view: await import('../../lambdas/http/supervision-runs-get.ts'),
    validate: await import('../../models/settlement/validate.ts'),
  };
}

/** Real local stores for the file's tests (started before, stopped after) and the service's modules, filled in once they run. */
export function useLocalService(): Awaited<ReturnType<typeof serviceModules>> {
  const modules = {} as Awaited<ReturnType<typeof serviceModules>>;
  let storage: Storage | undefined;
  beforeAll(async () => {
    storage = await startStorage();
    Object.assign(modules, await serviceModules());
  });
  afterAll(async () => storage?.stop());
  return modules;
}
