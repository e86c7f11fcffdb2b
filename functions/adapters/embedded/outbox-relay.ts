import type { SessionEvent } from '../../domain/events';
import type { MemorySessionRepository } from './memory-session-repository';

export interface OutboxRelayOptions {
  /** How soon a failed delivery is tried again, and how often the outbox is swept. */
  retryMs?: number;
  onError?: (error: unknown, event: SessionEvent) => void;
}

/**
 * The embedded stand-in for the table stream: hands every committed event to `route` until
 * `route` succeeds, then remembers it as acknowledged. Events are taken from the repository's
 * outbox, not from the commit notification (which only wakes the relay), so an event whose
 * routing threw or never ran is routed again on the next sweep; a new relay over the same
 * repository re-delivers everything not acknowledged. At least once, like the stream.
 */
export class OutboxRelay {
  private readonly acked = new Set<string>();
  private readonly running = new Set<string>();
  /** Index in the outbox before which every event is acknowledged. */
  private cursor = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly retryMs: number;

  constructor(
    private readonly repository: MemorySessionRepository,
    private readonly route: (event: SessionEvent) => Promise<unknown>,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 1000;
  }

  start(): void {
    // After the commit returns, like a stream record that arrives a moment later.
    this.repository.onCommit(() => setImmediate(() => this.pump()));
    this.schedule();
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Events committed but not yet routed successfully. */
  pendingCount(): number {
    return this.repository.outbox.slice(this.cursor).filter((event) => !this.acked.has(event.event_id)).length;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pump();
      this.schedule();
    }, this.retryMs);
    this.timer.unref();
  }

  private pump(): void {
    if (this.stopped) return;
    const outbox = this.repository.outbox;
    for (const event of outbox.slice(this.cursor)) {
      if (this.acked.has(event.event_id) || this.running.has(event.event_id)) continue;
      this.running.add(event.event_id);
      this.route(event)
        .then(() => this.acked.add(event.event_id))
        .catch((error: unknown) => this.options.onError?.(error, event))
        .finally(() => {
          this.running.delete(event.event_id);
          this.advance();
        });
    }
  }

  private advance(): void {
    const outbox = this.repository.outbox;
    while (this.cursor < outbox.length && this.acked.has(outbox[this.cursor]!.event_id)) {
      this.acked.delete(outbox[this.cursor]!.event_id);
      this.cursor += 1;
    }
  }
}
