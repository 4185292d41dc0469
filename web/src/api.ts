/**
 * The API client: same origin (the local stack and CloudFront both serve the API's paths next
 * to the console), the bearer key from the session, and errors carried as the sentences the
 * API returns (`message`, and each field problem's `message`).
 */
import { getSession } from './session.ts';

/** A field problem as the API returns it: `code` (models/problem.ts vocabulary), the field `path`, the sentence. */
export interface Problem {
  code: string;
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; text?: string; bytes?: Blob; contentType?: string; key?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = init.key ?? getSession()?.key;
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | Blob | undefined;
  if (init.bytes !== undefined) {
    body = init.bytes;
    headers['content-type'] = init.contentType ?? 'application/octet-stream';
  } else if (init.text !== undefined) {
    body = init.text;
    headers['content-type'] = init.contentType ?? 'application/json';
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  } catch {
    throw new ApiError(0, 'The service did not answer; check your connection and try again.');
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const e = (json ?? {}) as { message?: string; problems?: Problem[] };
    const fallback = response.status === 401 ? 'An API key is required.' : response.status === 403 ? 'Your key is not allowed to do this.' : `The service answered ${response.status}.`;
    throw new ApiError(response.status, e.message ?? fallback, Array.isArray(e.problems) ? e.problems : []);
  }
  return json as T;
}

/**
 * What a page shows when a request fails: a 404 ("nothing there yet": no forecast, no run, no
 * case) is a neutral sentence; anything else is an error box.
 */
export function noticeOrError(error: unknown): HTMLElement {
  if (!(error instanceof ApiError) || error.status !== 404) return errorBox(error);
  const p = document.createElement('p');
  p.className = 'hint';
  p.setAttribute('role', 'status');
  p.textContent = error.message;
  return p;
}

/** An error as an element: the API's sentence, then each field problem. */
export function errorBox(error: unknown): HTMLElement {
  const box = document.createElement('div');
  box.className = 'error';
  box.setAttribute('role', 'alert');
  const p = document.createElement('p');
  p.textContent = error instanceof Error ? error.message : String(error);
  box.append(p);
  if (error instanceof ApiError && error.problems.length > 0) {
    const ul = document.createElement('ul');
    for (const problem of error.problems) {
      // Keyed by path and code (what a page or a test looks up), worded by the API's sentence.
      const li = document.createElement('li');
      li.dataset.path = problem.path;
      li.dataset.code = problem.code;
      li.textContent = problem.message;
      ul.append(li);
    }
    box.append(ul);
  }
  return box;
}
