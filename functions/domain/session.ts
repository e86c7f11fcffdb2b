import type { Agreement, CardAcceptanceCriteria, PaymentType } from './agreement';
import type { CardBrand } from './card';
import type { CardOnFile } from './saved-card';
import type { GatewaySetting, Operation, Plugin } from './config';
import type { NotificationChannel } from './deliveries';
import { operationAmounts, renderChild, type ChildTransaction } from './operations';
import type { Initiator } from './permissions';
import type { GatewayResult, PgParams } from './gateway';
import { holdsOrderNo, type EventType, type State, type NotificationEvent } from './state-machine';

/** What a merchant writes on a payment transaction (all of the seed's request fields). */
export interface SessionFields {
  type: Plugin;
  /** Decimal string with exactly the currency's minor units, e.g. "14.000". */
  amount: string;
  currency_code: string;
  pg_codes: string[];
  customer_id: string;
  customer_first_name: string;
  customer_last_name: string;
  customer_email: string;
  customer_phone: string;
  billing_address: BillingAddress | null;
  /** Ottu's shipping address (absent on sessions stored before it existed: read as null). */
  shipping_address?: ShippingAddress | null;
  /** YYYY-MM-DD, or null. */
  customer_birthdate?: string | null;
  customer_phone_2?: string;
  /** When the payment is due (ISO 8601 UTC), shown on the page; not the expiry. */
  due_datetime?: string | null;
  order_no: string | null;
  notifications: { email: NotificationEvent[]; sms: NotificationEvent[] };
  vendor_name: string;
  expiration_time: string;
  email_recipients: string[];
  extra: Record<string, unknown>;
  product_type: string;
  language: 'en' | 'ar';
  mode: 'payment';
  webhook_url: string;
  redirect_url: string;
  initiator_id: number | null;
  /** Ottu's payment_type (absent on sessions stored before saved cards: one_off). */
  payment_type?: PaymentType;
  /** auto_debit's agreement: the payer consents to merchant-initiated payments under it. */
  agreement?: Agreement | null;
  card_acceptance_criteria?: CardAcceptanceCriteria | null;
}

export interface BillingAddress {
  line1: string;
  line2: string;
  city: string;
  state: string;
  country: string;
  postal_code: string;
}

export interface ShippingAddress extends BillingAddress {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
}

/** A gateway as the session shows it, frozen when the session is written. */
export interface PaymentMethod {
  code: string;
  name: string;
  pg: string;
  type: 'sandbox' | 'production';
  amount: string;
  currency_code: string;
  fee: string;
  icon: string;
  flow: 'redirect';
}

/** One try to pay on the hosted page. Of the card only its brand and last four digits are kept. */
export interface PaymentAttempt {
  /** 12 characters, unique per attempt; shown to the customer, sent to the merchant and, as its order id, to the gateway. */
  reference_number: string;
  pg_code: string;
  /** `pending` while the gateway has not said (the customer is on its page, or its answer was lost). */
  result: GatewayResult;
  /** `card` and '' until a hosted gateway says which card paid. */
  card_brand: CardBrand;
  card_last4: string;
  attempted_at: string;
  /** Ottu's normalized gateway fields (absent for the sandbox's attempts before connectors). */
  pg_params?: PgParams;
  /** The gateway's raw answer, scrubbed of anything sensitive. */
  gateway_response?: Record<string, unknown>;
  /** What a hosted gateway gave at start (its session, the proof of success it will return). Internal: never rendered. */
  gateway?: AttemptGateway;
  /** The card is to be kept once this attempt succeeds (save_card, auto_debit, or the page's "Save this card"). */
  save_card?: boolean;
  /** The card this attempt saved (docs/saved-cards.md). Its token is the merchant's: never in a public answer. */
  saved_card?: CardOnFile;
  /**
   * The merchant charged a saved card without the customer (auto-debit), under this customer's
   * agreement as it was when charged (an edit of the session cannot move it): the charge counts
   * against that agreement's cycles (domain/agreement-cycle.ts). Internal.
   */
  merchant_initiated?: { customer_id: string; agreement_id: string };
}

/** A hosted gateway's handles on one attempt. */
export interface AttemptGateway {
  session_id?: string;
  /** Compared in constant time with what the customer's return carries (MPGS's successIndicator). */
  success_indicator?: string;
}

