/**
 * Powertools logger, metrics and tracer, created once per container. Logs carry no personal
 * data: handlers log counts, ids of batches and jobs, never records or patient ids.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'payreform';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'payreform' });
export const tracer = new Tracer({ serviceName });
