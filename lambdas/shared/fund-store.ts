/**
 * Stored fund results: stress tests (`STRESS#<id>`, and `STRESS#latest` for the overview's fund
 * alert), monthly forecasts (`FORECAST#<yyyy-mm>`, and `FORECAST#latest`) and the forecast's budget
 * alerts (`ALERT#forecast#<yyyy-mm>`). Keys come from keys.ts.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './aws.ts';
import { config } from './config.ts';
import * as k from './keys.ts';

const table = (): string => config().TABLE_NAME;

export interface StoredStressTest {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  createdAt: string;
  scenario: unknown;
  preset: string | null;
  result?: unknown;
  sweep?: unknown;
  /** Why it failed (status `failed`). */
  error?: string;
}

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

export interface StoredForecast {
  /** When the job ran. */
  createdAt: string;
  /** The monthly expenditure series the forecast was fitted on (Σ totalCost by discharge month). */
  history: { month: string; value: number }[];
  /** The forecast report (models/fund/forecast.ts), or null with `message` when it could not be made. */
  report: unknown;
  message?: string;
  /** The budget alert this run raised (also stored as `ALERT#forecast#<yyyy-mm>`), or null. */
  alert?: ForecastAlert | null;
}

export interface ForecastAlert {
  kind: 'forecast-over-budget';
  /** The run's month (YYYY-MM). */
  month: string;
  createdAt: string;
  /** FUND_BUDGET_YUAN when the job ran. */
  budget: number;
  /** Σ mean of the 12 forecast months, and the months. */
  forecastTotal: number;
  from: string;
  to: string;
  /** forecastTotal − budget. */
  excess: number;
  message: string;
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
