import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface QueueWithDlqProps {
  /** Timeout of the Lambda that consumes the queue. */
  consumerTimeout: Duration;
  /** Deliveries before a message moves to the DLQ. */
  maxReceiveCount: number;
  removalPolicy: RemovalPolicy;
}

/** A work queue and its dead-letter queue, both encrypted (SSE-SQS) and reachable over TLS only. */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: props.removalPolicy };
    // A DLQ keeps messages as long as SQS allows, so a failure found late can still be redriven.
    this.dlq = new Queue(this, 'Dlq', { ...secure, retentionPeriod: Duration.days(14) });
    this.queue = new Queue(this, 'Queue', {
      ...secure,
      // AWS's advice for Lambda consumers: at least six times the function timeout, so a batch
      // being retried by the poller is not handed to a second consumer meanwhile.
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
