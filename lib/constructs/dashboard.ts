import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AlarmStatusWidget, Dashboard, GraphWidget, MathExpression, Metric, TextWidget, type Alarm, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ATTEMPT_RESULTS, AUTH_REFUSAL_STATUSES, COUNTED_EVENTS, GATEWAY_DIMENSIONS, GATEWAY_OUTCOMES, METRIC, metricsNamespace, SERVICE_NAME } from '../../functions/config/metrics';
import { CHANNELS, type Channel } from '../../functions/config/queues';

export interface StageDashboardProps {
  stage: string;
  api: HttpApi;
  functions: ReadonlyMap<string, LambdaFunction>;
  queues: Record<Channel, { queue: IQueue; dlq: IQueue }>;
  streamFailures: IQueue;
  alarms: readonly Alarm[];
}

/**
 * One CloudWatch dashboard per stage (`Checkout-<stage>`): the alarms, the API, the business
 * signals (sessions created and paid, payments), deliveries by channel and outcome, the queues
 * and dead letters, the stream's lag and the expiry sweep's, and the functions' errors and
 * throttles. Built from the same metric names the handlers emit (functions/config/metrics.ts).
 */
export class StageDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: StageDashboardProps) {
    super(scope, id);
    const namespace = metricsNamespace(props.stage);
    const period = Duration.minutes(5);
    const own = (metricName: string, dimensions: Record<string, string> = {}, statistic = 'Sum', label?: string) =>
      new Metric({ namespace, metricName, dimensionsMap: { service: SERVICE_NAME, ...dimensions }, period, statistic, label });
    const graph = (title: string, left: IMetric[], width = 8) => new GraphWidget({ title, left, width, height: 6 });
    const fns = [...props.functions.entries()];
    const sumOver = (label: string, metric: (fn: LambdaFunction) => IMetric) =>
      // Metric math takes at most 100 metrics; one line for all functions keeps the graph readable.
      new MathExpression({ expression: fns.map((_, i) => `${label[0]}${i}`).join(' + '), usingMetrics: Object.fromEntries(fns.map(([, fn], i) => [`${label[0]}${i}`, metric(fn)])), period, label });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `Checkout-${props.stage}`, defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: `# Checkout ${props.stage}\nWhat to do when an alarm fires: docs/runbook.md. Follow one payment: search the logs for its request id.`, width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 6 }));
    this.dashboard.addWidgets(
      graph('API requests and 5xx', [props.api.metricCount({ period }), props.api.metricServerError({ period }), props.api.metricClientError({ period })]),
      graph('API latency (p50, p90, p99)', ['p50', 'p90', 'p99'].map((statistic) => props.api.metricLatency({ period, statistic }))),
      graph('Sessions (events committed)', COUNTED_EVENTS.map((event) => own(METRIC.sessionEvents, { event }, 'Sum', event))),
      graph('Authentication refused (401, 429 locked out)', AUTH_REFUSAL_STATUSES.map((status) => own(METRIC.authRefused, { status }, 'Sum', status))),
    );
    this.dashboard.addWidgets(
      ...CHANNELS.map((channel) =>
        graph(`${channel} attempts by outcome`, deliveryOutcomes(channel).map((outcome) => own(METRIC.deliveries, { channel, outcome }, 'Sum', outcome))),
      ),
    );
    this.dashboard.addWidgets(
      graph('Payment attempts by result', ATTEMPT_RESULTS.map((result) => own(METRIC.paymentAttempts, { result }, 'Sum', result))),
      graph('Gateway calls by outcome', GATEWAY_DIMENSIONS.flatMap((pg) => GATEWAY_OUTCOMES.map((outcome) => own(METRIC.gatewayCalls, { pg, outcome }, 'Sum', `${pg} ${outcome}`)))),
      graph('Gateway latency (ms, p50 and p99)', GATEWAY_DIMENSIONS.flatMap((pg) => ['p50', 'p99'].map((statistic) => own(METRIC.gatewayLatency, { pg }, statistic, `${pg} ${statistic}`)))),
    );
    this.dashboard.addWidgets(
      graph('Queues: oldest message (s)', CHANNELS.map((c) => props.queues[c].queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: c }))),
      graph('Dead letters waiting', [
        ...CHANNELS.map((c) => props.queues[c].dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: c })),
        props.streamFailures.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'stream failures' }),
      ]),
      graph('Lag: stream router (ms) and expiry sweep (s)', [
        ...fns.filter(([id]) => id === 'RouteEvents').map(([, fn]) => fn.metric('IteratorAge', { period, statistic: 'Maximum', label: 'stream iterator age (ms)' })),
        own(METRIC.expiryLag, {}, 'Maximum', 'expiry lag (s)'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Functions: errors and throttles (all)', [
        sumOver('errors', (fn) => fn.metricErrors({ period, statistic: 'Sum' })),
        sumOver('throttles', (fn) => fn.metricThrottles({ period, statistic: 'Sum' })),
      ], 12),
      graph('Functions: invocations (all)', [sumOver('invocations', (fn) => fn.metricInvocations({ period, statistic: 'Sum' }))], 12),
    );
  }
}

function deliveryOutcomes(channel: Channel): string[] {
  return channel === 'webhook' ? ['delivered', 'retrying', 'failed'] : ['sent', 'retrying', 'failed', 'rejected'];
}
