// Loads the TypeScript worker of `payreform synth` through tsx (worker threads do not inherit the loader).
import { register } from 'tsx/esm/api';

register();
await import('./synth-worker.ts');
