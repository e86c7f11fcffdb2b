import { openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';
import { payOnHostedForm } from '../fixtures/mpgs';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/**
 * Ottu's redirect rule on a hosted gateway's return (the sandbox's form post has it too,
 * redirect-after-payment.test.ts): back from MPGS with a payment the sync confirms, the customer
 * goes to redirect_url only once the merchant's webhook answered 200, which the return sends
 * itself before answering; a 201 shows our receipt. Paid by another trigger first, the recorded
 * answer decides.
 */
let api: TestApi;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, localMpgs: { notificationTimeScale: 0.001 }, gatewayTimeoutMs: 1_000, delayScale: 0.01, webhookTimeoutMs: 1_000 });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});
afterEach(() => api.mpgs!.control.reset());

const REDIRECT = 'https://shop.example/thanks';
const paidHooks = (id: string) => receiver.requests.filter((request) => request.body?.session_id === id && request.body.event_type === 'paid');

/** An MPGS session handed over to the local MPGS's page: its id, our attempt and MPGS's session. */
async function handedOver() {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', webhook_url: receiver.url, redirect_url: REDIRECT, order_no: `rr-${Date.now()}` } });
  const id = created.json.session_id as string;
  const posted = await postPayment(api, id, { pg_code: 'mpgs-kwd' }, await openPage(api, id));
  const sessionId = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(posted.text)![1]!;
  return { id, sessionId, reference: (await api.ports.sessions.get(id))!.attempts.at(-1)!.reference_number };
}

async function returnFromMpgs() {
  api.mpgs!.control.notifications('never');
  const { id, sessionId } = await handedOver();
  const back = await payOnHostedForm(api.mpgs!, sessionId, { expiry: '01/39' });
  const answer = await api.request('GET', back.pathname + back.search, { auth: 'none' });
  expect(answer.status).toBe(303);
  return { id, location: answer.headers.get('location')! };
}

test('the webhook answers 200: the return sends it, then the customer goes to redirect_url; it is not sent again', async () => {
  const { id, location } = await returnFromMpgs();
  expect(location).toMatch(new RegExp(`^${REDIRECT}\\?session_id=${id}&order_no=rr-\\d+&reference_number=[A-Z0-9]+$`));
  // Answered before the redirect, so already here when the return answered.
  expect(paidHooks(id)).toHaveLength(1);
  expect(paidHooks(id)[0]!.body.pg_params).toMatchObject({ result: 'APPROVED' });
  await waitFor(() => api.ports.queue.depth('webhook') === 0, { what: 'the webhook queue to drain' });
  expect(paidHooks(id)).toHaveLength(1);
});

test('the webhook answers 201: the receipt page, as Ottu', async () => {
  receiver.script(201);
  const { id, location } = await returnFromMpgs();
  expect(location).toBe(`${api.url}/checkout/${id}`);
  expect(paidHooks(id)).toHaveLength(1);
});

test('paid first by the notification: a later return goes to redirect_url once that webhook was answered 200, to the receipt after a 201', async () => {
  for (const [status, expected] of [[200, 'redirect'], [201, 'receipt']] as const) {
    receiver.script(status);
    api.mpgs!.control.notifications('deliver');
    api.mpgs!.control.browserNeverReturns();
    const { id, sessionId, reference } = await handedOver();
    await payOnHostedForm(api.mpgs!, sessionId, { expiry: '01/39' }).catch(() => undefined);
    await waitFor(async () => (await api.ports.sessions.get(id))?.webhook_status?.state === 'delivered', { what: 'the notification, its sync and the queued webhook' });
    const answer = await api.request('GET', `/checkout/${id}/return?attempt=${reference}`, { auth: 'none' });
    expect([status, answer.headers.get('location')!.startsWith(REDIRECT) ? 'redirect' : 'receipt']).toEqual([status, expected]);
    expect(paidHooks(id)).toHaveLength(1);
    api.mpgs!.control.reset();
  }
});
