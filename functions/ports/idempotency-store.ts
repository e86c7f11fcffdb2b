/**
 * What the caller stored with a completed key, opaque to the store: the HTTP layer keeps the
 * response it replays for a repeated Idempotency-Key, a delivery keeps nothing.
 */
export type StoredResult = string;

/** How long a key is remembered (Stripe keeps keys for 24 hours too). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim still in progress after this long belongs to a request that died. */
export const IN_PROGRESS_STALE_MS = 60_000;

export type IdempotencyBegin =
  /**
   * The claim is the caller's. `takenOver`: it replaced a record still there, a claim gone stale
   * or an expired one, so an earlier request may have done (part of) the work already.
   */
  | { status: 'started'; takenOver: boolean }
  | { status: 'in_progress' }
  | { status: 'completed'; fingerprint: string; response: StoredResult };

export interface IdempotencyStore {
  /**
   * Claims `key` atomically for a request with this fingerprint, or reports what is already
   * there. A claim older than `staleAfterMs` (its Lambda died) may be taken over.
   */
  begin(key: string, fingerprint: string, now: Date): Promise<IdempotencyBegin>;
  complete(key: string, fingerprint: string, response: StoredResult, now: Date): Promise<void>;
  /** Drops a claim whose request failed in a way worth retrying (5xx). */
  release(key: string): Promise<void>;
}
