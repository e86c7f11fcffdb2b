import { isOpen, type State } from './state-machine';
import { isHardDeleted, type Session } from './session';

/**
 * How long a closed session is kept after the last change to it (the stage's setting,
 * docs/data-retention.md): longer when money moved (a chargeback or a late refund needs the
 * record), shorter when none did.
 */
export interface SessionRetention {
  /** paid or authorized (and the earlier layout's refunded and voided parents). */
  paidDays: number;
  /** failed, canceled, expired, invalided. */
  unpaidDays: number;
}

/** States in which money was taken or reserved: the record outlives the longer window. */
const MONEY_STATES: readonly State[] = ['paid', 'authorized', 'refunded', 'voided'];

const DAY_SECONDS = 86_400;

/**
 * When the table may remove the session (epoch seconds, DynamoDB's TTL), or undefined while
 * something still needs it: an open session; an attempt the gateway has not decided (a late
 * answer settles it in any state); an operation reserved at the gateway and not yet settled.
 * Counted from the session's last change (`updated_at`), so every write (a refund a year later,
 * a webhook status) moves it on; a write that finds something pending again drops it. A session
 * deleted for good goes at its deletion, whatever the retention.
 */
export function removableAt(session: Session, retention: SessionRetention | undefined): number | undefined {
  if (isHardDeleted(session)) return Math.floor(Date.parse(session.deleted_at!) / 1000);
  if (!retention || isOpen(session.state) || isStillNeeded(session)) return undefined;
  const days = MONEY_STATES.includes(session.state) ? retention.paidDays : retention.unpaidDays;
  return Math.floor(Date.parse(session.updated_at) / 1000) + days * DAY_SECONDS;
}

function isStillNeeded(session: Session): boolean {
  return session.attempts.some((attempt) => attempt.result === 'pending') || (session.operations_in_flight?.length ?? 0) > 0;
}
