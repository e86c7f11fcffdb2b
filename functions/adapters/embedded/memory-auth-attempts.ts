import { subjectText, type FailureRecord, type Subject } from '../../domain/auth-lockout';
import type { AuthAttempts, StoredFailures } from '../../ports';

/** Failure counts and key uses in memory (npm start, tests); versioned like the DynamoDB items. */
export class MemoryAuthAttempts implements AuthAttempts {
  private readonly records = new Map<string, StoredFailures & { expires: number }>();
  readonly keyUses = new Map<string, string>();

  async read(subject: Subject): Promise<StoredFailures | undefined> {
    const stored = this.records.get(subjectText(subject));
    return stored && { record: structuredClone(stored.record), version: stored.version };
  }

  async write(subject: Subject, record: FailureRecord, expected: number | undefined, expires: Date): Promise<boolean> {
    const key = subjectText(subject);
    if (this.records.get(key)?.version !== expected) return false;
    this.records.set(key, { record: structuredClone(record), version: (expected ?? 0) + 1, expires: expires.getTime() });
    return true;
  }

  async clear(subject: Subject): Promise<void> {
    this.records.delete(subjectText(subject));
  }

  async noteKeyUse(prefix: string, at: Date): Promise<void> {
    const last = this.keyUses.get(prefix);
    if (!last || last < at.toISOString()) this.keyUses.set(prefix, at.toISOString());
  }
}
