import type { QueueName } from '../domain/deliveries';
import { watchSettings, type VariableName } from './env';
import type { KeyKind } from './table';

/**
 * What one Lambda may do to the platform's resources. The CDK app grants exactly these actions
 * on exactly these resources (least privilege): a route or worker declares its needs next to its
 * entry in the route or worker table, and test/infra checks them against the adapters its entry
 * builds (each adapter factory below declares what it uses).
 */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'QueryTable' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';
export type BucketAction = 'GetObject' | 'PutObject' | 'DeleteObject' | 'ListBucket';

export interface Needs {
  /**
   * DynamoDB item actions on the table. TransactWriteItems has no IAM action of its own: each
   * Put/Update/Delete/ConditionCheck inside it needs PutItem/UpdateItem/DeleteItem/ConditionCheckItem.
   * Item actions are granted on the table, `Query` on the expiry index only; `QueryTable` is
   * `dynamodb:Query` on the table itself, held to the same partition keys as the item actions
   * (a customer's saved cards: one partition).
   */
  table?: readonly TableAction[];
  /**
   * The kinds of table item it touches (config/table.ts KEY_PREFIXES). Given on a route or worker,
   * its table grant is limited to them by an IAM condition on the partition key
   * (`dynamodb:LeadingKeys`); the adapter factories always declare theirs.
   */
  keys?: readonly KeyKind[];
  /** Kinds of item it only reads (GetItem/Query), never writes: with `keys`, a read-only grant on them. */
  readOnlyKeys?: readonly KeyKind[];
  /** S3 object actions on the attachments bucket. */
  bucket?: readonly BucketAction[];
  /** Queues it sends to: SendMessage only (a queue's consumer gets receive/delete from its trigger). */
  sendTo?: readonly QueueName[];
  /**
   * Queues whose DLQ it moves messages to itself (final failures, with their reason): the DLQ is
   * found from the queue's RedrivePolicy (GetQueueAttributes on the queue, GetQueueUrl on the DLQ).
   */
  deadLetterTo?: readonly QueueName[];
  /** Reads the webhook HMAC key from Secrets Manager. */
  webhookKey?: boolean;
  /** Reads the payment form's CSRF secret from Secrets Manager. */
  csrfKey?: boolean;
  /** Reads payment gateways' secrets (API password, notification secret) from Secrets Manager: the functions that call a gateway. */
  gatewaySecrets?: boolean;
  /** Sends e-mail through SES as CHECKOUT_EMAIL_FROM. */
  email?: boolean;
  /** Sends SMS through SNS (Publish to a phone number). */
  sms?: boolean;
}

/** What building a function's adapters used: the grants its factories declared and the settings they read. */
export interface Usage {
  needs: Needs[];
  variables: Set<VariableName>;
}

let recording: Usage | undefined;

/**
 * Called by each AWS adapter factory (`dynamoSessions()`, …) with the grants its adapter may use,
 * so a test can compare them with the function's own. A Lambda entry calls each factory once,
 * at cold start. Factories are plain functions, so esbuild drops the ones a bundle never calls.
 */
export function uses(needs: Needs): void {
  recording?.needs.push(needs);
}

/**
 * Runs `build` (a handler module's `build`) and reports which adapters and settings it used.
 */
export function recordUsage(build: () => unknown): Usage {
  const usage: Usage = { needs: [], variables: new Set() };
  recording = usage;
  const stop = watchSettings((name) => usage.variables.add(name));
  try {
    build();
  } finally {
    stop();
    recording = undefined;
  }
  return usage;
}
