import type { Clock } from '../../ports';

/**
 * Remembers one value for `ttlMs`. Concurrent callers share a single fetch; a failed fetch is
 * not remembered, so the next call tries again.
 */
export class TtlCache<T> {
  private entry: { value: Promise<T>; at: number } | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  get(fetch: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    if (this.entry && now - this.entry.at < this.ttlMs) return this.entry.value;
    const value = fetch();
    const entry = { value, at: now };
    this.entry = entry;
    value.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return value;
  }

  clear(): void {
    this.entry = undefined;
  }
}