export interface Session extends SessionFields {
  session_id: string;
  state: State;
  /** Optimistic-concurrency counter: every write is conditional on it. */
  version: number;
  operation: Operation;
  payment_methods: PaymentMethod[];
  attachment: string;
  attachment_short_url: string;
  checkout_short_url: string;
  /** Path of the checkout URL's QR code image, when `generate_qr_code` asked for it (absent otherwise). */
  qr_code_url?: string;
  remarks: string | null;
  created_at: string;
  updated_at: string;
  /** When the session stops being payable (ISO 8601 UTC). */
  expires_at: string;
  /** Payment attempts, oldest first. */
  attempts: PaymentAttempt[];
  /** The latest attempt's reference and result; null before the first attempt. */
  reference_number: string | null;
  result: GatewayResult | null;
  /** The gateway that took the payment, and when (null until paid or authorized). */
  settled_pg_code: string | null;
  paid_at: string | null;
  /** Who created the session (absent on sessions stored before it was recorded). */
  initiator?: Initiator | null;
  /** Refunds, captures and voids, oldest first (absent until the first). */
  transactions?: ChildTransaction[];
  /**
   * Refunds, captures and voids reserved and sent to the gateway, not confirmed or refused yet
   * (absent when none). Internal: never rendered; planning counts them as done.
   */
  operations_in_flight?: ChildTransaction[];
  /** Set by the `delete` operation: every read answers 404 from then on; the record stays. */
  deleted_at?: string;
  /** Outcome of the latest webhook delivery (absent until the first attempt). */
  webhook_status?: WebhookStatus;
  /**
   * Versions of the events whose webhook was delivered, the latest delivered last, at most
   * DELIVERED_WEBHOOKS_KEPT (absent until the first): how the webhook consumer drops a duplicate
   * without a write of its own (docs/durability.md). Internal: never rendered, never input.
   */
  webhook_delivered?: number[];
  /** E-mail and SMS notifications the provider refused for good (absent when none). */
  notification_status?: NotificationStatus;
}

/** What a session holds about payment before the customer has tried to pay. */
export function noPayment(): Pick<Session, 'attempts' | 'reference_number' | 'result' | 'settled_pg_code' | 'paid_at'> {
  return { attempts: [], reference_number: null, result: null, settled_pg_code: null, paid_at: null };
}

export interface WebhookStatus {
  state: 'pending' | 'delivered' | 'retrying' | 'failed';
  /** The event whose delivery this describes. */
  event: EventType | null;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
}

/**
 * How many delivered webhook events a session remembers. A session has a handful of events in
 * its life (created, pending, paid, a few refunds) and a duplicate comes within minutes (the
 * stream, SQS, a copy taking over a dead consumer's claim), so 16 covers it in practice. 16
 * versions add 40 to 60 bytes to the stored (deflated) document: a paid session's item, its event
 * included, stays near 650 bytes, under one write unit.
 */
export const DELIVERED_WEBHOOKS_KEPT = 16;

/** Whether the session records that the webhook of its event `version` was delivered. */
export function isWebhookDelivered(session: Pick<Session, 'webhook_delivered'> | undefined, version: number): boolean {
  return session?.webhook_delivered?.includes(version) ?? false;
}

/**
 * The delivered list with `version` added last, the earliest added dropped beyond the bound. In
 * the order of delivery, not of version: an event delivered late (after retries) is as likely to
 * meet a duplicate as the latest one.
 */
export function withWebhookDelivered(session: Pick<Session, 'webhook_delivered'>, version: number): number[] {
  return [...(session.webhook_delivered ?? []).filter((kept) => kept !== version), version].slice(-DELIVERED_WEBHOOKS_KEPT);
}

export interface NotificationRejection {
  channel: NotificationChannel;
  recipient: string;
  event: NotificationEvent;
  reason: string;
  at: string;
}

export interface NotificationStatus {
  /** Newest last, at most a few dozen. */
  rejected: NotificationRejection[];
}

export function defaultFields(defaultExpiration: string): Omit<SessionFields, 'type' | 'amount' | 'currency_code' | 'pg_codes'> {
  return {
    customer_id: '',
    customer_first_name: '',
    customer_last_name: '',
    customer_email: '',
    customer_phone: '',
    billing_address: null,
    shipping_address: null,
    customer_birthdate: null,
    customer_phone_2: '',
    due_datetime: null,
    order_no: null,
    notifications: { email: [], sms: [] },
    vendor_name: '',
    expiration_time: defaultExpiration,
    email_recipients: [],
    extra: {},
    product_type: '',
    language: 'en',
    mode: 'payment',
    webhook_url: '',
    redirect_url: '',
    initiator_id: null,
    payment_type: 'one_off',
    agreement: null,
    card_acceptance_criteria: null,
  };
}

