/** The DynamoDB adapter of the `DipCatalogPointer` port: the one `CATALOG#DIP`/`ACTIVE` item, holding the active catalogue's summary. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DipCatalogPointer, DipCatalogSummary } from '../../models/ports.ts';
import { dynamo } from './aws.ts';
import { config } from './config.ts';
import * as k from './keys.ts';

export const dynamoDipCatalogPointer: DipCatalogPointer = {
  async activate(summary) {
    await dynamo().send(new PutCommand({ TableName: config().TABLE_NAME, Item: { pk: k.dipCatalogPk, sk: k.dipCatalogSk, type: 'dip-catalog', ...summary } }));
  },
  async active() {
    const out = await dynamo().send(new GetCommand({ TableName: config().TABLE_NAME, Key: { pk: k.dipCatalogPk, sk: k.dipCatalogSk }, ConsistentRead: true }));
    if (!out.Item) return null;
    const { pk: _pk, sk: _sk, type: _type, ...summary } = out.Item;
    return summary as DipCatalogSummary;
  },
};
