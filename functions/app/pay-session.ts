import { readCardForm } from '../domain/card';
import { attemptAction, attemptLimit, type PayFormErrors } from '../domain/checkout';
import { isPastExpiry } from '../domain/expiry';
import { findGateway, type GatewaySetting } from '../domain/config';
import { VersionConflictError } from '../domain/errors';
import { sandboxDecision } from '../domain/sandbox-gateway';
import type { PaymentAttempt, Session } from '../domain/session';
import { isOpen } from '../domain/state-machine';
import type { Ports } from '../ports';
import { commitTransition, type SessionWritePorts } from './change-session';
import { getSession } from './get-session';
import { settleOnOpen } from './open-checkout';

export type PaySessionPorts = SessionWritePorts & Pick<Ports, 'config'>;

export interface PaySessionInput {
  sessionId: string;
  /** The posted form: pg_code, card_number, expiry (MM/YY), cvv, name_on_card. */
  form: Record<string, unknown>;
}

export type PayOutcome =
  /** The form was refused; no attempt was made. */
  | { kind: 'invalid'; session: Session; errors: PayFormErrors; pgCode: string }
  /** This request paid (or authorized) the session. */
  | { kind: 'charged'; session: Session; attempt: PaymentAttempt }
  /** This request's attempt failed; the session is `attempted` (may retry) or `failed`. */
  | { kind: 'declined'; session: Session; attempt: PaymentAttempt }
  /**
   * Nothing was attempted: the session is no longer payable (paid by an earlier post, expired,
   * …), or another request changed it first (`conflict`); show it as it now is.
   */
  | { kind: 'unchanged'; session: Session; conflict: boolean };

/** One payment attempt through the sandbox gateway, committed with its event or not at all. */
export async function paySession(ports: PaySessionPorts, { sessionId, form }: PaySessionInput): Promise<PayOutcome> {
  const session = await getSession(ports, sessionId);
  const now = ports.clock.now();
  if (!isOpen(session.state)) return { kind: 'unchanged', session, conflict: false };
  // Marks the session expired (the seed: "when the customer attempts to pay past the expiration time").
  if (isPastExpiry(session, now)) return { kind: 'unchanged', session: await settleOnOpen(ports, sessionId), conflict: false };

  const pgCode = typeof form.pg_code === 'string' ? form.pg_code : '';
  const gateway = await usableGateway(ports, session, pgCode);
  const card = readCardForm(form, now);
  const errors: PayFormErrors = { ...(card.ok ? {} : card.errors), ...(typeof gateway === 'string' ? { pg_code: gateway } : {}) };
  if (!card.ok || typeof gateway === 'string') return { kind: 'invalid', session, errors, pgCode };

  const result = sandboxDecision(card.card.number);
  const attempt: PaymentAttempt = {
    reference_number: ports.ids.referenceNumber(),
    pg_code: pgCode,
    result,
    card_brand: card.card.brand,
    card_last4: card.card.last4,
    attempted_at: now.toISOString(),
  };
  const action = attemptAction(session, result, session.operation, attemptLimit(gateway));
  const settled = result === 'success' ? { settled_pg_code: pgCode, paid_at: now.toISOString() } : {};
  try {
    const next = await commitTransition(ports, session, action, {
      attempts: [...session.attempts, attempt],
      reference_number: attempt.reference_number,
      result,
      ...settled,
    });
    return { kind: result === 'success' ? 'charged' : 'declined', session: next, attempt };
  } catch (error) {
    // A double submit, a second tab or the merchant wrote first: this attempt is dropped
    // (never a second charge) and the customer sees what the session is now.
    if (!(error instanceof VersionConflictError)) throw error;
    return { kind: 'unchanged', session: await getSession(ports, sessionId), conflict: true };
  }
}

/** The chosen gateway when the session offers it and it is a sandbox the page can run. */
async function usableGateway(ports: PaySessionPorts, session: Session, pgCode: string): Promise<GatewaySetting | NonNullable<PayFormErrors['pg_code']>> {
  if (!session.pg_codes.includes(pgCode)) return 'pg_code_invalid';
  const gateway = findGateway(await ports.config.load(), pgCode);
  // Only the sandbox gateway exists here: a production code must never "succeed" on test logic.
  return gateway?.is_sandbox ? gateway : 'pg_code_unavailable';
}
