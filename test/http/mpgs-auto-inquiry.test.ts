import { INQUIRY_TRIES } from '../../functions/domain/inquiry';
import { openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';
import { payOnHostedForm } from '../fixtures/mpgs';
import { DEMO_MERCHANT } from '../../functions/local/mpgs/demo-merchant';

/**
 * The automatic inquiry on the embedded runtime and the local MPGS over real HTTP: a customer
 * who paid and closed the browser, with no notification from the gateway, still ends paid (and
 * the merchant gets the webhook); an attempt the gateway never answers is asked INQUIRY_TRIES
 * times, then left pending. CHECKOUT_LOCAL_DELAY_SCALE makes the 11-minute window 0.66 s.
 */
let api: TestApi;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startReceiver(200);
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.001, localMpgs: { notificationTimeScale: 0.001 }, gatewayTimeoutMs: 1_000 });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});
afterEach(() => api.mpgs!.control.reset());

const eventTypes = (id: string) => api.ports.sessions.outbox.filter((event) => event.session_id === id).map((event) => event.type);
/** The API request the session's paid event names: one search by it follows the payment to its webhook. */
const paidRequestId = (id: string) => api.ports.sessions.outbox.find((event) => event.session_id === id && event.type === 'paid')?.request_id;
const retrieveOrders = (reference: string) => api.mpgs!.requests().filter((entry) => entry.method === 'GET' && entry.path.endsWith(`/order/${reference}`)).length;

/** Creates an MPGS session, posts our page's form and answers the gateway session and our attempt. */
async function startMpgs(extra: Record<string, unknown> = {}) {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', webhook_url: `${receiver.url}/hook`, ...extra } });
  expect(created.status).toBe(201);
  const id = created.json.session_id as string;
  const visit = await openPage(api, id);
  const posted = await postPayment(api, id, { pg_code: 'mpgs-kwd' }, visit);
  expect(posted.status).toBe(200);
  const sessionId = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(posted.text)![1]!;
  const attempt = (await api.ports.sessions.get(id))!.attempts.at(-1)!;
  return { id, sessionId, reference: attempt.reference_number, payRequestId: posted.headers.get('x-request-id')! };
}

test('paid at the gateway, the browser never returns and no notification comes: the automatic inquiry pays the session, one paid event, the merchant gets the webhook', async () => {
  api.mpgs!.control.notifications('never');
  api.mpgs!.control.browserNeverReturns();
  const { id, sessionId, reference, payRequestId } = await startMpgs();
  const paid = await fetch(`${api.mpgs!.url}/checkout/pay/${sessionId}`, { method: 'POST', body: new URLSearchParams({ cardNumber: '5123450000000008', expiryMonth: '01', expiryYear: '39', securityCode: '100', nameOnCard: 'A' }), redirect: 'manual' });
  expect(paid.status).toBe(200); // the gateway's own page: the browser is not sent back to us
  await waitFor(async () => (await api.ports.sessions.get(id))!.state === 'paid', { what: 'paid by the automatic inquiry' });
  expect((await api.ports.sessions.get(id))!.attempts.at(-1)).toMatchObject({ reference_number: reference, result: 'success', card_last4: '0008' });
  // The gateway's notification was dropped: it never reached us.
  expect(api.mpgs!.notifications().flatMap((notification) => notification.attempts)).toEqual([]);
  const hook = await waitFor(() => receiver.requests.find((request) => request.body?.session_id === id && request.body?.state === 'paid'), { what: 'the paid webhook' });
  expect(hook!.body).toMatchObject({ state: 'paid', result: 'success' });
  // The tries left after the one that paid find the attempt settled and change nothing.
  await waitFor(() => retrieveOrders(reference) >= 1, { what: 'the inquiry' });
  expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
  // The sync ran in a worker, for the payment's request: its paid event names that request.
  expect(payRequestId).toMatch(/\S/);
  expect(paidRequestId(id)).toBe(payRequestId);
});

