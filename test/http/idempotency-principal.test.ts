import type { MerchantConfig } from '../../functions/domain/config';
import { hashPassword, newApiKey } from '../../functions/domain/credentials';
import { startTestApi, type TestApi } from '../fixtures/local-api';

/**
 * An Idempotency-Key belongs to the caller who sent it: another caller with the same key and the
 * same body gets its own answer, never the first caller's. And a 5xx is not an answer to keep:
 * the key is released, so a retry runs again.
 */

const PATH = '/b/checkout/v1/pymt-txn/';
const body = () => ({ type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '3', currency_code: 'KWD' });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let api: TestApi;
let otherKey: string;

beforeAll(async () => {
  api = await startTestApi();
  // A second API key and a second Basic user with the demo user's rights.
  const config = await api.ports.config.load();
  const second = newApiKey();
  otherKey = second.key;
  const clerk = config.users[0]!;
  const updated: MerchantConfig = {
    ...config,
    api_keys: [...config.api_keys, { prefix: second.prefix, key_hash: second.key_hash, label: 'second' }],
    users: [...config.users, { ...clerk, username: 'second-clerk', password_hash: await hashPassword('second-password') }],
  };
  api.ports.config.replace(updated);
});
afterAll(() => api.close());

const create = (key: string, auth: string) => api.request('POST', PATH, { body: body(), headers: { 'idempotency-key': key }, auth });

test.each([
  ['two API keys', 'key', () => `Api-Key ${otherKey}`],
  ['two Basic users', 'basic', () => basic('second-clerk', 'second-password')],
  ['an API key and a Basic user', 'key', () => 'basic'],
])('%s sending one Idempotency-Key with one body each get their own session', async (_name, firstAuth, secondAuth) => {
  const key = `shared-${Math.random().toString(36).slice(2)}`;
  const first = await create(key, firstAuth);
  const second = await create(key, secondAuth());
  expect([first.status, second.status]).toEqual([201, 201]);
  expect(second.headers.get('idempotent-replayed')).toBeNull();
  expect(second.json.session_id).not.toBe(first.json.session_id);
  // Each caller's own repeat is still a replay of its own answer.
  const firstAgain = await create(key, firstAuth);
  const secondAgain = await create(key, secondAuth());
  expect(firstAgain.headers.get('idempotent-replayed')).toBe('true');
  expect(firstAgain.json.session_id).toBe(first.json.session_id);
  expect(secondAgain.headers.get('idempotent-replayed')).toBe('true');
  expect(secondAgain.json.session_id).toBe(second.json.session_id);
});

test('a 5xx is released, not replayed: the retry with the same key runs again and succeeds', async () => {
  const sessions = api.ports.sessions;
  const create = sessions.create.bind(sessions);
  let failures = 1;
  const spy = jest.spyOn(sessions, 'create').mockImplementation(async (...args) => {
    if (failures-- > 0) throw new Error('the table is down');
    return create(...args);
  });
  try {
    const key = `retry-${Math.random().toString(36).slice(2)}`;
    const failed = await api.request('POST', PATH, { body: body(), headers: { 'idempotency-key': key } });
    expect(failed.status).toBe(500);
    const retried = await api.request('POST', PATH, { body: body(), headers: { 'idempotency-key': key } });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.json.session_id).toMatch(/^[0-9a-f]{40}$/);
    expect(spy).toHaveBeenCalledTimes(2);
    // Now it is an answer kept: the next repeat replays it.
    const repeated = await api.request('POST', PATH, { body: body(), headers: { 'idempotency-key': key } });
    expect(repeated.headers.get('idempotent-replayed')).toBe('true');
    expect(repeated.json.session_id).toBe(retried.json.session_id);
  } finally {
    spy.mockRestore();
  }
});
