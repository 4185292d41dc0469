/** GET /v1/forecasts/latest — the latest monthly expenditure forecast the forecast job stored, with the history it was fitted on and `alert` (the budget alert it raised, or null). */
import { notFound } from '../shared/errors.ts';
import { latestForecast } from '../shared/fund-store.ts';
import { httpHandler } from '../shared/http.ts';

export const handler = httpHandler({ name: 'latestForecast', roles: ['analyst', 'admin'] }, async () => {
  const found = await latestForecast();
  if (!found) throw notFound('No forecast has been made yet: the forecast job runs on the 1st of each month.');
  if (!found.report) throw notFound(found.message ?? 'The last forecast run could not make a forecast.');
  return { status: 200, body: { ...found, alert: found.alert ?? null } };
});
