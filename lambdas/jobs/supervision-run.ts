/**
 * The SupervisionRun function: started by a request object's creation (S3 → EventBridge, with
 * `{key}`; or `{id}`) it runs that queued run; started by the monthly schedule (a Scheduled
 * Event) it screens the previous calendar month. See supervision.ts.
 */
import { s3ObjectStore } from '../shared/object-store.ts';
import { runMonthlySupervision, runRequestedSupervision } from './supervision.ts';

export const handler = async (event: { id?: string; key?: string; time?: string }): Promise<{ id: string; status: string }> => {
  const id = event.id ?? event.key?.split('/')[2];
  if (id) return { id, status: await runRequestedSupervision(s3ObjectStore, id) };
  return runMonthlySupervision(s3ObjectStore, event.time ? new Date(event.time) : new Date());
};
