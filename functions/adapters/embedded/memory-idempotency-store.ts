import type { IdempotencyBegin, IdempotencyStore, StoredResult } from '../../ports';
import { IDEMPOTENCY_TTL_MS as TTL_MS, IN_PROGRESS_STALE_MS } from '../../ports/idempotency-store';

type Entry = { fingerprint: string; startedAt: number; response?: StoredResult; expiresAt: number };

export { IN_PROGRESS_STALE_MS };

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  async begin(key: string, fingerprint: string, now: Date): Promise<IdempotencyBegin> {
    const at = now.getTime();
    const entry = this.entries.get(key);
    // A delivery completes with an empty result: completed is "has a response", not "a truthy one".
    const completed = entry?.response !== undefined;
    const usable = entry && entry.expiresAt > at && (completed || at - entry.startedAt < IN_PROGRESS_STALE_MS);
    if (entry && usable) {
      return completed ? { status: 'completed', fingerprint: entry.fingerprint, response: entry.response! } : { status: 'in_progress' };
    }
    this.entries.set(key, { fingerprint, startedAt: at, expiresAt: at + TTL_MS });
    return { status: 'started', takenOver: entry !== undefined };
  }

  async complete(key: string, fingerprint: string, response: StoredResult, now: Date): Promise<void> {
    this.entries.set(key, { fingerprint, startedAt: now.getTime(), response, expiresAt: now.getTime() + TTL_MS });
  }

  async release(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
