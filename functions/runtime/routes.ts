/**
 * The one route table: the CDK app builds one Lambda per entry from it, and the embedded
 * gateway dispatches to the very same handler modules. Paths are Ottu's; a trailing slash is
 * optional on every path.
 */
export interface Route {
  /** Stable id: names the Lambda function and its log group. */
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Path with `{param}` placeholders, without trailing slash. */
  path: string;
  /** Module under functions/handlers that exports `handler`. */
  handler: string;
}

export const ROUTES: readonly Route[] = [
  { id: 'CreateSession', method: 'POST', path: '/b/checkout/v1/pymt-txn', handler: 'http/create-session' },
  { id: 'RetrieveSession', method: 'GET', path: '/b/checkout/v1/pymt-txn/{session_id}', handler: 'http/retrieve-session' },
  { id: 'PatchSession', method: 'PATCH', path: '/b/checkout/v1/pymt-txn/{session_id}', handler: 'http/patch-session' },
  { id: 'PutSession', method: 'PUT', path: '/b/checkout/v1/pymt-txn/{session_id}', handler: 'http/put-session' },
  { id: 'CheckoutRedirect', method: 'GET', path: '/b/checkout/redirect/start', handler: 'http/checkout-redirect' },
  { id: 'CheckoutPage', method: 'GET', path: '/checkout/{session_id}', handler: 'http/checkout-page' },
  { id: 'CheckoutPay', method: 'POST', path: '/checkout/{session_id}/pay', handler: 'http/checkout-pay' },
  { id: 'StaticIcon', method: 'GET', path: '/static/pg-icons/card.svg', handler: 'http/static-icon' },
];
