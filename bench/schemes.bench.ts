/**
 * Local DRG schemes alone (`npm run bench -- schemes`): importing an OpenDRG scheme (read +
 * compile + index, fresh process) against the 2 s goal, and in-process grouping under each local
 * pack beside the national pack on the same cases in the same process (goal: within 20 %), the
 * median of three processes. The same figures close `npm run bench -- grouping`, after its
 * 1M-case national figures.
 */
import { localSchemeFigures } from './grouping.bench.ts';
import type { Figure } from './run.ts';

export async function run(): Promise<Figure[]> {
  return localSchemeFigures();
}
