import {
  judgeWebhookResult,
  MAX_ATTEMPTS,
  nominalDelaySeconds,
  retryDelaySeconds,
  RETRY_WINDOW_SECONDS,
} from '../../functions/domain/delivery-schedule';

test('the schedule doubles from 30 s, caps at 6 h and stays within 24 h', () => {
  expect([1, 2, 3, 4, 10, 11, 12].map(nominalDelaySeconds)).toEqual([30, 60, 120, 240, 15360, 21600, 21600]);
  expect(MAX_ATTEMPTS).toBe(13);
  const waits = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1, () => 0)!);
  const total = waits.reduce((a, b) => a + b, 0);
  expect(total).toBeLessThanOrEqual(RETRY_WINDOW_SECONDS);
  expect(total).toBeGreaterThan(20 * 3600);
  expect(Math.max(...waits)).toBeLessThanOrEqual(12 * 3600); // SQS's visibility limit
  expect(retryDelaySeconds(MAX_ATTEMPTS)).toBeUndefined();
});

test('jitter only shortens a wait, by at most a fifth', () => {
  expect(retryDelaySeconds(3, () => 0)).toBe(120);
  expect(retryDelaySeconds(3, () => 0.999999)).toBe(96);
  for (let i = 0; i < 100; i++) {
    const delay = retryDelaySeconds(5)!;
    expect(delay).toBeGreaterThanOrEqual(384);
    expect(delay).toBeLessThanOrEqual(480);
  }
});

test('timeouts, connection errors, 5xx, 408 and 429 are retried; other failures are final', () => {
  const judge = (result: Parameters<typeof judgeWebhookResult>[0]) => judgeWebhookResult(result, 15000).verdict;
  expect(judge({ kind: 'response', status: 200 })).toBe('delivered');
  expect(judge({ kind: 'response', status: 201 })).toBe('delivered');
  expect(judge({ kind: 'response', status: 204 })).toBe('delivered');
  for (const status of [500, 502, 503, 504, 408, 429]) expect(judge({ kind: 'response', status })).toBe('retry');
  for (const status of [400, 401, 403, 404, 405, 410, 422, 301, 302]) expect(judge({ kind: 'response', status })).toBe('final');
  expect(judge({ kind: 'timeout' })).toBe('retry');
  expect(judge({ kind: 'network', error: 'ECONNREFUSED' })).toBe('retry');
  expect(judge({ kind: 'refused', reason: 'private address' })).toBe('final');
});
