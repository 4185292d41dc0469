/**
 * Stored fund results: stress tests (`STRESS#<id>`, and `STRESS#latest` for the overview's fund
 * alert), monthly forecasts (`FORECAST#<yyyy-mm>`, and `FORECAST#latest`) and the forecast's budget
 * alerts (`ALERT#forecast#<yyyy-mm>`). Keys come from keys.ts.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './aws.ts';
import { config } from './config.ts';
import type { ForecastAlert, ForecastStore, StoredForecast, StoredStressTest, StressTestStore } from '../../models/ports.ts';
import * as k from './keys.ts';

export type { ForecastAlert, StoredForecast, StoredStressTest } from '../../models/ports.ts';

const table = (): string => config().TABLE_NAME;

/** Stores the job item; a succeeded one is also `latest` (the overview's fund alert). */
export async function putStressTest(item: StoredStressTest): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.stressTestPk(item.id), sk: k.jobSk, type: 'stress-test', ...item } }));
  if (item.status === 'succeeded') await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.stressTestPk('latest'), sk: k.jobSk, type: 'stress-test', ...item } }));
}

export async function getStressTest(id: string): Promise<StoredStressTest | null> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.stressTestPk(id), sk: k.jobSk } }));
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, type: _type, ...item } = out.Item;
  return item as StoredStressTest;
}

export async function putForecastAlert(alert: ForecastAlert): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { pk: k.alertPk('forecast', alert.month), sk: k.alertSk, type: 'alert', ...alert } }));
}

export async function getForecastAlert(month: string): Promise<ForecastAlert | null> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.alertPk('forecast', month), sk: k.alertSk } }));
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, type: _type, ...item } = out.Item;
  return item as ForecastAlert;
}

export async function putForecast(month: string, item: StoredForecast): Promise<void> {
  for (const pk of [k.forecastPk(month), k.forecastPk('latest')]) {
    await dynamo().send(new PutCommand({ TableName: table(), Item: { pk, sk: k.forecastSk, type: 'forecast', ...item } }));
  }
}

export async function latestForecast(): Promise<StoredForecast | null> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { pk: k.forecastPk('latest'), sk: k.forecastSk } }));
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, type: _type, ...item } = out.Item;
  return item as StoredForecast;
}

/** The ports these functions implement (models/ports.ts). */
export const dynamoStressTestStore: StressTestStore = { put: putStressTest, get: getStressTest };
export const dynamoForecastStore: ForecastStore = { put: putForecast, latest: latestForecast, putAlert: putForecastAlert, getAlert: getForecastAlert };
