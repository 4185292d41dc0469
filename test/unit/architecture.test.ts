/**
 * The layers point down, and no file imports itself back. Every import (static, `export … from`,
 * type-only and dynamic `import()`) of every .ts file under models/ app/ lib/ lambdas/ cli/ infra/
 * is read with the TypeScript scanner (ts.preProcessFile) and checked:
 *
 *   models/   the pure domain: imports nothing outside models/
 *   app/      the application layer (the record path, the simulation phases and result
 *             document, the route table, roles, storage names): models/ only
 *   lib/      node-side helpers shared by the CLI, the handlers and the stacks (reference files,
 *             code sets, scheme loading, progress, worker threads): models/ and app/
 *   lambdas/  handlers, jobs, AWS adapters: models/ app/ lib/ — never cli/ or infra/
 *   cli/      the commands: models/ app/ lib/ — never lambdas/ or infra/
 *   infra/    the CDK app and the local stack: models/ app/ lib/ — never cli/; lambdas/ only as
 *             the local stack hosting the handlers (infra/local/, dynamic `import()` only, as
 *             AWS loads a handler), never statically
 *
 * and the import graph has no cycle (no two files import each other, directly or around a loop).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/reference.ts';

const layers = ['models', 'app', 'lib', 'lambdas', 'cli', 'infra'] as const;
type Layer = (typeof layers)[number];

/** What each layer may import besides itself. */
const allowed: Record<Layer, readonly Layer[]> = {
  models: [],
  app: ['models'],
  lib: ['models', 'app'],
  lambdas: ['models', 'app', 'lib'],
  cli: ['models', 'app', 'lib'],
  infra: ['models', 'app', 'lib'],
};

interface Edge {
  from: string;
  to: string;
  dynamic: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(path.join(projectRoot, d), { withFileTypes: true })) {
      const rel = path.posix.join(d, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(dir);
  return out;
}

const files = layers.flatMap(sourceFiles);

/** The project-relative imports of a file (packages and node: modules are not layers). */
function importsOf(file: string): Edge[] {
  const source = readFileSync(path.join(projectRoot, file), 'utf8');
  const info = ts.preProcessFile(source, true, true);
  const dynamic = new Set<string>();
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) dynamic.add(m[1]!);
  const staticSpecs = new Set<string>();
  for (const m of source.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?['"]([^'"]+)['"]/g)) staticSpecs.add(m[1]!);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ from: file, to: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)), dynamic: dynamic.has(spec) && !staticSpecs.has(spec) }));
}

const edges = files.flatMap(importsOf);
const layerOf = (file: string): string => file.split('/')[0]!;

/** An edge breaks the layering: the message naming both files, or null. */
function violation(e: Edge): string | null {
  const from = layerOf(e.from) as Layer;
  const to = layerOf(e.to);
  if (from === to) return null;
  if ((allowed[from] as readonly string[]).includes(to)) return null;
  if (from === 'infra' && to === 'lambdas' && e.from.startsWith('infra/local/') && e.dynamic) return null;
  return `${e.from} imports ${e.to} (${from}/ may import ${allowed[from].length > 0 ? allowed[from].join('/, ') + '/' : 'nothing outside itself'})`;
}

/** Strongly connected components of more than one file (or a file importing itself): the cycles. */
function cycles(graph: readonly Pick<Edge, 'from' | 'to'>[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of graph) (next.get(e.from) ?? next.set(e.from, []).get(e.from)!).push(e.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('architecture', () => {
  it('reads the imports of every layer', () => {
    for (const layer of layers) expect(files.some((f) => layerOf(f) === layer), layer).toBe(true);
    // The scanner sees multi-line, type-only, re-export and dynamic imports.
    expect(edges).toContainEqual({ from: 'lambdas/shared/auth.ts', to: 'app/principal.ts', dynamic: false });
    expect(edges.some((e) => e.from === 'infra/local/stack.ts' && e.to.startsWith('lambdas/') && e.dynamic)).toBe(true);
  });

  it('has no upward or sideways import between layers', () => {
    expect(edges.map(violation).filter((v) => v !== null)).toEqual([]);
  });

  it('flags what it should: a model importing the app, a handler importing the CLI, a static import of a handler by the stacks', () => {
    expect(violation({ from: 'models/payment/x.ts', to: 'app/record.ts', dynamic: false })).toMatch(/models\/payment\/x.ts imports app\/record.ts/);
    expect(violation({ from: 'lambdas/http/x.ts', to: 'cli/dip-records.ts', dynamic: false })).not.toBeNull();
    expect(violation({ from: 'cli/x.ts', to: 'lambdas/shared/keys.ts', dynamic: false })).not.toBeNull();
    expect(violation({ from: 'infra/stacks/x.ts', to: 'lambdas/shared/keys.ts', dynamic: false })).not.toBeNull();
    expect(violation({ from: 'infra/local/x.ts', to: 'lambdas/jobs/x.ts', dynamic: false })).not.toBeNull();
    expect(violation({ from: 'infra/local/x.ts', to: 'lambdas/jobs/x.ts', dynamic: true })).toBeNull();
    expect(violation({ from: 'app/x.ts', to: 'lib/scheme.ts', dynamic: false })).not.toBeNull();
  });

  it('has no import cycle', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('finds a cycle around a loop and a pair importing each other', () => {
    expect(cycles([{ from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'c.ts' }, { from: 'c.ts', to: 'a.ts' }, { from: 'c.ts', to: 'd.ts' }])).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(cycles([{ from: 'x.ts', to: 'y.ts' }, { from: 'y.ts', to: 'x.ts' }])).toEqual([['x.ts', 'y.ts']]);
  });
});
