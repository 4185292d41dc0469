/**
 * The console on the local stack: one port serves the built console (`web/dist`) and passes the
 * API's paths (`/v1/…`, `/health`, `/openapi.json`) through to serverless-offline — the local
 * stand-in for the CloudFront distribution that serves the console from S3 and forwards the
 * same paths to the HTTP API (infra/constructs/console-site.ts). Same origin, so no CORS.
 * Paths without a file extension get `index.html` (the console routes in the browser).
 *
 * This server shares its process with dynalite and s3rver: a request it cannot serve (a broken
 * percent-encoding such as `/%E0%A4%A`, a vanished upstream) gets its own 4xx/5xx answer and
 * nothing is thrown out of the handler, so one bad URL never stops the local stack.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { projectRoot } from '../../lib/reference.ts';

export const consoleSource = path.join(projectRoot, 'web');
export const consoleDist = path.join(projectRoot, 'web', 'dist');

/** Request paths that belong to the API (the same list the CloudFront behaviours use). */
export const apiPathPatterns = ['/v1/*', '/health', '/openapi.json'] as const;

export function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/v1/') || pathname === '/health' || pathname === '/openapi.json';
}

/** Security headers of the console's files (CloudFront adds the same through a response headers policy). */
export const consoleHeaders: Record<string, string> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json',
};

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Build the console with Vite when `web/dist` is missing or older than its sources. */
export async function ensureConsoleBuilt(): Promise<string> {
  const index = path.join(consoleDist, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(consoleSource)) return consoleDist;
  const { build } = await import('vite');
  await build({ configFile: path.join(consoleSource, 'vite.config.ts'), logLevel: 'warn' });
  return consoleDist;
}

/** A plain-text answer, unless one has already started. */
function answer(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...consoleHeaders });
  res.end(text);
}

/** The request path decoded, or null when its percent-encoding is broken. */
function decodedPath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** Serve `webDir` on `port` and forward API paths to `apiUrl`. */
export async function serveConsole(o: { port: number; webDir: string; apiUrl: string }): Promise<Server> {
  const root = path.resolve(o.webDir);
  const handle = consoleHandler(root, new URL(o.apiUrl));
  const server = createServer((req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => undefined);
    try {
      handle(req, res);
    } catch (error) {
      process.stderr.write(`console server: ${req.method} ${req.url?.slice(0, 200)} failed: ${(error as Error).message}\n`);
      answer(res, 500, 'The local console server failed on this request; the stack keeps running.');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', resolve);
  });
  return server;
}

function consoleHandler(root: string, api: URL): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      answer(res, 400, 'Bad request: the URL cannot be read.');
      return;
    }
    if (isApiPath(url.pathname)) {
      const upstream = request({ hostname: api.hostname, port: api.port, method: req.method, path: req.url, headers: { ...req.headers, host: api.host } }, (upstreamAnswer) => {
        upstreamAnswer.on('error', () => res.destroy());
        res.writeHead(upstreamAnswer.statusCode ?? 502, upstreamAnswer.headers);
        upstreamAnswer.pipe(res);
      });
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'internal', message: 'The API is not answering; is the local stack running?' }));
      });
      req.pipe(upstream);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...consoleHeaders });
      res.end();
      return;
    }
    const decoded = decodedPath(url.pathname);
    if (decoded === null) {
      answer(res, 400, 'Bad request: the path is not valid percent-encoding.');
      return;
    }
    let file = path.resolve(root, `.${decoded}`);
    if (!file.startsWith(root + path.sep) && file !== root) file = root;
    if (!path.extname(file) || !existsSync(file) || !statSync(file).isFile()) {
      if (path.extname(url.pathname) && url.pathname !== '/') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...consoleHeaders });
        res.end('Not found');
        return;
      }
      file = path.join(root, 'index.html');
    }
    const body = readFileSync(file);
    const immutable = file.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache', ...consoleHeaders });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
