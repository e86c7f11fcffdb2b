import { randomUUID } from 'node:crypto';
import type { IdempotencyStore, StoredResult } from '../../functions/ports';
import { IDEMPOTENCY_TTL_MS, IN_PROGRESS_STALE_MS } from '../../functions/ports/idempotency-store';

const T0 = new Date('2026-11-25T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const RESPONSE: StoredResult = JSON.stringify({ statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{"session_id":"abc","amount":"14.000"}' });

/** What every IdempotencyStore must do; run against each adapter with the same assertions. */
export function idempotencyStoreContract(harness: () => IdempotencyStore): void {
  let store: IdempotencyStore;
  let key: string;
  beforeEach(() => {
    store = harness();
    key = `api_key:test:POST /b/checkout/v1/pymt-txn:${randomUUID()}`;
  });

  test('the first request with a key starts; a second while it runs is told it is in progress', async () => {
    expect(await store.begin(key, 'f1', T0)).toEqual({ status: 'started', takenOver: false });
    expect(await store.begin(key, 'f1', later(1000))).toEqual({ status: 'in_progress' });
  });

  test('a completed key returns the stored response and the first fingerprint', async () => {
    await store.begin(key, 'f1', T0);
    await store.complete(key, 'f1', RESPONSE, later(10));
    expect(await store.begin(key, 'f2', later(20))).toEqual({ status: 'completed', fingerprint: 'f1', response: RESPONSE });
  });

  test('a released key can start again', async () => {
    await store.begin(key, 'f1', T0);
    await store.release(key);
    expect(await store.begin(key, 'f1', later(10))).toEqual({ status: 'started', takenOver: false });
  });

  test('a claim left in progress by a request that died is taken over once stale, and says so', async () => {
    await store.begin(key, 'f1', T0);
    expect(await store.begin(key, 'f1', later(IN_PROGRESS_STALE_MS - 1))).toEqual({ status: 'in_progress' });
    expect(await store.begin(key, 'f1', later(IN_PROGRESS_STALE_MS))).toEqual({ status: 'started', takenOver: true });
    expect(await store.begin(key, 'f1', later(IN_PROGRESS_STALE_MS + 1))).toEqual({ status: 'in_progress' });
  });

  test('a completed response is never taken over, until the key expires', async () => {
    await store.begin(key, 'f1', T0);
    await store.complete(key, 'f1', RESPONSE, T0);
    expect((await store.begin(key, 'f1', later(IN_PROGRESS_STALE_MS * 10))).status).toBe('completed');
    // An expired record not yet deleted by the TTL is taken over too.
    expect(await store.begin(key, 'f1', later(IDEMPOTENCY_TTL_MS))).toEqual({ status: 'started', takenOver: true });
  });

  test('an empty result (a delivery keeps nothing) completes the key too', async () => {
    await store.begin(key, 'delivery', T0);
    await store.complete(key, 'delivery', '', later(10));
    expect(await store.begin(key, 'delivery', later(IN_PROGRESS_STALE_MS * 10))).toEqual({ status: 'completed', fingerprint: 'delivery', response: '' });
  });

  test('keys are independent', async () => {
    await store.begin(key, 'f1', T0);
    expect(await store.begin(`${key}-other`, 'f1', T0)).toEqual({ status: 'started', takenOver: false });
  });

  test('of ten concurrent first requests with one key exactly one starts', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => store.begin(key, 'f1', T0)));
    expect(results.filter((r) => r.status === 'started')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'in_progress')).toHaveLength(9);
  });
}
