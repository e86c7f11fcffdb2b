import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyBegin, IdempotencyStore, StoredResult } from '../../ports';
import { IDEMPOTENCY_TTL_MS, IN_PROGRESS_STALE_MS } from '../../ports/idempotency-store';
import { dynamoCall } from './dynamo-errors';
import { idempotencyKey } from './table-keys';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import { dynamoDocumentClient } from './aws-clients';

/** The blocking record as DynamoDB returns it on a failed condition (not unmarshalled). */
type RawRecord = { fingerprint?: { S?: string }; response?: { S?: string } };

/**
 * Idempotency records on the single table. A claim is one conditional PutItem: it succeeds for
 * a new key, an expired record (TTL deletes lazily, so expiry is checked here, not trusted to
 * TTL) or a claim left in progress by a request that died; otherwise DynamoDB hands back the
 * record that stopped it, so no second read is needed.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async begin(key: string, fingerprint: string, now: Date): Promise<IdempotencyBegin> {
    const at = now.getTime();
    try {
      const { Attributes } = await dynamoCall(() =>
        this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: this.item(key, fingerprint, at),
            ConditionExpression: 'attribute_not_exists(pk) OR expires_at <= :now OR (attribute_not_exists(#response) AND started_at <= :stale)',
            ExpressionAttributeNames: { '#response': 'response' },
            ExpressionAttributeValues: { ':now': at, ':stale': at - IN_PROGRESS_STALE_MS },
            // The record it replaced, if any, says the claim was taken over (no extra units).
            ReturnValues: 'ALL_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return { status: 'started', takenOver: Attributes !== undefined };
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
      const existing = (error as Error & { Item?: RawRecord }).Item;
      const response = existing?.response?.S;
      if (response === undefined) return { status: 'in_progress' };
      return { status: 'completed', fingerprint: existing?.fingerprint?.S ?? '', response };
    }
  }

  async complete(key: string, fingerprint: string, response: StoredResult, now: Date): Promise<void> {
    const item = { ...this.item(key, fingerprint, now.getTime()), response };
    await dynamoCall(() => this.client.send(new PutCommand({ TableName: this.table, Item: item })));
  }

  async release(key: string): Promise<void> {
    await dynamoCall(() => this.client.send(new DeleteCommand({ TableName: this.table, Key: idempotencyKey(key) })));
  }

  private item(key: string, fingerprint: string, at: number) {
    const expiresAt = at + IDEMPOTENCY_TTL_MS;
    return { ...idempotencyKey(key), fingerprint, started_at: at, expires_at: expiresAt, ttl: Math.ceil(expiresAt / 1000) };
  }
}

/** Conditional PutItems (claim, complete) and DeleteItem (release); it never reads or updates in place. */
export function dynamoIdempotency() {
  uses({ table: ['PutItem', 'DeleteItem'], keys: ['idempotency'] });
  return new DynamoIdempotencyStore(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}
