import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { dynamoClient, dynamoDocumentClient, s3Client, secretsManagerClient, sqsClient } from '../adapters/aws/aws-clients';
import { DynamoConfigStore } from '../adapters/aws/dynamo-config-store';
import { gatewaySecretPrefix } from '../config/gateway-secrets';
import { QUEUE_NAMES, STREAM_FAILURES_QUEUE, WORK_QUEUE } from '../config/queues';
import { tableDefinition, TTL_ATTRIBUTE } from '../config/table';
import { demoConfig, type DemoCredentials } from './demo-config';

/**
 * `CHECKOUT_BOOTSTRAP=1` for `CHECKOUT_BACKEND=aws npm start` against an emulator (moto): creates
 * what the CDK stateful stack would (table, bucket, queues with DLQs, the stream-failures queue,
 * webhook secret) and seeds
 * the demo merchant. Idempotent: what exists is kept, including a configuration already stored.
 */

export interface BootstrapResult {
  /** The Lambda environment variables for what was created (CHECKOUT_TABLE, queue URLs, …). */
  env: Record<string, string>;
  /** The demo credentials, when this run seeded the configuration (else unknown: they are hashed). */
  credentials?: DemoCredentials;
}

export async function ensureTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateTableCommand(tableDefinition(name)));
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
  }
}

async function ensureBucket(name: string): Promise<void> {
  try {
    await s3Client().send(new HeadBucketCommand({ Bucket: name }));
  } catch {
    await s3Client().send(new CreateBucketCommand({ Bucket: name }));
  }
}

/** A work queue and its DLQ, set up as the stateful stack's; returns the queue's URL. */
async function ensureWorkQueue(name: string): Promise<string> {
  const dlq = await ensureQueue(`${name}-dlq`, { MessageRetentionPeriod: String(WORK_QUEUE.dlqRetentionSeconds) });
  const { Attributes } = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }));
  return ensureQueue(name, {
    VisibilityTimeout: String(WORK_QUEUE.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(WORK_QUEUE.retentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: WORK_QUEUE.maxReceiveCount }),
  });
}

/**
 * Creates the queue by name only (which returns an existing queue's URL), then sets the
 * attributes: CreateQueue with attributes would refuse a queue an older bootstrap made differently.
 */
async function ensureQueue(name: string, attributes: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqsClient().send(new CreateQueueCommand({ QueueName: name }));
  await sqsClient().send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
  return QueueUrl!;
}

async function ensureSecret(id: string, value: () => string): Promise<void> {
  const secrets = secretsManagerClient();
  try {
    await secrets.send(new DescribeSecretCommand({ SecretId: id }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
    await secrets.send(new CreateSecretCommand({ Name: id, SecretString: value() }));
  }
}

export async function bootstrapAws(env: Readonly<Record<string, string | undefined>>): Promise<BootstrapResult> {
  const stage = env.CHECKOUT_STAGE || 'local';
  const table = env.CHECKOUT_TABLE || `checkout-${stage}`;
  const bucket = env.CHECKOUT_BUCKET || `checkout-${stage}-attachments`;
  const secretId = env.CHECKOUT_WEBHOOK_SECRET_ID || `checkout-${stage}/webhook-key`;
  const csrfSecretId = env.CHECKOUT_CSRF_SECRET_ID || `checkout-${stage}/csrf-key`;
  const documents = dynamoDocumentClient();

  await ensureTable(dynamoClient(), table);
  await ensureBucket(bucket);
  const [webhookQueue, emailQueue, smsQueue, syncQueue] = await Promise.all(QUEUE_NAMES.map((channel) => ensureWorkQueue(`checkout-${stage}-${channel}`)));
  // Nothing reads it locally (no stream event source here), but the stage has what the stack has.
  await ensureQueue(`checkout-${stage}-stream-failures`, { MessageRetentionPeriod: String(STREAM_FAILURES_QUEUE.retentionSeconds) });

  const store = new DynamoConfigStore(documents, table);
  let credentials: DemoCredentials | undefined;
  if (!(await store.read())) {
    const demo = await demoConfig(env);
    await store.save(demo.config, undefined);
    credentials = demo.credentials;
  }
  await ensureSecret(secretId, () => credentials?.webhookKey ?? randomBytes(32).toString('hex'));
  // Its own secret: the payment form's CSRF key is never the webhook key.
  await ensureSecret(csrfSecretId, () => randomBytes(32).toString('hex'));
  // SES sends only from a verified identity; verifying is idempotent.
  const emailFrom = env.CHECKOUT_EMAIL_FROM || 'checkout@example.com';
  await new SESv2Client({}).send(new CreateEmailIdentityCommand({ EmailIdentity: emailFrom })).catch((error: Error) => {
    if (error.name !== 'AlreadyExistsException') throw error;
  });

  return {
    env: {
      CHECKOUT_TABLE: table,
      CHECKOUT_BUCKET: bucket,
      CHECKOUT_WEBHOOK_QUEUE_URL: webhookQueue!,
      CHECKOUT_EMAIL_QUEUE_URL: emailQueue!,
      CHECKOUT_SMS_QUEUE_URL: smsQueue!,
      CHECKOUT_SYNC_QUEUE_URL: syncQueue!,
      CHECKOUT_WEBHOOK_SECRET_ID: secretId,
      CHECKOUT_CSRF_SECRET_ID: csrfSecretId,
      CHECKOUT_AUDIT_RETENTION_DAYS: env.CHECKOUT_AUDIT_RETENTION_DAYS || '30',
      CHECKOUT_GATEWAY_SECRET_PREFIX: env.CHECKOUT_GATEWAY_SECRET_PREFIX || gatewaySecretPrefix(stage),
      CHECKOUT_STAGE: stage,
      CHECKOUT_EMAIL_FROM: emailFrom,
    },
    credentials,
  };
}
