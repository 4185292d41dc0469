/**
 * The SupervisionRun function: started by a request object's creation (S3 → EventBridge, with
 * `{key}`; or `{id}`) it runs that queued run; started by the monthly schedule (a Scheduled
 * Event) it screens the previous calendar month. See supervision.ts.
 */
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { runMonthlySupervision, runRequestedSupervision, type SupervisionPorts } from './supervision.ts';

export const supervisionRunHandler = (deps: SupervisionPorts & Pick<Ports, 'clock'>) => async (event: { id?: string; key?: string; time?: string }): Promise<{ id: string; status: string }> => {
  const id = event.id ?? event.key?.split('/')[2];
  if (id) return { id, status: await runRequestedSupervision(deps, id) };
  return runMonthlySupervision(deps, event.time ? new Date(event.time) : deps.clock.now());
};

export const handler = supervisionRunHandler(awsDeps);
