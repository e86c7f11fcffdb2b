import { REDIRECT_WAIT_MS } from '../../functions/app/redirect-after-payment';
import { GOOD_CARD, openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/**
 * Ottu's redirect rule: after a successful payment the payer goes to redirect_url only when the
 * merchant's webhook answered 200 within the wait; a 201, any other answer or none in time shows
 * our receipt. The webhook sent during the redirect is the durable delivery's own: not sent again
 * when it was answered, retried by the queue when it was not.
 */
let api: TestApi;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
  // Retries 100 times faster than on AWS (the first after 0.3 s): a queued copy that finds the
  // redirect's attempt holding the claim for its whole wait retries a few times, not all of them.
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.01, webhookTimeoutMs: 1000 });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});

const REDIRECT = 'https://shop.example/thanks';

async function pay(body: Record<string, unknown> = {}) {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), notifications: {}, webhook_url: receiver.url, redirect_url: REDIRECT, ...body } });
  const id = created.json.session_id as string;
  const response = await postPayment(api, id, GOOD_CARD, await openPage(api, id));
  expect(response.status).toBe(303);
  return { id, location: response.headers.get('location')! };
}
const paidHooks = (id: string) => receiver.requests.filter((request) => request.body.session_id === id && request.body.event_type === 'paid');
const settle = () => waitFor(() => api.ports.queue.depth('webhook') === 0, { what: 'the webhook queue to drain' });

test('the webhook answers 200: the payer goes to redirect_url, and the webhook is not sent again', async () => {
  const { id, location } = await pay({ order_no: `redirect-${Date.now()}` });
  expect(location).toMatch(new RegExp(`^${REDIRECT}\\?session_id=${id}&order_no=redirect-\\d+&reference_number=[A-Z0-9]{12}$`));
  // Answered before the redirect: one paid webhook, whatever the queue's copy does afterwards.
  expect(paidHooks(id)).toHaveLength(1);
  await settle();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(paidHooks(id)).toHaveLength(1);
  expect((await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json.webhook_status).toMatchObject({ state: 'delivered', event: 'paid', last_status_code: 200 });
});

test('the webhook answers 201: the receipt page, as Ottu; delivered, so not sent again', async () => {
  receiver.script(201);
  const { id, location } = await pay();
  expect(location).toBe(`${api.url}/checkout/${id}`);
  await settle();
  expect(paidHooks(id)).toHaveLength(1);
});

test('the webhook fails: the receipt page, and the durable delivery retries until the merchant answers', async () => {
  receiver.script(500);
  const { id, location } = await pay();
  expect(location).toBe(`${api.url}/checkout/${id}`);
  await waitFor(() => paidHooks(id).length >= 2, { what: 'the queued retry' });
  await waitFor(async () => (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json.webhook_status?.state === 'delivered', { what: 'the delivery' });
});

test(`no answer within the wait (${REDIRECT_WAIT_MS / 1000} s): the receipt page; the delivery goes on`, async () => {
  receiver.script(new Promise<number>((resolve) => setTimeout(() => resolve(200), REDIRECT_WAIT_MS + 1000)));
  const { id, location } = await pay();
  expect(location).toBe(`${api.url}/checkout/${id}`);
  await waitFor(async () => (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json.webhook_status?.state === 'delivered', { what: 'the delivery' });
}, 20_000);

test('no webhook_url: nothing to wait for, the payer goes to redirect_url at once; no redirect_url: the receipt', async () => {
  expect((await pay({ webhook_url: null })).location).toMatch(new RegExp(`^${REDIRECT}\\?session_id=`));
  const { id, location } = await pay({ redirect_url: null });
  expect(location).toBe(`${api.url}/checkout/${id}`);
});
