/** GET /v1/forecasts/latest — the latest monthly expenditure forecast the forecast job stored, with the history it was fitted on and `alert` (the budget alert it raised, or null). */
import type { Ports } from '../../models/ports.ts';
import { awsDeps } from '../shared/deps.ts';
import { notFound } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';

export const latestForecastHandler = (deps: Pick<Ports, 'forecasts'>) => httpHandler({ name: 'latestForecast', roles: ['analyst', 'admin'] }, async () => {
  const found = await deps.forecasts.latest();
  if (!found) throw notFound('No forecast has been made yet: the forecast job runs on the 1st of each month.');
  if (!found.report) throw notFound(found.message ?? 'The last forecast run could not make a forecast.');
  return { status: 200, body: { ...found, alert: found.alert ?? null } };
});

export const handler = latestForecastHandler(awsDeps);
