import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_INDEX, KEY_PREFIXES } from '../../config/table';
import { dueSortKeyLimit, expiryPartitionKey, sessionIdOfSortKey } from '../../domain/expiry';
import type { DuePage, ExpiryIndex, ShardCursors, SweepCheckpoint } from '../../ports';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import { dynamoDocumentClient } from './aws-clients';

/**
 * The sweep's checkpoint item: `minute`, the last bucket known to be drained, and `within`, the
 * next one's shard cursors. The whole sweep's is `EXPIRY_CURSOR`; a shard's own sweep (the
 * fanned-out schedule) keeps `EXPIRY_CURSOR#<shard>`.
 */
function cursorKey(shard?: number): { pk: string; sk: string } {
  const key = shard === undefined ? KEY_PREFIXES.expiryCursor : `${KEY_PREFIXES.expiryCursor}#${shard}`;
  return { pk: key, sk: key };
}

/**
 * The expiry index on DynamoDB: Query on gsi1 (KEYS_ONLY), which holds every session item (and
 * nothing else), closed ones too, keyed `EXPIRY#<minute>#<shard>` / `<expires_at>#<session_id>` by
 * the session repository (domain/expiry.ts). No scan anywhere: one Query per shard per minute bucket.
 */
export class DynamoExpiryIndex implements ExpiryIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async due(bucketMinute: string, shard: number, now: Date, limit: number, cursor?: string): Promise<DuePage> {
    const partition = expiryPartitionKey(bucketMinute, shard);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: EXPIRY_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :due',
        ExpressionAttributeValues: { ':pk': partition, ':due': dueSortKeyLimit(now) },
        Limit: limit,
        ExclusiveStartKey: cursor === undefined ? undefined : indexKey(partition, cursor),
      }),
    );
    const sortKeys = (result.Items ?? []).map((item) => String(item.gsi1sk));
    const last = result.LastEvaluatedKey?.gsi1sk;
    return {
      sessions: sortKeys.map((key) => ({ sessionId: sessionIdOfSortKey(key), expiresAt: key.slice(0, key.lastIndexOf('#')) })),
      cursor: typeof last === 'string' ? last : undefined,
    };
  }

  async sweptThrough(shard?: number): Promise<SweepCheckpoint | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: cursorKey(shard), ConsistentRead: true }));
    const { minute, within } = result.Item ?? {};
    if (typeof minute !== 'string') return undefined;
    return typeof within === 'object' && within !== null ? { minute, within: within as ShardCursors } : { minute };
  }

  async markSwept(minute: string, within?: ShardCursors, shard?: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...cursorKey(shard), minute, ...(within ? { within } : {}) },
          // Two overlapping sweeps may both finish buckets; the minute only moves forward. Progress
          // inside the next bucket may be rewritten at the same minute: should an older run's
          // cursors win, the next run only reads a few sessions again.
          ConditionExpression: `attribute_not_exists(pk) OR #minute ${within ? '<=' : '<'} :minute`,
          ExpressionAttributeNames: { '#minute': 'minute' },
          ExpressionAttributeValues: { ':minute': minute },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** A gsi1 ExclusiveStartKey: the index keys plus the table keys of the session item. */
function indexKey(partition: string, sortKey: string): Record<string, string> {
  return { pk: `SESSION#${sessionIdOfSortKey(sortKey)}`, sk: 'SESSION', gsi1pk: partition, gsi1sk: sortKey };
}

/** Due-session queries on the expiry index and the sweep's checkpoint item. */
export function dynamoExpiryIndex() {
  uses({ table: ['Query', 'GetItem', 'PutItem'], keys: ['expiryCursor'] });
  return new DynamoExpiryIndex(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}
