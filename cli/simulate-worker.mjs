// Loads the TypeScript worker of `payreform simulate` through tsx (worker threads do not inherit the loader).
import { register } from 'tsx/esm/api';

register();
await import('./simulate-worker.ts');
