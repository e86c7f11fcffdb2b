import { randomBytes } from 'node:crypto';
import {
  EXPIRY_SHARDS,
  dueSortKeyLimit,
  expiryIndexKeys,
  expiryMinute,
  expiryShard,
  isPastExpiry,
  nextMinute,
  sessionIdOfSortKey,
} from '../../functions/domain/expiry';
import { STATES, isOpen } from '../../functions/domain/state-machine';

const id = 'a'.repeat(40);

test('isPastExpiry: payable up to the millisecond before expires_at, never from it on', () => {
  const session = { expires_at: '2026-11-25T10:31:05.000Z' };
  expect(isPastExpiry(session, new Date('2026-11-25T10:31:04.999Z'))).toBe(false);
  expect(isPastExpiry(session, new Date('2026-11-25T10:31:05.000Z'))).toBe(true);
  expect(isPastExpiry(session, new Date('2027-01-01T00:00:00.000Z'))).toBe(true);
});

test('index keys follow the shared layout: EXPIRY#<minute>#<shard> / <expires_at>#<id>', () => {
  const keys = expiryIndexKeys({ session_id: id, state: 'created', expires_at: '2026-11-25T10:31:59.999Z' });
  expect(keys).toEqual({ gsi1pk: `EXPIRY#2026-11-25T10:31#${expiryShard(id)}`, gsi1sk: `2026-11-25T10:31:59.999Z#${id}` });
  expect(sessionIdOfSortKey(keys!.gsi1sk)).toBe(id);
});

test('only open sessions carry index keys', () => {
  for (const state of STATES) {
    const keys = expiryIndexKeys({ session_id: id, state, expires_at: '2026-11-25T10:31:00.000Z' });
    expect(keys !== undefined).toBe(isOpen(state));
  }
});

test('shards are stable, in range and spread random ids evenly', () => {
  expect(expiryShard(id)).toBe(expiryShard(id));
  const counts = new Array<number>(EXPIRY_SHARDS).fill(0);
  for (let i = 0; i < 10_000; i++) counts[expiryShard(randomBytes(20).toString('hex'))]!++;
  expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000); // every shard in 0..9
  // 1000 expected per shard; a skewed hash would leave one far off.
  for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(200);
});

test('minutes roll over hours, days and years', () => {
  expect(expiryMinute('2026-11-25T10:31:59.999Z')).toBe('2026-11-25T10:31');
  expect(nextMinute('2026-11-25T10:59')).toBe('2026-11-25T11:00');
  expect(nextMinute('2026-12-31T23:59')).toBe('2027-01-01T00:00');
});

test('the due limit admits expires_at <= now and nothing later', () => {
  const now = new Date('2026-11-25T10:31:05.000Z');
  expect(`2026-11-25T10:31:05.000Z#${'f'.repeat(40)}` <= dueSortKeyLimit(now)).toBe(true);
  expect(`2026-11-25T10:31:05.001Z#${'0'.repeat(40)}` <= dueSortKeyLimit(now)).toBe(false);
});
