import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeliveryMessage, QueueName } from '../../domain/deliveries';
import { INQUIRY_QUEUE, type InquiryMessage } from '../../domain/inquiry';
import type { EventQueue, InquiryScheduler } from '../../ports';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import { QUEUE_URL_VARIABLES } from '../../config/queues';
import { sqsClient } from './aws-clients';
import { redriveDeadLetters } from './sqs-redrive';
import { stampInquiry } from '../request-context';

/** SQS refuses a visibility timeout above 12 h. */
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/**
 * The three SQS queues. Their DLQs are found through each queue's RedrivePolicy, so the
 * deployment needs no extra variables: the queue is the single source of which DLQ it uses.
 * The DLQ receives messages two ways: from our consumers, with a `failure_reason` attribute,
 * and from SQS itself once maxReceiveCount is exceeded (a consumer that kept crashing).
 */
export class SqsEventQueue implements EventQueue, InquiryScheduler {
  private readonly dlqUrls = new Map<QueueName, Promise<string>>();

  constructor(
    private readonly client: SQSClient,
    private readonly urls: Readonly<Partial<Record<QueueName, string>>>,
    /** Scales retry delays (the local cloud's CHECKOUT_LOCAL_DELAY_SCALE); 1 on AWS. */
    private readonly delayScale = 1,
  ) {}

  async publish(queue: QueueName, message: DeliveryMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.url(queue),
        MessageBody: JSON.stringify(message),
        MessageAttributes: { event_type: { DataType: 'String', StringValue: message.event.type } },
      }),
    );
  }

  /** The inquiry queue's message, delivered after its delay (SendMessage DelaySeconds, at most 900). */
  async schedule(message: InquiryMessage): Promise<void> {
    const delay = Math.min(900, Math.max(0, Math.round(message.delay_seconds * this.delayScale)));
    await this.client.send(new SendMessageCommand({ QueueUrl: this.url(INQUIRY_QUEUE), MessageBody: JSON.stringify(stampInquiry(message)), DelaySeconds: delay }));
  }

  async retryLater(queue: QueueName, receipt: string, delaySeconds: number): Promise<void> {
    // A scaled wait stays at least a second (SQS's granularity) so a retry never races the attempt before it.
    const scaled = Math.max(delaySeconds > 0 ? Math.min(1, delaySeconds) : 0, delaySeconds * this.delayScale);
    const timeout = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(scaled)));
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.url(queue), ReceiptHandle: receipt, VisibilityTimeout: timeout }));
  }

  async deadLetter(queue: QueueName, body: string, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: await this.dlqUrl(queue),
        MessageBody: body,
        MessageAttributes: {
          failure_reason: { DataType: 'String', StringValue: reason.slice(0, 1024) || 'unknown' },
          failed_at: { DataType: 'String', StringValue: new Date().toISOString() },
        },
      }),
    );
  }

  /** One pass over the DLQ: the messages dead when it starts, each sent again once (sqs-redrive.ts). */
  async redrive(queue: QueueName): Promise<number> {
    return (await redriveDeadLetters(this.client, { from: await this.dlqUrl(queue), to: this.url(queue) })).moved;
  }

  dlqUrl(queue: QueueName): Promise<string> {
    let url = this.dlqUrls.get(queue);
    if (!url) {
      url = this.findDlq(queue);
      url.catch(() => this.dlqUrls.delete(queue)); // look again next time
      this.dlqUrls.set(queue, url);
    }
    return url;
  }

  private url(queue: QueueName): string {
    const url = this.urls[queue];
    if (!url) throw new Error(`this function was not given the ${queue} queue`);
    return url;
  }

  private async findDlq(queue: QueueName): Promise<string> {
    const attributes = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: this.url(queue), AttributeNames: ['RedrivePolicy'] }));
    const policy = attributes.Attributes?.RedrivePolicy;
    const arn = policy ? (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
    if (!arn) throw new Error(`the ${queue} queue has no dead-letter queue (RedrivePolicy)`);
    const [, , , , account, name] = arn.split(':');
    const found = await this.client.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
    if (!found.QueueUrl) throw new Error(`dead-letter queue ${arn} not found`);
    return found.QueueUrl;
  }
}



/** The queues the event router publishes to. */
export function sqsPublisher(channels: readonly QueueName[]): SqsEventQueue {
  uses({ sendTo: channels });
  return new SqsEventQueue(sqsClient(), urlsOf(channels));
}

/** A consumer's own queue: to delay a retry (visibility) and to dead-letter with the reason. */
export function sqsConsumerQueue(channel: QueueName): SqsEventQueue {
  uses({ deadLetterTo: [channel] });
  // Never set by the stacks (default 1): the local cloud passes it to run the retry schedule faster.
  return new SqsEventQueue(sqsClient(), urlsOf([channel]), setting('CHECKOUT_LOCAL_DELAY_SCALE'));
}

/** The automatic inquiry's queue, to schedule a try (the functions that start a payment, and the worker itself). */
export function sqsInquiryScheduler(): SqsEventQueue {
  uses({ sendTo: [INQUIRY_QUEUE] });
  return new SqsEventQueue(sqsClient(), urlsOf([INQUIRY_QUEUE]), setting('CHECKOUT_LOCAL_DELAY_SCALE'));
}

function urlsOf(channels: readonly QueueName[]): Partial<Record<QueueName, string>> {
  return Object.fromEntries(channels.map((channel) => [channel, setting(QUEUE_URL_VARIABLES[channel])]));
}
