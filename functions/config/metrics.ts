/**
 * The app's own CloudWatch metrics (Powertools Metrics, written as EMF log lines: no API call),
 * as plain data: the handlers emit them, lib/ alarms on them and draws them on the dashboard.
 * One namespace per stage (`Checkout/<stage>`, POWERTOOLS_METRICS_NAMESPACE), one dimension
 * (`service`, Powertools' default) besides those named here: every name × dimension value is a
 * custom metric billed monthly, so dimensions stay few and bounded (docs/observability.md).
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
  /** Log lines that need a person (ports/log.ts ALARM_PREFIX), counted by a metric filter on the functions that call a gateway. */
  alarmLines: 'AlarmLines',
} as const;

/** The outcomes that mean a delivery failed (retried or given up); the alarms count these. */
export const FAILED_DELIVERY_OUTCOMES = ['retrying', 'failed', 'rejected'] as const;

/** The session events counted (each is one custom metric): the business signals, not every transition. */
export const COUNTED_EVENTS = ['created', 'paid', 'authorized', 'failed', 'expired', 'canceled'] as const;
