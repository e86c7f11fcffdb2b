/**
 * The app's own CloudWatch metrics (Powertools Metrics, written as EMF log lines: no API call),
 * as plain data: the handlers emit them, lib/ alarms on them and draws them on the dashboard.
 * One namespace per stage (`Checkout/<stage>`, POWERTOOLS_METRICS_NAMESPACE), one dimension
 * (`service`, Powertools' default) besides those named here: every name × dimension value is a
 * custom metric billed monthly (about $0.30), so dimensions stay few and bounded.
 */
export const METRICS_NAMESPACE_PREFIX = 'Checkout';
export const metricsNamespace = (stage: string) => `${METRICS_NAMESPACE_PREFIX}/${stage}`;
export const SERVICE_NAME = 'checkout-api';

export const METRIC = {
  /** Session events as the router sees them committed, by `event` (COUNTED_EVENTS only). */
  sessionEvents: 'SessionEvents',
  /** Webhook, e-mail and SMS delivery attempts, by `channel` and `outcome` (delivered/sent, retrying, failed, rejected). */
  deliveries: 'Deliveries',
  /** How late a session was expired after its expiry time (seconds; the router measures it on each `expired` event). */
  expiryLag: 'ExpiryLagSeconds',
  /** Payment attempts the gateway decided, by `result` (ATTEMPT_RESULTS): the router counts them from the attempt's event. */
  paymentAttempts: 'PaymentAttempts',
  /** Calls to a payment gateway (start, sync, capture, void, refund), by `pg` and `outcome` (GATEWAY_OUTCOMES). */
  gatewayCalls: 'GatewayCalls',
  /** How long one gateway call took, in milliseconds, by `pg` (the call's name rides along as a property). */
  gatewayLatency: 'GatewayLatencyMs',
  /** Log lines that need a person (ports/log.ts ALARM_PREFIX), counted by a metric filter on the functions that call a gateway. */
  alarmLines: 'AlarmLines',
  /** Requests refused authentication, by `status`: 401 (bad, missing, expired or revoked credentials) or 429 (locked out). */
  authRefused: 'AuthRefused',
} as const;

/** The `status` dimension of AuthRefused; a burst of 429 means someone is guessing passwords at scale. */
export const AUTH_REFUSAL_STATUSES = ['401', '429'] as const;

/** A decided attempt's result (a pending one is not decided: the gateway calls count its unknown answers). */
export const ATTEMPT_RESULTS = ['success', 'failed', 'error'] as const;
/** The attempt results that mean the gateway or acquirer failed (a decline is the customer's, not a fault). */
export const FAILED_ATTEMPT_RESULTS = ['error'] as const;

/**
 * How a gateway call ended: `answered` (any definite answer, a decline or refusal included),
 * `unknown` (no answer we can act on: a timeout, a 5xx, the gateway busy; the attempt stays
 * pending), `error` (the call threw: a bug, a missing secret).
 */
export const GATEWAY_OUTCOMES = ['answered', 'unknown', 'error'] as const;
export type GatewayOutcome = (typeof GATEWAY_OUTCOMES)[number];
export const FAILED_GATEWAY_OUTCOMES = ['unknown', 'error'] as const;

/**
 * The `pg` dimension: the connector's key (functions/adapters/connectors.ts) for a real gateway,
 * `sandbox` for the sandbox; anything else `other`, so the dimension stays bounded.
 */
export const GATEWAY_DIMENSIONS = ['mpgs', 'sandbox'] as const;

/** The outcomes that mean a delivery failed (retried or given up); the alarms count these. */
export const FAILED_DELIVERY_OUTCOMES = ['retrying', 'failed', 'rejected'] as const;

/** The session events counted (each is one custom metric): the business signals, not every transition. */
export const COUNTED_EVENTS = ['created', 'paid', 'authorized', 'failed', 'expired', 'canceled'] as const;
