import { CHANNELS, type QueueName } from '../domain/deliveries';
import { EXPIRY_SHARDS } from '../domain/expiry';
import type { Needs, TableAction } from './needs';
import { SYNC_KEYS, SYNC_WRITE } from './routes';
import type { KeyKind } from './table';

/**
 * Background Lambdas (not behind the HTTP API), the counterpart of the route table: the CDK app
 * builds one function per entry with its trigger, and the embedded runtime runs the same
 * handler modules in-process.
 */
export type WorkerTrigger =
  /** The table's change stream (event outbox items). */
  | { kind: 'table-stream' }
  /** One of the stateful stack's queues; each has a DLQ and reports partial batch failures. */
  | { kind: 'queue'; queue: QueueName }
  /**
   * An EventBridge schedule. With `fanOut`, each run is that many parallel invocations, the
   * n-th with the input `{ "shard": n }` (lib/constructs/fanned-out-schedule.ts).
   */
  | { kind: 'schedule'; everyMinutes: number; fanOut?: number };

export interface Worker {
  id: string;
  /** Module under functions/handlers that exports `handler`. */
  handler: string;
  trigger: WorkerTrigger;
  /** AWS permissions beyond its trigger's own (stream read, queue receive/delete). */
  needs?: Needs;
}

// Consumers read the session, remember sent event ids (idempotency records: PutItem, DeleteItem)
// and write the delivery status back with a version-checked write (PutItem, or a transaction with
// a released order_no claim: UpdateItem).
const CONSUMER_TABLE: TableAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];
// The kinds of item they touch (IAM `dynamodb:LeadingKeys`, config/table.ts): sessions, their
// order_no claims and the delivery records.
const CONSUMER_KEYS: KeyKind[] = ['session', 'orderNo', 'idempotency'];

export const WORKERS: readonly Worker[] = [
  // The event router; it also deletes a removed session's attachment (the REMOVE record of its TTL).
  { id: 'RouteEvents', handler: 'stream/route-events', trigger: { kind: 'table-stream' }, needs: { table: ['GetItem'], keys: ['session', 'orderNo'], readOnlyKeys: ['config'], sendTo: CHANNELS, bucket: ['DeleteObject'] } },
  {
    id: 'DeliverWebhook',
    handler: 'queue/deliver-webhook',
    trigger: { kind: 'queue', queue: 'webhook' },
    needs: { table: CONSUMER_TABLE, keys: CONSUMER_KEYS, readOnlyKeys: ['config'], webhookKey: true, deadLetterTo: ['webhook'] },
  },
  { id: 'SendEmail', handler: 'queue/send-email', trigger: { kind: 'queue', queue: 'email' }, needs: { table: CONSUMER_TABLE, keys: CONSUMER_KEYS, email: true, deadLetterTo: ['email'] } },
  { id: 'SendSms', handler: 'queue/send-sms', trigger: { kind: 'queue', queue: 'sms' }, needs: { table: CONSUMER_TABLE, keys: CONSUMER_KEYS, sms: true, deadLetterTo: ['sms'] } },
  // The automatic inquiry: syncs a pending attempt after the gateway's window, again while
  // pending (docs/gateways.md). The sync use case's session writes; gateway secrets; re-enqueues.
  {
    id: 'AutoInquiry',
    handler: 'queue/auto-inquiry',
    trigger: { kind: 'queue', queue: 'sync' },
    needs: { table: SYNC_WRITE, keys: SYNC_KEYS, readOnlyKeys: ['config'], gatewaySecrets: true, sendTo: ['sync'], deadLetterTo: ['sync'] },
  },
  // Moves open sessions past their expires_at to `expired` when the merchant's expire flag is on:
  // one invocation per expiry shard each minute, so the sweep scales out (docs/expiry.md).
  // Query on the expiry index, its sweep checkpoint (GetItem, PutItem), and session writes.
  {
    id: 'ExpireSessions',
    handler: 'schedule/expire-sessions',
    trigger: { kind: 'schedule', everyMinutes: 1, fanOut: EXPIRY_SHARDS },
    needs: { table: ['Query', 'GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], keys: ['session', 'orderNo', 'expiryCursor'], readOnlyKeys: ['config'] },
  },
];