test(`an attempt the gateway never answers is asked ${INQUIRY_TRIES} times, then left pending for an operator`, async () => {
  api.mpgs!.control.notifications('never');
  const { id, reference } = await startMpgs(); // the customer never pays on the gateway's page
  await waitFor(() => retrieveOrders(reference) === INQUIRY_TRIES, { what: `${INQUIRY_TRIES} Retrieve Order calls` });
  // The last try done (its message deleted), nothing is left scheduled: it stopped.
  await waitFor(() => api.ports.queue.depth('sync') === 0, { what: 'the sync queue empty' });
  expect(retrieveOrders(reference)).toBe(INQUIRY_TRIES);
  const session = (await api.ports.sessions.get(id))!;
  expect(session).toMatchObject({ state: 'pending', result: 'pending' });
  expect(session.attempts.at(-1)).toMatchObject({ reference_number: reference, result: 'pending' });
  expect(eventTypes(id)).toEqual(['created', 'pending']);
});

/** The payment's own tries all spent while the customer is still on the gateway's page (a slow payer). */
async function startedLongAgo(extra: Record<string, unknown> = {}) {
  api.mpgs!.control.notifications('never');
  const started = await startMpgs(extra);
  await waitFor(() => retrieveOrders(started.reference) === INQUIRY_TRIES, { what: `the payment's ${INQUIRY_TRIES} tries` });
  await waitFor(() => api.ports.queue.depth('sync') === 0, { what: 'the sync queue empty' });
  return started;
}

/** Paid once the gateway answers, by tries the trigger scheduled (the payment's were spent): one paid event, one webhook. */
async function paidByNewTries(id: string, reference: string) {
  await waitFor(async () => (await api.ports.sessions.get(id))!.state === 'paid', { what: 'paid by the tries the trigger scheduled' });
  expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
  await waitFor(() => api.ports.queue.depth('sync') === 0, { what: 'the sync queue empty' });
  // The trigger's timed-out read, then the try that paid; the tries after it find the attempt settled and ask nothing.
  expect(retrieveOrders(reference)).toBe(INQUIRY_TRIES + 2);
  await waitFor(() => receiver.requests.filter((request) => request.body?.session_id === id && request.body?.state === 'paid').length === 1, { what: 'the paid webhook' });
}

test('the customer comes back after the payment\'s tries are spent and MPGS does not answer the return in time: the customer sees our page, and the tries the return scheduled pay the session', async () => {
  const { id, sessionId, reference } = await startedLongAgo({ redirect_url: 'https://merchant.example/done' });
  const back = await payOnHostedForm(api.mpgs!, sessionId, { expiry: '01/39' });
  api.mpgs!.control.delayNext(1, 1_500, 'GET'); // past the connector's 1 s timeout: unknown, never failed
  const returned = await api.request('GET', back.pathname + back.search, { auth: 'none' });
  expect(returned.status).toBe(303);
  // Not paid yet as far as the return knows: our page, not the merchant's redirect_url.
  expect(returned.headers.get('location')).toMatch(new RegExp(`/checkout/${id}$`));
  await paidByNewTries(id, reference);
  expect(paidRequestId(id)).toBe(returned.headers.get('x-request-id'));
});

test('a notification whose sync MPGS does not answer in time, after the payment\'s tries are spent: its sync schedules the tries again, which pay the session', async () => {
  const { id, sessionId, reference } = await startedLongAgo();
  await payOnHostedForm(api.mpgs!, sessionId, { expiry: '01/39' }); // the browser never comes back
  api.mpgs!.control.delayNext(1, 1_500, 'GET');
  const notified = await api.request('POST', `/checkout/notify/mpgs-kwd/${id}`, {
    auth: 'none',
    body: JSON.stringify({ order: { id: reference }, result: 'SUCCESS' }),
    headers: { 'content-type': 'application/json', 'x-notification-secret': DEMO_MERCHANT.notificationSecret },
  });
  expect(notified.status).toBe(200);
  await paidByNewTries(id, reference);
  expect(paidRequestId(id)).toBe(notified.headers.get('x-request-id'));
});
