// Loads the TypeScript worker of `payreform dip` through tsx (worker threads do not inherit the loader).
import { register } from 'tsx/esm/api';

register();
await import('./dip-worker.ts');
