import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { COUNTED_EVENTS, METRIC, SERVICE_NAME } from '../config/metrics';
import type { SessionEvent } from '../domain/events';
import type { Session } from '../domain/session';
import type { Log } from '../ports';
import { logger } from './logger';

/**
 * The app's own metrics, as EMF lines in the function's log (no PutMetricData call): CloudWatch
 * turns each line into datapoints, and the line keeps the request and event ids as properties,
 * so a datapoint leads back to its payment. Namespace from POWERTOOLS_METRICS_NAMESPACE
 * (`Checkout/<stage>`); names and dimensions from functions/config/metrics.ts. Each datapoint is
 * written at once (a single-metric line), so its ids are its own.
 */
export const metrics = new Metrics({ serviceName: SERVICE_NAME });

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

function emit(name: string, value: number, unit: Unit, dimensions: Record<string, string>, ids: Record<string, string | undefined>): void {
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
  for (const [key, id] of Object.entries(ids)) if (id) single.addMetadata(key, id);
  single.addMetric(name, unit, value);
  single.publishStoredMetrics();
}

/** A committed session event, as the router sees it: the business signals, and how late an expiry was. */
export function countSessionEvent(event: SessionEvent, session?: Session): void {
  const ids = { request_id: event.request_id, event_id: event.event_id, session_id: event.session_id };
  if ((COUNTED_EVENTS as readonly string[]).includes(event.type)) emit(METRIC.sessionEvents, 1, MetricUnit.Count, { event: event.type }, ids);
  if (event.type === 'expired' && session?.expires_at) {
    const lag = (Date.parse(event.occurred_at) - Date.parse(session.expires_at)) / 1000;
    if (Number.isFinite(lag)) emit(METRIC.expiryLag, Math.max(0, lag), MetricUnit.Seconds, {}, ids);
  }
}

/**
 * The workers' `Log` port on Lambda: each line through the Powertools logger, and a delivery
 * attempt (a report with `channel` and `outcome`) also counted by channel and outcome.
 */
export const observedLog: Log = {
  info(message, fields) {
    logger.info(message, fields);
    const { channel, outcome } = fields;
    if (typeof channel === 'string' && typeof outcome === 'string') {
      emit(METRIC.deliveries, 1, MetricUnit.Count, { channel, outcome }, { request_id: fields.request_id as string | undefined, event_id: fields.event_id as string | undefined });
    }
  },
  warn(message, error) {
    logger.warn(message, error);
  },
};
