import type { Channel } from '../domain/deliveries';

/**
 * What one Lambda may do to the platform's resources. The CDK app grants exactly these actions
 * on exactly these resources (least privilege), so a route or worker declares its needs next to
 * its entry in the route or worker table instead of the stack guessing them.
 */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';
export type BucketAction = 'GetObject' | 'PutObject' | 'DeleteObject' | 'ListBucket';
export type QueueName = Channel;

export interface Needs {
  /**
   * DynamoDB item actions on the table. TransactWriteItems has no IAM action of its own: each
   * Put/Update/Delete/ConditionCheck inside it needs PutItem/UpdateItem/DeleteItem/ConditionCheckItem.
   * `Query` is granted on the table's indexes too (the gsi1 expiry index).
   */
  table?: readonly TableAction[];
  /** S3 object actions on the attachments bucket. */
  bucket?: readonly BucketAction[];
  /** Queues it sends to (a queue's consumer gets receive/delete from its trigger). */
  sendTo?: readonly QueueName[];
  /** Queues whose DLQ it moves messages to itself (final failures, with their reason). */
  deadLetterTo?: readonly QueueName[];
  /** Reads the webhook HMAC key from Secrets Manager. */
  webhookKey?: boolean;
  /** Sends e-mail through SES as CHECKOUT_EMAIL_FROM. */
  email?: boolean;
  /** Sends SMS through SNS (Publish to a phone number). */
  sms?: boolean;
}

/**
 * The adapters a function's bundle carries, by group. The CDK app bundles each function with
 * `process.env.CHECKOUT_BUNDLE_<GROUP>` defined as "1" or "0" from its needs, so esbuild drops the
 * adapters (and AWS SDK clients) a function has no grant for; runtime/aws-ports.ts reads them.
 * Unbundled (tests, `npm start`) they are unset and every adapter is there.
 */
export type BundleGroup = 'TABLE' | 'BUCKET' | 'QUEUES' | 'WEBHOOK_KEY' | 'EMAIL' | 'SMS';

export function bundleGroups(needs: Needs): Record<BundleGroup, boolean> {
  return {
    TABLE: Boolean(needs.table?.length),
    BUCKET: Boolean(needs.bucket?.length),
    QUEUES: Boolean(needs.sendTo?.length || needs.deadLetterTo?.length),
    WEBHOOK_KEY: Boolean(needs.webhookKey),
    EMAIL: Boolean(needs.email),
    SMS: Boolean(needs.sms),
  };
}
