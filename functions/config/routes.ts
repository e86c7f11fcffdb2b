import type { BucketAction, Needs, TableAction } from './needs';
import type { KeyKind } from './table';

/**
 * The one route table: the CDK app builds one Lambda per entry from it, and the embedded
 * gateway dispatches to the very same handler modules. Paths are Ottu's; a trailing slash is
 * optional on every path.
 */
export interface Route {
  /** Stable id: names the Lambda function and its log group. */
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path with `{param}` placeholders, without trailing slash. */
  path: string;
  /** Module under functions/handlers that exports `handler`. */
  handler: string;
  /** AWS permissions its Lambda gets (nothing when absent). */
  needs?: Needs;
}


// Authenticated routes read the merchant config (credentials), count failed authentications
// (conditional PutItem, DeleteItem on success), note a key's last use (UpdateItem) and keep
// Idempotency-Key records (claimed and completed by conditional PutItem, released by DeleteItem).
const AUTH_AND_IDEMPOTENCY: TableAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];
// A session change is one conditional PutItem of the session with its events, or a
// TransactWriteItems of it with its order_no claim (Put) and a released claim (Update).
const SESSION_WRITE: TableAction[] = ['GetItem', 'PutItem', 'UpdateItem'];
// Short links are created (PutItem) and replaced (DeleteItem) with the session's links.
const SHORT_LINKS: TableAction[] = ['GetItem', 'PutItem', 'DeleteItem'];

// The kinds of item each function touches (IAM `dynamodb:LeadingKeys`, config/table.ts).
// Authenticating: the configuration (read; a password's stronger hash written back with its
// audit entry), failure counts and key uses, and Idempotency-Key records.
const AUTH_KEYS: KeyKind[] = ['config', 'audit', 'authFailures', 'keyUse', 'idempotency'];
// A session and its order_no claim.
const SESSION_KEYS: KeyKind[] = ['session', 'orderNo'];
const SESSION_ROUTE_KEYS: KeyKind[] = [...AUTH_KEYS, ...SESSION_KEYS, 'shortLink'];

// A sync (a hosted gateway's answer) writes the session and keeps the card of a paid attempt
// that asks for it (app/save-attempt-card.ts): the customer's card and agreement items.
export const SYNC_WRITE: TableAction[] = [...SESSION_WRITE, 'DeleteItem'];
export const SYNC_KEYS: KeyKind[] = [...SESSION_KEYS, 'customer'];

// Attachments: store, copy (Get + Put), replace (Delete); ListBucket so a missing key is a 404, not a 403.
const SESSION_FILES: BucketAction[] = ['GetObject', 'PutObject', 'DeleteObject', 'ListBucket'];

