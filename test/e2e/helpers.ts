/** Shared helpers of the e2e tests: free ports, temp data dirs, keys, requests. */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devCasesWithMadeUpDetails } from '../../infra/local/demo.ts';
import { devKeys } from '../../infra/local/stack.ts';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

export const tempDataDir = (): string => mkdtempSync(path.join(tmpdir(), 'payreform-e2e-'));

const keys = devKeys();
export const key = {
  hosp1: keys.find((k) => k.hospitalId === 'HOSP001')!.key,
  hosp2: keys.find((k) => k.hospitalId === 'HOSP002')!.key,
  analyst: keys.find((k) => k.role === 'analyst')!.key,
  admin: keys.find((k) => k.role === 'admin')!.key,
};

/** Dev cases of HOSP001 with made-up dates and costs (valid at ingest unless they carry grey codes). */
export const hospitalLines = (hospitalId: string, n: number): string[] => devCasesWithMadeUpDetails().filter((l) => l.includes(`"${hospitalId}"`)).slice(0, n);

export async function call(url: string, method: string, k: string | null, body?: string, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (k) headers.authorization = `Bearer ${k}`;
  if (body !== undefined) headers['content-type'] = contentType;
  const r = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await r.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: r.status, json, headers: r.headers };
}
