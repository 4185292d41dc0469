/** GET /v1/me — the role (and hospital) of the calling key; the console signs in with it. */
import type { z } from 'zod';
import { httpHandler } from '../shared/http.ts';
import type { meResponse } from './schemas.ts';

export const handler = httpHandler({ name: 'me', roles: ['hospital', 'analyst', 'admin'] }, async ({ principal }) => ({
  status: 200,
  body: principal! satisfies z.output<typeof meResponse>,
}));
