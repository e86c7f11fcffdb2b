import { readCardForm } from '../domain/card';
import { attemptAction, attemptLimit, type PayFormErrors } from '../domain/checkout';
import { isPastExpiry } from '../domain/expiry';
import { findGateway, type GatewaySetting } from '../domain/config';
import { VersionConflictError } from '../domain/errors';
import { sandboxDecision } from '../domain/sandbox-gateway';
import type { SessionEvent } from '../domain/events';
import type { PaymentAttempt, Session } from '../domain/session';
import { isOpen } from '../domain/state-machine';
import type { Ports } from '../ports';
import { changeSession, type SessionWritePorts } from './change-session';
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
  /** This request paid (or authorized) the session; `event` is the paid or authorized event it committed. */
  | { kind: 'charged'; session: Session; attempt: PaymentAttempt; event: SessionEvent }
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
  const settled = result === 'success' ? { settled_pg_code: pgCode, paid_at: now.toISOString() } : {};
  // A bookkeeping write (a webhook's delivery status) may land between the read and this write:
  // the attempt is re-planned on the fresh session as long as nothing the customer paid for, or
  // the attempt count, changed. A double submit, a second tab or a merchant's edit did change it:
  // then this attempt is dropped (never a second charge) and the customer sees the session as it is.
  const samePayment = (current: Session) =>
    current.state === session.state && current.attempts.length === session.attempts.length && current.amount === session.amount && current.currency_code === session.currency_code;
  const plan = (current: Session) =>
    samePayment(current)
      ? {
          action: attemptAction(current, result, current.operation, attemptLimit(gateway)),
          changes: { attempts: [...current.attempts, attempt], reference_number: attempt.reference_number, result, ...settled },
        }
      : undefined;
  try {
    const { session: next, changed, events } = await changeSession(ports, session, plan, { retry: true });
    if (!changed) return { kind: 'unchanged', session: next, conflict: true };
    if (result === 'success') return { kind: 'charged', session: next, attempt, event: events[0]! };
    return { kind: 'declined', session: next, attempt };
  } catch (error) {
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
