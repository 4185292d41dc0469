// Loads the TypeScript workbook writer through tsx (worker threads do not inherit the loader).
import { register } from 'tsx/esm/api';

register();
await import('./xlsx-worker.ts');
