import { randomBytes } from 'node:crypto';
import {
  EXPIRY_SHARDS,
  dueSortKeyLimit,
  expiryIndexKeys,
  expiryMinute,
  expiryShard,
  isDueToExpire,
  isPastExpiry,
  nextMinute,
  sessionIdOfSortKey,
} from '../../functions/domain/expiry';
import { STATES, isOpen } from '../../functions/domain/state-machine';
import { sampleSession } from '../fixtures/sessions';

const id = 'a'.repeat(40);

test('isPastExpiry: payable up to the millisecond before expires_at, never from it on', () => {
  const session = { expires_at: '2026-11-25T10:31:05.000Z' };
  expect(isPastExpiry(session, new Date('2026-11-25T10:31:04.999Z'))).toBe(false);
  expect(isPastExpiry(session, new Date('2026-11-25T10:31:05.000Z'))).toBe(true);
  expect(isPastExpiry(session, new Date('2027-01-01T00:00:00.000Z'))).toBe(true);
});

test('index keys follow the shared layout: EXPIRY#<minute>#<shard> / <expires_at>#<id>', () => {
  const keys = expiryIndexKeys({ session_id: id, expires_at: '2026-11-25T10:31:59.999Z' });
  expect(keys).toEqual({ gsi1pk: `EXPIRY#2026-11-25T10:31#${expiryShard(id)}`, gsi1sk: `2026-11-25T10:31:59.999Z#${id}` });
  expect(sessionIdOfSortKey(keys.gsi1sk)).toBe(id);
});

test('a session keeps the index keys it had while open, whatever its state and when deleted, so closing it writes no index entry', () => {
  const open = sampleSession({ expires_at: '2026-11-25T10:31:00.000Z' });
  const deletedAt = '2026-11-25T10:20:00.000Z';
  for (const closed of [
    { ...open, state: 'paid' as const, version: 2 },
    { ...open, state: 'expired' as const, version: 2 },
    { ...open, state: 'canceled' as const, version: 2, deleted_at: deletedAt },
    { ...open, version: 2, deleted_at: deletedAt },
    { ...open, state: 'paid' as const, version: 3, deleted_at: deletedAt },
  ]) {
    expect(expiryIndexKeys(closed)).toEqual(expiryIndexKeys(open));
  }
  // Only a new expires_at moves them.
  expect(expiryIndexKeys({ ...open, expires_at: '2026-11-25T10:45:00.000Z' }).gsi1pk).toBe(`EXPIRY#2026-11-25T10:45#${expiryShard(open.session_id)}`);
});

test('the sweep expires only what the transition table lets expire, not deleted, past its expires_at', () => {
  const expiresAt = '2026-11-25T10:31:00.000Z';
  const after = new Date('2026-11-25T10:31:00.000Z');
  const before = new Date('2026-11-25T10:30:59.999Z');
  for (const state of STATES) {
    expect(isDueToExpire({ state, expires_at: expiresAt }, after)).toBe(isOpen(state));
    expect(isDueToExpire({ state, expires_at: expiresAt }, before)).toBe(false);
    expect(isDueToExpire({ state, expires_at: expiresAt, deleted_at: '2026-11-25T10:20:00.000Z' }, after)).toBe(false);
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
