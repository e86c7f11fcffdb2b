import type { SessionEvent } from '../../domain/events';
import type { ChildTransaction } from '../../domain/operations';
import { statusDocument } from '../../domain/payment-status';
import { renderSession, type Session } from '../../domain/session';
import type { EventType } from '../../domain/state-machine';
import { signedEventPayload } from '../../domain/webhook-payload';

/**
 * The sample merchant and session the API reference's examples show. The answers are rendered by
 * the domain's own functions (renderSession, signedEventPayload, statusDocument), so an example
 * carries every field the API sends and a signature that verifies with EXAMPLE_WEBHOOK_KEY; the
 * requests are written out in each route's entry in api-contract.ts. Built only by
 * scripts/build-openapi.ts, never in a Lambda.
 */

export const EXAMPLE_BASE_URL = 'https://pay.example.com';
/** The webhook key the examples are signed with, so a reader can check their verification code against them. */
export const EXAMPLE_WEBHOOK_KEY = 'example-webhook-key';
export const EXAMPLE_SESSION_ID = 'a12f71075a834a34d692736ac43a212fcebfb6ec';
export const EXAMPLE_ORDER_NO = 'ORD-1001';
export const EXAMPLE_ATTACHMENT_TOKEN = 'f3b1c2d4e5a6978812345678';
export const EXAMPLE_SHORT_CODE = 'Xk3mP9qa';

const CREATED_AT = '2026-11-25T10:30:00.000Z';
const PAID_AT = '2026-11-25T10:31:07.000Z';
const REFUNDED_AT = '2026-11-25T11:02:45.000Z';

/** The example session as create-session stores it. */
export const createdExample: Session = {
  type: 'payment_request',
  amount: '14.000',
  currency_code: 'KWD',
  pg_codes: ['sandbox-kwd'],
  customer_id: 'cust-1',
  customer_first_name: 'Huda',
  customer_last_name: 'Saleh',
  customer_email: 'huda@example.com',
  customer_phone: '96550000000',
  billing_address: { line1: 'Block 3, Street 5', line2: '', city: 'Kuwait City', state: 'Capital', country: 'KW', postal_code: '13001' },
  order_no: EXAMPLE_ORDER_NO,
  notifications: { email: ['paid', 'refunded'], sms: [] },
  vendor_name: '',
  expiration_time: '01:00:00',
  email_recipients: [],
  extra: { cart_id: 'c-981' },
  product_type: '',
  language: 'en',
  mode: 'payment',
  webhook_url: 'https://merchant.example.com/webhooks/checkout',
  redirect_url: 'https://merchant.example.com/thanks',
  initiator_id: null,
  session_id: EXAMPLE_SESSION_ID,
  state: 'created',
  version: 1,
  operation: 'purchase',
  payment_methods: [
    { code: 'sandbox-kwd', name: 'Sandbox KWD', pg: 'Ottu PG', type: 'sandbox', amount: '14.000', currency_code: 'KWD', fee: '0.000', icon: '/static/pg-icons/card.svg', flow: 'redirect' },
  ],
  attachment: '',
  attachment_short_url: '',
  checkout_short_url: '',
  remarks: null,
  created_at: CREATED_AT,
  updated_at: CREATED_AT,
  expires_at: '2026-11-25T11:30:00.000Z',
  attempts: [],
  reference_number: null,
  result: null,
  settled_pg_code: null,
  paid_at: null,
};

export const paidExample: Session = {
  ...createdExample,
  state: 'paid',
  version: 3,
  updated_at: PAID_AT,
  attempts: [{ reference_number: 'K7Q2M9X4T1LP', pg_code: 'sandbox-kwd', result: 'success', card_brand: 'visa', card_last4: '1111', attempted_at: PAID_AT }],
  reference_number: 'K7Q2M9X4T1LP',
  result: 'success',
  settled_pg_code: 'sandbox-kwd',
  paid_at: PAID_AT,
  webhook_status: { state: 'delivered', event: 'paid', attempts: 1, last_status_code: 200, last_error: null, last_attempt_at: PAID_AT },
};

export const refundExample: ChildTransaction = {
  operation: 'refund',
  state: 'refunded',
  amount: '4.000',
  currency_code: 'KWD',
  reference_number: 'R4N8W2C6J0HD',
  pg_code: 'sandbox-kwd',
  tracking_key: 'refund-ORD-1001-1',
  version: 4,
  created_at: REFUNDED_AT,
};

export const refundedExample: Session = { ...paidExample, version: 4, updated_at: REFUNDED_AT, transactions: [refundExample] };

/** A session as every session route answers it. */
export const sessionExample = (session: Session = createdExample) => renderSession(session, EXAMPLE_BASE_URL);

const eventOf = (session: Session, type: EventType, occurredAt: string): SessionEvent => ({
  event_id: '3e0c8f3b-5f7b-4c61-9d0e-4a8a1c7b2d11',
  type,
  session_id: session.session_id,
  state: session.state,
  version: session.version,
  occurred_at: occurredAt,
});

/** The body of the `paid` webhook. */
export const paidWebhookExample = () => signedEventPayload(paidExample, eventOf(paidExample, 'paid', PAID_AT), EXAMPLE_WEBHOOK_KEY);
/** The body of the `refunded` webhook (Ottu's operation payload). */
export const refundedWebhookExample = () => signedEventPayload(refundedExample, eventOf(refundedExample, 'refunded', REFUNDED_AT), EXAMPLE_WEBHOOK_KEY);
/** What the refund request answers: the operation payload, with `detail`. */
export const refundAnswerExample = () => {
  const { event_id: _id, event_type: _type, ...payload } = refundedWebhookExample();
  return { detail: 'The payment was refunded.', ...payload };
};
/** The inquiry's answer (and its notify_webhook_url webhook). */
export const statusExample = () => statusDocument(refundedExample, EXAMPLE_WEBHOOK_KEY);
