import { createHash } from 'node:crypto';
import type { SessionEvent } from '../../domain/events';

/**
 * The single table's item keys (docs/dynamodb.md). Every adapter and worker that touches the
 * table builds its keys here, so the layout has one definition.
 */

export type ItemKey = { pk: string; sk: string };

export const CONFIG_KEY: ItemKey = { pk: 'CONFIG', sk: 'CONFIG' };

export function sessionKey(sessionId: string): ItemKey {
  return { pk: `SESSION#${sessionId}`, sk: 'SESSION' };
}

export function orderNoKey(orderNo: string): ItemKey {
  return { pk: `ORDERNO#${orderNo}`, sk: 'ORDERNO' };
}

export const EVENT_SK_PREFIX = 'EVENT#';

/** Sorts a session's events by version, then id (zero padding keeps the string order numeric). */
export function eventKey(event: Pick<SessionEvent, 'session_id' | 'version' | 'event_id'>): ItemKey {
  return { pk: `SESSION#${event.session_id}`, sk: `${EVENT_SK_PREFIX}${String(event.version).padStart(10, '0')}#${event.event_id}` };
}

/** Scoped idempotency keys are hashed: they hold caller ids and arbitrary client text. */
export function idempotencyKey(scopedKey: string): ItemKey {
  return { pk: `IDEMPOTENCY#${createHash('sha256').update(scopedKey).digest('hex')}`, sk: 'IDEMPOTENCY' };
}

export function shortLinkKey(code: string): ItemKey {
  return { pk: `SHORT#${code}`, sk: 'SHORT' };
}

export const EXPIRY_INDEX = 'gsi1';
export const EXPIRY_SHARDS = 10;

/**
 * Spreads the sessions due in one minute over EXPIRY_SHARDS partitions, so a burst of sessions
 * created together does not make one hot index partition. Stable: the same id, the same shard.
 */
export function expiryShard(sessionId: string): number {
  return createHash('sha256').update(sessionId).digest().readUInt32BE(0) % EXPIRY_SHARDS;
}

/** `EXPIRY#2026-11-25T10:31#<shard>`: the sweeper queries each shard of each due minute. */
export function expiryPartition(minute: string, shard: number): string {
  return `EXPIRY#${minute}#${shard}`;
}

export function expiryIndexKeys(sessionId: string, expiresAt: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: expiryPartition(expiresAt.slice(0, 16), expiryShard(sessionId)), gsi1sk: `${expiresAt}#${sessionId}` };
}

/** DynamoDB TTL attribute: epoch seconds. */
export function ttlSeconds(from: Date, days: number): number {
  return Math.floor(from.getTime() / 1000) + days * 24 * 60 * 60;
}
