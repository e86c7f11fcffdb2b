import { randomUUID } from 'node:crypto';
import type { SessionEvent } from '../functions/domain/events';
import type { Session } from '../functions/domain/session';
import { tinyPng } from '../test/fixtures/sample-files';
import { httpEvent, sqsEvent, streamEvent } from './lambda-events';

/**
 * The first request each Lambda serves in the cold-start figure: a real, successful request
 * where one exists without a browser (the payment form answers its CSRF check, 403), against the
 * seeded merchant and session.
 */

export const CREATE_BODY = { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD', customer_email: 'customer@example.com' };

/** A session that asks for every notification, so the event router and consumers have work. */
export const NOTIFIED_BODY = {
  ...CREATE_BODY,
  customer_phone: '96550000000',
  // Loopback, so no traffic leaves the machine; the bench seeds its session with a receiver's URL instead.
  webhook_url: 'http://127.0.0.1:9/hook',
  notifications: { email: ['created'], sms: ['created'] },
};

/**
 * The minute buckets the expiry sweep's first request finds unswept: the bench marks the index
 * swept up to this many minutes ago, as the every-minute schedule leaves it.
 */
export const SWEPT_MINUTES = 3;

/**
 * The functions whose first request above changes the session: their job is a read, then a
 * conditional write that depends on it (the caller's credentials, the stored version), so
 * their floor writes after its read too (bench/functions.ts).
 */
export const FIRST_REQUEST_WRITES: ReadonlySet<string> = new Set(['CreateSession', 'PatchSession', 'PutSession', 'CheckoutPage']);

/**
 * The functions whose first request above stores a file: its job is to authenticate the caller
 * (a read), then put the object, so their floor puts one after its read too.
 */
export const FIRST_REQUEST_UPLOADS: ReadonlySet<string> = new Set(['UploadAttachment']);

export interface Seed {
  apiKey: string;
  sessionId: string;
  /** The seeded session as stored: the event router's first record is its write's new image. */
  session: Session;
}

const PYMT = '/b/checkout/v1/pymt-txn';

export function firstRequest(id: string, seed: Seed): unknown {
  const auth = { authorization: `Api-Key ${seed.apiKey}`, 'content-type': 'application/json' };
  const session = { session_id: seed.sessionId };
  const event: SessionEvent = { event_id: randomUUID(), type: 'created', session_id: seed.sessionId, state: 'created', version: 1, occurred_at: new Date().toISOString() };
  switch (id) {
    case 'CreateSession':
      return httpEvent({ method: 'POST', path: `${PYMT}/`, route: PYMT, headers: auth, body: JSON.stringify(CREATE_BODY) });
    case 'RetrieveSession':
      return httpEvent({ method: 'GET', path: `${PYMT}/${seed.sessionId}/`, route: `${PYMT}/{session_id}`, pathParameters: session });
    case 'PatchSession':
      return httpEvent({ method: 'PATCH', path: `${PYMT}/${seed.sessionId}/`, route: `${PYMT}/{session_id}`, pathParameters: session, headers: auth, body: JSON.stringify({ vendor_name: 'bench' }) });
    case 'PutSession':
      // The seeded webhook_url is kept: the webhook consumer's first request delivers to it.
      return httpEvent({ method: 'PUT', path: `${PYMT}/${seed.sessionId}/`, route: `${PYMT}/{session_id}`, pathParameters: session, headers: auth, body: JSON.stringify({ ...NOTIFIED_BODY, webhook_url: seed.session.webhook_url }) });
    case 'UploadAttachment': {
      const boundary = 'benchboundary';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\n`),
        tinyPng(),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return httpEvent({ method: 'POST', path: '/b/checkout/v1/upload-attachment/', route: '/b/checkout/v1/upload-attachment', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    }
    case 'DownloadAttachment':
      return httpEvent({ method: 'GET', path: '/b/checkout/v1/attachments/unknown-token', route: '/b/checkout/v1/attachments/{token}', pathParameters: { token: 'unknown-token' } });
    case 'FollowShortLink':
      return httpEvent({ method: 'GET', path: '/s/nocode', route: '/s/{code}', pathParameters: { code: 'nocode' } });
    case 'CheckoutRedirect':
      return httpEvent({ method: 'GET', path: '/b/checkout/redirect/start/', route: '/b/checkout/redirect/start', query: session });
    case 'CheckoutPage':
      return httpEvent({ method: 'GET', path: `/checkout/${seed.sessionId}`, route: '/checkout/{session_id}', pathParameters: session });
    case 'CheckoutQrCode':
      // The seeded session asked for no QR code: a read and its 404 (the QR library loads at init).
      return httpEvent({ method: 'GET', path: `/checkout/${seed.sessionId}/qr-code.svg`, route: '/checkout/{session_id}/qr-code.svg', pathParameters: session });
    case 'CheckoutPay':
      return httpEvent({ method: 'POST', path: `/checkout/${seed.sessionId}/pay`, route: '/checkout/{session_id}/pay', pathParameters: session, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'pg_code=sandbox-kwd' });
    case 'CheckoutReturn':
      // A return for an attempt the session does not have: the sync reads the session, asks no gateway.
      return httpEvent({ method: 'GET', path: `/checkout/${seed.sessionId}/return`, route: '/checkout/{session_id}/return', pathParameters: session, query: { attempt: 'NOSUCHATTEMPT' } });
    case 'GatewayNotification':
      // No such gateway: refused (401) after reading the configuration.
      return httpEvent({ method: 'POST', path: `/checkout/notify/nosuch/${seed.sessionId}`, route: '/checkout/notify/{pg_code}/{session_id}', pathParameters: { pg_code: 'nosuch', ...session }, headers: { 'content-type': 'application/json' }, body: '{}' });
    case 'StaticIcon':
      return httpEvent({ method: 'GET', path: '/static/pg-icons/card.svg' });
    case 'OpenApiDocument':
      // What Node's fetch, Python's requests and the browser tools send: they take gzip.
      return httpEvent({ method: 'GET', path: '/openapi.json', headers: { 'accept-encoding': 'gzip, deflate' } });
    case 'ApiReference':
      // A browser's request: it takes gzip, so the page is served as stored.
      return httpEvent({ method: 'GET', path: '/docs', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    case 'SessionOperation':
      // Refusing a refund of an unpaid session does the operation's real first work (auth, read,
      // the transition table) and changes nothing the other first requests depend on.
      return httpEvent({ method: 'POST', path: '/b/pbl/v2/operation/', route: '/b/pbl/v2/operation', headers: auth, body: JSON.stringify({ ...session, operation: 'refund', amount: '1' }) });
    case 'Inquiry':
      return httpEvent({ method: 'POST', path: '/b/pbl/v2/inquiry/', route: '/b/pbl/v2/inquiry', headers: auth, body: JSON.stringify(session) });
    case 'AutoDebit':
      // The seeded session is one_off: refused with a 400 after the auth and the session read, changing nothing.
      return httpEvent({ method: 'POST', path: '/b/pbl/v2/auto-debit/', route: '/b/pbl/v2/auto-debit', headers: auth, body: JSON.stringify({ ...session, token: '9000000000000000' }) });
    case 'ListCards':
      // A customer with no saved card: authenticates, one Query of the customer's partition, an empty list.
      return httpEvent({ method: 'POST', path: '/b/pbl/v2/card/', route: '/b/pbl/v2/card', headers: auth, body: JSON.stringify({ customer_id: 'bench-customer', type: 'sandbox' }) });
    case 'DeleteCard':
      // No such card of this customer: authenticates, reads the card item, answers 404, changes nothing.
      return httpEvent({ method: 'DELETE', path: '/b/pbl/v2/card/9000000000000000/', route: '/b/pbl/v2/card/{token}', headers: auth, pathParameters: { token: '9000000000000000' }, query: { customer_id: 'bench-customer', type: 'sandbox' } });
    case 'MessageNotification':
      // The seeded session asks for a created e-mail and SMS: both are queued again.
      return httpEvent({ method: 'POST', path: '/b/pbl/v2/message-notification/', route: '/b/pbl/v2/message-notification', headers: auth, body: JSON.stringify({ ...session, channels: ['email', 'sms'] }) });
    case 'PaymentMethods':
      return httpEvent({ method: 'POST', path: '/b/pbl/v2/payment-methods/', route: '/b/pbl/v2/payment-methods', headers: auth, body: JSON.stringify({ plugin: 'payment_request' }) });
    case 'RouteEvents':
      return streamEvent(event, seed.session);
    case 'DeliverWebhook':
      // A delivery to the seeded session's webhook_url, a receiver on this machine (bench/run.ts).
      return sqsEvent({ channel: 'webhook', event });
    case 'SendEmail':
      return sqsEvent({ channel: 'email', event, to: 'customer@example.com' });
    case 'SendSms':
      return sqsEvent({ channel: 'sms', event, to: '+96550000000' });
    case 'AutoInquiry':
      // A try of the automatic inquiry: the seeded session has no attempt pending at a gateway,
      // so it reads the session and stops, changing nothing.
      return sqsEvent({ session_id: seed.sessionId, reference: 'BENCH0000001', try: 1, delay_seconds: 660 });
    case 'ExpireSessions':
      // EventBridge's scheduled event; the sweep reads the index from its checkpoint.
      return { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {} };
    default:
      throw new Error(`bench/first-requests.ts: no first request for ${id}`);
  }
}
