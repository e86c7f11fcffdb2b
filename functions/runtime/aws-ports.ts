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
import { notBundled } from './not-bundled';

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

/**
 * Ports on real AWS services (or an emulator at AWS_ENDPOINT_URL), sharing the process's clients.
 * A Lambda's bundle carries only the adapters its grants allow: each literal
 * `process.env.CHECKOUT_BUNDLE_*` test is replaced by esbuild per function (functions/runtime/needs.ts),
 * so a function without, say, bucket access ships no S3 client (docs/benchmarks.md: half the bundle).
 */
export function awsPorts(env: NodeJS.ProcessEnv = process.env): Ports {
  const { table, webhookSecretId } = awsSettings(env);
  // Literal tests, not a shared variable: esbuild folds each one but does not follow variables.
  const secrets = process.env.CHECKOUT_BUNDLE_WEBHOOK_KEY !== '0' ? secretsManagerClient() : undefined;
  return {
    sessions: process.env.CHECKOUT_BUNDLE_TABLE !== '0' ? new DynamoSessionRepository(dynamoDocumentClient(), table) : notBundled('sessions'),
    config: process.env.CHECKOUT_BUNDLE_TABLE !== '0' ? new DynamoConfigStore(dynamoDocumentClient(), table, { secretId: webhookSecretId, secrets }) : notBundled('config'),
    idempotency: process.env.CHECKOUT_BUNDLE_TABLE !== '0' ? new DynamoIdempotencyStore(dynamoDocumentClient(), table) : notBundled('idempotency'),
    attachments: process.env.CHECKOUT_BUNDLE_BUCKET !== '0' ? S3AttachmentStore.fromEnvironment(env) : notBundled('attachments'),
    shortLinks: process.env.CHECKOUT_BUNDLE_TABLE !== '0' ? new DynamoShortLinkStore(dynamoClient(), table) : notBundled('shortLinks'),
    expiry: process.env.CHECKOUT_BUNDLE_TABLE !== '0' ? new DynamoExpiryIndex(dynamoDocumentClient(), table) : notBundled('expiry'),
    ...awsEventPorts(env),
    clock: systemClock,
    ids: randomIds,
  };
}
