import { forgetAuthenticationMemory } from '../../functions/app/authenticate';
import { GOOD_CARD, openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';

/**
 * Credentials over real HTTP (the embedded runtime): the public retrieve shows less, a locked
 * caller gets 429 with Retry-After in Ottu's shape, and an operation is recorded in the audit
 * trail with who did it, from where and in which request.
 */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { ...DEMO_ENV } });
});
afterAll(() => api.close());
beforeEach(() => forgetAuthenticationMemory());

const PRIVATE = ['webhook_url', 'webhook_status', 'email_recipients'];

test('GET without credentials: the transaction, never the webhook URL, its delivery status or the notification recipients; with credentials, all of it', async () => {
  const body = { ...seedBody(), webhook_url: 'https://merchant.example/hooks', email_recipients: ['ops@merchant.example'] };
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body });
  expect(created.status).toBe(201);
  const id = created.json.session_id as string;

  const anonymous = await api.request('GET', `/b/checkout/v1/pymt-txn/${id}/`, { auth: 'none' });
  expect(anonymous.status).toBe(200);
  for (const field of PRIVATE) expect(anonymous.json).not.toHaveProperty(field);
  expect(anonymous.text).not.toContain('merchant.example');
  // The seed's contract: the transaction, its amount, state and payment methods.
  expect(anonymous.json).toMatchObject({ session_id: id, amount: '14.000', currency_code: 'KWD', state: 'created', payment_methods: [expect.objectContaining({ code: 'sandbox-kwd' })] });

  const withKey = await api.request('GET', `/b/checkout/v1/pymt-txn/${id}/`);
  expect(withKey.json).toMatchObject({ webhook_url: 'https://merchant.example/hooks', email_recipients: ['ops@merchant.example'], webhook_status: expect.objectContaining({ state: expect.any(String) }) });
  const withUser = await api.request('GET', `/b/checkout/v1/pymt-txn/${id}/`, { auth: 'basic' });
  expect(withUser.json).toMatchObject({ webhook_url: 'https://merchant.example/hooks' });

  // Credentials given must be right: a wrong key is 401, not the public view.
  const wrong = await api.request('GET', `/b/checkout/v1/pymt-txn/${id}/`, { auth: 'Api-Key nope.nope' });
  expect(wrong.status).toBe(401);
  expect(wrong.json).toEqual({ detail: 'Invalid API key.' });
});

test('a key prefix guessed five times is locked: 429, Retry-After, Ottu’s {"detail"} shape; a valid key still works', async () => {
  const guess = (n: number) => api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', currencies: ['KWD'] }, auth: `Api-Key guessed.wrong${n}` });
  for (let n = 0; n < 5; n++) expect((await guess(n)).status).toBe(401);
  const locked = await guess(5);
  expect(locked.status).toBe(429);
  expect(locked.headers.get('retry-after')).toBe('60');
  expect(locked.json).toEqual({ detail: 'Too many failed authentication attempts. Try again in 60 seconds.' });
  expect(locked.headers.get('x-request-id')).toBeTruthy();
  const valid = await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', currencies: ['KWD'] } });
  expect(valid.status).toBe(200);
});

test('a refund is recorded in the audit trail: who (key name / username), when, from which address, which request', async () => {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: seedBody() });
  const id = created.json.session_id as string;
  const visit = await openPage(api, id);
  expect((await postPayment(api, id, { ...GOOD_CARD, pg_code: 'sandbox-kwd' }, visit)).status).toBeLessThan(400);
  const since = new Date(Date.now() - 1000);
  const byKey = await api.request('POST', '/b/pbl/v2/operation/', { body: { operation: 'refund', session_id: id, amount: '4' } });
  expect(byKey.status).toBe(200);
  const byUser = await api.request('POST', '/b/pbl/v2/operation/', { body: { operation: 'refund', session_id: id, amount: '1' }, auth: 'basic' });
  expect(byUser.status).toBe(200);
  // A refused one (over what is left) changes nothing and records nothing.
  expect((await api.request('POST', '/b/pbl/v2/operation/', { body: { operation: 'refund', session_id: id, amount: '100' } })).status).toBe(400);

  const entries = await api.ports.audit.list({ since, until: new Date(Date.now() + 1000), sessionId: id });
  expect(entries).toEqual([
    expect.objectContaining({ action: 'operation.refund', session_id: id, actor: { kind: 'api_key', name: 'demo', id: 'testkey' }, address: expect.stringMatching(/127\.0\.0\.1/), request_id: byKey.headers.get('x-request-id'), details: expect.objectContaining({ amount: '4.000' }) }),
    expect.objectContaining({ action: 'operation.refund', actor: { kind: 'user', name: 'clerk', id: 'clerk' }, request_id: byUser.headers.get('x-request-id'), details: expect.objectContaining({ amount: '1.000' }) }),
  ]);
});
