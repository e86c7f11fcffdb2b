import { isPastExpiry } from './expiry';
import type { CardFormErrors } from './card';
import type { GatewaySetting, Operation } from './config';
import type { GatewayResult } from './gateway';
import type { PaymentAttempt, PaymentMethod, Session } from './session';
import { isOpen, type Action } from './state-machine';

/** A refused payment form: the card fields' problems and the chosen gateway's. */
export type PayFormErrors = CardFormErrors & { pg_code?: 'pg_code_invalid' | 'pg_code_unavailable' };

/** Failed attempts a gateway allows when its setting does not say (Ottu's default). */
export const DEFAULT_ATTEMPT_LIMIT = 3;

export function attemptLimit(gateway: Pick<GatewaySetting, 'attempt_limit'>): number {
  return Number.isInteger(gateway.attempt_limit) && gateway.attempt_limit > 0 ? gateway.attempt_limit : DEFAULT_ATTEMPT_LIMIT;
}

/** Attempts that did not pay, across the session's gateways: the customer's tries so far (one still pending is not one). */
export function failedAttempts(session: Pick<Session, 'attempts'>): number {
  return session.attempts.filter((attempt) => attempt.result === 'failed' || attempt.result === 'error').length;
}

export function attemptsLeft(session: Pick<Session, 'attempts'>, gateway: Pick<GatewaySetting, 'attempt_limit'>): number {
  return Math.max(0, attemptLimit(gateway) - failedAttempts(session));
}

/** What opening the hosted page does to the session, if anything. */
export function openingAction(session: Pick<Session, 'state' | 'expires_at'>, now: Date): Action | undefined {
  if (isOpen(session.state) && isPastExpiry(session, now)) return 'expire';
  if (session.state === 'created') return 'open';
  return undefined;
}

/** Where an attempt's result takes the session: paid or authorized, another try, or failed. */
export function attemptAction(session: Pick<Session, 'attempts'>, result: Exclude<GatewayResult, 'pending'>, operation: Operation, limit: number): Action {
  if (result === 'success') return operation === 'authorize' ? 'authorize' : 'pay';
  return failedAttempts(session) + 1 >= limit ? 'fail' : 'attempt_failed';
}

export function paymentMethodOf(session: Pick<Session, 'payment_methods'>, pgCode: string | null | undefined): PaymentMethod | undefined {
  return session.payment_methods.find((method) => method.code === pgCode);
}

/**
 * Ottu sends the customer back to `redirect_url` with `session_id`, `order_no` and
 * `reference_number` added to its query (order_no only when the session has one).
 */
export function successRedirect(session: Pick<Session, 'redirect_url' | 'session_id' | 'order_no' | 'reference_number'>): string | undefined {
  if (!session.redirect_url) return undefined;
  const url = new URL(session.redirect_url);
  url.searchParams.set('session_id', session.session_id);
  if (session.order_no) url.searchParams.set('order_no', session.order_no);
  if (session.reference_number) url.searchParams.set('reference_number', session.reference_number);
  return url.toString();
}

/**
 * What recording an attempt's final result does to the session: the attempt is put in place (or
 * added), the session's latest reference and result follow it, and the state moves as the result
 * says. A session no longer open (paid by another attempt, expired) only records the attempt.
 */
export function settleAttempt(session: Session, attempt: PaymentAttempt & { result: Exclude<GatewayResult, 'pending'> }, operation: Operation, limit: number, now: Date): { action: Action; changes: Partial<Session> } {
  const others = session.attempts.filter((kept) => kept.reference_number !== attempt.reference_number);
  const attempts = session.attempts.some((kept) => kept.reference_number === attempt.reference_number)
    ? session.attempts.map((kept) => (kept.reference_number === attempt.reference_number ? attempt : kept))
    : [...session.attempts, attempt];
  if (!isOpen(session.state)) return { action: 'settle_attempt', changes: { attempts } };
  const settled = attempt.result === 'success' ? { settled_pg_code: attempt.pg_code, paid_at: now.toISOString() } : {};
  return {
    action: attemptAction({ attempts: others }, attempt.result, operation, limit),
    changes: { attempts, reference_number: attempt.reference_number, result: attempt.result, ...settled },
  };
}
