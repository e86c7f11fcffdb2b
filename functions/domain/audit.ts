import type { Principal } from './permissions';

/**
 * The audit trail (PCI DSS requirement 10): one entry per operation on a session and per change
 * of the merchant configuration, saying who, when, from where and in which request. Entries are
 * appended, one stored item each, and never rewritten.
 */

export interface AuditActor {
  /** An API key or Basic user of the API; an operator of the admin CLI; the service itself. */
  kind: 'api_key' | 'user' | 'operator' | 'system';
  /** The key's name, the username, or the operator's AWS identity (principalName for callers). */
  name: string;
  /** The key prefix or username; the operator's user id. */
  id?: string;
}

export interface AuditEntry {
  /** Unique; it also orders entries written in the same millisecond. */
  entry_id: string;
  at: string;
  actor: AuditActor;
  /** The caller's source address (API Gateway's), or the operator's host for the CLI. */
  address: string;
  /** API Gateway's request id (X-Request-Id), or the CLI run's id. */
  request_id: string;
  /** `operation.refund`, `config.create-api-key`, `config.password-rehash`, … */
  action: string;
  session_id?: string;
  /** What was done beyond the action's name: an amount, a key's name and prefix (never a secret). */
  details?: Record<string, string | number | boolean | null>;
}

/** Where a request came from: what every audit entry of an API call records. */
export interface RequestOrigin {
  address: string;
  requestId: string;
}

/** The service itself: what it did on its own (a password's stronger hash, a stale reservation resolved). */
export const SYSTEM_ACTOR: AuditActor = { kind: 'system', name: 'checkout-api' };

export function actorOf(principal: Principal): AuditActor {
  return { kind: principal.kind, name: principal.name, id: principal.id };
}

export function auditEntry(fields: Omit<AuditEntry, 'at'>, now: Date): AuditEntry {
  return { ...fields, at: now.toISOString() };
}
