/** Stopping and starting the local stack keeps the data (two start-ups: that is what is tested). */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { call, freePort, hospitalLines, key, tempDataDir } from './helpers.ts';

const dataDir = tempDataDir();
let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('restart', () => {
  it('keeps cases across a stop and start, and a re-send after the restart duplicates nothing', async () => {
    const lines = hospitalLines('HOSP001', 20).join('\n');
    const port = await freePort();
    stack = await startLocalStack({ port, dataDir, buildDir: path.join(dataDir, 'build'), quiet: true });
    const first = await call(`${stack.url}/v1/settlement-lists`, 'POST', key.hosp1, lines, 'application/x-ndjson');
    expect(first.json.created as number).toBeGreaterThan(0);
    await stack.stop();
    stack = await startLocalStack({ port, dataDir, buildDir: path.join(dataDir, 'build'), quiet: true, skipBuild: true });
    const again = await call(`${stack.url}/v1/settlement-lists`, 'POST', key.hosp1, lines, 'application/x-ndjson');
    expect(again.json).toMatchObject({ created: 0, unchanged: first.json.accepted });
    const list = await call(`${stack.url}/v1/cases?from=2025-01-01&to=2025-12-31&limit=1000`, 'GET', key.hosp1);
    expect((list.json.items as unknown[]).length).toBe(first.json.accepted);
  });
});
