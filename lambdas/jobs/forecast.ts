/**
 * Monthly forecast job (EventBridge schedule). Wired by the fund issue: it will aggregate the
 * monthly expenditure series from the lake and call `forecastExpenditure` (models/fund). Until
 * then it records that it ran, so the schedule, permissions and alarms can be exercised.
 */
import { logger } from '../shared/observability.ts';

export const handler = async (event: { time?: string }): Promise<{ status: string }> => {
  logger.info('forecast job ran (not wired yet: the fund issue connects forecastExpenditure)', { time: event.time });
  return { status: 'not-implemented' };
};
