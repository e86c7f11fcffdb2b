import type { SQSEvent } from 'aws-lambda';
import * as autoInquiry from '../../functions/handlers/queue/auto-inquiry';
import { lambdaContext } from '../../functions/local/lambda-context';
import { DEMO_MERCHANT } from '../../functions/local/mpgs/demo-merchant';
import { openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';
import { payOnHostedForm } from '../fixtures/mpgs';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/**
 * MPGS's notification on the embedded runtime (the same handler modules as on Lambda): the route
 * checks the secret, queues the sync on the automatic inquiry's queue and answers 200 at once;
 * AutoInquiry runs the sync. The sync queue's worker is held while a test needs to see what the
 * route did before any sync could run, then released.
 */
let api: TestApi;
let receiver: WebhookReceiver;
let held: Promise<void> | undefined;
let release = () => {};

beforeAll(async () => {
  receiver = await startReceiver(200);
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, localMpgs: { notificationTimeScale: 0.001 }, gatewayTimeoutMs: 1_000, webhookTimeoutMs: 1_000 });
  // The sync queue's own worker (the AutoInquiry handler module), behind a gate the tests close.
  const worker = autoInquiry.wire(api.ports);
  api.ports.queue.consume('sync', async (event: SQSEvent) => {
    await held;
    return worker(event, lambdaContext('AutoInquiry', Date.now() + 60_000));
  });
  // MPGS's own notifications stay off: each test sends the ones it needs, so it decides what races.
  api.mpgs!.control.notifications('never');
});
afterEach(() => openSyncs());
afterAll(async () => {
  await api.close();
  await receiver.close();
});

function holdSyncs(): void {
  held = new Promise((resolve) => (release = resolve));
}
function openSyncs(): void {
  release();
  held = undefined;
}

const eventTypes = (id: string) => api.ports.sessions.outbox.filter((event) => event.session_id === id).map((event) => event.type);
const stored = async (id: string) => (await api.ports.sessions.get(id, { consistent: true }))!;
/** MPGS's Retrieve Order of this attempt, as the local MPGS logged the calls it received. */
const orderReads = (reference: string) => api.mpgs!.requests().filter((entry) => entry.method === 'GET' && entry.path.endsWith(`/order/${reference}`));
const paidHooks = (id: string) => receiver.requests.filter((request) => request.body?.session_id === id && request.body.state === 'paid');

/** An MPGS session the customer paid at the gateway and never came back from: pending here. */
async function paidAtGatewayOnly() {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', webhook_url: receiver.url } });
  expect(created.status).toBe(201);
  const id = created.json.session_id as string;
  const visit = await openPage(api, id);
  const posted = await postPayment(api, id, { pg_code: 'mpgs-kwd' }, visit);
  const gatewaySession = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(posted.text)![1]!;
  // The browser is sent back to us, but never arrives (closed): MPGS's redirect is not followed.
  await payOnHostedForm(api.mpgs!, gatewaySession, { expiry: '01/39' });
  const reference = (await stored(id)).attempts.at(-1)!.reference_number;
  expect((await stored(id)).state).toBe('pending');
  return { id, reference };
}

/** MPGS's notification of the order; `secret` null: sent without X-Notification-Secret. */
const notify = (id: string, reference: string, secret: string | null = DEMO_MERCHANT.notificationSecret) =>
  api.request('POST', `/checkout/notify/mpgs-kwd/${id}`, {
    auth: 'none',
    body: JSON.stringify({ order: { id: reference }, result: 'SUCCESS' }),
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-notification-secret': secret }) },
  });

test('an authentic notification answers 200 before anything asks MPGS; the queued sync then pays the session, with one paid webhook', async () => {
  const { id, reference } = await paidAtGatewayOnly();
  holdSyncs();
  const queued = api.ports.queue.depth('sync');
  const answer = await notify(id, reference);
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({ detail: 'Received.' });
  // Answered with the sync queued and nothing asked: no Retrieve Order reached MPGS, nothing changed.
  expect(orderReads(reference)).toEqual([]);
  expect(api.ports.queue.depth('sync')).toBe(queued + 1);
  expect((await stored(id)).state).toBe('pending');

  openSyncs();
  await waitFor(async () => (await stored(id)).state === 'paid', { what: 'paid by the queued sync' });
  expect(orderReads(reference)).toHaveLength(1);
  expect((await stored(id)).attempts.at(-1)).toMatchObject({ result: 'success', pg_params: { result: 'APPROVED' } });
  await waitFor(async () => (await stored(id)).webhook_status?.event === 'paid', { what: 'the paid webhook recorded' });
  expect(paidHooks(id)).toHaveLength(1);
  expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
});

test('a duplicate notification: both answered 200 and queued, one state change and one webhook; one after the payment queues nothing', async () => {
  const { id, reference } = await paidAtGatewayOnly();
  holdSyncs();
  const queued = api.ports.queue.depth('sync');
  const answers = await Promise.all([notify(id, reference), notify(id, reference)]);
  expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
  expect(api.ports.queue.depth('sync')).toBe(queued + 2);
  expect(orderReads(reference)).toEqual([]);

  openSyncs();
  await waitFor(() => api.ports.queue.depth('sync') === queued, { what: 'both queued syncs done' });
  expect((await stored(id)).state).toBe('paid');
  expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
  await waitFor(async () => (await stored(id)).webhook_status?.event === 'paid', { what: 'the paid webhook recorded' });
  expect(paidHooks(id)).toHaveLength(1);

  // MPGS sends it once more, after the payment: acknowledged, nothing queued, nothing asked.
  const reads = orderReads(reference).length;
  expect((await notify(id, reference)).status).toBe(200);
  expect(api.ports.queue.depth('sync')).toBe(queued);
  expect(orderReads(reference)).toHaveLength(reads);
});

test('a wrong or missing secret is a 401 that queues nothing and changes nothing; a notification of an attempt not ours queues nothing', async () => {
  const { id, reference } = await paidAtGatewayOnly();
  holdSyncs();
  const queued = api.ports.queue.depth('sync');
  const before = await stored(id);
  for (const secret of [null, '', 'not-the-secret', `${DEMO_MERCHANT.notificationSecret}x`]) {
    const answer = await notify(id, reference, secret);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ detail: 'Invalid notification secret.' });
  }
  // Another gateway's code, another order: authentic or not, nothing of ours to sync.
  expect((await notify(id, 'NOTOURSORDER1')).status).toBe(200);
  expect((await api.request('POST', `/checkout/notify/mpgs-authorize/${id}`, { auth: 'none', body: JSON.stringify({ order: { id: reference } }), headers: { 'content-type': 'application/json', 'x-notification-secret': DEMO_MERCHANT.notificationSecret } })).status).toBe(200);
  expect(api.ports.queue.depth('sync')).toBe(queued);
  expect(await stored(id)).toEqual(before);
  expect(orderReads(reference)).toEqual([]);
});
