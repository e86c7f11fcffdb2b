/**
 * Background Lambdas (not behind the HTTP API), the counterpart of the route table: the CDK app
 * builds one function per entry with its trigger, and the embedded runtime runs the same
 * handler modules in-process.
 */
export type WorkerTrigger =
  /** The table's change stream (event outbox items). */
  | { kind: 'table-stream' }
  /** One of the stateful stack's queues; each has a DLQ and reports partial batch failures. */
  | { kind: 'queue'; queue: 'webhook' | 'email' | 'sms' }
  /** An EventBridge schedule. */
  | { kind: 'schedule'; everyMinutes: number };

export interface Worker {
  id: string;
  /** Module under functions/handlers that exports `handler`. */
  handler: string;
  trigger: WorkerTrigger;
}

export const WORKERS: readonly Worker[] = [
  // Moves open sessions past their expires_at to `expired` when the merchant's expire flag is on.
  { id: 'ExpireSessions', handler: 'schedule/expire-sessions', trigger: { kind: 'schedule', everyMinutes: 1 } },
];
