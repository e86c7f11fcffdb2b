import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { ExpiryIndexKeys } from '../domain/expiry';

/**
 * The single table's schema (docs/dynamodb.md), as plain data: the CDK stateful stack, the
 * emulator bootstrap and the test tables are all built from these, so they cannot drift.
 */

/** Every item is addressed by pk + sk (adapters/aws/table-keys.ts builds them). */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

/**
 * How each kind of item's partition key starts. IAM grants may be limited to some of them
 * (`dynamodb:LeadingKeys`, Needs.keys): the public checkout functions write session items only.
 * `config` and `expiryCursor` are whole keys, not prefixes.
 */
export const KEY_PREFIXES = {
  config: 'CONFIG',
  session: 'SESSION#',
  orderNo: 'ORDERNO#',
  idempotency: 'IDEMPOTENCY#',
  shortLink: 'SHORT#',
  authFailures: 'AUTHFAIL#',
  keyUse: 'KEYUSE#',
  audit: 'AUDIT#',
  /** A customer's saved cards and auto-debit agreements (docs/saved-cards.md). */
  customer: 'CUSTOMER#',
  expiryCursor: 'EXPIRY_CURSOR',
} as const;
export type KeyKind = keyof typeof KEY_PREFIXES;

/**
 * The expiry index: every session item carries its keys for life, closed ones too, so closing a
 * session writes no index entry (domain/expiry.ts expiryIndexKeys); other items carry none.
 */
export const EXPIRY_INDEX = 'gsi1';
export const EXPIRY_INDEX_KEYS = {
  partition: 'gsi1pk',
  sort: 'gsi1sk',
} as const satisfies Record<string, keyof ExpiryIndexKeys>;
/** The expiry job needs only the session id, which the index keys hold; KEYS_ONLY keeps it small. */
export const EXPIRY_INDEX_PROJECTION = 'KEYS_ONLY';

/** Epoch seconds after which DynamoDB deletes an item (events, idempotency records, claims). */
export const TTL_ATTRIBUTE = 'ttl';

/** The outbox: the event router reads the committed events from the stream's new images. */
export const STREAM_VIEW_TYPE = 'NEW_AND_OLD_IMAGES';

/**
 * The session item's attribute holding the events its latest write committed (JSON text of
 * SessionEvent[]; absent when that write committed none). The stream's new image of the write
 * is the outbox record: the stream filter selects on it and the router reads it.
 */
export const EVENTS_ATTRIBUTE = 'events';

/**
 * The session item's attribute naming its attachment's object key (absent without one). When the
 * table removes the item (its retention's TTL, or a delete for good), the stream's REMOVE record
 * carries it in the old image: the stream filter selects on it and the router deletes the object,
 * so an attachment lives exactly as long as its session (docs/data-retention.md).
 */
export const ATTACHMENT_KEY_ATTRIBUTE = 'attachment_key';

/**
 * Sort-key prefix of the outbox event items of the earlier layout (one item per event, in a
 * transaction with the session). Nothing writes them any more; the router still routes one the
 * stream holds, so a deployment over unrouted records of the old layout loses none.
 */
export const EVENT_SK_PREFIX = 'EVENT#';

/** CreateTable input for the table (everything but TTL, which DynamoDB sets with its own call). */
export function tableDefinition(name: string): CreateTableCommandInput {
  const stringKeys = [TABLE_KEYS.partition, TABLE_KEYS.sort, EXPIRY_INDEX_KEYS.partition, EXPIRY_INDEX_KEYS.sort];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: stringKeys.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: EXPIRY_INDEX,
        KeySchema: [
          { AttributeName: EXPIRY_INDEX_KEYS.partition, KeyType: 'HASH' },
          { AttributeName: EXPIRY_INDEX_KEYS.sort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: EXPIRY_INDEX_PROJECTION },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
  };
}
