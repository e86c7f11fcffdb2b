import { MAX_ATTEMPTS } from '../../functions/domain/delivery-schedule';
import { verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

// The whole 24 h schedule in well under a second: every queue wait is scaled by 1e-5.
const FAST = { delayScale: 0.00001, webhookTimeoutMs: 1000 };
const KEY = DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY;

let api: TestApi;
let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, ...FAST });
  // These tests deliver the `created` webhook, which Ottu sends only when the merchant asks.
  api.ports.config.replace({ ...(await api.ports.config.load()), webhook_open_events: ['created'] });
});
afterEach(async () => {
  await api.close();
  await receiver.close();
});

async function createWithWebhook(url = receiver.url) {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), notifications: {}, webhook_url: url } });
  expect(created.status).toBe(201);
  return created.json.session_id as string;
}

// With credentials: the delivery status is not shown to the public.
const sessionDoc = async (id: string) => (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json;

test('retries a 500 and a timeout, then delivers; the session shows it; duplicates are dropped', async () => {
  // The first answer waits until the test has seen the session before any attempt ended.
  let answerFirst!: (status: number) => void;
  receiver.script(new Promise<number>((resolve) => (answerFirst = resolve)), 'hang'); // then the fallback, 200
  const id = await createWithWebhook();
  expect((await sessionDoc(id)).webhook_status).toMatchObject({ state: 'pending', attempts: 0 });
  answerFirst(500);

  await waitFor(() => receiver.requests.length === 3, { what: 'three attempts' });
  const status = await waitFor(async () => {
    const doc = await sessionDoc(id);
    return doc.webhook_status?.state === 'delivered' && doc.webhook_status;
  });
  expect(status).toMatchObject({ state: 'delivered', event: 'created', attempts: 3, last_status_code: 200, last_error: null });

  const bodies = receiver.requests.map((request) => request.body);
  expect(new Set(bodies.map((body) => body.event_id)).size).toBe(1);
  for (const body of bodies) {
    expect(body).toMatchObject({ session_id: id, state: 'created', result: 'pending', amount: '14.000', currency_code: 'KWD', event_type: 'created' });
    expect(verifyWebhookSignature(body, KEY)).toBe(true);
  }

  // The session lists the delivered event's version; the API never shows that list.
  expect((await api.ports.sessions.get(id))!.webhook_delivered).toEqual([api.ports.sessions.outbox[0]!.version]);
  expect(await sessionDoc(id)).not.toHaveProperty('webhook_delivered');

  // The same event again (the stream and the outbox deliver at least once): no second call.
  await api.ports.queue.publish('webhook', { channel: 'webhook', event: api.ports.sessions.outbox[0]! });
  await waitFor(() => api.ports.queue.depth('webhook') === 0);
  expect(receiver.requests).toHaveLength(3);
});

test('webhook_delivered is no input: create and PATCH ignore it, so a merchant cannot suppress a webhook', async () => {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), notifications: {}, webhook_url: receiver.url, webhook_delivered: [1, 2, 3] } });
  expect(created.status).toBe(201);
  expect(created.json).not.toHaveProperty('webhook_delivered');
  const id = created.json.session_id as string;
  await waitFor(() => receiver.requests.length === 1, { what: 'the created webhook' });
  const patched = await api.request('PATCH', `/b/checkout/v1/pymt-txn/${id}/`, { body: { webhook_delivered: [] } });
  expect(patched.status).toBe(200);
  expect(patched.json).not.toHaveProperty('webhook_delivered');
  expect((await api.ports.sessions.get(id))!.webhook_delivered).toEqual([1]);
});

test('a dead receiver: every attempt of the schedule, then the DLQ with the reason; redrive delivers it', async () => {
  receiver.fallback = 503;
  const id = await createWithWebhook();
  await waitFor(() => api.ports.queue.deadLetters('webhook').length === 1, { what: 'the dead letter' });
  const [letter] = api.ports.queue.deadLetters('webhook');
  expect(receiver.requests).toHaveLength(MAX_ATTEMPTS);
  expect(letter!.reason).toBe(`gave up after ${MAX_ATTEMPTS} attempts; last: HTTP 503`);
  expect(JSON.parse(letter!.body)).toMatchObject({ channel: 'webhook', event: { session_id: id, type: 'created' } });
  expect((await sessionDoc(id)).webhook_status).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS, last_status_code: 503, last_error: 'HTTP 503' });

  receiver.fallback = 200;
  const redrive = await fetch(`${api.url}/_local/redrive-webhooks`, { method: 'POST' });
  expect(await redrive.json()).toEqual({ redriven: 1 });
  await waitFor(async () => (await sessionDoc(id)).webhook_status?.state === 'delivered', { what: 'delivery after redrive' });
  expect(receiver.requests).toHaveLength(MAX_ATTEMPTS + 1);
  expect(api.ports.queue.deadLetters('webhook')).toHaveLength(0);
});

test('any other 4xx is final: one attempt, straight to the DLQ', async () => {
  receiver.fallback = 404;
  const id = await createWithWebhook();
  await waitFor(() => api.ports.queue.deadLetters('webhook').length === 1);
  expect(receiver.requests).toHaveLength(1);
  expect(api.ports.queue.deadLetters('webhook')[0]!.reason).toBe('HTTP 404');
  expect((await sessionDoc(id)).webhook_status).toMatchObject({ state: 'failed', attempts: 1, last_status_code: 404 });
});

test('without CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS the guard refuses a loopback webhook_url', async () => {
  await api.close();
  api = await startTestApi({ ...FAST });
  api.ports.config.replace({ ...(await api.ports.config.load()), webhook_open_events: ['created'] });
  const id = await createWithWebhook();
  await waitFor(() => api.ports.queue.deadLetters('webhook').length === 1);
  expect(receiver.requests).toHaveLength(0);
  expect(api.ports.queue.deadLetters('webhook')[0]!.reason).toContain('loopback address');
  // The refusal says how to allow it.
  expect(api.ports.queue.deadLetters('webhook')[0]!.reason).toContain('CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1');
  expect((await sessionDoc(id)).webhook_status).toMatchObject({ state: 'failed', attempts: 1, last_status_code: null });
});
