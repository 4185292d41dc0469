// Loads the TypeScript worker of `payreform monitor` through tsx (worker threads do not inherit the loader).
import { register } from 'tsx/esm/api';

register();
await import('./monitor-worker.ts');
