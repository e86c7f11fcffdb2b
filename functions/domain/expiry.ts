import type { Session } from './session';
import { allows } from './state-machine';

/**
 * When a session stops being payable, and where it sits in the expiry index.
 *
 * The index layout is a shared contract (BRIEF "Fixed shared decisions"): the DynamoDB session
 * repository writes these keys on the session item, the embedded repository keeps the same keys
 * in memory, and both expiry-index adapters read them back.
 */

/** Write shards per minute bucket: a burst of sessions created in one minute spreads over this many index partitions. */
export const EXPIRY_SHARDS = 10;

/** True once `now` has reached the session's `expires_at`: from then on it is never payable. */
export function isPastExpiry(session: Pick<Session, 'expires_at'>, now: Date): boolean {
  return Date.parse(session.expires_at) <= now.getTime();
}

/**
 * Whether expiring the session now is a change to make: the transition table allows `expire` from
 * its state, it is not deleted and its time has come. The sweep asks it of every session the
 * index lists, most of which are closed (the index keeps them: expiryIndexKeys).
 */
export function isDueToExpire(session: Pick<Session, 'state' | 'expires_at' | 'deleted_at'>, now: Date): boolean {
  // A deleted session stays deleted: no expiry may bring it back as an `expired` event.
  return !session.deleted_at && allows(session.state, 'expire') && isPastExpiry(session, now);
}

/** The minute bucket of an instant, `YYYY-MM-DDTHH:MM` in UTC (the index's time granularity). */
export function expiryMinute(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 16);
}

/** The start of a minute bucket as a Date. */
export function minuteStart(minute: string): Date {
  return new Date(`${minute}:00.000Z`);
}

/** The bucket after `minute`. */
export function nextMinute(minute: string): string {
  return expiryMinute(new Date(minuteStart(minute).getTime() + 60_000));
}

/** A stable shard 0..EXPIRY_SHARDS-1 for a session id (FNV-1a, so every writer agrees without coordination). */
export function expiryShard(sessionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % EXPIRY_SHARDS;
}

export function expiryPartitionKey(minute: string, shard: number): string {
  return `EXPIRY#${minute}#${shard}`;
}

/** Sort key: ordered by expiry time, unique per session. */
export function expirySortKey(expiresAt: string, sessionId: string): string {
  return `${expiresAt}#${sessionId}`;
}

/** The session id inside an expiry sort key. */
export function sessionIdOfSortKey(sortKey: string): string {
  return sortKey.slice(sortKey.lastIndexOf('#') + 1);
}

/**
 * Highest sort key that is due at `now`: every `<expires_at>#<id>` with expires_at <= now sorts
 * at or below it ('~' sorts after the hex digits of any id).
 */
export function dueSortKeyLimit(now: Date): string {
  return `${now.toISOString()}#~`;
}

export interface ExpiryIndexKeys {
  gsi1pk: string;
  gsi1sk: string;
}

/**
 * The index keys of a session, from its id and `expires_at` alone: every session carries them for
 * life, whatever its state and whether deleted. A write that closes a session (pay, cancel,
 * expire, delete, …) thus leaves them as they were, and DynamoDB writes no index entry for it
 * (a KEYS_ONLY index is written only when its keys change), so closing costs one write unit, not
 * two. Only a new `expires_at` (a PATCH of an open session) moves them. The price: the sweep meets
 * closed and deleted sessions in the index, reads each and leaves it alone (isDueToExpire).
 */
export function expiryIndexKeys(session: Pick<Session, 'session_id' | 'expires_at'>): ExpiryIndexKeys {
  return {
    gsi1pk: expiryPartitionKey(expiryMinute(session.expires_at), expiryShard(session.session_id)),
    gsi1sk: expirySortKey(session.expires_at, session.session_id),
  };
}
