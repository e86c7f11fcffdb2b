import type { GatewaySetting, Operation, Plugin } from './config';
import { holdsOrderNo, type State, type NotificationEvent } from './state-machine';

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
}

export interface BillingAddress {
  line1: string;
  line2: string;
  city: string;
  state: string;
  country: string;
  postal_code: string;
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
  remarks: string | null;
  created_at: string;
  updated_at: string;
  /** When the session stops being payable (ISO 8601 UTC). */
  expires_at: string;
}

export function defaultFields(defaultExpiration: string): Omit<SessionFields, 'type' | 'amount' | 'currency_code' | 'pg_codes'> {
  return {
    customer_id: '',
    customer_first_name: '',
    customer_last_name: '',
    customer_email: '',
    customer_phone: '',
    billing_address: null,
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
  };
}

/** The session as the API returns it: links are absolute under the deployment's base URL. */
export function renderSession(session: Session, baseUrl: string) {
  const { version: _version, created_at: _created, updated_at: _updated, ...fields } = session;
  const document = {
    ...fields,
    checkout_url: `${baseUrl}/b/checkout/redirect/start/?session_id=${session.session_id}`,
    payment_methods: session.payment_methods.map((method) => ({
      ...method,
      icon: method.icon.startsWith('/') ? baseUrl + method.icon : method.icon,
      redirect_url: `${baseUrl}/checkout/${session.session_id}?pg_code=${encodeURIComponent(method.code)}`,
    })),
  };
  // Keys in alphabetical order, as Ottu's responses have them.
  return Object.fromEntries(Object.entries(document).sort(([a], [b]) => a.localeCompare(b))) as typeof document;
}

export type SessionDocument = ReturnType<typeof renderSession>;

export function paymentMethodType(gateway: GatewaySetting): PaymentMethod['type'] {
  return gateway.is_sandbox ? 'sandbox' : 'production';
}

/** The order_no this session keeps from other sessions: none once it reached a releasing state. */
export function claimedOrderNo(session: Pick<Session, 'order_no' | 'state'>): string | undefined {
  return session.order_no && holdsOrderNo(session.state) ? session.order_no : undefined;
}
