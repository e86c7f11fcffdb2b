import type { AuditEntry } from '../domain/audit';

export interface AuditQuery {
  since: Date;
  until: Date;
  sessionId?: string;
}

/**
 * The audit trail's reader (the admin CLI). Entries are written together with the change they
 * record: the session repository's `update` and the configuration store's `save` take the entry
 * and commit both at once, so a change is never stored without its entry.
 */
export interface AuditLog {
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
