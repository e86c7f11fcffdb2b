import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { retryOrGiveUp, type DeliveryOutcome } from '../../app/delivery-outcome';
import { parseDeliveryMessage, type DeliveryMessage, type QueueName } from '../../domain/deliveries';
import type { Ports } from '../../ports';
import { logger } from '../logger';
import { withLogContext } from '../with-log-context';

export type QueueFunction = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;
type Deliver<C extends QueueName> = (message: Extract<DeliveryMessage, { channel: C }>, attempt: number) => Promise<DeliveryOutcome>;

/** What the record loop itself uses: the consumer's queue (retry later, dead-letter). */
export type ConsumerPorts = Pick<Ports, 'queue'>;

/** Marks a record failed after its next attempt was scheduled with retryLater. */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

/**
 * The record loop shared by the three consumers. Each record is one attempt (SQS's receive
 * count is the attempt number): a retry hides the message for the next step of the schedule
 * (ChangeMessageVisibility) and reports it as a batch item failure, so SQS keeps it; a final
 * failure moves it to the DLQ with its reason; the rest is deleted.
 */
export function queueFunction<C extends QueueName>(queue: C, ports: ConsumerPorts, deliver: Deliver<C>): QueueFunction {
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const message = parseDeliveryMessage(record.body);
    if (!message || message.channel !== queue) {
      await ports.queue.deadLetter(queue, record.body, `not a ${queue} delivery message`);
      return;
    }
    const attempt = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
    // Every line of this delivery names the API request that committed its event.
    logger.appendKeys({ request_id: message.event.request_id, event_id: message.event.event_id });
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliver(message as Extract<DeliveryMessage, { channel: C }>, attempt);
    } catch (error) {
      // Our own failure (store unavailable, …): same schedule, so it cannot spin.
      logger.error('delivery failed unexpectedly', { queue, event_id: message.event.event_id, error: error as Error });
      outcome = retryOrGiveUp(attempt, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
    if (outcome.kind === 'retry') {
      await ports.queue.retryLater(queue, record.receiptHandle, outcome.delaySeconds);
      throw new RetryLater(outcome.reason);
    }
    if (outcome.kind === 'dead') {
      logger.warn('delivery given up', { queue, event_id: message.event.event_id, reason: outcome.reason });
      await ports.queue.deadLetter(queue, record.body, outcome.reason);
    }
  };
  // A processor per invocation: the embedded runtime may run two batches of one queue at once.
  return (event, context) =>
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false }) as Promise<SQSBatchResponse>;
}

export function queueHandler(fn: QueueFunction) {
  return withLogContext(fn);
}
