import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setting } from '../../config/env';
import { traceSdkCalls } from './sdk-tracing';

/**
 * The process's AWS SDK clients, created on first use and then reused (a warm Lambda keeps its
 * connections). Every client honours AWS_ENDPOINT_URL by itself, which is how tests and
 * `CHECKOUT_BACKEND=aws npm start` reach moto.
 */

/**
 * X-Ray: each client's calls become subsegments of the invocation's trace (the functions run
 * with active tracing; adapters/aws/sdk-tracing.ts). Without a sampled trace nothing is added.
 */
export const traced = traceSdkCalls;

let dynamo: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let secretsClient: SecretsManagerClient | undefined;
let s3: S3Client | undefined;
let sqs: SQSClient | undefined;

/** The low-level client (table administration); the document client below wraps it. */
export function dynamoClient(): DynamoDBClient {
  dynamo ??= traced(new DynamoDBClient({}), 'DynamoDB');
  return dynamo;
}

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= createDocumentClient(dynamoClient());
  return documentClient;
}

/** Also for tests that attach middleware (fault injection, call counting) to their own client. */
export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    // Optional session fields are left out rather than failing the write.
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function secretsManagerClient(): SecretsManagerClient {
  secretsClient ??= traced(new SecretsManagerClient({}), 'SecretsManager');
  return secretsClient;
}

export function s3Client(): S3Client {
  // Emulators serve buckets under the path, not as virtual hosts.
  s3 ??= traced(new S3Client({ forcePathStyle: setting('AWS_ENDPOINT_URL') !== undefined }), 'S3');
  return s3;
}

export function sqsClient(): SQSClient {
  sqs ??= traced(new SQSClient({}), 'SQS');
  return sqs;
}
