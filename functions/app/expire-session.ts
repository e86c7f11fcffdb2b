import { isDueToExpire } from '../domain/expiry';
import type { Session } from '../domain/session';
import { changeSession, type SessionWritePorts } from './change-session';

/**
 * Marks a session `expired` (with its `expired` event, in the same commit) when it is open and
 * past its `expires_at`, whatever the merchant's expire flag says: a session past its time is
 * never payable. Returns the session as it now stands: expired by this call, or unchanged when
 * it was not due, or as another writer left it when that writer won the race (paid, canceled,
 * already expired, or moved to a later expiry).
 */
export async function expireIfDue(ports: SessionWritePorts, session: Session): Promise<Session> {
  return (await tryExpire(ports, session)).session;
}

/** expireIfDue that also tells whether this call made the change (the sweep counts them). */
export async function tryExpire(ports: SessionWritePorts, session: Session): Promise<{ session: Session; expired: boolean }> {
  const plan = (current: Session) => (isDueToExpire(current, ports.clock.now()) ? { action: 'expire' as const } : undefined);
  const { session: after, changed } = await changeSession(ports, session, plan, { retry: true });
  return { session: after, expired: changed };
}
