import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createHash, randomUUID } from 'node:crypto';
import { WORK_QUEUE } from '../../config/queues';
import type { DeliveryMessage, QueueName } from '../../domain/deliveries';
import { INQUIRY_QUEUE, type InquiryMessage } from '../../domain/inquiry';
import type { EventQueue, InquiryScheduler } from '../../ports';
import { stampInquiry } from '../request-context';

export type QueueConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface DeadLetter {
  /** Names one dead letter, so the dashboard can redrive it alone. */
  id: string;
  body: string;
  reason: string;
  at: string;
}

export interface MemoryEventQueueOptions {
  /**
   * Multiplies the retry delays consumers ask for: 0.001 turns a 30 s backoff into 30 ms, so
   * tests and demos can walk the whole 24 h schedule. 1 (real time) by default.
   */
  delayScale?: number;
  /**
   * How long a received message stays hidden when its consumer neither deletes nor delays it
   * (a crashed invocation). Not scaled: like SQS's, it must outlast the consumer's run.
   */
  visibilityTimeoutSeconds?: number;
  /** Like an SQS redrive policy: a message received this often goes to the DLQ. */
  maxReceiveCount?: number;
  batchSize?: number;
}

interface Stored {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  visibleAt: number;
  receipt?: string;
}

interface Lane {
  messages: Stored[];
  dlq: DeadLetter[];
  consumer?: QueueConsumer;
  timer?: NodeJS.Timeout;
}

/**
 * In-process twin of the three SQS queues and their DLQs, with SQS's delivery rules: at least
 * once, a receive count per message, visibility timeouts, partial batch failures, and the same
 * consumers (the handler modules) fed SQS-shaped events.
 */
export class MemoryEventQueue implements EventQueue, InquiryScheduler {
  private readonly lanes = new Map<QueueName, Lane>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly scale: number;
  private readonly visibilityMs: number;
  private readonly maxReceiveCount: number;
  private readonly batchSize: number;

  constructor(options: MemoryEventQueueOptions = {}) {
    this.scale = options.delayScale ?? 1;
    // By default the deployed queues' settings (config/queues.ts): local runs redeliver alike.
    this.visibilityMs = (options.visibilityTimeoutSeconds ?? WORK_QUEUE.visibilityTimeoutSeconds) * 1000;
    this.maxReceiveCount = options.maxReceiveCount ?? WORK_QUEUE.maxReceiveCount;
    this.batchSize = options.batchSize ?? WORK_QUEUE.batchSize;
  }

  consume(queue: QueueName, consumer: QueueConsumer): void {
    this.lane(queue).consumer = consumer;
    this.wake(queue);
  }

  async publish(queue: QueueName, message: DeliveryMessage): Promise<void> {
    this.enqueue(queue, JSON.stringify(message));
  }

  /** SQS's DelaySeconds, scaled like the retry delays. */
  async schedule(message: InquiryMessage): Promise<void> {
    this.enqueue(INQUIRY_QUEUE, JSON.stringify(stampInquiry(message)), message.delay_seconds * 1000 * this.scale);
  }

  async retryLater(queue: QueueName, receipt: string, delaySeconds: number): Promise<void> {
    const message = this.lane(queue).messages.find((candidate) => candidate.receipt === receipt);
    if (!message) throw new Error(`no in-flight message with receipt ${receipt} on ${queue}`);
    message.visibleAt = Date.now() + delaySeconds * 1000 * this.scale;
  }

  async deadLetter(queue: QueueName, body: string, reason: string): Promise<void> {
    this.lane(queue).dlq.push({ id: randomUUID(), body, reason, at: new Date().toISOString() });
  }

  async redrive(queue: QueueName): Promise<number> {
    const lane = this.lane(queue);
    const parked = lane.dlq.splice(0);
    for (const letter of parked) this.enqueue(queue, letter.body);
    return parked.length;
  }

  /** Sends one dead letter again (SQS's redrive of a single message); false when there is no such letter. */
  redriveOne(queue: QueueName, id: string): boolean {
    const lane = this.lane(queue);
    const index = lane.dlq.findIndex((letter) => letter.id === id);
    if (index < 0) return false;
    const [letter] = lane.dlq.splice(index, 1);
    this.enqueue(queue, letter!.body);
    return true;
  }

  deadLetters(queue: QueueName): readonly DeadLetter[] {
    return this.lane(queue).dlq;
  }

  /** Messages still in the queue (waiting, delayed or being handled). */
  depth(queue: QueueName): number {
    return this.lane(queue).messages.length;
  }

  /** Stops every timer; consumers are not called any more. Waits for running batches. */
  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private enqueue(queue: QueueName, body: string, delayMs = 0): void {
    const now = Date.now();
    this.lane(queue).messages.push({ id: randomUUID(), body, sentAt: now, receiveCount: 0, visibleAt: now + delayMs });
    this.wake(queue);
  }

  private lane(queue: QueueName): Lane {
    let lane = this.lanes.get(queue);
    if (!lane) {
      lane = { messages: [], dlq: [] };
      this.lanes.set(queue, lane);
    }
    return lane;
  }

  /** Sets the lane's one timer to the moment its next message becomes visible. */
  private wake(queue: QueueName): void {
    const lane = this.lane(queue);
    clearTimeout(lane.timer);
    if (this.closed || !lane.consumer || lane.messages.length === 0) return;
    const next = Math.min(...lane.messages.map((message) => message.visibleAt));
    lane.timer = setTimeout(() => this.poll(queue), Math.max(0, next - Date.now()));
    lane.timer.unref();
  }

  private poll(queue: QueueName): void {
    const lane = this.lane(queue);
    const now = Date.now();
    const batch: Stored[] = [];
    for (const message of lane.messages.filter((candidate) => candidate.visibleAt <= now)) {
      if (batch.length === this.batchSize) break;
      if (message.receiveCount >= this.maxReceiveCount) {
        lane.messages.splice(lane.messages.indexOf(message), 1);
        lane.dlq.push({ id: randomUUID(), body: message.body, reason: `received ${message.receiveCount} times without success`, at: new Date(now).toISOString() });
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveAt ??= now;
      message.receipt = randomUUID();
      message.visibleAt = now + this.visibilityMs;
      batch.push(message);
    }
    if (batch.length > 0) {
      const run = this.deliver(queue, lane, batch).finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    }
    this.wake(queue);
  }

  private async deliver(queue: QueueName, lane: Lane, batch: Stored[]): Promise<void> {
    const receipts = new Map(batch.map((message) => [message.id, message.receipt]));
    let failed: Set<string>;
    try {
      const response = await lane.consumer!({ Records: batch.map((message) => record(queue, message)) });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      failed = new Set(batch.map((message) => message.id)); // a crashed invocation fails the whole batch
    }
    // Delete what succeeded, unless it was received again meanwhile (a stale receipt deletes nothing in SQS either).
    lane.messages = lane.messages.filter(
      (message) => !receipts.has(message.id) || failed.has(message.id) || receipts.get(message.id) !== message.receipt,
    );
    this.wake(queue);
  }
}

function record(queue: QueueName, message: Stored): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: message.receipt!,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'embedded',
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:local:000000000000:${queue}`,
    awsRegion: 'local',
  };
}
