import { readCardForm } from '../domain/card';
import { attemptLimit, settleAttempt, type PayFormErrors } from '../domain/checkout';
import { isPastExpiry } from '../domain/expiry';
import { findGateway, type GatewaySetting } from '../domain/config';
import { VersionConflictError } from '../domain/errors';
import { attemptResult, capabilityProblem } from '../domain/gateway';
import type { SessionEvent } from '../domain/events';
import { firstInquiry } from '../domain/inquiry';
import type { PaymentAttempt, Session } from '../domain/session';
import { isOpen } from '../domain/state-machine';
import type { PaymentGateway, Ports } from '../ports';
import type { GatewayPayment, HostedPage } from '../ports/payment-gateway';
import { changeSession, type SessionWritePorts } from './change-session';
import { getSession } from './get-session';
import { settleOnOpen } from './open-checkout';

export type PaySessionPorts = SessionWritePorts & Pick<Ports, 'config' | 'gateways' | 'inquiries'>;

export interface PaySessionInput {
  sessionId: string;
  /**
   * The posted form: pg_code, `save_card` ("on": the customer ticked "Save this card") and, for a
   * gateway whose card form is ours (the sandbox), card_number, expiry (MM/YY), cvv, name_on_card.
   */
  form: Record<string, unknown>;
  /** The API's base URL: where a hosted gateway sends the customer back and notifies us. */
  baseUrl: string;
}

export type PayOutcome =
  /** The form was refused; no attempt was made. */
  | { kind: 'invalid'; session: Session; errors: PayFormErrors; pgCode: string }
  /** This request paid (or authorized) the session; `event` is the paid or authorized event it committed. */
  | { kind: 'charged'; session: Session; attempt: PaymentAttempt; event: SessionEvent }
  /** This request's attempt failed; the session is `attempted` (may retry) or `failed`. */
  | { kind: 'declined'; session: Session; attempt: PaymentAttempt }
  /** The attempt is recorded (pending) and the customer goes to the gateway's page. */
  | { kind: 'hosted'; session: Session; attempt: PaymentAttempt; page: HostedPage }
  /** The gateway could not start a payment: nothing was attempted, the customer may try again. */
  | { kind: 'unavailable'; session: Session; pgCode: string }
  /**
   * Nothing was attempted: the session is no longer payable (paid by an earlier post, expired,
   * …), or another request changed it first (`conflict`); show it as it now is.
   */
  | { kind: 'unchanged'; session: Session; conflict: boolean };

/**
 * One payment attempt through the chosen gateway's connector. The sandbox decides at once (its
 * card form is ours), and the attempt is committed with its event or not at all; a hosted
 * gateway (MPGS) gets a payment session and the attempt is kept as `pending` until a sync says.
 */
