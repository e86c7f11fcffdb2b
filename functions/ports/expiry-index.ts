/** A session the expiry index lists as due. */
export interface DueSession {
  sessionId: string;
  /** The `expires_at` the index entry was written with; the session itself may have moved on. */
  expiresAt: string;
}

export interface DuePage {
  sessions: DueSession[];
  /** Pass back to `due` for the next page; absent when this shard of the bucket is drained. */
  cursor?: string;
}

/** Shard (as a string) → the sort key through which that shard of a minute bucket is swept. */
export type ShardCursors = Record<string, string>;

/** How far the sweep has got. */
export interface SweepCheckpoint {
  /** The last minute bucket known to be drained. */
  minute: string;
  /**
   * How far each shard of the bucket after `minute` is swept, when a run stopped inside it: the
   * next run resumes there. The index keeps closed sessions, so a bucket does not shrink as it is
   * swept, and one too large for a run would otherwise be read from its start by every run.
   */
  within?: ShardCursors;
}

/**
 * The expiry index (gsi1 on AWS): every session, closed ones included, by the minute its
 * `expires_at` falls in, write-sharded. It is read-only here; the session repository maintains it
 * with every write. It holds no state (so that closing a session does not write it) and may lag
 * the sessions (a DynamoDB GSI is eventually consistent), so a caller reads each session before
 * acting on it.
 */
export interface ExpiryIndex {
  /**
   * Up to `limit` sessions of one shard of one minute bucket (`YYYY-MM-DDTHH:MM`, UTC) whose
   * `expires_at` is at or before `now`, oldest first, after `cursor` when given.
   */
  due(bucketMinute: string, shard: number, now: Date, limit: number, cursor?: string): Promise<DuePage>;
  /**
   * The sweep's checkpoint, if a sweep ever recorded one: the whole sweep's, or with `shard` the
   * checkpoint of the sweep of that shard alone (the fanned-out sweep keeps one per shard).
   */
  sweptThrough(shard?: number): Promise<SweepCheckpoint | undefined>;
  /**
   * Records that every bucket up to and including `minute` is drained (in `shard` when given),
   * and how far the next one is (`within`). The minute never moves backwards; `within` may be
   * rewritten at the same minute.
   */
  markSwept(minute: string, within?: ShardCursors, shard?: number): Promise<void>;
}
