/** GET /v1/forecasts/latest — answers 501 until the fund issue wires models/fund (runStressTest, forecastExpenditure) into the service. */
import { notImplemented } from '../shared/errors.ts';
import { httpHandler } from '../shared/http.ts';

export const handler = httpHandler({ name: 'LatestForecast', roles: ['analyst', 'admin'] }, async () => {
  throw notImplemented('GET /v1/forecasts/latest is not available yet: fund stress tests and forecasts arrive with the fund issue; meanwhile use the CLI (npx payreform stress-test / forecast).');
});
