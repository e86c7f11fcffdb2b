import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '../../config/table';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import { subjectText, type FailureRecord, type Subject } from '../../domain/auth-lockout';
import type { AuthAttempts, StoredFailures } from '../../ports';
import { dynamoDocumentClient } from './aws-clients';
import { dynamoCall } from './dynamo-errors';
import { authFailureKey, keyUseKey } from './table-keys';

/**
 * Failed authentications on the single table: one item per subject (AUTHFAIL#<sha256>), written
 * conditionally on its version so concurrent failures are all counted, and deleted by TTL a day
 * after the last one. An API key's last use is one item per key (KEYUSE#<prefix>).
 */
export class DynamoAuthAttempts implements AuthAttempts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async read(subject: Subject): Promise<StoredFailures | undefined> {
    // Strongly: a count read stale would be written back one short.
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: authFailureKey(subjectText(subject)), ConsistentRead: true })));
    if (!Item) return undefined;
    return { record: JSON.parse(String(Item.record)) as FailureRecord, version: Number(Item.version) };
  }

  async write(subject: Subject, record: FailureRecord, expected: number | undefined, expires: Date): Promise<boolean> {
    const condition =
      expected === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expected } };
    const item = { ...authFailureKey(subjectText(subject)), version: (expected ?? 0) + 1, record: JSON.stringify(record), [TTL_ATTRIBUTE]: Math.ceil(expires.getTime() / 1000) };
    try {
      await dynamoCall(() => this.client.send(new PutCommand({ TableName: this.table, Item: item, ...condition })));
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async clear(subject: Subject): Promise<void> {
    await dynamoCall(() => this.client.send(new DeleteCommand({ TableName: this.table, Key: authFailureKey(subjectText(subject)) })));
  }

  async noteKeyUse(prefix: string, at: Date): Promise<void> {
    await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyUseKey(prefix),
          // Never moves back: a Lambda whose clock or write lags cannot overwrite a later use.
          UpdateExpression: 'SET last_used = :at',
          ConditionExpression: 'attribute_not_exists(last_used) OR last_used < :at',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      ),
    ).catch((error: unknown) => {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
    });
  }

  /** When each key was last used (the admin CLI's listing). */
  async lastUses(prefixes: readonly string[]): Promise<Map<string, string>> {
    const uses = new Map<string, string>();
    await Promise.all(
      prefixes.map(async (prefix) => {
        const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: keyUseKey(prefix) })));
        if (typeof Item?.last_used === 'string') uses.set(prefix, Item.last_used);
      }),
    );
    return uses;
  }
}

/** Failure counts and key uses: read, conditional put, delete, and the key-use update. */
export function dynamoAuthAttempts() {
  uses({ table: ['GetItem', 'PutItem', 'DeleteItem', 'UpdateItem'], keys: ['authFailures', 'keyUse'] });
  return new DynamoAuthAttempts(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}
