import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface RedriveResult {
  /** Messages in the dead-letter queue when the redrive started (SQS's approximate count). */
  found: number;
  moved: number;
  /** Messages that died after the redrive started (a redriven one failing again among them): left in place. */
  newer: number;
}

export interface RedriveOptions {
  from: string;
  to: string;
  /** Called after each batch moved. */
  progress?: (moved: number, found: number) => void;
  /** `move` sends one message on (default: to `to`, with its attributes); the stream failures' redrive routes instead. */
  move?: (message: Message) => Promise<void>;
  /** The redrive's start in SQS's clock (ms); defaults to now. */
  startedAt?: number;
}

/** How long a message the redrive received stays hidden from a second receive of the same pass. */
const HOLD_SECONDS = 300;

/**
 * Moves the messages that were in the dead-letter queue `from` when it started, once each, to
 * `to`, and ends. A message is moved when it was sent to the DLQ before the start
 * (`SentTimestamp`) and at most as many as the DLQ held then: a redriven message that fails again
 * (a merchant's endpoint still answering 4xx) is dead-lettered as a new message, which this pass
 * leaves for the next one instead of sending it again and again. Each message is sent first and
 * deleted after, so none is lost (a crash between the two sends it twice; consumers drop
 * duplicates by event_id). Messages seen and left are made visible again at the end.
 */
export async function redriveDeadLetters(client: SQSClient, options: RedriveOptions): Promise<RedriveResult> {
  const startedAt = options.startedAt ?? Date.now();
  const attributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: options.from, AttributeNames: ['ApproximateNumberOfMessages'] }));
  const found = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
  const move = options.move ?? ((message: Message) => sendOn(client, options.to, message));
  const seen = new Set<string>();
  const left: Message[] = [];
  let moved = 0;
  try {
    while (moved < found) {
      const received = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: options.from,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: HOLD_SECONDS,
          MessageSystemAttributeNames: ['SentTimestamp'],
          MessageAttributeNames: ['All'],
        }),
      );
      const messages = (received.Messages ?? []).filter((message) => !seen.has(message.MessageId!));
      if (messages.length === 0) break;
      for (const message of messages) {
        seen.add(message.MessageId!);
        if (Number(message.Attributes?.SentTimestamp ?? 0) >= startedAt || moved >= found) {
          left.push(message);
          continue;
        }
        await move(message);
        await client.send(new DeleteMessageCommand({ QueueUrl: options.from, ReceiptHandle: message.ReceiptHandle }));
        moved += 1;
      }
      options.progress?.(moved, found);
    }
  } finally {
    await release(client, options.from, left);
  }
  return { found, moved, newer: left.length };
}

async function sendOn(client: SQSClient, to: string, message: Message): Promise<void> {
  // The delivery's own attributes go on (event_type); the DLQ's reason and time stay behind.
  const { failure_reason: _reason, failed_at: _at, ...attributes } = message.MessageAttributes ?? {};
  await client.send(new SendMessageCommand({ QueueUrl: to, MessageBody: message.Body ?? '', MessageAttributes: Object.keys(attributes).length ? attributes : undefined }));
}

async function release(client: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
}