/** The session as the API returns it: links are absolute under the deployment's base URL. */
export function renderSession(session: Session, baseUrl: string) {
  // webhook_delivered is the webhook consumer's bookkeeping, not the merchant's.
  const { version: _version, created_at: _created, updated_at: _updated, deleted_at: _deleted, webhook_delivered: _delivered, operations_in_flight: _inFlight, ...fields } = session;
  // Stored links are paths, so one session renders right under any base URL (custom domain).
  const absolute = (link: string) => (link.startsWith('/') ? baseUrl + link : link);
  const document = {
    ...fields,
    attachment: absolute(session.attachment),
    attachment_short_url: absolute(session.attachment_short_url),
    checkout_short_url: absolute(session.checkout_short_url),
    // Fields added after the first sessions were stored read as their empty value.
    shipping_address: session.shipping_address ?? null,
    customer_birthdate: session.customer_birthdate ?? null,
    customer_phone_2: session.customer_phone_2 ?? '',
    due_datetime: session.due_datetime ?? null,
    payment_type: session.payment_type ?? 'one_off',
    agreement: session.agreement ?? null,
    card_acceptance_criteria: session.card_acceptance_criteria ?? null,
    ...(session.qr_code_url ? { qr_code_url: absolute(session.qr_code_url) } : {}),
    ...(session.webhook_url && !session.webhook_status ? { webhook_status: PENDING_WEBHOOK } : {}),
    checkout_url: checkoutUrl(baseUrl, session.session_id),
    // A hosted gateway's handles (its session, the proof of success) stay ours; a saved card's token is the merchant's (webhook, inquiry).
    attempts: session.attempts.map(({ gateway: _gateway, saved_card: _saved, save_card: _save, merchant_initiated: _merchant, ...attempt }) => attempt),
    // Ottu shows an operation's child transactions and the sums they make.
    transactions: (session.transactions ?? []).map((child) => renderChild(child, session.order_no)),
    initiator: session.initiator ?? null,
    ...operationAmounts(session),
    payment_methods: session.payment_methods.map((method) => ({
      ...method,
      icon: absolute(method.icon),
      redirect_url: `${baseUrl}/checkout/${session.session_id}?pg_code=${encodeURIComponent(method.code)}`,
    })),
  };
  // Keys in alphabetical order, as Ottu's responses have them.
  return Object.fromEntries(Object.entries(document).sort(([a], [b]) => a.localeCompare(b))) as typeof document;
}

export type SessionDocument = ReturnType<typeof renderSession>;

/**
 * What GET of a session shows a caller without credentials (the seed's public retrieve): the
 * payment transaction itself, never where and to whom the merchant is notified (webhook_url,
 * the webhook delivery status, email_recipients). docs/security.md.
 */
export const PRIVATE_FIELDS = ['webhook_url', 'webhook_status', 'email_recipients'] as const;

export function publicSessionView(document: SessionDocument): Omit<SessionDocument, (typeof PRIVATE_FIELDS)[number]> {
  const view: Record<string, unknown> = { ...document };
  for (const field of PRIVATE_FIELDS) delete view[field];
  return view as Omit<SessionDocument, (typeof PRIVATE_FIELDS)[number]>;
}

/** Where the customer pays (also linked from the `created` notification). */
export function checkoutUrl(baseUrl: string, sessionId: string): string {
  return `${baseUrl}/b/checkout/redirect/start/?session_id=${sessionId}`;
}

const PENDING_WEBHOOK: WebhookStatus = { state: 'pending', event: null, attempts: 0, last_status_code: null, last_error: null, last_attempt_at: null };

export function paymentMethodType(gateway: GatewaySetting): PaymentMethod['type'] {
  return gateway.is_sandbox ? 'sandbox' : 'production';
}

/** The order_no this session keeps from other sessions: none once it reached a releasing state or was deleted for good. */
export function claimedOrderNo(session: Pick<Session, 'order_no' | 'state' | 'deleted_at'>): string | undefined {
  return session.order_no && holdsOrderNo(session.state) && !isHardDeleted(session) ? session.order_no : undefined;
}

/**
 * Ottu's delete: a paid or authorized session is soft-deleted (hidden, the money trail and its
 * order_no kept); any other is removed for good (its order_no free again; on AWS the table's TTL
 * removes the item).
 */
export function isHardDeleted(session: Pick<Session, 'state' | 'deleted_at'>): boolean {
  return session.deleted_at !== undefined && session.state !== 'paid' && session.state !== 'authorized';
}
