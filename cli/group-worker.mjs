// Loads the TypeScript worker of `payreform group` through tsx (worker threads do not inherit the loader).
import { register } from 'tsx/esm/api';

register();
await import('./group-worker.ts');
