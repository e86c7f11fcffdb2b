import { dueSortKeyLimit, expiryPartitionKey, sessionIdOfSortKey } from '../../domain/expiry';
import type { DuePage, ExpiryIndex, ShardCursors, SweepCheckpoint } from '../../ports';
import type { MemorySessionRepository } from './memory-session-repository';

/**
 * Embedded twin of the gsi1 expiry index: it reads the index the memory repository keeps with
 * every write, so it lists exactly the embedded sessions in that bucket and due, closed ones too.
 */
export class MemoryExpiryIndex implements ExpiryIndex {
  /** By scope: '' for the whole sweep, else the shard. */
  private readonly swept = new Map<string, SweepCheckpoint>();

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

  async sweptThrough(shard?: number): Promise<SweepCheckpoint | undefined> {
    const swept = this.swept.get(String(shard ?? ''));
    return swept && structuredClone(swept);
  }

  async markSwept(minute: string, within?: ShardCursors, shard?: number): Promise<void> {
    const scope = String(shard ?? '');
    const current = this.swept.get(scope)?.minute;
    if (current !== undefined && (minute < current || (minute === current && !within))) return;
    this.swept.set(scope, within ? { minute, within: { ...within } } : { minute });
  }
}
