import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { dynamoClient, dynamoDocumentClient, s3Client, secretsManagerClient, sqsClient } from '../adapters/aws/aws-clients';
import { DynamoConfigStore } from '../adapters/aws/dynamo-config-store';
import { EXPIRY_INDEX } from '../adapters/aws/table-keys';
import { demoConfig, type DemoCredentials } from './demo-config';

/**
 * `CHECKOUT_BOOTSTRAP=1` for `CHECKOUT_BACKEND=aws npm start` against an emulator (moto): creates
 * what the CDK stateful stack would (table, bucket, queues with DLQs, webhook secret) and seeds
 * the demo merchant. Idempotent: what exists is kept, including a configuration already stored.
 */

export interface BootstrapResult {
  /** The Lambda environment variables for what was created (CHECKOUT_TABLE, queue URLs, …). */
  env: Record<string, string>;
  /** The demo credentials, when this run seeded the configuration (else unknown: they are hashed). */
  credentials?: DemoCredentials;
}

export const QUEUES = ['webhook', 'email', 'sms'] as const;
/** Deliveries of one message before it lands in its DLQ. */
const MAX_RECEIVES = 5;

/** The single table of BRIEF/docs/dynamodb.md: pk/sk, the sparse expiry index, TTL, stream. */
export function tableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: EXPIRY_INDEX,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
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
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
  }
}

async function ensureBucket(name: string): Promise<void> {
  try {
    await s3Client().send(new HeadBucketCommand({ Bucket: name }));
  } catch {
    await s3Client().send(new CreateBucketCommand({ Bucket: name }));
  }
}

/** A queue and its DLQ; returns the queue's URL. CreateQueue is idempotent for equal attributes. */
async function ensureQueue(name: string): Promise<string> {
  const sqs = sqsClient();
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq`, Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) } }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: MAX_RECEIVES }) },
    }),
  );
  return queue.QueueUrl!;
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

export async function bootstrapAws(env: NodeJS.ProcessEnv): Promise<BootstrapResult> {
  const stage = env.CHECKOUT_STAGE || 'local';
  const table = env.CHECKOUT_TABLE || `checkout-${stage}`;
  const bucket = env.CHECKOUT_BUCKET || `checkout-${stage}-attachments`;
  const secretId = env.CHECKOUT_WEBHOOK_SECRET_ID || `checkout-${stage}/webhook-key`;
  const documents = dynamoDocumentClient();

  await ensureTable(dynamoClient(), table);
  await ensureBucket(bucket);
  const [webhookQueue, emailQueue, smsQueue] = await Promise.all(QUEUES.map((queue) => ensureQueue(`checkout-${stage}-${queue}`)));

  const store = new DynamoConfigStore(documents, table);
  let credentials: DemoCredentials | undefined;
  if (!(await store.read())) {
    const demo = await demoConfig(env);
    await store.save(demo.config, undefined);
    credentials = demo.credentials;
  }
  await ensureSecret(secretId, () => credentials?.webhookKey ?? randomBytes(32).toString('hex'));
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
      CHECKOUT_WEBHOOK_SECRET_ID: secretId,
      CHECKOUT_STAGE: stage,
      CHECKOUT_EMAIL_FROM: emailFrom,
    },
    credentials,
  };
}
