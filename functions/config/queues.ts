import { MAX_ATTEMPTS } from '../domain/delivery-schedule';
import { ATTACHMENT_KEY_ATTRIBUTE, EVENT_SK_PREFIX, EVENTS_ATTRIBUTE, TABLE_KEYS } from './table';

/**
 * The queues' settings, as plain data: the CDK stacks, the emulator bootstrap and the embedded
 * queue are all built from these, so SQS on AWS, on moto and in-process behave alike.
 */

export { CHANNELS, QUEUE_NAMES, type Channel, type QueueName } from '../domain/deliveries';
import type { QueueName } from '../domain/deliveries';

/** The variable that gives each queue's URL to the functions, the local runtime and the admin CLI. */
export const QUEUE_URL_VARIABLES = {
  webhook: 'CHECKOUT_WEBHOOK_QUEUE_URL',
  email: 'CHECKOUT_EMAIL_QUEUE_URL',
  sms: 'CHECKOUT_SMS_QUEUE_URL',
  sync: 'CHECKOUT_SYNC_QUEUE_URL',
} as const satisfies Record<QueueName, string>;

const DAY_SECONDS = 24 * 60 * 60;
const CONSUMER_TIMEOUT_SECONDS = 30;

/** One work queue per channel, each with its DLQ; all three share these settings. */
export const WORK_QUEUE = {
  /** Timeout of the Lambda consuming the queue (lib/stage-config.ts workerTimeout). */
  consumerTimeoutSeconds: CONSUMER_TIMEOUT_SECONDS,
  // AWS's advice for Lambda consumers: at least six times the function timeout, so a batch
  // being retried by the poller is not handed to a second consumer meanwhile.
  visibilityTimeoutSeconds: 6 * CONSUMER_TIMEOUT_SECONDS,
  retentionSeconds: 4 * DAY_SECONDS,
  // The consumers move a message to its DLQ themselves, with the reason, after MAX_ATTEMPTS
  // deliveries (docs/webhooks.md); SQS's own redrive is only the backstop for a consumer that
  // keeps crashing, so it must allow more receives than that.
  maxReceiveCount: MAX_ATTEMPTS + 5,
  // A DLQ keeps messages as long as SQS allows, so a failure found late can still be redriven.
  dlqRetentionSeconds: 14 * DAY_SECONDS,
  /** The SQS event source: up to this many messages per invocation… */
  batchSize: 10,
  /** …gathered for at most this long. */
  maxBatchingWindowSeconds: 1,
} as const;

/**
 * Alarm when a work queue's oldest message has waited longer than this. A webhook may wait
 * hours by design while one merchant's endpoint is down (the retry schedule, docs/webhooks.md),
 * so its threshold is an hour; e-mail and SMS retry only on throttling, minutes at most. An
 * automatic inquiry waits its gateway's window (15 minutes at most) by design: twice that.
 */
export const QUEUE_AGE_ALARM_SECONDS = { webhook: 60 * 60, email: 15 * 60, sms: 15 * 60, sync: 30 * 60 } as const;

/** Alarm when the event router lags the table stream by more than this (records waiting). */
export const STREAM_ITERATOR_AGE_ALARM_SECONDS = 5 * 60;
export type WorkQueueSettings = Readonly<Record<keyof typeof WORK_QUEUE, number>>;

/** The table-stream event source of the event router. */
export const STREAM_EVENT_SOURCE = {
  // The outbox is read from the oldest record so a fresh deployment loses nothing.
  startingPosition: 'TRIM_HORIZON',
  batchSize: 25,
  bisectBatchOnError: true,
  retryAttempts: 10,
  maxRecordAgeSeconds: DAY_SECONDS,
  /**
   * Lambda event-filter patterns (any one matches; the stack passes each to FilterCriteria, the
   * emulator matches records against them): a write whose new image carries committed events,
   * an outbox item of the earlier layout, and the removal (TTL) of a session that had an
   * attachment, whose object goes with it. Not writes without events (delivery status, claims,
   * idempotency, configuration), nor other TTL deletes.
   */
  filterPatterns: [
    { dynamodb: { NewImage: { [EVENTS_ATTRIBUTE]: { S: [{ exists: true }] } } } },
    { eventName: ['REMOVE'], dynamodb: { OldImage: { [ATTACHMENT_KEY_ATTRIBUTE]: { S: [{ exists: true }] } } } },
    { eventName: ['INSERT'], dynamodb: { Keys: { [TABLE_KEYS.sort]: { S: [{ prefix: EVENT_SK_PREFIX }] } } } },
  ],
} as const;

/** The stream's on-failure queue (records the router gave up on) is a DLQ: kept as long. */
export const STREAM_FAILURES_QUEUE = { retentionSeconds: WORK_QUEUE.dlqRetentionSeconds } as const;
