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
 * When the table may remove the session (epoch seconds, DynamoDB's TTL), or undefined while it is
 * open. Counted from the session's last change (`updated_at`), so every write (a refund a year
 * later, a webhook status, a late gateway answer) moves it on. The longer window applies when
 * money moved, and also while something was left undecided (an attempt the gateway never
 * answered, an operation reserved and never settled): money may have moved there too, and
 * nothing pending lasts that long (the automatic inquiry gives up within the hour, the sync
 * queue keeps a message 14 days, a reservation counts 2 minutes), while "never" would keep every
 * abandoned hosted payment for good. A session deleted for good goes at its deletion.
 */
export function removableAt(session: Session, retention: SessionRetention | undefined): number | undefined {
  if (isHardDeleted(session)) return Math.floor(Date.parse(session.deleted_at!) / 1000);
  if (!retention || isOpen(session.state)) return undefined;
  const days = MONEY_STATES.includes(session.state) || isUndecided(session) ? retention.paidDays : retention.unpaidDays;
  return Math.floor(Date.parse(session.updated_at) / 1000) + days * DAY_SECONDS;
}

function isUndecided(session: Session): boolean {
  return session.attempts.some((attempt) => attempt.result === 'pending') || (session.operations_in_flight?.length ?? 0) > 0;
}
