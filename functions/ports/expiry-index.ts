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
  /** The last minute bucket the sweep has fully drained, if any sweep ever finished one. */
  sweptThrough(): Promise<string | undefined>;
  /** Records that every bucket up to and including `minute` is drained. Never moves backwards. */
  markSwept(minute: string): Promise<void>;
}
