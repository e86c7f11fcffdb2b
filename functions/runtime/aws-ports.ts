import { dynamoClient, dynamoDocumentClient, secretsManagerClient } from '../adapters/aws/aws-clients';
import { DynamoConfigStore } from '../adapters/aws/dynamo-config-store';
import { DynamoExpiryIndex } from '../adapters/aws/dynamo-expiry-index';
import { DynamoIdempotencyStore } from '../adapters/aws/dynamo-idempotency-store';
import { DynamoSessionRepository } from '../adapters/aws/dynamo-session-repository';
import { DynamoShortLinkStore } from '../adapters/aws/dynamo-short-links';
import { S3AttachmentStore } from '../adapters/aws/s3-attachment-store';
import { randomIds } from '../adapters/random-ids';
import { systemClock } from '../adapters/system-clock';
import type { Ports } from '../ports';
import { awsEventPorts } from './aws-event-ports';

/** The settings the AWS adapters need, read and checked once at cold start. */
export interface AwsSettings {
  table: string;
  /** Only the functions that sign webhooks get it (least privilege). */
  webhookSecretId?: string;
}

export function awsSettings(env: NodeJS.ProcessEnv): AwsSettings {
  const table = env.CHECKOUT_TABLE?.trim();
  // Fail at cold start with the cause, not at the first request with an SDK validation error.
  if (!table) throw new Error('CHECKOUT_TABLE is not set: the AWS backend needs the DynamoDB table name.');
  return { table, webhookSecretId: env.CHECKOUT_WEBHOOK_SECRET_ID?.trim() || undefined };
}

/** Ports on real AWS services (or an emulator at AWS_ENDPOINT_URL), sharing the process's clients. */
export function awsPorts(env: NodeJS.ProcessEnv = process.env): Ports {
  const { table, webhookSecretId } = awsSettings(env);
  const client = dynamoDocumentClient();
  return {
    sessions: new DynamoSessionRepository(client, table),
    config: new DynamoConfigStore(client, table, { secretId: webhookSecretId, secrets: secretsManagerClient() }),
    idempotency: new DynamoIdempotencyStore(client, table),
    attachments: S3AttachmentStore.fromEnvironment(env),
    shortLinks: new DynamoShortLinkStore(dynamoClient(), table),
    expiry: new DynamoExpiryIndex(client, table),
    ...awsEventPorts(env),
    clock: systemClock,
    ids: randomIds,
  };
}
