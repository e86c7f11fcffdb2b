import { dueSortKeyLimit, expiryPartitionKey, sessionIdOfSortKey } from '../../domain/expiry';
import type { DuePage, ExpiryIndex, ShardCursors, SweepCheckpoint } from '../../ports';
import type { MemorySessionRepository } from './memory-session-repository';

/**
 * Embedded twin of the gsi1 expiry index: it reads the index the memory repository keeps with
 * every write, so it lists exactly the embedded sessions in that bucket and due, closed ones too.
 */
export class MemoryExpiryIndex implements ExpiryIndex {
  private swept: SweepCheckpoint | undefined;

  constructor(private readonly sessions: MemorySessionRepository) {}

  async due(bucketMinute: string, shard: number, now: Date, limit: number, cursor?: string): Promise<DuePage> {
    const upTo = dueSortKeyLimit(now);
    const keys = this.sessions
      .expiryPartition(expiryPartitionKey(bucketMinute, shard))
      .filter((key) => key <= upTo && (cursor === undefined || key > cursor));
    const page = keys.slice(0, limit);
    return {
      sessions: page.map((key) => ({ sessionId: sessionIdOfSortKey(key), expiresAt: key.slice(0, key.lastIndexOf('#')) })),
      cursor: keys.length > limit ? page[page.length - 1] : undefined,
    };
  }

  async sweptThrough(): Promise<SweepCheckpoint | undefined> {
    return this.swept && structuredClone(this.swept);
  }

  async markSwept(minute: string, within?: ShardCursors): Promise<void> {
    const current = this.swept?.minute;
    if (current !== undefined && (minute < current || (minute === current && !within))) return;
    this.swept = within ? { minute, within: { ...within } } : { minute };
  }
}
