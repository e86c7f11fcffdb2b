import { tokenObject } from './saved-card';
import { minorUnits } from './currencies';
import type { SessionEvent } from './events';
import { formatMinor } from './money';
import { childOfEvent, signedOperationPayload } from './operation-payload';
import { operationAmounts, renderChild } from './operations';
import type { Session } from './session';
import type { EventType } from './state-machine';
import { signWebhook } from './webhook-signature';

/**
 * The body POSTed to a session's webhook_url: Ottu's payment webhook fields
 * (reference/ottu-webhook-schema.json) for the state the event recorded, plus `event_id` and
 * `event_type` so receivers can drop duplicates. Money stays a decimal string, as in Ottu's
 * own payload examples.
 */

/** Ottu's `result`: the outcome the event stands for. */
const RESULTS: Record<EventType, 'pending' | 'success' | 'failed' | 'canceled'> = {
  created: 'pending',
  pending: 'pending',
  attempted: 'failed',
  paid: 'success',
  authorized: 'success',
  captured: 'success',
  refunded: 'success',
  voided: 'success',
  failed: 'failed',
  expired: 'failed',
  canceled: 'canceled',
};

const MESSAGES: Record<EventType, string> = {
  created: 'Payment transaction created.',
  pending: 'The customer opened the payment page.',
  attempted: 'A payment attempt failed; the customer may try again.',
  paid: 'Payment completed successfully.',
  authorized: 'Payment authorized; it awaits capture.',
  captured: 'Authorized payment captured.',
  refunded: 'Payment refunded.',
  voided: 'Payment authorization voided.',
  failed: 'Payment failed.',
  expired: 'Payment transaction expired.',
  canceled: 'Payment transaction canceled.',
};

/** Events after which the money has been taken. */
const SETTLED: readonly EventType[] = ['paid', 'captured', 'authorized'];

/** Events that follow a payment attempt, so its gateway and reference belong in the payload. */
const AFTER_ATTEMPT: readonly EventType[] = ['attempted', 'paid', 'authorized', 'failed', 'captured', 'refunded', 'voided'];

export function webhookPayload(session: Session, event: SessionEvent) {
  // The attempt the event follows is the session's latest: a webhook is built when it is
  // delivered, and an open session's next attempt would come with its own event.
  const attempt = AFTER_ATTEMPT.includes(event.type) ? session.attempts.at(-1) : undefined;
  // The gateway that took the attempt; before any, a session offered through one gateway names it.
  const code = attempt?.pg_code ?? (session.payment_methods.length === 1 ? session.payment_methods[0]!.code : undefined);
  const method = session.payment_methods.find((candidate) => candidate.code === code);
  const decimals = minorUnits(session.currency_code) ?? 0;
  const amount = toMinor(session.amount);
  const fee = method ? toMinor(method.fee) : 0n;
  const total = amount + fee;
  const money = (minor: bigint) => formatMinor(minor, decimals);
  const settled = SETTLED.includes(event.type);
  const address = session.billing_address;
  // The attempt that paid (or the latest one, for a failed attempt's event) carries the gateway's answer.
  const answered = attempt ?? (settled || event.type === 'refunded' || event.type === 'captured' || event.type === 'voided' ? session.attempts.at(-1) : undefined);
  return {
    event_id: event.event_id,
    event_type: event.type,
    session_id: session.session_id,
    order_no: session.order_no,
    amount: session.amount,
    currency_code: session.currency_code,
    amount_details: { amount: session.amount, currency_code: session.currency_code, fee: money(fee), total: money(total) },
    fee: `${money(fee)} ${session.currency_code}`,
    paid_amount: money(settled ? total : 0n),
    settled_amount: money(settled ? amount : 0n),
    remaining_amount: money(settled || event.type === 'refunded' ? 0n : amount),
    state: event.state,
    result: RESULTS[event.type],
    message: MESSAGES[event.type],
    reference_number: attempt?.reference_number ?? '',
    gateway_account: method?.code ?? '',
    gateway_name: method?.pg ?? '',
    is_sandbox: method ? method.type === 'sandbox' : true,
    payment_type: session.payment_type ?? 'one_off',
    timestamp_utc: ottuTimestamp(event.occurred_at),
    customer_id: session.customer_id,
    customer_first_name: session.customer_first_name,
    customer_last_name: session.customer_last_name,
    customer_email: session.customer_email,
    customer_phone: session.customer_phone,
    customer_address_line1: address?.line1 ?? '',
    customer_address_line2: address?.line2 ?? '',
    customer_address_city: address?.city ?? '',
    customer_address_state: address?.state ?? '',
    customer_address_country: address?.country ?? '',
    customer_address_postal_code: address?.postal_code ?? '',
    customer_birthdate: session.customer_birthdate ?? null,
    shipping_address: session.shipping_address ?? null,
    extra: session.extra,
    gateway_response: answered?.gateway_response ?? {},
    pg_params: answered?.pg_params ?? {},
    // What the operations did so far, and the children themselves (each with its own session_id).
    ...operationAmounts(session),
    transactions: (session.transactions ?? []).map((child) => renderChild(child, session.order_no)),
    initiator: session.initiator ?? null,
    agreement: session.agreement ?? null,
    card_acceptance_criteria: session.card_acceptance_criteria ?? null,
    // The card the attempt saved (docs/saved-cards.md): the merchant's, as this payload is.
    ...(answered?.saved_card ? { token: tokenObject(answered.saved_card, { customer_id: session.customer_id, pg_code: answered.pg_code, pg_name: method?.pg ?? '', agreements: agreementsOf(session) }, new Date(event.occurred_at)) } : {}),
  };
}

export type WebhookPayload = ReturnType<typeof webhookPayload>;

/** The agreement an auto_debit session's card was saved under. */
function agreementsOf(session: Session): string[] {
  return session.payment_type === 'auto_debit' && session.agreement?.id ? [session.agreement.id] : [];
}

/** The payload with its `signature`, as sent. */
export function signedWebhookPayload(session: Session, event: SessionEvent, key: string): WebhookPayload & { signature: string } {
  const payload = webhookPayload(session, event);
  return { ...payload, signature: signWebhook(payload, key) };
}

/**
 * What an event's webhook carries: a refund, capture or void sends Ottu's operation payload
 * (its child transaction in `txn`, plus event_id and event_type for deduplication); every other
 * event the payment payload.
 */
export function signedEventPayload(session: Session, event: SessionEvent, key: string) {
  const child = childOfEvent(session, event);
  if (!child) return signedWebhookPayload(session, event, key);
  return { event_id: event.event_id, event_type: event.type, ...signedOperationPayload(session, child, key) };
}

/** "2026-11-25 10:31:07", the form of Ottu's payload examples. */
function ottuTimestamp(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

/** Stored amounts already carry exactly the currency's decimals, so the digits are the minor units. */
function toMinor(decimal: string): bigint {
  return BigInt(decimal.replace('.', ''));
}
