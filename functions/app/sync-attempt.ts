import { attemptLimit, settleAttempt } from '../domain/checkout';
import { findGateway } from '../domain/config';
import { minorUnits } from '../domain/currencies';
import { VersionConflictError } from '../domain/errors';
import { attemptResult } from '../domain/gateway';
import { parseAmount } from '../domain/money';
import type { SessionEvent } from '../domain/events';
import type { PaymentAttempt, Session } from '../domain/session';
import type { Ports } from '../ports';
import { alarmMessage } from '../ports/log';
import type { GatewayPayment } from '../ports/payment-gateway';
import { changeSession, type SessionWritePorts } from './change-session';
import { getSession } from './get-session';

export type SyncAttemptPorts = SessionWritePorts & Pick<Ports, 'config' | 'gateways' | 'log'>;

export type SyncOutcome =
  /** This sync recorded the gateway's final answer and committed `event` with it. */
  | { kind: 'settled'; session: Session; event?: SessionEvent }
  /** The gateway has no final answer yet, could not be asked, or its answer did not match ours. */
  | { kind: 'pending'; session: Session }
  /** Nothing to ask: no such attempt, or it was settled already (by another sync). */
  | { kind: 'unchanged'; session: Session };

/**
 * Asks the gateway what became of a pending attempt and records its answer: the one way an
 * attempt on a hosted gateway gets its outcome, whatever triggered it (the customer's return,
 * the gateway's notification, the merchant's inquiry, the automatic inquiry). Triggers race
 * freely: the write is conditional on the version read and re-planned on the session as it now
 * is, and an attempt no longer pending plans nothing, so one state change and one event come out.
 * Unknown is never failed: a timeout or an error asking leaves the attempt pending.
 */
export async function syncAttempt(ports: SyncAttemptPorts, sessionId: string, reference?: string): Promise<SyncOutcome> {
  const session = await getSession(ports, sessionId);
  const attempt = pendingAttempt(session, reference);
  if (!attempt) return { kind: 'unchanged', session };
  const setting = findGateway(await ports.config.load(), attempt.pg_code);
  const connector = setting && (await ports.gateways.connect(setting));
  if (!setting || !connector) return { kind: 'pending', session };
  const payment = await connector.sync({ reference: attempt.reference_number, gateway: attempt.gateway });
  if (payment.status === 'pending') return { kind: 'pending', session };
  const problem = mismatch(session, attempt, payment);
  if (problem) {
    // The gateway's order is not the one we asked for: nothing is paid; an operator must look.
    ports.log.warn(alarmMessage('gateway answer does not match the attempt'), new Error(`session ${session.session_id} attempt ${attempt.reference_number}: ${problem}`));
    return { kind: 'pending', session };
  }
  const now = ports.clock.now();
  const result = attemptResult(payment.status);
  if (result === 'pending') return { kind: 'pending', session };
  const settled: PaymentAttempt & { result: typeof result } = {
    ...attempt,
    result,
    card_brand: payment.card?.brand ?? attempt.card_brand,
    card_last4: payment.card?.last4 ?? attempt.card_last4,
    pg_params: payment.pg_params,
    gateway_response: payment.gateway_response,
  };
  const operation = payment.status === 'authorized' ? 'authorize' : 'purchase';
  try {
    const { session: next, changed, events } = await changeSession(
      ports,
      session,
      (current) => {
        const still = pendingAttempt(current, attempt.reference_number);
        if (!still) return undefined;
        const change = settleAttempt(current, { ...settled, gateway: still.gateway }, operation, attemptLimit(setting), now);
        if (change.action === 'settle_attempt' && result === 'success') {
          ports.log.warn(alarmMessage('paid at the gateway on a session no longer open'), new Error(`session ${current.session_id} is ${current.state}; attempt ${attempt.reference_number} was ${payment.status}: refund it at the gateway`));
        }
        return change;
      },
      { retry: true },
    );
    return changed ? { kind: 'settled', session: next, ...(events[0] ? { event: events[0] } : {}) } : { kind: 'unchanged', session: next };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    return { kind: 'unchanged', session: await getSession(ports, sessionId) };
  }
}

/** The attempt to sync: the one named, or else the latest, as long as it is pending. */
export function pendingAttempt(session: Pick<Session, 'attempts'>, reference?: string): PaymentAttempt | undefined {
  const attempt = reference ? session.attempts.find((candidate) => candidate.reference_number === reference) : [...session.attempts].reverse().find((candidate) => candidate.result === 'pending');
  return attempt?.result === 'pending' ? attempt : undefined;
}

/** Why the gateway's answer is not about this attempt (order id, amount, currency), or undefined. */
function mismatch(session: Session, attempt: PaymentAttempt, payment: GatewayPayment): string | undefined {
  const order = payment.order;
  if (!order) return 'the answer names no order';
  if (order.id !== attempt.reference_number) return `order id ${order.id}`;
  if (order.currency !== session.currency_code) return `currency ${order.currency}`;
  const decimals = minorUnits(session.currency_code) ?? 0;
  const theirs = parseAmount(order.amount, decimals);
  const ours = parseAmount(session.amount, decimals);
  if (!theirs.ok || !ours.ok || theirs.minor !== ours.minor) return `amount ${order.amount}`;
  return undefined;
}
