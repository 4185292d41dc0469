/** GET /v1/me — the role (and hospital) of the calling key; the console signs in with it. */
import { httpHandler } from '../shared/http.ts';

export const handler = httpHandler({ name: 'me', roles: ['hospital', 'analyst', 'admin'] }, async ({ principal }) => ({
  status: 200,
  body: principal!,
}));
