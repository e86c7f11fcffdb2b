import { randomUUID } from 'node:crypto';
import type { NotificationMode } from './faults';

/**
 * Webhook notifications as MPGS sends them: a POST of the transaction (the Retrieve Transaction
 * JSON at the time of the event) to the order's notification URL, with the merchant's secret in
 * `X-Notification-Secret`, `X-Notification-Id` (the same on every attempt of one notification)
 * and `X-Notification-Attempt` (1, 2, …). Any answer but a 2xx, or none within the timeout, is
 * retried with a doubling backoff. The documentation fixes neither the schedule nor the number
 * of attempts; these defaults (10 attempts, first retry after a minute, at most an hour apart)
 * are the fake's, and `timeScale` shrinks the waits so tests run fast.
 */

export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long one attempt may take (not scaled). */
  timeoutMs: number;
  /** Multiplies every wait between attempts (0.001: a minute becomes 60 ms). */
  timeScale: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, firstDelayMs: 60_000, maxDelayMs: 3_600_000, timeoutMs: 10_000, timeScale: 1 };

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  status?: number;
  error?: string;
}

export interface NotificationRecord {
  id: string;
  merchantId: string;
  orderId: string;
  transactionId: string;
  url: string;
  /** held: waiting for a later one to go first (out-of-order); dropped: never sent. */
  state: 'held' | 'sending' | 'delivered' | 'failed' | 'dropped';
  /** 2 when this is the duplicate of a delivered notification. */
  copies: number;
  attempts: DeliveryAttempt[];
}

export interface Notification {
  merchantId: string;
  secret: string;
  url: string;
  orderId: string;
  transactionId: string;
  body: string;
}

export class Notifier {
  private readonly log: NotificationRecord[] = [];
  private readonly held = new Map<string, () => Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private stopped = false;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly mode: () => NotificationMode,
  ) {}

  records(): NotificationRecord[] {
    return structuredClone(this.log);
  }

  send(notification: Notification): void {
    const record: NotificationRecord = {
      id: randomUUID(),
      merchantId: notification.merchantId,
      orderId: notification.orderId,
      transactionId: notification.transactionId,
      url: notification.url,
      state: 'sending',
      copies: 1,
      attempts: [],
    };
    this.log.push(record);
    const mode = this.mode();
    if (mode === 'never') {
      record.state = 'dropped';
      return;
    }
    const run = () => this.deliver(record, notification, mode === 'duplicate');
    if (mode !== 'out-of-order') {
      void run();
      return;
    }
    const earlier = this.held.get(notification.merchantId);
    if (!earlier) {
      record.state = 'held';
      this.held.set(notification.merchantId, run);
      return;
    }
    // The later notification goes first; the earlier one follows once it has been answered.
    this.held.delete(notification.merchantId);
    void run().then(earlier);
  }

  /** Sends every held notification now. */
  async flush(): Promise<void> {
    const runs = [...this.held.values()];
    this.held.clear();
    await Promise.all(runs.map((run) => run()));
  }

  stop(): void {
    this.stopped = true;
    this.held.clear();
    for (const timer of this.timers) clearTimeout(timer);
    for (const controller of this.inFlight) controller.abort();
  }

  private async deliver(record: NotificationRecord, notification: Notification, duplicate: boolean): Promise<void> {
    record.state = 'sending';
    for (let attempt = 1; attempt <= this.policy.attempts && !this.stopped; attempt += 1) {
      if (attempt > 1) await this.wait(this.delayBefore(attempt));
      if (this.stopped) return;
      const ok = await this.post(record, notification, record.attempts.length + 1);
      if (ok) {
        record.state = 'delivered';
        if (duplicate && record.copies === 1) {
          record.copies = 2;
          await this.post(record, notification, record.attempts.length + 1);
        }
        return;
      }
    }
    if (!this.stopped) record.state = 'failed';
  }

  private delayBefore(attempt: number): number {
    const unscaled = Math.min(this.policy.firstDelayMs * 2 ** (attempt - 2), this.policy.maxDelayMs);
    return unscaled * this.policy.timeScale;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async post(record: NotificationRecord, notification: Notification, attempt: number): Promise<boolean> {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.policy.timeoutMs);
    this.inFlight.add(controller);
    const entry: DeliveryAttempt = { attempt, at: new Date().toISOString() };
    record.attempts.push(entry);
    try {
      const response = await fetch(notification.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'x-notification-secret': notification.secret,
          'x-notification-id': record.id,
          'x-notification-attempt': String(attempt),
        },
        body: notification.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      entry.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      return response.status >= 200 && response.status < 300;
    } catch (error) {
      entry.error = controller.signal.aborted ? 'no answer within the timeout' : error instanceof Error ? error.message : String(error);
      return false;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
  }
}
