/**
 * What one Lambda may do to the platform's resources. The CDK app grants exactly these actions
 * on exactly these resources (least privilege), so a route or worker declares its needs next to
 * its entry in the route or worker table instead of the stack guessing them.
 */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';
export type BucketAction = 'GetObject' | 'PutObject' | 'DeleteObject' | 'ListBucket';
export type QueueName = 'webhook' | 'email' | 'sms';

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
