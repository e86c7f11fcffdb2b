import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { WorkQueueSettings } from '../../functions/config/queues';

export interface QueueWithDlqProps {
  /** Visibility, retention and redrive (functions/config/queues.ts explains each). */
  settings: Pick<WorkQueueSettings, 'visibilityTimeoutSeconds' | 'retentionSeconds' | 'maxReceiveCount' | 'dlqRetentionSeconds'>;
  removalPolicy: RemovalPolicy;
}

/** A work queue and its dead-letter queue, both encrypted (SSE-SQS) and reachable over TLS only. */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: props.removalPolicy };
    const { settings } = props;
    this.dlq = new Queue(this, 'Dlq', { ...secure, retentionPeriod: Duration.seconds(settings.dlqRetentionSeconds) });
    this.queue = new Queue(this, 'Queue', {
      ...secure,
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(settings.retentionSeconds),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: settings.maxReceiveCount },
    });
  }
}
