import type { DeliveryMessage, QueueName } from '../domain/deliveries';

/**
 * The webhook, email and sms queues (SQS on AWS, in-process when embedded). Each has a
 * dead-letter queue. Consumers receive messages as SQS records; a message they neither finish
 * nor dead-letter comes back after its visibility timeout.
 */
export interface EventQueue {
  publish(queue: QueueName, message: DeliveryMessage): Promise<void>;
  /**
   * Keeps a received message (identified by its receipt) hidden for `delaySeconds` (at most
   * 12 h), after which it is delivered again as the next attempt. The consumer must then report
   * the record as failed so it is not deleted.
   */
  retryLater(queue: QueueName, receipt: string, delaySeconds: number): Promise<void>;
  /** Parks a message body in the queue's DLQ with the reason it failed. */
  deadLetter(queue: QueueName, body: string, reason: string): Promise<void>;
  /**
   * Sends the messages in the queue's DLQ when it starts to the queue again, once each, and
   * returns how many; a message that fails again meanwhile stays dead for the next redrive.
   */
  redrive(queue: QueueName): Promise<number>;
}
