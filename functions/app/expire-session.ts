import { VersionConflictError } from '../domain/errors';
import { isPastExpiry } from '../domain/expiry';
import type { Session } from '../domain/session';
import { transition } from '../domain/state-machine';
import type { Ports } from '../ports';
import { commitTransition } from './commit-transition';

/** Re-reads after a lost race at most this often; each lost race means another writer moved the session on. */
const MAX_ATTEMPTS = 5;

/**
 * Marks a session `expired` (with its `expired` event, in the same commit) when it is open and
 * past its `expires_at`, whatever the merchant's expire flag says: a session past its time is
 * never payable. Returns the session as it now stands: expired by this call, or unchanged when
 * it was not due, or as another writer left it when that writer won the race (paid, canceled,
 * already expired, or moved to a later expiry).
 */
export async function expireIfDue(ports: Ports, session: Session): Promise<Session> {
  return (await tryExpire(ports, session)).session;
}

/** expireIfDue that also tells whether this call made the change (the sweep counts them). */
export async function tryExpire(ports: Ports, session: Session): Promise<{ session: Session; expired: boolean }> {
  let current: Session | undefined = session;
  for (let attempt = 1; ; attempt++) {
    const now = ports.clock.now();
    if (!transition(current.state, 'expire').ok || !isPastExpiry(current, now)) return { session: current, expired: false };
    try {
      return { session: await commitTransition(ports, current, 'expire'), expired: true };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      current = await ports.sessions.get(session.session_id);
      if (!current) throw error;
    }
  }
}
