import { MemoryIdempotencyStore } from '../../functions/adapters/embedded/memory-idempotency-store';
import { ManualClock } from '../../functions/adapters/system-clock';
import { sessionItem } from '../../functions/adapters/aws/dynamo-session-repository';
import { once, type Delivered } from '../../functions/app/delivery-outcome';
import { DELIVERED_WEBHOOKS_KEPT, isWebhookDelivered, renderSession, withWebhookDelivered } from '../../functions/domain/session';
import { sessionEvent } from '../../functions/domain/events';
import { IN_PROGRESS_STALE_MS } from '../../functions/ports/idempotency-store';
import { sampleSession } from '../fixtures/sessions';

const KEY = 'delivery:webhook:event-1';

function harness() {
  const ports = { idempotency: new MemoryIdempotencyStore(), clock: new ManualClock(new Date('2026-11-25T10:00:00Z')) };
  const calls = { complete: 0, release: 0 };
  const complete = ports.idempotency.complete.bind(ports.idempotency);
  const release = ports.idempotency.release.bind(ports.idempotency);
  ports.idempotency.complete = (...args) => (calls.complete++, complete(...args));
  ports.idempotency.release = (...args) => (calls.release++, release(...args));
  const claimState = async () => (await ports.idempotency.begin(KEY, 'probe', ports.clock.now())).status;
  return { ports, calls, claimState };
}

describe('once', () => {
  test('without options (e-mail, SMS): done completes the claim; a copy while it runs retries; one after it is done', async () => {
    const { ports, calls, claimState } = harness();
    let copy: unknown;
    const outcome = await once(ports, KEY, 1, async () => {
      copy = await once(ports, KEY, 1, async () => ({ kind: 'done' }));
      return { kind: 'done' };
    });
    expect(outcome).toEqual({ kind: 'done' });
    expect(copy).toEqual({ kind: 'retry', delaySeconds: expect.any(Number), reason: 'another consumer is delivering this message' });
    expect(calls).toEqual({ complete: 1, release: 0 });
    ports.clock.advance(IN_PROGRESS_STALE_MS * 10);
    const later = jest.fn(async (): Promise<Delivered> => ({ kind: 'done' }));
    expect(await once(ports, KEY, 1, later)).toEqual({ kind: 'done' });
    expect(later).not.toHaveBeenCalled();
    expect(await claimState()).toBe('completed');
  });

  test('a failed attempt releases the claim, whatever the options', async () => {
    const { ports, calls, claimState } = harness();
    const deliveredElsewhere = jest.fn(async () => true);
    expect(await once(ports, KEY, 1, async () => ({ kind: 'retry', delaySeconds: 5, reason: 'HTTP 500' }), { deliveredElsewhere })).toEqual({ kind: 'retry', delaySeconds: 5, reason: 'HTTP 500' });
    await expect(once(ports, KEY, 2, async () => Promise.reject(new Error('store down')), { deliveredElsewhere })).rejects.toThrow('store down');
    expect(calls).toEqual({ complete: 0, release: 2 });
    expect(deliveredElsewhere).not.toHaveBeenCalled();
    expect(await claimState()).toBe('started');
  });

  test('done and recorded elsewhere: no completion, no release; the claim stays in progress', async () => {
    const { ports, calls, claimState } = harness();
    const outcome = await once(ports, KEY, 1, async (): Promise<Delivered> => ({ kind: 'done', recordedElsewhere: true }), { deliveredElsewhere: async () => true });
    // What the queue sees carries no trace of where the record is.
    expect(outcome).toEqual({ kind: 'done' });
    expect(calls).toEqual({ complete: 0, release: 0 });
    expect(await claimState()).toBe('in_progress');
  });

  test('a claim in progress: done when the delivery is recorded elsewhere, else the retry schedule; the claim is left alone', async () => {
    const { ports, calls } = harness();
    await ports.idempotency.begin(KEY, 'delivery', ports.clock.now());
    const deliver = jest.fn(async (): Promise<Delivered> => ({ kind: 'done' }));

    expect(await once(ports, KEY, 1, deliver, { deliveredElsewhere: async () => true })).toEqual({ kind: 'done' });
    expect(await once(ports, KEY, 3, deliver, { deliveredElsewhere: async () => false })).toEqual({
      kind: 'retry',
      delaySeconds: expect.any(Number),
      reason: 'another consumer is delivering this message',
    });
    // The check failing is this copy's failure (the queue retries it), not the claim holder's.
    await expect(once(ports, KEY, 1, deliver, { deliveredElsewhere: async () => Promise.reject(new Error('read failed')) })).rejects.toThrow('read failed');
    expect(deliver).not.toHaveBeenCalled();
    expect(calls).toEqual({ complete: 0, release: 0 });
  });

  test('a stale claim is taken over and delivered as usual: deliver decides (it finds its own record)', async () => {
    const { ports, calls } = harness();
    const deliveredElsewhere = jest.fn(async () => true);
    await once(ports, KEY, 1, async (): Promise<Delivered> => ({ kind: 'done', recordedElsewhere: true }), { deliveredElsewhere });
    ports.clock.advance(IN_PROGRESS_STALE_MS);
    const deliver = jest.fn(async (): Promise<Delivered> => ({ kind: 'done', recordedElsewhere: true }));
    expect(await once(ports, KEY, 1, deliver, { deliveredElsewhere })).toEqual({ kind: 'done' });
    expect(deliver).toHaveBeenCalledTimes(1);
    expect(deliveredElsewhere).not.toHaveBeenCalled();
    expect(calls).toEqual({ complete: 0, release: 0 });
  });
});

