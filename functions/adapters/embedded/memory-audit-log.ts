import type { AuditEntry } from '../../domain/audit';
import type { AuditLog, AuditQuery } from '../../ports';

/** The audit trail in memory: appended to by the embedded session and configuration stores with their changes. */
export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  append(entry: AuditEntry): void {
    if (this.entries.some((existing) => existing.entry_id === entry.entry_id)) throw new Error(`audit entry ${entry.entry_id} exists already`);
    this.entries.push(structuredClone(entry));
  }

  async list({ since, until, sessionId }: AuditQuery): Promise<AuditEntry[]> {
    return this.entries
      .filter((entry) => Date.parse(entry.at) >= since.getTime() && Date.parse(entry.at) <= until.getTime() && (!sessionId || entry.session_id === sessionId))
      .sort((a, b) => (a.at === b.at ? a.entry_id.localeCompare(b.entry_id) : a.at.localeCompare(b.at)))
      .map((entry) => structuredClone(entry));
  }
}
