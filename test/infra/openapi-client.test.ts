/**
 * A typed client generated from the OpenAPI document (openapi-typescript) compiles with tsc, and
 * no operation's success body comes out as `unknown`, `{}` or `Record<string, never>`: a client
 * gets real types for every answer, job results included. The generated files go to
 * test/generated/ (git-ignored).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lambdas/http/openapi.ts';
import { projectRoot } from '../../lib/reference.ts';

const dir = path.join(projectRoot, 'test', 'generated');

describe('the typed client generated from the OpenAPI document', () => {
  it('compiles, with a real type for every success body', async () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: unknown }> }>> };
    const types = astToString(await openapiTS(doc as never));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'payreform-api.ts'), types);
    // One type-level assertion per operation: its success body must not be loose.
    const checks: string[] = [];
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const status = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
        checks.push(`  /** ${op.operationId} */ Strict<Loose<paths[${JSON.stringify(p)}][${JSON.stringify(method)}]['responses'][${status}]['content']['application/json']>>,`);
      }
    }
    expect(checks.length).toBe(Object.values(doc.paths).reduce((n, m) => n + Object.keys(m).length, 0));
    writeFileSync(path.join(dir, 'checks.ts'), [
      "import type { paths } from './payreform-api.ts';",
      '/** true for unknown, {}, Record<string, never>. */',
      'type Loose<T> = unknown extends T ? true : [keyof T] extends [never] ? true : T extends Record<string, never> ? true : false;',
      'type Strict<T extends false> = T;',
      'export type Checks = [',
      ...checks,
      '];',
      '',
    ].join('\n'));
    const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--allowImportingTsExtensions', '--skipLibCheck', path.join(dir, 'checks.ts')];
    const out = await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: projectRoot }).then(() => '', (e: { stdout?: string }) => e.stdout ?? String(e));
    expect(out).toBe('');
    // The generated types are not all-permissive either: no `[key: string]: unknown` on success bodies' top level.
    expect(types).toMatch(/"\/v1\/simulations\/\{id\}"/);
  }, 60_000);
});
