import type { Session } from './session';
import { isOpen } from './state-machine';

/**
 * When a session stops being payable, and where it sits in the expiry index while it is open.
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
 * The index keys a session carries while it can still expire (created, pending, attempted);
 * undefined once it has left those states, so every write that closes it removes them.
 */
export function expiryIndexKeys(session: Pick<Session, 'session_id' | 'state' | 'expires_at' | 'deleted_at'>): ExpiryIndexKeys | undefined {
  // A deleted session is never expired (no event may follow its delete).
  if (!isOpen(session.state) || session.deleted_at !== undefined) return undefined;
  return {
    gsi1pk: expiryPartitionKey(expiryMinute(session.expires_at), expiryShard(session.session_id)),
    gsi1sk: expirySortKey(session.expires_at, session.session_id),
  };
}
