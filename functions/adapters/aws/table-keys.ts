import { createHash } from 'node:crypto';
import { EVENT_SK_PREFIX, KEY_PREFIXES } from '../../config/table';
import type { SessionEvent } from '../../domain/events';

/**
 * The single table's item keys (docs/dynamodb.md). Every adapter and worker that touches the
 * table builds its keys here, so the layout has one definition.
 */

export type ItemKey = { pk: string; sk: string };

export const CONFIG_KEY: ItemKey = { pk: KEY_PREFIXES.config, sk: 'CONFIG' };

export function sessionKey(sessionId: string): ItemKey {
  return { pk: `${KEY_PREFIXES.session}${sessionId}`, sk: 'SESSION' };
}

export function orderNoKey(orderNo: string): ItemKey {
  return { pk: `${KEY_PREFIXES.orderNo}${orderNo}`, sk: 'ORDERNO' };
}

/** A child transaction's id → its parent session (written before the session write that adds the child). */
export function childKey(childSessionId: string): ItemKey {
  return { pk: `CHILD#${childSessionId}`, sk: 'CHILD' };
}

export { EVENT_SK_PREFIX, EXPIRY_INDEX } from '../../config/table';

/** Sorts a session's events by version, then id (zero padding keeps the string order numeric). */
export function eventKey(event: Pick<SessionEvent, 'session_id' | 'version' | 'event_id'>): ItemKey {
  return { pk: `${KEY_PREFIXES.session}${event.session_id}`, sk: `${EVENT_SK_PREFIX}${String(event.version).padStart(10, '0')}#${event.event_id}` };
}

/** Scoped idempotency keys are hashed: they hold caller ids and arbitrary client text. */
export function idempotencyKey(scopedKey: string): ItemKey {
  return { pk: `${KEY_PREFIXES.idempotency}${createHash('sha256').update(scopedKey).digest('hex')}`, sk: 'IDEMPOTENCY' };
}

export function shortLinkKey(code: string): ItemKey {
  return { pk: `${KEY_PREFIXES.shortLink}${code}`, sk: 'SHORT' };
}

/** A subject's failed authentications (hashed: usernames and addresses are caller-supplied text). */
export function authFailureKey(subject: string): ItemKey {
  return { pk: `${KEY_PREFIXES.authFailures}${createHash('sha256').update(subject).digest('hex')}`, sk: 'AUTHFAIL' };
}

/** When an API key was last used (one item per key prefix, overwritten at most every 15 minutes). */
export function keyUseKey(prefix: string): ItemKey {
  return { pk: `${KEY_PREFIXES.keyUse}${prefix}`, sk: 'KEYUSE' };
}

/**
 * One audit entry: a partition per UTC day (the CLI reads a span of days), sorted by time and
 * entry id. Never overwritten (written with attribute_not_exists).
 */
export function auditKey(entry: { at: string; entry_id: string }): ItemKey {
  return { pk: auditDayPartition(entry.at.slice(0, 10)), sk: `${entry.at}#${entry.entry_id}` };
}

export function auditDayPartition(day: string): string {
  return `${KEY_PREFIXES.audit}${day}`;
}

/** A customer's saved cards and auto-debit agreements share the customer's partition (one Query lists the cards). */
export function customerPk(customerId: string): string {
  return `${KEY_PREFIXES.customer}${customerId}`;
}

export const CARD_SK_PREFIX = 'CARD#';

export function savedCardKey(customerId: string, token: string): ItemKey {
  return { pk: customerPk(customerId), sk: `${CARD_SK_PREFIX}${token}` };
}

export function cardAgreementKey(customerId: string, agreementId: string): ItemKey {
  return { pk: customerPk(customerId), sk: `AGREEMENT#${agreementId}` };
}

// The expiry index keys are domain/expiry.ts's expiryIndexKeys: one definition for both stores.

/** DynamoDB TTL attribute: epoch seconds. */
export function ttlSeconds(from: Date, days: number): number {
  return Math.floor(from.getTime() / 1000) + days * 24 * 60 * 60;
}
