import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { ShortLinkReader, ShortLinkStore } from '../../ports';
import { dynamoClient } from './aws-clients';
import { shortLinkKey } from './table-keys';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';

// The layout's one key definition (table-keys.ts), in the low-level client's attribute form.
const key = (code: string) => {
  const { pk, sk } = shortLinkKey(code);
  return { pk: { S: pk }, sk: { S: sk } };
};

/** Short links in the single table: item pk `SHORT#<code>`, sk `SHORT`, attribute `target`. */
export class DynamoShortLinkStore implements ShortLinkStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}


  async create(code: string, target: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { ...key(code), target: { S: target } },
          // Never overwrite: a colliding code must lead to a retry, not hijack someone's link.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async resolve(code: string): Promise<string | undefined> {
    // Strongly consistent: a link handed out a moment ago must already work.
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.table, Key: key(code), ConsistentRead: true }));
    return Item?.target?.S;
  }

  async delete(code: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: key(code) }));
  }
}

export function dynamoShortLinks() {
  uses({ table: ['GetItem', 'PutItem', 'DeleteItem'], keys: ['shortLink'] });
  return new DynamoShortLinkStore(dynamoClient(), setting('CHECKOUT_TABLE'));
}

/** Resolving short links only (GetItem). */
export function dynamoShortLinkReader(): ShortLinkReader {
  uses({ table: ['GetItem'], keys: ['shortLink'] });
  return new DynamoShortLinkStore(dynamoClient(), setting('CHECKOUT_TABLE'));
}