export async function paySession(ports: PaySessionPorts, { sessionId, form, baseUrl }: PaySessionInput): Promise<PayOutcome> {
  const session = await getSession(ports, sessionId);
  const now = ports.clock.now();
  if (!isOpen(session.state)) return { kind: 'unchanged', session, conflict: false };
  // Marks the session expired (the seed: "when the customer attempts to pay past the expiration time").
  if (isPastExpiry(session, now)) return { kind: 'unchanged', session: await settleOnOpen(ports, sessionId), conflict: false };

  const pgCode = typeof form.pg_code === 'string' ? form.pg_code : '';
  const chosen = await usableGateway(ports, session, pgCode);
  // A hosted gateway's card never reaches us, so only a card form of ours is read.
  const cardForm = typeof chosen === 'string' || chosen.connector.capabilities.cardFormOnOurPage;
  const card = cardForm ? readCardForm(form, now) : undefined;
  const errors: PayFormErrors = { ...(card && !card.ok ? card.errors : {}), ...(typeof chosen === 'string' ? { pg_code: chosen } : {}) };
  if ((card && !card.ok) || typeof chosen === 'string') return { kind: 'invalid', session, errors, pgCode };
  const { gateway, connector } = chosen;
  const paymentType = session.payment_type ?? 'one_off';
  // save_card and auto_debit always keep the card; a one_off payment when the customer ticks "Save this card" (the seed).
  const saveCard = Boolean(connector.tokens && session.customer_id && (paymentType !== 'one_off' || form.save_card === 'on'));

  const reference = ports.ids.referenceNumber();
  // The automatic inquiry is scheduled before the gateway is asked, so no attempt can exist
  // without it (a Lambda dying after the commit); when nothing is attempted it finds nothing.
  if (connector.capabilities.sync && !connector.capabilities.cardFormOnOurPage) {
    await ports.inquiries.schedule(firstInquiry(session.session_id, reference, gateway));
  }
  // A cancel on the gateway's page comes back the same way: the return only triggers a sync.
  const returnUrl = `${baseUrl}/checkout/${session.session_id}/return?attempt=${reference}`;
  const started = await connector.start({
    reference,
    operation: gateway.operation,
    amount: session.amount,
    currency: session.currency_code,
    returnUrl,
    cancelUrl: returnUrl,
    notificationUrl: `${baseUrl}/checkout/notify/${encodeURIComponent(gateway.code)}/${session.session_id}`,
    merchantName: session.vendor_name || 'Checkout',
    description: session.order_no ?? undefined,
    ...(card?.ok ? { card: card.card } : {}),
    ...(paymentType === 'save_card' ? { verify: true } : {}),
    ...(paymentType === 'auto_debit' && session.agreement?.id ? { agreement: { id: session.agreement.id, type: session.agreement.type, ...(session.agreement.expiry_date ? { expiry_date: session.agreement.expiry_date } : {}) } } : {}),
  });
  if (started.kind === 'unavailable') return { kind: 'unavailable', session, pgCode };
  if (started.kind === 'hosted') {
    const attempt: PaymentAttempt = { reference_number: reference, pg_code: pgCode, result: 'pending', card_brand: 'card', card_last4: '', attempted_at: now.toISOString(), gateway: started.gateway, ...(saveCard ? { save_card: true } : {}) };
    return commit(ports, session, sessionId, (current) => ({ action: 'start_attempt', changes: { attempts: [...current.attempts, attempt], reference_number: reference, result: 'pending' } }), (next) => ({ kind: 'hosted', session: next, attempt, page: started.page }));
  }
  const attempt = attemptFrom(reference, pgCode, now, started.payment);
  const { result } = attempt;
  if (result === 'pending') throw new Error('A connector settled a payment as pending.');
  return commit(
    ports,
    session,
    sessionId,
    (current) => settleAttempt(current, { ...attempt, result }, current.operation, attemptLimit(gateway), now),
    (next, events) => (result === 'success' ? { kind: 'charged', session: next, attempt, event: events[0]! } : { kind: 'declined', session: next, attempt }),
  );
}

/** The attempt a gateway's answer makes: what the gateway said, and of the card its brand and last four. */
export function attemptFrom(reference: string, pgCode: string, now: Date, payment: GatewayPayment): PaymentAttempt {
  return {
    reference_number: reference,
    pg_code: pgCode,
    result: attemptResult(payment.status),
    card_brand: payment.card?.brand ?? 'card',
    card_last4: payment.card?.last4 ?? '',
    attempted_at: now.toISOString(),
    pg_params: payment.pg_params,
    gateway_response: payment.gateway_response,
  };
}

/**
 * Writes the attempt. A bookkeeping write (a webhook's delivery status) may land between the read
 * and this write: the attempt is re-planned on the fresh session as long as nothing the customer
 * pays for, or the attempt count, changed. A double submit, a second tab or a merchant's edit did
 * change it: then this attempt is dropped (never a second charge) and the customer sees the
 * session as it is.
 */
async function commit(
  ports: PaySessionPorts,
  session: Session,
  sessionId: string,
  change: (current: Session) => ReturnType<typeof settleAttempt>,
  outcome: (next: Session, events: SessionEvent[]) => PayOutcome,
): Promise<PayOutcome> {
  const samePayment = (current: Session) =>
    current.state === session.state && current.attempts.length === session.attempts.length && current.amount === session.amount && current.currency_code === session.currency_code;
  try {
    const { session: next, changed, events } = await changeSession(ports, session, (current) => (samePayment(current) ? change(current) : undefined), { retry: true });
    return changed ? outcome(next, events) : { kind: 'unchanged', session: next, conflict: true };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    return { kind: 'unchanged', session: await getSession(ports, sessionId), conflict: true };
  }
}

/** The chosen gateway and its connector, when the session offers it and a connector can run it. */
async function usableGateway(ports: PaySessionPorts, session: Session, pgCode: string): Promise<{ gateway: GatewaySetting; connector: PaymentGateway } | NonNullable<PayFormErrors['pg_code']>> {
  if (!session.pg_codes.includes(pgCode)) return 'pg_code_invalid';
  const gateway = findGateway(await ports.config.load(), pgCode);
  const connector = gateway && (await ports.gateways.connect(gateway));
  if (!gateway || !connector) return 'pg_code_unavailable';
  if (capabilityProblem(connector.capabilities, { operation: gateway.operation, currency: session.currency_code })) return 'pg_code_unavailable';
  // Keeping the card needs a connector that can (the create rules allow only such gateways; a setting changed since is refused here).
  if ((session.payment_type ?? 'one_off') !== 'one_off' && !connector.tokens) return 'pg_code_unavailable';
  return { gateway, connector };
}
