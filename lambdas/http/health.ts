/** GET /health — liveness, no key. */
import { httpHandler } from '../shared/http.ts';

export const handler = httpHandler({ name: 'health', roles: 'public' }, async () => ({
  status: 200,
  body: { status: 'ok', service: 'payreform' },
}));
