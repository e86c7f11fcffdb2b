import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { ApiMapping, DomainName, HttpApi, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination, type HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { MathExpression, Metric, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnFunction, FilterCriteria, StartingPosition, type Alias } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, LogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { QUEUE_NAMES, STREAM_EVENT_SOURCE, STREAM_ITERATOR_AGE_ALARM_SECONDS, WORK_QUEUE, type QueueName } from '../functions/config/queues';
import type { Needs } from '../functions/config/needs';
import { ROUTES, type Route } from '../functions/config/routes';
import { TRAILING_SLASH_PARAM } from '../functions/config/trailing-slash';
import { WORKERS, type Worker } from '../functions/config/workers';
import { EVERY_TIME, PERSISTENT, StageAlarms } from './constructs/alarms';
import { ALARM_PREFIX } from '../functions/ports/log';
import { StageDashboard } from './constructs/dashboard';
import { FannedOutSchedule } from './constructs/fanned-out-schedule';
import { SafeDeploy } from './constructs/safe-deploy';
import { FAILED_ATTEMPT_RESULTS, FAILED_DELIVERY_OUTCOMES, FAILED_GATEWAY_OUTCOMES, GATEWAY_DIMENSIONS, METRIC, metricsNamespace, SERVICE_NAME } from '../functions/config/metrics';
import { bindBucket, bindDeadLetterQueue, bindEmail, bindGatewaySecrets, bindQueue, bindSecret, bindSms, bindTable, CheckoutFunction } from './constructs/checkout-function';
import { gatewaySecretPrefix } from '../functions/config/gateway-secrets';
import { sharedParameterName } from './stateful-stack';
import { functionMemoryMb, type StageConfig } from './stage-config';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  /** Defaults to the app's route table; tests may pass another. */
  routes?: readonly Route[];
  /** Defaults to the app's worker table; tests may pass another. */
  workers?: readonly Worker[];
}

interface SharedData {
  table: ITable;
  tableName: string;
  bucket: IBucket;
  bucketName: string;
  queues: Record<QueueName, { queue: IQueue; dlq: IQueue }>;
  streamFailures: IQueue;
  webhookSecret: ISecret;
  csrfSecret: ISecret;
  alarmTopic: ITopic;
}

/**
 * The code: the HTTP API with one Lambda per route of the route table, and one Lambda per
 * background worker with its trigger. It holds no data, so it can be replaced freely.
 */
export class CheckoutStatelessStack extends Stack {
  readonly api: HttpApi;
  readonly routeFunctions = new Map<string, CheckoutFunction>();
  readonly workerFunctions = new Map<string, CheckoutFunction>();
  /** Each function's `live` alias: what the API, the event sources and the schedule invoke. */
  readonly aliases = new Map<string, Alias>();
  private readonly config: StageConfig;
  private readonly deploys: SafeDeploy;
  private readonly alarms: StageAlarms;
  /** The Data stack's resources, read from its SSM parameters (no CloudFormation exports). */
  private readonly data: SharedData;
  private readonly functionEnv: Record<string, string>;
  private alarmLinesAlarm?: Alarm;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.config = props.config;
    this.data = this.sharedData();
    this.deploys = new SafeDeploy(this, 'SafeDeploy', { mode: this.config.deployment });
    this.alarms = new StageAlarms(this, this.data.alarmTopic);

