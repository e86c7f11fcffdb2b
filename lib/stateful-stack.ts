import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { QUEUE_AGE_ALARM_SECONDS, QUEUE_NAMES, STREAM_FAILURES_QUEUE, WORK_QUEUE, type QueueName } from '../functions/config/queues';
import { EXPIRY_INDEX, EXPIRY_INDEX_KEYS, EXPIRY_INDEX_PROJECTION, STREAM_VIEW_TYPE, TABLE_KEYS, TTL_ATTRIBUTE } from '../functions/config/table';
import { sharedParameterName } from '../functions/config/stages';
import { StageAlarms } from './constructs/alarms';
import { TableBackup } from './constructs/table-backup';
import { QueueWithDlq } from './constructs/queue-with-dlq';
import type { StageConfig } from './stage-config';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

export { sharedParameterName };

/** Prefix of uploaded files not yet attached to a session (see the bucket's lifecycle rules). */
export const UPLOADS_PREFIX = 'uploads/';

/**
 * Everything that holds data and must survive a redeploy of the code: the table, the attachment
 * bucket, the queues and their DLQs, the webhook key and the alarm topic. The stateless stack
 * (API and functions) can be destroyed and recreated without losing any of it.
 */
export class CheckoutStatefulStack extends Stack {
  readonly table: Table;
  readonly bucket: Bucket;
  readonly queues: Record<QueueName, QueueWithDlq>;
  /** On-failure destination of the table-stream consumer (records it gave up on). */
  readonly streamFailures: Queue;
  readonly webhookSecret: Secret;
  readonly csrfSecret: Secret;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.alarmTopic = this.createAlarmTopic(config);
    const alarms = new StageAlarms(this, this.alarmTopic);
    this.table = this.createTable(config);
    new TableBackup(this, 'Backup', { table: this.table, stage: config.stage, ...config.backup, removalPolicy: config.removalPolicy });
    this.bucket = this.createBucket(config);
    this.queues = Object.fromEntries(QUEUE_NAMES.map((channel) => [channel, this.createQueue(channel, config, alarms)])) as Record<QueueName, QueueWithDlq>;
    this.streamFailures = new Queue(this, 'StreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(STREAM_FAILURES_QUEUE.retentionSeconds),
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.streamFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'It is itself a dead-letter destination: the DynamoDB stream event source\'s on-failure queue.',
    });
    alarms.newDeadLetters('StreamFailuresNew', this.streamFailures, 'stream failures');

    // The merchant's webhook HMAC key: generated here, read by the webhook sender only.
    this.webhookSecret = new Secret(this, 'WebhookKey', {
      description: `Checkout ${config.stage}: HMAC-SHA256 key that signs webhooks`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The key is shared with the merchant, who verifies signatures with it; rotating it is a coordinated manual change.',
    });
    // The payment form's CSRF secret: its own, so the public checkout functions never hold the
    // webhook key (docs/security.md). Only we use it; rotating it only expires open forms.
    this.csrfSecret = new Secret(this, 'CsrfSecret', {
      description: `Checkout ${config.stage}: HMAC key of the payment form's CSRF tokens`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.csrfSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating it invalidates the payment forms open at that moment; a manual `put-secret-value` when wanted, no rotation Lambda.',
    });
    // What `npm run admin` needs to reach this stage without --stage (with it, the SSM parameters below).
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'CHECKOUT_TABLE for npm run admin' });
    new CfnOutput(this, 'WebhookSecretId', { value: this.webhookSecret.secretName, description: 'CHECKOUT_WEBHOOK_SECRET_ID for npm run admin -- set-webhook-key' });
    new CfnOutput(this, 'WebhookQueueUrl', { value: this.queues.webhook.queue.queueUrl, description: 'CHECKOUT_WEBHOOK_QUEUE_URL for npm run admin -- redrive' });
    this.shareWithApiStack(config);
  }

  /**
   * What the Api stack uses, as SSM parameters under /checkout/<stage>/ rather than CloudFormation
   * exports: an export in use locks the resource (replacing or removing it fails with "export in
   * use"), a parameter does not; the Api stack reads the current values on each of its deploys.
   */
  private shareWithApiStack(config: StageConfig): void {
    const values: Record<string, string> = {
      'table-name': this.table.tableName,
      'table-arn': this.table.tableArn,
      'table-stream-arn': this.table.tableStreamArn!,
      'bucket-arn': this.bucket.bucketArn,
      'bucket-name': this.bucket.bucketName,
      'stream-failures-arn': this.streamFailures.queueArn,
      'webhook-secret-arn': this.webhookSecret.secretArn,
      'csrf-secret-arn': this.csrfSecret.secretArn,
      'alarm-topic-arn': this.alarmTopic.topicArn,
    };
    for (const channel of QUEUE_NAMES) {
      const { queue, dlq } = this.queues[channel];
      values[`${channel}-queue-arn`] = queue.queueArn;
      values[`${channel}-queue-url`] = queue.queueUrl;
      values[`${channel}-dlq-arn`] = dlq.queueArn;
      values[`${channel}-dlq-url`] = dlq.queueUrl;
    }
    for (const [key, value] of Object.entries(values)) {
      new StringParameter(this, `Shared-${key}`, { parameterName: sharedParameterName(config.stage, key), stringValue: value, description: `Checkout ${config.stage}: ${key} for the Api stack` });
    }
  }

  private createTable(config: StageConfig): Table {
    const table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sort, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The outbox: every committed event item reaches the event router through the stream.
      stream: StreamViewType[STREAM_VIEW_TYPE],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    // Expiry index: every session item carries gsi1pk/gsi1sk (other items none); the expiry job reads keys only.
    table.addGlobalSecondaryIndex({
      indexName: EXPIRY_INDEX,
      partitionKey: { name: EXPIRY_INDEX_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: EXPIRY_INDEX_KEYS.sort, type: AttributeType.STRING },
      projectionType: ProjectionType[EXPIRY_INDEX_PROJECTION],
    });
    return table;
  }

  private createBucket(config: StageConfig): Bucket {
    const removal = { removalPolicy: config.removalPolicy };
    const accessLogs = new Bucket(this, 'AccessLogs', {
      ...removal,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the attachments bucket; logging it into itself would loop.',
    });
    return new Bucket(this, 'Attachments', {
      ...removal,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'attachments/',
      // Four functions may delete or overwrite attachments: a version is kept for the table's
      // point-in-time window, so a restored table still finds the files its sessions name.
      versioned: true,
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { noncurrentVersionExpiration: Duration.days(config.attachmentNoncurrentDays), expiredObjectDeleteMarker: true },
        // Uploaded files live under uploads/ until a session uses them; the ones never used go.
        { prefix: UPLOADS_PREFIX, expiration: Duration.days(config.unattachedUploadDays) },
      ],
    });
  }

  private createQueue(channel: QueueName, config: StageConfig, alarms: StageAlarms): QueueWithDlq {
    // Construct ids as before (WebhookQueue, …): a new id would replace the deployed queues.
    const name = channel.charAt(0).toUpperCase() + channel.slice(1);
    const queues = new QueueWithDlq(this, `${name}Queue`, { settings: WORK_QUEUE, removalPolicy: config.removalPolicy });
    alarms.newDeadLetters(`${name}DlqNew`, queues.dlq, channel);
    alarms.oldestMessage(`${name}QueueOldest`, queues.queue, channel, Duration.seconds(QUEUE_AGE_ALARM_SECONDS[channel]));
    return queues;
  }

  private createAlarmTopic(config: StageConfig): Topic {
    // A customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
    const key = new Key(this, 'AlarmTopicKey', {
      description: `Checkout ${config.stage}: encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: `Checkout ${config.stage} alarms` });
    // enforceSSL gives the topic a resource policy, which replaces the default one: CloudWatch
    // alarms of this account must be allowed to publish explicitly.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    if (config.alarmEmail) topic.addSubscription(new EmailSubscription(config.alarmEmail));
    return topic;
  }
}
