import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { createDocumentClient } from '../../adapters/aws/aws-clients';
import { DynamoConfigStore } from '../../adapters/aws/dynamo-config-store';
import { DynamoExpiryIndex } from '../../adapters/aws/dynamo-expiry-index';
import { expiryMinute } from '../../domain/expiry';
import { demoConfig, type DemoCredentials, type DemoMpgs } from '../demo-config';
import { resourcesOfType, type Assembly, type CfnTemplate } from './assembly';
import { resolveValue, type Lookup } from './template-values';

/**
 * Creates the Data stack's resources on an emulator (moto) from the template's own properties,
 * as CloudFormation would: the table (keys, indexes, stream, TTL), the queues (visibility,
 * retention, redrive policy), the buckets, the secret and the topic; and records the values its
 * SSM parameters hold, which is how the Api stack finds them. Idempotent: what exists is kept.
 */

export interface AwsTarget {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface Provisioned {
  /** Ref and attributes of the Data stack's resources, by logical id. */
  resources: Map<string, { ref: string; attributes: Record<string, string> }>;
  /** SSM parameter name → value. */
  parameters: Map<string, string>;
  lookup: Lookup;
  tableName: string;
  /** Known only when this run seeded the demo merchant (stored credentials are hashed). */
  credentials?: DemoCredentials;
}

export const ACCOUNT = '123456789012';

export function clientConfig(target: AwsTarget) {
  return { endpoint: target.endpoint, region: target.region, credentials: target.credentials };
}

/**
 * `queueTimeScale` (emulator-only, like CHECKOUT_LOCAL_DELAY_SCALE) shortens the queues'
 * visibility timeouts (at least 1 s), so a batch whose invocation failed returns in seconds, not
 * the template's minutes; the order of retries and the receive counts stay the template's.
 */
export async function provisionData(
  assembly: Assembly,
  target: AwsTarget,
  options: { namePrefix?: string; seed?: Record<string, string | undefined>; mpgs?: DemoMpgs; queueTimeScale?: number } = {},
): Promise<Provisioned> {
  const { template, stackName } = assembly.data;
  const prefix = options.namePrefix ?? stackName;
  const config = clientConfig(target);
  const resources = new Map<string, { ref: string; attributes: Record<string, string> }>();
  const lookup: Lookup = {
    region: target.region,
    account: ACCOUNT,
    resource: (id, attribute) => {
      const found = resources.get(id);
      if (!found) return template.Resources[id] ? undefined : undefined;
      return attribute === undefined ? found.ref : found.attributes[attribute];
    },
  };
  const resolve = (value: unknown) => resolveValue(value, template, lookup);
  const physical = (id: string) => `${prefix}-${id}`;

  // Queues first without their redrive policies (a policy names another queue's ARN).
  const sqs = new SQSClient(config);
  const queues = resourcesOfType(template, 'AWS::SQS::Queue');
  for (const [id] of queues) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: physical(id) }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    resources.set(id, { ref: QueueUrl!, attributes: { Arn: Attributes!.QueueArn!, QueueUrl: QueueUrl!, QueueName: physical(id) } });
  }
  for (const [id, queue] of queues) {
    const props = queue.Properties ?? {};
    const attributes: Record<string, string> = {};
    if (props.VisibilityTimeout !== undefined) attributes.VisibilityTimeout = String(Math.max(1, Math.round(Number(props.VisibilityTimeout) * (options.queueTimeScale ?? 1))));
    if (props.MessageRetentionPeriod !== undefined) attributes.MessageRetentionPeriod = String(props.MessageRetentionPeriod);
    if (props.RedrivePolicy) {
      attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: resolve(props.RedrivePolicy.deadLetterTargetArn), maxReceiveCount: Number(props.RedrivePolicy.maxReceiveCount) });
    }
    if (Object.keys(attributes).length) await sqs.send(new SetQueueAttributesCommand({ QueueUrl: resources.get(id)!.ref, Attributes: attributes }));
  }

  const dynamo = new DynamoDBClient(config);
  let tableName = '';
  for (const [id, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    tableName = physical(id);
    const { streamArn, created } = await ensureTable(dynamo, tableName, table.Properties ?? {});
    // A new table has no session expiring before now: the expiry sweep's checkpoint starts here
    // rather than walking the 24 hours of empty buckets of a first run (14,400 queries on moto).
    if (created) await new DynamoExpiryIndex(createDocumentClient(dynamo), tableName).markSwept(expiryMinute(new Date(Date.now() - 120_000)));
    resources.set(id, { ref: tableName, attributes: { Arn: `arn:aws:dynamodb:${target.region}:${ACCOUNT}:table/${tableName}`, StreamArn: streamArn ?? '' } });
  }

  const s3 = new S3Client({ ...config, forcePathStyle: true });
  for (const [id] of resourcesOfType(template, 'AWS::S3::Bucket')) {
    const name = physical(id).toLowerCase().slice(0, 63);
    await s3.send(new HeadBucketCommand({ Bucket: name })).catch(() => s3.send(new CreateBucketCommand({ Bucket: name })));
    resources.set(id, { ref: name, attributes: { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com` } });
  }

  const sns = new SNSClient(config);
  for (const [id] of resourcesOfType(template, 'AWS::SNS::Topic')) {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: physical(id) }));
    resources.set(id, { ref: TopicArn!, attributes: { TopicArn: TopicArn!, TopicName: physical(id) } });
  }
  for (const [id] of resourcesOfType(template, 'AWS::KMS::Key')) {
    resources.set(id, { ref: id, attributes: { Arn: `arn:aws:kms:${target.region}:${ACCOUNT}:key/${id}` } });
  }

  // The demo merchant, seeded once; the webhook key is the secret's value, as `admin set-webhook-key` would make it.
  const store = new DynamoConfigStore(createDocumentClient(dynamo), tableName);
  let credentials: DemoCredentials | undefined;
  if (!(await store.read())) {
    const demo = await demoConfig(options.seed ?? {}, options.mpgs);
    await store.save(demo.config, undefined);
    credentials = demo.credentials;
  }
  const secrets = new SecretsManagerClient(config);
  for (const [id] of resourcesOfType(template, 'AWS::SecretsManager::Secret')) {
    const name = physical(id);
    let arn: string;
    try {
      arn = (await secrets.send(new DescribeSecretCommand({ SecretId: name }))).ARN!;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      // The demo's webhook key goes to the webhook key's secret only; any other (the CSRF key) is random.
      const value = (id.startsWith('WebhookKey') && credentials?.webhookKey) || randomBytes(32).toString('hex');
      arn = (await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!;
    }
    resources.set(id, { ref: arn, attributes: { Id: arn } });
  }

  const parameters = new Map<string, string>();
  for (const [id, parameter] of resourcesOfType(template, 'AWS::SSM::Parameter')) {
    const name = resolve(parameter.Properties!.Name);
    parameters.set(name, resolve(parameter.Properties!.Value));
    resources.set(id, { ref: name, attributes: {} });
  }
  // Their keep-alive sockets would hold the process open.
  for (const client of [sqs, dynamo, s3, sns, secrets]) client.destroy();
  return { resources, parameters, lookup: { ...lookup, parameter: (name) => parameters.get(name) }, tableName, credentials };
}

/**
 * The gateways' secrets as `npm run admin -- add-gateway` stores them: `<prefix><pg_code>`, a JSON
 * object, created or replaced.
 */
export async function storeGatewaySecrets(target: AwsTarget, prefix: string, codes: readonly string[], value: Record<string, string>): Promise<void> {
  const secrets = new SecretsManagerClient(clientConfig(target));
  try {
    for (const code of codes) {
      const name = `${prefix}${code}`;
      const SecretString = JSON.stringify(value);
      try {
        await secrets.send(new CreateSecretCommand({ Name: name, SecretString }));
      } catch (error) {
        if ((error as Error).name !== 'ResourceExistsException') throw error;
        await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
      }
    }
  } finally {
    secrets.destroy();
  }
}

/** SES sends only from a verified identity: verifies the sender the functions are given. */
export async function verifySender(target: AwsTarget, from: string): Promise<void> {
  const ses = new SESv2Client(clientConfig(target));
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: from })).catch((error: Error) => {
    if (error.name !== 'AlreadyExistsException') throw error;
  });
  ses.destroy();
}

async function ensureTable(client: DynamoDBClient, name: string, props: Record<string, any>): Promise<{ streamArn?: string; created: boolean }> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    return { streamArn: Table?.LatestStreamArn, created: false };
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const input: CreateTableCommandInput = {
    TableName: name,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    BillingMode: props.BillingMode ?? 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
    LocalSecondaryIndexes: props.LocalSecondaryIndexes,
    StreamSpecification: props.StreamSpecification ? { StreamEnabled: true, StreamViewType: props.StreamSpecification.StreamViewType } : undefined,
  };
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
  if (props.TimeToLiveSpecification?.Enabled) {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: props.TimeToLiveSpecification.AttributeName, Enabled: true } }));
    }
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  return { streamArn: Table?.LatestStreamArn, created: true };
}

export type { CfnTemplate };