    this.api = new HttpApi(this, 'Api', { description: `Checkout API (${this.config.stage})`, createDefaultStage: false });
    this.functionEnv = this.functionEnvironment();
    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: 'The Lambdas authenticate every request themselves (Ottu\'s Api-Key or Basic auth); retrieve is public by design (the session id is the capability).' },
      { id: 'AwsSolutions-COG4', reason: 'Merchants authenticate with Ottu\'s Api-Key or Basic credentials, checked in the Lambdas; there are no Cognito users.' },
    );
    const stage = this.createStage();
    this.mapCustomDomain(stage);
    for (const route of props.routes ?? ROUTES) this.addRoute(route);
    for (const worker of props.workers ?? WORKERS) this.addWorker(worker);
    this.alarmOnServerErrors();
    this.alarmOnOwnMetrics();
    new StageDashboard(this, 'Dashboard', {
      stage: this.config.stage,
      api: this.api,
      functions: new Map([...this.routeFunctions, ...this.workerFunctions]),
      queues: this.data.queues,
      streamFailures: this.data.streamFailures,
      alarms: this.alarms.created,
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the Checkout API' });
  }

  /** The Data stack's resources by their SSM parameters (resolved at each deploy of this stack). */
  private sharedData(): SharedData {
    const read = (key: string) => StringParameter.valueForStringParameter(this, sharedParameterName(this.config.stage, key));
    const queue = (channel: QueueName) =>
      Queue.fromQueueAttributes(this, `${channel}-queue`, { queueArn: read(`${channel}-queue-arn`), queueUrl: read(`${channel}-queue-url`) });
    // A DLQ is read (by ARN only, for the grant) when a function needs it: an unused read leaves
    // an unreferenced template parameter (CloudFormation Validate W2001). The Data stack still
    // publishes each DLQ's URL for operators.
    const dlqs = new Map<QueueName, IQueue>();
    const dlq = (channel: QueueName) => dlqs.get(channel) ?? dlqs.set(channel, Queue.fromQueueArn(this, `${channel}-dlq`, read(`${channel}-dlq-arn`))).get(channel)!;
    return {
      table: Table.fromTableAttributes(this, 'Table', { tableArn: read('table-arn'), tableStreamArn: read('table-stream-arn') }),
      tableName: read('table-name'),
      bucket: Bucket.fromBucketArn(this, 'Attachments', read('bucket-arn')),
      bucketName: read('bucket-name'),
      queues: Object.fromEntries(QUEUE_NAMES.map((c) => [c, { queue: queue(c), get dlq() { return dlq(c); } }])) as SharedData['queues'],
      streamFailures: Queue.fromQueueArn(this, 'StreamFailures', read('stream-failures-arn')),
      webhookSecret: Secret.fromSecretCompleteArn(this, 'WebhookKey', read('webhook-secret-arn')),
      csrfSecret: Secret.fromSecretCompleteArn(this, 'CsrfKey', read('csrf-secret-arn')),
      alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', read('alarm-topic-arn')),
    };
  }

  /** `-c domainName=… -c certificateArn=…`: the API answers on the domain, which is then the public URL. */
  private mapCustomDomain(stage: HttpStage): void {
    const custom = this.config.customDomain;
    if (!custom) return;
    const domainName = new DomainName(this, 'Domain', {
      domainName: custom.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
    });
    new ApiMapping(this, 'DomainMapping', { api: this.api, domainName, stage });
    new CfnOutput(this, 'CustomDomainUrl', { value: `https://${custom.domainName}`, description: 'Public URL (custom domain)' });
    new CfnOutput(this, 'CustomDomainTarget', {
      value: domainName.regionalDomainName,
      description: `DNS: point ${custom.domainName} (CNAME, or an alias A record in Route 53) at this name`,
    });
  }

  private functionEnvironment(): Record<string, string> {
    const { config, data } = this;
    // Every function gets the same names (not the access): each reads the ones its adapters need
    // (functions/config/env.ts) at cold start, and a name grants nothing without the matching IAM
    // statement. test/infra checks every function's environment against what its entry reads.
    return {
      CHECKOUT_TABLE: data.tableName,
      CHECKOUT_BUCKET: data.bucketName,
      CHECKOUT_WEBHOOK_QUEUE_URL: data.queues.webhook.queue.queueUrl,
      CHECKOUT_EMAIL_QUEUE_URL: data.queues.email.queue.queueUrl,
      CHECKOUT_SMS_QUEUE_URL: data.queues.sms.queue.queueUrl,
      CHECKOUT_SYNC_QUEUE_URL: data.queues.sync.queue.queueUrl,
      CHECKOUT_WEBHOOK_SECRET_ID: data.webhookSecret.secretArn,
      CHECKOUT_CSRF_SECRET_ID: data.csrfSecret.secretArn,
      CHECKOUT_AUDIT_RETENTION_DAYS: String(config.auditRetentionDays),
      CHECKOUT_SESSION_RETENTION_PAID_DAYS: String(config.sessionRetention.paidDays),
      CHECKOUT_SESSION_RETENTION_UNPAID_DAYS: String(config.sessionRetention.unpaidDays),
      CHECKOUT_RETRIEVE_REQUIRES_AUTH: config.retrieveRequiresAuth ? '1' : '0',
      CHECKOUT_GATEWAY_SECRET_PREFIX: gatewaySecretPrefix(config.stage),
      CHECKOUT_EMAIL_FROM: config.emailFrom,
      // Links in e-mails and SMS need the base URL even when no request carries it: the API's own
      // URL unless a custom domain is configured.
      CHECKOUT_PUBLIC_URL: config.publicUrl ?? (config.customDomain ? `https://${config.customDomain.domainName}` : this.api.apiEndpoint),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_LOG_LEVEL: config.logLevel,
      // EMF lines in the function's log, no PutMetricData calls (functions/config/metrics.ts).
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(config.stage),
    };
  }

  private createStage(): HttpStage {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: this.config.logRetention, removalPolicy: this.config.removalPolicy });
    return new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: this.config.apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The route key, never the path: paths carry capabilities (a saved card's token, an
        // attachment's token, a short link's code) that must not sit in a log. The request id
        // ties a line to the function's own lines, which name the session.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  }

  private newFunction(id: string, kind: 'route' | 'worker', handler: string, timeout: Duration, needs: Needs | undefined, description: string): CheckoutFunction {
    const fn = new CheckoutFunction(this, id, {
      handler,
      description,
      memorySize: functionMemoryMb(this.config, id, kind),
      timeout,
      logRetention: this.config.logRetention,
      removalPolicy: this.config.removalPolicy,
      environment: this.functionEnv,
    });
    this.grantNeeds(fn, needs ?? {});
    // The functions that call a gateway sync payments, where a mismatch is logged as an ALARM line.
    if (needs?.gatewaySecrets) this.countAlarmLines(id, fn);
    const live = this.deploys.alias(fn);
    this.aliases.set(id, live);
    // On the alias: during a canary the new version's failures are what CodeDeploy watches.
    const errors = this.alarms.add(`${id}Errors`, live.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }), {
      description: `${id} failed (unhandled error or timeout) in 2 of 5 minutes.`,
      threshold: 0,
      datapoints: PERSISTENT,
    });
    // A throttled invocation is a request answered 429/503, or a consumer falling behind.
    this.alarms.add(`${id}Throttles`, live.metricThrottles({ period: Duration.minutes(1), statistic: 'Sum' }), {
      description: `${id} was throttled (account or reserved concurrency exhausted) in 2 of 5 minutes.`,
      threshold: 0,
      datapoints: PERSISTENT,
    });
    const guards = [errors];
    if (kind === 'route' && this.config.deployment === 'canary') {
      // Slower than half its timeout at p90: the new version is not fit to serve.
      guards.push(this.alarms.add(`${id}Latency`, live.metricDuration({ period: Duration.minutes(1), statistic: 'p90' }), {
        description: `${id} p90 latency above ${timeout.toSeconds() / 2} s in 2 of 5 minutes.`,
        threshold: timeout.toMilliseconds() / 2,
        datapoints: PERSISTENT,
      }));
    }
    this.deploys.guard(id, live, guards);
    return fn;
  }

  private grantNeeds(fn: CheckoutFunction, needs: Needs): void {
    const { data } = this;
    bindTable(fn, data.table, needs.table ?? [], needs.keys, needs.readOnlyKeys);
    bindBucket(fn, data.bucket, needs.bucket ?? []);
    for (const name of needs.sendTo ?? []) bindQueue(fn, data.queues[name].queue);
    for (const name of needs.deadLetterTo ?? []) bindDeadLetterQueue(fn, data.queues[name].queue, data.queues[name].dlq);
    if (needs.webhookKey) bindSecret(fn, data.webhookSecret);
    if (needs.csrfKey) bindSecret(fn, data.csrfSecret);
    if (needs.gatewaySecrets) bindGatewaySecrets(fn, gatewaySecretPrefix(this.config.stage));
    if (needs.email) bindEmail(fn, this.config.emailFrom);
    if (needs.sms) bindSms(fn);
  }

  private addRoute(route: Route): void {
    const fn = this.newFunction(route.id, 'route', route.handler, this.config.httpTimeout, route.needs, `${route.method} ${route.path}`);
    this.routeFunctions.set(route.id, fn);
    const integration = new HttpLambdaIntegration(`${route.id}Integration`, this.aliases.get(route.id)!);
    const method = route.method as HttpMethod;
    new HttpRoute(this.api, `${route.id}Route`, { httpApi: this.api, routeKey: HttpRouteKey.with(route.path, method), integration });
    // Ottu's paths end in "/", but an HTTP API route key may not end in "/" (CloudFormation
    // rejects it, and CDK's HttpRouteKey refuses it) and `/path/` does not match the route
    // `/path` (unlike REST APIs). A greedy variable after the slash does match `/path/`, so each
    // route gets this sibling on the same integration; the HTTP middleware answers 404 when the
    // variable holds extra segments and treats an empty one as the route itself.
    new HttpRoute(this.api, `${route.id}SlashRoute`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(`${route.path}/{${TRAILING_SLASH_PARAM}+}`, method),
      integration,
    });
  }

  private addWorker(worker: Worker): void {
    const { trigger } = worker;
    // A scheduled sweep's invocation has the period to itself (capacity.expiryTimeout).
    const timeout = trigger.kind === 'schedule' ? this.config.capacity.expiryTimeout : this.config.workerTimeout;
    const fn = this.newFunction(worker.id, 'worker', worker.handler, timeout, worker.needs, `worker: ${trigger.kind}`);
    this.workerFunctions.set(worker.id, fn);
    const live = this.aliases.get(worker.id)!;
    const reserved = this.config.capacity.reservedConcurrency[worker.id];
    if (reserved !== undefined) (fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = reserved;
    switch (trigger.kind) {
      case 'table-stream': {
        live.addEventSource(
          new DynamoEventSource(this.data.table, {
            startingPosition: StartingPosition[STREAM_EVENT_SOURCE.startingPosition],
            batchSize: STREAM_EVENT_SOURCE.batchSize,
            filters: STREAM_EVENT_SOURCE.filterPatterns.map((pattern) => FilterCriteria.filter(pattern)),
            bisectBatchOnError: STREAM_EVENT_SOURCE.bisectBatchOnError,
            reportBatchItemFailures: true,
            retryAttempts: STREAM_EVENT_SOURCE.retryAttempts,
            maxRecordAge: Duration.seconds(STREAM_EVENT_SOURCE.maxRecordAgeSeconds),
            onFailure: new SqsDlq(this.data.streamFailures),
          }),
        );
        // Records waiting: the router is failing or too slow, and events reach merchants late.
        this.alarms.add(`${worker.id}IteratorAge`, live.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }), {
          description: `${worker.id} lags the table stream by more than ${STREAM_ITERATOR_AGE_ALARM_SECONDS} s (docs/runbook.md, "A stuck queue").`,
          threshold: STREAM_ITERATOR_AGE_ALARM_SECONDS * 1000,
          datapoints: PERSISTENT,
        });
        Validations.of(fn.role!).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'dynamodb:ListStreams (granted with the stream event source) and X-Ray actions support no resource-level permissions.',
        });
        break;
      }
      case 'queue':
        live.addEventSource(
          new SqsEventSource(this.data.queues[trigger.queue].queue, {
            batchSize: WORK_QUEUE.batchSize,
            maxBatchingWindow: Duration.seconds(WORK_QUEUE.maxBatchingWindowSeconds),
            reportBatchItemFailures: true,
            // Sized in the stage's capacity: the webhook's so a backlog (a merchant down for hours,
            // then back) reaches the merchant bounded; e-mail's and SMS's to the SES/SNS quotas.
            maxConcurrency: this.config.capacity.queueConcurrency[trigger.queue],
          }),
        );
        break;
      case 'schedule':
        new FannedOutSchedule(this, `${worker.id}Schedule`, {
          fn: live,
          everyMinutes: trigger.everyMinutes,
          fanOut: trigger.fanOut,
          description: `${worker.id} every ${trigger.everyMinutes} minute(s)`,
        });
        break;
    }
  }

  /** More than the configured share of requests answering 5xx over five minutes. */
  private alarmOnServerErrors(): void {
    const period = Duration.minutes(5);
    const rate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: this.api.metricServerError({ period, statistic: 'Sum' }),
        requests: this.api.metricCount({ period, statistic: 'Sum' }),
      },
      period,
      label: 'API 5xx rate (%)',
    });
    this.alarms.add('Api5xxRate', rate, {
      description: `More than ${this.config.api5xxRatePercent}% of API requests answered 5xx in 2 of 5 minutes.`,
      threshold: this.config.api5xxRatePercent,
      datapoints: PERSISTENT,
    });
  }

  /**
   * The ALARM lines (ports/log.ts) of a function's log group, counted into one stage metric: a
   * gateway's answer that does not match the attempt (amount, currency, order), a payment on a
   * closed session, an automatic inquiry that gave up. Each needs a person, so the first pages.
   */
  private countAlarmLines(id: string, fn: CheckoutFunction): void {
    new MetricFilter(this, `${id}AlarmLines`, {
      logGroup: fn.logGroup,
      // Powertools writes one JSON object a line; the message is the warning's first argument.
      filterPattern: FilterPattern.stringValue('$.message', '=', `${ALARM_PREFIX} *`),
      metricNamespace: metricsNamespace(this.config.stage),
      metricName: METRIC.alarmLines,
      metricValue: '1',
    });
    if (this.alarmLinesAlarm) return;
    const metric = new Metric({ namespace: metricsNamespace(this.config.stage), metricName: METRIC.alarmLines, period: Duration.minutes(5), statistic: 'Sum' });
    this.alarmLinesAlarm = this.alarms.add('GatewayAlarmLines', metric, {
      description: 'A function logged an ALARM line: a gateway answer that does not match its attempt (amount, currency, order id), a payment on a session no longer open, or an automatic inquiry that gave up (docs/runbook.md, "An ALARM line").',
      threshold: 0,
      datapoints: EVERY_TIME,
      period: Duration.minutes(5),
    });
  }

  /** The app's own metrics (EMF): deliveries failing across merchants or providers, and a late expiry sweep. */
  private alarmOnOwnMetrics(): void {
    const namespace = metricsNamespace(this.config.stage);
    const period = Duration.minutes(1);
    const failed = (channel: string) => {
      const usingMetrics = Object.fromEntries(
        FAILED_DELIVERY_OUTCOMES.map((outcome) => [outcome, new Metric({ namespace, metricName: METRIC.deliveries, dimensionsMap: { service: SERVICE_NAME, channel, outcome }, period, statistic: 'Sum' })]),
      );
      return new MathExpression({ expression: FAILED_DELIVERY_OUTCOMES.join(' + '), usingMetrics, period, label: `${channel} attempts failed` });
    };
    for (const [channel, threshold] of [['webhook', 20], ['email', 5], ['sms', 5]] as const) {
      this.alarms.add(`${channel.charAt(0).toUpperCase()}${channel.slice(1)}AttemptsFailing`, failed(channel), {
        description: `More than ${threshold} ${channel} attempts a minute failed in 2 of 5 minutes: a provider, our sender or many endpoints are failing (docs/runbook.md).`,
        threshold,
        datapoints: PERSISTENT,
      });
    }
    // A real gateway (the sandbox pages no one): unknown answers or throws mean it is down, slow
    // or refusing us, and every attempt meanwhile waits pending.
    for (const pg of GATEWAY_DIMENSIONS.filter((name) => name !== 'sandbox')) {
      const usingMetrics = Object.fromEntries(
        FAILED_GATEWAY_OUTCOMES.map((outcome) => [outcome, new Metric({ namespace, metricName: METRIC.gatewayCalls, dimensionsMap: { service: SERVICE_NAME, pg, outcome }, period, statistic: 'Sum' })]),
      );
      this.alarms.add(`Gateway${pg.charAt(0).toUpperCase()}${pg.slice(1)}Failing`, new MathExpression({ expression: FAILED_GATEWAY_OUTCOMES.join(' + '), usingMetrics, period, label: `${pg} calls unanswered or failed` }), {
        description: `More than 5 calls a minute to the ${pg} gateway timed out, failed or threw, in 2 of 5 minutes: attempts stay pending until it answers (docs/runbook.md, "A gateway failing").`,
        threshold: 5,
        datapoints: PERSISTENT,
      });
    }
    // Declines are the customers'; an attempt in error is the gateway's or the acquirer's.
    const attemptErrors = Object.fromEntries(
      FAILED_ATTEMPT_RESULTS.map((result) => [result, new Metric({ namespace, metricName: METRIC.paymentAttempts, dimensionsMap: { service: SERVICE_NAME, result }, period, statistic: 'Sum' })]),
    );
    this.alarms.add('PaymentAttemptsInError', new MathExpression({ expression: FAILED_ATTEMPT_RESULTS.join(' + '), usingMetrics: attemptErrors, period, label: 'payment attempts in error' }), {
      description: 'More than 10 payment attempts a minute ended in a gateway or acquirer error, in 2 of 5 minutes (docs/runbook.md, "A gateway failing").',
      threshold: 10,
      datapoints: PERSISTENT,
    });
    // A few 401s are typos and old keys; many lockouts a minute are someone guessing at scale.
    this.alarms.add('AuthLockouts', new Metric({ namespace, metricName: METRIC.authRefused, dimensionsMap: { service: SERVICE_NAME, status: '429' }, period, statistic: 'Sum' }), {
      description: 'More than 20 requests a minute refused as locked out (429), in 2 of 5 minutes: someone is guessing passwords or keys (docs/security.md, docs/runbook.md "Authentication lockouts").',
      threshold: 20,
      datapoints: PERSISTENT,
    });
    this.alarms.add('ExpiryLag', new Metric({ namespace, metricName: METRIC.expiryLag, dimensionsMap: { service: SERVICE_NAME }, period, statistic: 'Maximum' }), {
      description: 'The expiry sweep expired sessions more than 5 minutes late in 2 of 5 minutes.',
      threshold: 300,
      datapoints: PERSISTENT,
    });
  }
}
