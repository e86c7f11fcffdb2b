import { attemptsLeft, openingAction } from '../domain/checkout';
import { findGateway } from '../domain/config';
import { VersionConflictError } from '../domain/errors';
import type { Session } from '../domain/session';
import type { Ports } from '../ports';
import { commitTransition } from './commit-transition';
import { getSession } from './get-session';

// Each lost race means another request moved the session on; a few re-reads settle it.
const MAX_TRIES = 3;

export interface OpenedCheckout {
  session: Session;
  /** Tries left on the gateway of the latest attempt (what the customer is told after a decline). */
  attemptsLeft: number;
}

/**
 * The customer opens the hosted page: a `created` session becomes `pending`, and one past its
 * expiry is marked `expired` if the sweep has not done so yet. Returns the session to show.
 */
export async function openCheckout(ports: Ports, sessionId: string): Promise<OpenedCheckout> {
  const session = await settleOnOpen(ports, sessionId);
  const gatewayCode = session.attempts.at(-1)?.pg_code ?? session.pg_codes[0] ?? '';
  const gateway = findGateway(await ports.config.load(), gatewayCode);
  return { session, attemptsLeft: attemptsLeft(session, { attempt_limit: gateway?.attempt_limit ?? 0 }) };
}

/** Applies what opening the page does (open, or expire) and returns the session as it now is. */
export async function settleOnOpen(ports: Ports, sessionId: string): Promise<Session> {
  let session = await getSession(ports, sessionId);
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const action = openingAction(session, ports.clock.now());
    if (!action) return session;
    try {
      return await commitTransition(ports, session, action);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      session = await getSession(ports, sessionId);
    }
  }
  return session;
}
