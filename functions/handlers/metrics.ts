import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ATTEMPT_RESULTS, COUNTED_EVENTS, GATEWAY_DIMENSIONS, METRIC, SERVICE_NAME, type GatewayOutcome } from '../config/metrics';
import { currentRequestId } from '../adapters/request-context';
import type { GatewaySetting } from '../domain/config';
import type { SessionEvent } from '../domain/events';
import type { Session } from '../domain/session';
import type { Log, PaymentGateway, PaymentGateways } from '../ports';
import type { CardTokens, OperationResult, Started } from '../ports/payment-gateway';
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
  // A single metric publishes itself on addMetric (dimensions and ids first); publishing again
  // would only log "No application metrics to publish" on every datapoint.
  single.addMetric(name, unit, value);
}

/** A committed session event, as the router sees it: the business signals, and how late an expiry was. */
export function countSessionEvent(event: SessionEvent, session?: Session): void {
  const ids = { request_id: event.request_id, event_id: event.event_id, session_id: event.session_id };
  if ((COUNTED_EVENTS as readonly string[]).includes(event.type)) emit(METRIC.sessionEvents, 1, MetricUnit.Count, { event: event.type }, ids);
  // An attempt's outcome comes with its event (paid, authorized; attempted or failed when declined or in error).
  if (ATTEMPT_EVENTS.includes(event.type) && session?.result && (ATTEMPT_RESULTS as readonly string[]).includes(session.result)) {
    emit(METRIC.paymentAttempts, 1, MetricUnit.Count, { result: session.result }, { ...ids, reference_number: session.reference_number ?? undefined });
  }
  if (event.type === 'expired' && session?.expires_at) {
    const lag = (Date.parse(event.occurred_at) - Date.parse(session.expires_at)) / 1000;
    if (Number.isFinite(lag)) emit(METRIC.expiryLag, Math.max(0, lag), MetricUnit.Seconds, {}, ids);
  }
}

/** A request refused authentication (401, or 429 when locked out), with its request id. */
export function countAuthRefusal(status: 401 | 429, requestId: string): void {
  emit(METRIC.authRefused, 1, MetricUnit.Count, { status: String(status) }, { request_id: requestId });
}

const ATTEMPT_EVENTS: readonly string[] = ['paid', 'authorized', 'attempted', 'failed'];

/**
 * The PaymentGateways port with every call to a gateway (start, sync, capture, void, refund,
 * lookup) timed and counted: GatewayLatencyMs by
 * `pg`, GatewayCalls by `pg` and outcome (an unknown answer or a throw is a failure the alarms
 * count; a decline is an answer). The call's name and the request id ride along as properties.
 */
export function meteredGateways(gateways: PaymentGateways): PaymentGateways {
  return {
    async connect(setting) {
      const gateway = await gateways.connect(setting);
      return gateway && meteredGateway(gateway, gatewayDimension(setting));
    },
  };
}

function gatewayDimension(setting: GatewaySetting): string {
  if ((GATEWAY_DIMENSIONS as readonly string[]).includes(setting.pg)) return setting.pg;
  return setting.is_sandbox ? 'sandbox' : 'other';
}

function meteredGateway(gateway: PaymentGateway, pg: string): PaymentGateway {
  const timed =
    <A, R>(call: string, send: (request: A) => Promise<R>, outcome: (answer: R) => GatewayOutcome) =>
    async (request: A): Promise<R> => {
      const started = performance.now();
      const report = (result: GatewayOutcome) => {
        const ids = { request_id: currentRequestId(), call };
        emit(METRIC.gatewayLatency, performance.now() - started, MetricUnit.Milliseconds, { pg }, ids);
        emit(METRIC.gatewayCalls, 1, MetricUnit.Count, { pg, outcome: result }, ids);
      };
      try {
        const answer = await send(request);
        report(outcome(answer));
        return answer;
      } catch (error) {
        report('error');
        throw error;
      }
    };
  const operation = (answer: OperationResult): GatewayOutcome => (answer.kind === 'unknown' ? 'unknown' : 'answered');
  return {
    capabilities: gateway.capabilities,
    onReturn: (attempt, query) => gateway.onReturn(attempt, query),
    onNotification: (request) => gateway.onNotification(request),
    start: timed('start', (request) => gateway.start(request), (answer: Started) => (answer.kind === 'unavailable' ? 'unknown' : 'answered')),
    // Pending is an answer ("not decided yet") unless no answer came: a connector reports an
    // unreached gateway as pending with `result: 'UNKNOWN'` (the MPGS connector's sync).
    sync: timed('sync', (attempt) => gateway.sync(attempt), (payment) => (payment.status === 'pending' && payment.gateway_response.result === 'UNKNOWN' ? 'unknown' : 'answered')),
    capture: timed('capture', (request) => gateway.capture(request), operation),
    void: timed('void', (request) => gateway.void(request), operation),
    refund: timed('refund', (request) => gateway.refund(request), operation),
    lookup: timed('lookup', (request) => gateway.lookup(request), (answer) => (answer.kind === 'unknown' ? 'unknown' : 'answered')),
    // Present exactly when the gateway keeps cards (the port's rule): a wrapper without it would
    // make every Lambda see a gateway that keeps none.
    ...(gateway.tokens ? { tokens: meteredTokens(gateway.tokens, timed) } : {}),
  };
}

type Timed = <A, R>(call: string, send: (request: A) => Promise<R>, outcome: (answer: R) => GatewayOutcome) => (request: A) => Promise<R>;

function meteredTokens(tokens: CardTokens, timed: Timed): CardTokens {
  const known = (answer: unknown): GatewayOutcome => (typeof answer === 'object' && answer !== null && (answer as { kind?: string }).kind === 'unknown' ? 'unknown' : 'answered');
  return {
    save: timed('token_save', (attempt: Parameters<CardTokens['save']>[0]) => tokens.save(attempt), known),
    charge: timed('token_charge', (request: Parameters<CardTokens['charge']>[0]) => tokens.charge(request), known),
    delete: timed('token_delete', (token: string) => tokens.delete(token), known),
  };
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