describe('the delivered webhook list', () => {
  test('adds the version last and keeps the latest DELIVERED_WEBHOOKS_KEPT added, in the order of delivery', () => {
    expect(withWebhookDelivered({}, 3)).toEqual([3]);
    expect(withWebhookDelivered({ webhook_delivered: [3, 9] }, 5)).toEqual([3, 9, 5]);
    const full = Array.from({ length: DELIVERED_WEBHOOKS_KEPT }, (_, i) => 10 + i);
    const next = withWebhookDelivered({ webhook_delivered: full }, 4);
    expect(next).toHaveLength(DELIVERED_WEBHOOKS_KEPT);
    expect(next).toEqual([...full.slice(1), 4]);
    expect(isWebhookDelivered({ webhook_delivered: next }, 10)).toBe(false);
    expect(isWebhookDelivered({ webhook_delivered: next }, 4)).toBe(true);
    // Listed again (never happens: the caller checks first), it moves last and is kept once.
    expect(withWebhookDelivered({ webhook_delivered: [3, 9] }, 3)).toEqual([9, 3]);
    expect(isWebhookDelivered(undefined, 1)).toBe(false);
  });

  test('a paid session with a full list stays well under one write unit, and the API never shows the list', () => {
    const session = sampleSession({
      state: 'paid',
      version: 4000,
      webhook_url: 'https://merchant.example.com/hooks/checkout',
      order_no: 'ORDER-123456',
      attempts: [{ reference_number: 'ABCDEF123456', pg_code: 'sandbox-kwd', result: 'success', card_brand: 'visa', card_last4: '1111', attempted_at: '2026-11-25T10:05:00.000Z' }],
      reference_number: 'ABCDEF123456',
      result: 'success',
      settled_pg_code: 'sandbox-kwd',
      paid_at: '2026-11-25T10:05:00.000Z',
      webhook_status: { state: 'delivered', event: 'paid', attempts: 1, last_status_code: 200, last_error: null, last_attempt_at: '2026-11-25T10:05:01.123Z' },
      webhook_delivered: Array.from({ length: DELIVERED_WEBHOOKS_KEPT }, (_, i) => 3000 + 61 * i),
    });
    const item = sessionItem(session, [sessionEvent('paid', session, 'e'.repeat(32), new Date())]);
    // DynamoDB's item size: names plus values (numbers at most 21 bytes, binary and strings their bytes).
    const bytes = Object.entries(item).reduce((sum, [name, value]) => sum + name.length + (value instanceof Uint8Array ? value.length : typeof value === 'number' ? 21 : Buffer.byteLength(String(value))), 0);
    expect(bytes).toBeLessThan(800);
    expect(renderSession(session, 'https://pay.example')).not.toHaveProperty('webhook_delivered');
  });
});
