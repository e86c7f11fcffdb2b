import { attemptsLeft, openingAction } from '../domain/checkout';
import { findGateway } from '../domain/config';
import { VersionConflictError } from '../domain/errors';
import type { Session } from '../domain/session';
import type { Ports, ReadOptions } from '../ports';
import { inFlight } from './in-flight';
import { changeSession, type SessionWritePorts } from './change-session';
import { getSession } from './get-session';

export type OpenCheckoutPorts = SessionWritePorts & Pick<Ports, 'config'>;

export interface OpenedCheckout {
  session: Session;
  /** Tries left on the gateway of the latest attempt (what the customer is told after a decline). */
  attemptsLeft: number;
}

/**
 * The customer opens the hosted page: a `created` session becomes `pending`, and one past its
 * expiry is marked `expired` if the sweep has not done so yet. Returns the session to show.
 */
export async function openCheckout(ports: OpenCheckoutPorts, sessionId: string): Promise<OpenedCheckout> {
  // Cached for 30 s, but read on a cold start: alongside the session, not after its write.
  const config = inFlight(ports.config.load());
  const session = await settleOnOpen(ports, sessionId, { consistent: false });
  const gatewayCode = session.attempts.at(-1)?.pg_code ?? session.pg_codes[0] ?? '';
  const gateway = findGateway(await config, gatewayCode);
  return { session, attemptsLeft: attemptsLeft(session, { attempt_limit: gateway?.attempt_limit ?? 0 }) };
}

/**
 * Applies what opening the page does (open, or expire) and returns the session as it now is.
 *
 * `read: { consistent: false }` (the page view) reads at half the price, but only a write
 * confirms such a read: opening a `created` session or expiring a due one is conditional on the
 * version read, and a conflict re-reads strongly. A view that writes nothing would show whatever
 * an older version says, and the one that follows the customer's own payment (the 303 back to
 * the page after a decline, or after a success without redirect_url) would show the form again
 * instead of its outcome. So when the read plans no change, the page shows a strong read:
 * a second view costs 1.5 read units, the first (the one every session has) 0.5.
 */
export async function settleOnOpen(ports: SessionWritePorts, sessionId: string, read?: ReadOptions): Promise<Session> {
  const plan = (current: Session) => {
    const action = openingAction(current, ports.clock.now());
    return action && { action };
  };
  const seen = await getSession(ports, sessionId, read);
  const session = read?.consistent === false && !plan(seen) ? await getSession(ports, sessionId) : seen;
  try {
    return (await changeSession(ports, session, plan, { retry: true })).session;
  } catch (error) {
    // Others kept winning: show the page as they left it, the change is theirs to make.
    if (!(error instanceof VersionConflictError)) throw error;
    return getSession(ports, sessionId);
  }
}
