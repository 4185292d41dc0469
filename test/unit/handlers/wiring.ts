/** Handlers and jobs reach storage only through their ports: no file of lambdas/http or lambdas/jobs imports an adapter or an SDK; deps.ts is the one place that builds them. */
import './harness.ts';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../lib/reference.ts';

const adapters = /from '(\.\.\/shared\/(repositories|object-store|fund-store|supervision-store|dip-catalog-store|aws|clock)\.ts|@aws-sdk\/[^']+)'/;

describe('wiring', () => {
  it('no handler or job imports a storage adapter, the clock or the AWS SDK', () => {
    const offenders: string[] = [];
    for (const dir of ['lambdas/http', 'lambdas/jobs']) {
      for (const file of readdirSync(path.join(projectRoot, dir)).filter((f) => f.endsWith('.ts'))) {
        readFileSync(path.join(projectRoot, dir, file), 'utf8').split('\n').forEach((line, i) => {
          if (/^\s*(import|export)\b/.test(line) && adapters.test(line)) offenders.push(`${dir}/${file}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });
});
