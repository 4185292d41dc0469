/**
 * The one place that builds the real ports: the DynamoDB and S3 adapters (dynalite and s3rver on
 * the local stack, through the endpoints in `config.ts`) and the system clock. Every Lambda entry
 * point is `xHandler(awsDeps)`, built once per container; tests build the same handlers over
 * in-memory adapters (`test/helpers/memory-stores.ts`). Building this object does no I/O: the SDK
 * clients and the configuration are created on first use.
 */
import type { Ports } from '../../models/ports.ts';
import { systemClock } from './clock.ts';
import { dynamoDipCatalogPointer } from './dip-catalog-store.ts';
import { dynamoForecastStore, dynamoStressTestStore } from './fund-store.ts';
import { s3ObjectStore } from './object-store.ts';
import { dynamoApiKeyStore, dynamoBatchStore, dynamoCaseStore, dynamoQualityStore, dynamoSimulationJobStore } from './repositories.ts';
import { dynamoSupervisionRunStore } from './supervision-store.ts';

export const awsDeps: Ports = {
  cases: dynamoCaseStore,
  batches: dynamoBatchStore,
  quality: dynamoQualityStore,
  apiKeys: dynamoApiKeyStore,
  simulations: dynamoSimulationJobStore,
  stressTests: dynamoStressTestStore,
  forecasts: dynamoForecastStore,
  supervisionRuns: dynamoSupervisionRunStore,
  dipCatalog: dynamoDipCatalogPointer,
  objects: s3ObjectStore,
  clock: systemClock,
};