export const ROUTES: readonly Route[] = [
  { id: 'CreateSession', method: 'POST', path: '/b/checkout/v1/pymt-txn', handler: 'http/create-session', needs: { table: [...AUTH_AND_IDEMPOTENCY, ...SESSION_WRITE, ...SHORT_LINKS], keys: SESSION_ROUTE_KEYS, bucket: SESSION_FILES } },
  // Public, or authenticated when credentials are given (or the stage requires them): the
  // authentication's items besides the session read.
  { id: 'RetrieveSession', method: 'GET', path: '/b/checkout/v1/pymt-txn/{session_id}', handler: 'http/retrieve-session', needs: { table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], keys: ['config', 'audit', 'authFailures', 'keyUse', ...SESSION_KEYS] } },
  { id: 'PatchSession', method: 'PATCH', path: '/b/checkout/v1/pymt-txn/{session_id}', handler: 'http/patch-session', needs: { table: [...SESSION_WRITE, ...SHORT_LINKS], keys: SESSION_ROUTE_KEYS, bucket: SESSION_FILES } },
  { id: 'PutSession', method: 'PUT', path: '/b/checkout/v1/pymt-txn/{session_id}', handler: 'http/put-session', needs: { table: [...SESSION_WRITE, ...SHORT_LINKS], keys: SESSION_ROUTE_KEYS, bucket: SESSION_FILES } },
  { id: 'UploadAttachment', method: 'POST', path: '/b/checkout/v1/upload-attachment', handler: 'http/upload-attachment', needs: { table: [...AUTH_AND_IDEMPOTENCY, ...SESSION_WRITE, ...SHORT_LINKS], keys: SESSION_ROUTE_KEYS, bucket: SESSION_FILES } },
  { id: 'DownloadAttachment', method: 'GET', path: '/b/checkout/v1/attachments/{token}', handler: 'http/download-attachment', needs: { bucket: ['GetObject', 'ListBucket'] } },
  { id: 'FollowShortLink', method: 'GET', path: '/s/{code}', handler: 'http/follow-short-link', needs: { table: ['GetItem'], keys: ['shortLink'] } },
  { id: 'CheckoutRedirect', method: 'GET', path: '/b/checkout/redirect/start', handler: 'http/checkout-redirect', needs: { table: ['GetItem'], keys: SESSION_KEYS } },
  // The public checkout pages: session items only; the configuration read, never written (docs/security.md).
  { id: 'CheckoutPage', method: 'GET', path: '/checkout/{session_id}', handler: 'http/checkout-page', needs: { table: SESSION_WRITE, keys: SESSION_KEYS, readOnlyKeys: ['config'], csrfKey: true } },
  { id: 'CheckoutQrCode', method: 'GET', path: '/checkout/{session_id}/qr-code.svg', handler: 'http/checkout-qr-code', needs: { table: ['GetItem'], keys: SESSION_KEYS } },
  // The paid webhook is first sent from here (redirect-after-payment.ts), under the delivery's
  // claim (an idempotency record: PutItem, DeleteItem to release it), so it reads the webhook key;
  // a hosted gateway's payment schedules its automatic inquiry on the sync queue.
  { id: 'CheckoutPay', method: 'POST', path: '/checkout/{session_id}/pay', handler: 'http/checkout-pay', needs: { table: [...SESSION_WRITE, 'DeleteItem'], keys: [...SESSION_KEYS, 'idempotency'], readOnlyKeys: ['config'], csrfKey: true, webhookKey: true, gatewaySecrets: true, sendTo: ['sync'] } },
  // A hosted gateway's return runs a sync (Retrieve Order) and at most one session change; it reads
  // the configuration and the gateway's secrets. A paid attempt whose card is to be kept saves it
  // in the customer's cards (a second copy deleted: DeleteItem). The return then sends the paid
  // webhook itself, as the pay post does (the webhook key, its delivery claim). A sync the gateway
  // gave no final answer schedules the automatic inquiry's tries again on the sync queue.
  { id: 'CheckoutReturn', method: 'GET', path: '/checkout/{session_id}/return', handler: 'http/checkout-return', needs: { table: SYNC_WRITE, keys: [...SYNC_KEYS, 'idempotency'], readOnlyKeys: ['config'], webhookKey: true, gatewaySecrets: true, sendTo: ['sync'] } },
  // A hosted gateway's notification: its secret checked (the gateway's secret: the notification
  // secret lives there with the API password), the session read, and the sync queued on the sync
  // queue for AutoInquiry; it writes nothing and never calls the gateway.
  { id: 'GatewayNotification', method: 'POST', path: '/checkout/notify/{pg_code}/{session_id}', handler: 'http/gateway-notification', needs: { table: ['GetItem'], keys: SESSION_KEYS, readOnlyKeys: ['config'], gatewaySecrets: true, sendTo: ['sync'] } },
  // Operations: authenticate (config read), Tracking-/Idempotency-Key records, one session change
  // with its event, and the webhook key to sign the operation document.
  { id: 'SessionOperation', method: 'POST', path: '/b/pbl/v2/operation', handler: 'http/session-operation', needs: { table: [...AUTH_AND_IDEMPOTENCY, ...SESSION_WRITE], keys: [...AUTH_KEYS, ...SESSION_KEYS], webhookKey: true, gatewaySecrets: true } },
  // Payment status query: reads the session and signs its status (`notify_webhook_url` queues it
  // for the webhook worker). An attempt still pending at a hosted gateway is synced first (a
  // session write with its event, and the gateway's secrets).
  { id: 'Inquiry', method: 'POST', path: '/b/pbl/v2/inquiry', handler: 'http/inquiry', needs: { table: [...AUTH_AND_IDEMPOTENCY, ...SESSION_WRITE], keys: [...AUTH_KEYS, ...SYNC_KEYS], webhookKey: true, sendTo: ['webhook'], gatewaySecrets: true } },
  // Ottu's auto-debit: authenticate, read the customer's card and agreement, commit a pending
  // attempt (its automatic inquiry first, on the sync queue), charge the token at the gateway,
  // and sync it as any payment (a sync may keep a card: the customer's items); signs the answer.
  { id: 'AutoDebit', method: 'POST', path: '/b/pbl/v2/auto-debit', handler: 'http/auto-debit', needs: { table: [...AUTH_AND_IDEMPOTENCY, ...SESSION_WRITE], keys: [...AUTH_KEYS, ...SYNC_KEYS], webhookKey: true, gatewaySecrets: true, sendTo: ['sync'] } },
  // Ottu's card list: authenticate, then one Query of the customer's partition (read only).
  { id: 'ListCards', method: 'POST', path: '/b/pbl/v2/card', handler: 'http/list-cards', needs: { table: [...AUTH_AND_IDEMPOTENCY, 'QueryTable'], keys: AUTH_KEYS, readOnlyKeys: ['customer'] } },
  // Ottu's card deletion: authenticate, read the customer's card, delete its token at the gateway
  // (its secrets), then the card item (a conditional DeleteItem: never one an agreement charges).
  { id: 'DeleteCard', method: 'DELETE', path: '/b/pbl/v2/card/{token}', handler: 'http/delete-card', needs: { table: AUTH_AND_IDEMPOTENCY, keys: [...AUTH_KEYS, 'customer'], gatewaySecrets: true } },
  // Ottu's message notification: reads the session, queues its e-mail / SMS again.
  { id: 'MessageNotification', method: 'POST', path: '/b/pbl/v2/message-notification', handler: 'http/message-notification', needs: { table: AUTH_AND_IDEMPOTENCY, keys: [...AUTH_KEYS, ...SESSION_KEYS], sendTo: ['email', 'sms'] } },
  // Reads the merchant configuration, and with customer_id the customer's saved cards (one Query of its partition, read only).
  { id: 'PaymentMethods', method: 'POST', path: '/b/pbl/v2/payment-methods', handler: 'http/payment-methods', needs: { table: [...AUTH_AND_IDEMPOTENCY, 'QueryTable'], keys: AUTH_KEYS, readOnlyKeys: ['customer'] } },
  { id: 'StaticIcon', method: 'GET', path: '/static/pg-icons/card.svg', handler: 'http/static-icon' },
  { id: 'OpenApiDocument', method: 'GET', path: '/openapi.json', handler: 'http/openapi-json' },
  { id: 'ApiReference', method: 'GET', path: '/docs', handler: 'http/api-reference' },
];
